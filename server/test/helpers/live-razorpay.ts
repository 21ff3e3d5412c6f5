/**
 * The app with live Razorpay keys pointed at the fake Razorpay (`test/fakes/fake-razorpay.ts`),
 * plus a `@hono/node-server` bridge the fake posts webhooks to, and the steps a live order
 * goes through. For tests of how the product copes with Razorpay as it really behaves.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { expect } from 'vitest';
import type { OutboxJob } from '../../src/delivery/outbox.js';
import { ManualClock } from '../../src/kernel/clock.js';
import type { TicketDoc } from '../../src/domain/tickets.js';
import { startFakeRazorpay, type FakeRazorpay, type FakeWebhookEvent } from '../fakes/fake-razorpay.js';
import { buildTestApp, eventBody, type TestApp } from './app.js';
import { buyer, readCode, startOrder } from './checkout.js';
import { readyForLive } from './account-security.js';

export const WEBHOOK_SECRET = 'whsec_live_test_0123456789abcdef';
export const WEBHOOK_PATH = '/v1/gateway/razorpay/webhook';

export type LiveOrganizer = { sk: string; pk: string; email: string; event: any; general: string; totpSecret: string | null };
export type PayableOrder = { id: string; client_secret: string; amount: number; gatewayOrderId: string; buyer: { email: string } };

/**
 * Starts the fake, the app and the bridge; `close()` stops them.
 *
 * @example
 * const live = await startLiveRazorpay({ uniqueReceipts: true });
 * const org = await live.organizer();
 */
export async function startLiveRazorpay(options: { uniqueReceipts?: boolean; env?: Record<string, string> } = {}) {
  const clock = new ManualClock('2030-06-01T10:00:00.000Z');
  const fake: FakeRazorpay = await startFakeRazorpay({ now: () => clock.now().getTime(), ...(options.uniqueReceipts ? { uniqueReceipts: true } : {}) });
  const t: TestApp = await buildTestApp({
    clock,
    env: {
      RAZORPAY_KEY_ID: fake.keyId,
      RAZORPAY_KEY_SECRET: fake.keySecret,
      RAZORPAY_WEBHOOK_SECRET: WEBHOOK_SECRET,
      RAZORPAY_API_BASE: fake.apiBase,
      // The organizers here connect no Razorpay account of their own: the installation's keys take their live orders.
      TTS_PLATFORM_COLLECTS: 'true',
      ...options.env,
    },
  });
  const bridge = await new Promise<Server>((resolve) => {
    const server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(server as Server));
  });
  const bridgeUrl = `http://127.0.0.1:${(bridge.address() as AddressInfo).port}`;

  /** A fresh organizer with live keys and one live event of ₹499 tickets (`event` changes its body). */
  async function organizer(event: Record<string, unknown> = {}): Promise<LiveOrganizer> {
    const { sk: testSk, account } = await t.signUp();
    const { totpSecret } = await readyForLive(t, account.id);
    const sk = (await t.call('POST', '/v1/keys/roll', { key: testSk, body: { kind: 'secret', mode: 'live', password: 'correct horse battery' } })).body.secret as string;
    const pk = (await t.call('POST', '/v1/keys/roll', { key: sk, body: { kind: 'publishable' } })).body.secret as string;
    const res = await t.call('POST', '/v1/events', { key: sk, body: eventBody(event) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { sk, pk, email: account.email as string, event: res.body, general: res.body.ticket_types[0].id as string, totpSecret };
  }

  /** Starts an order and verifies the buyer's email: the order awaits payment at Razorpay. */
  async function payableOrder(org: LiveOrganizer, quantity = 1): Promise<PayableOrder> {
    const started = await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.general, quantity }], buyer());
    const code = await readCode(t, started.buyer.email);
    const res = await t.call('POST', `/v1/orders/${started.id}/verify`, { key: org.pk, body: { client_secret: started.client_secret, code } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return { ...res.body, client_secret: started.client_secret, gatewayOrderId: res.body.payment.gateway_order_id };
  }

  /** The browser's callback: what Checkout handed the page, posted to `/pay`. */
  function pay(pk: string, order: PayableOrder, checkout: { orderId: string; paymentId: string; signature: string }) {
    return t.call('POST', `/v1/orders/${order.id}/pay`, {
      key: pk,
      body: { client_secret: order.client_secret, gateway_order_id: checkout.orderId, gateway_payment_id: checkout.paymentId, signature: checkout.signature },
    });
  }

  /** A paid order: paid in Checkout and reported by the browser. */
  async function paidOrder(org: LiveOrganizer, quantity = 1): Promise<PayableOrder & { paymentId: string }> {
    const order = await payableOrder(org, quantity);
    const checkout = fake.pay(order.gatewayOrderId);
    const res = await pay(org.pk, order, checkout);
    expect(res.body.status, JSON.stringify(res.body)).toBe('paid');
    return { ...order, paymentId: checkout.paymentId };
  }

  function webhook(event: FakeWebhookEvent, subject: { paymentId?: string; orderId?: string; refundId?: string }) {
    return fake.sendWebhook(`${bridgeUrl}${WEBHOOK_PATH}`, event, subject, { secret: WEBHOOK_SECRET });
  }

  return {
    fake,
    t,
    clock,
    bridgeUrl,
    organizer,
    payableOrder,
    paidOrder,
    pay,
    webhook,
    getOrder: async (org: LiveOrganizer, id: string) => (await t.call('GET', `/v1/orders/${id}`, { key: org.sk })).body,
    refund: (org: LiveOrganizer, id: string, body?: Record<string, unknown>) => t.call('POST', `/v1/orders/${id}/refund`, { key: org.sk, ...(body ? { body } : {}) }),
    ticketsOf: (orderId: string) => t.store.collection<TicketDoc>('tickets').find({ order: orderId }),
    mailJobs: (kind: string, orderId: string) => t.store.collection<OutboxJob>('outbox').find({ kind, 'payload.order': orderId }),
    async close() {
      bridge.closeAllConnections();
      await new Promise<void>((resolve) => bridge.close(() => resolve()));
      await fake.close();
    },
  };
}

export type LiveRazorpay = Awaited<ReturnType<typeof startLiveRazorpay>>;
