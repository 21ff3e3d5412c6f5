/**
 * Live checkout through Razorpay, end to end (docs/domain-rules.md#payments, docs/security.md#reliability-and-security-bars).
 *
 * The app runs with live Razorpay keys whose API base points the real `razorpay` SDK at the
 * fake Razorpay (`test/fakes/fake-razorpay.ts`) on 127.0.0.1. The fake plays the attendee in
 * Checkout (`pay`) and Razorpay's webhook sender (`sendWebhook`), which posts to a tiny
 * `@hono/node-server` bridge in front of `app.fetch`. Every test covers one way an order
 * completes (the browser's `/pay`, a webhook, the reconciler), their races, or a fault
 * around them. Time is the app's ManualClock; mail is sent by running the outbox worker by hand.
 */
import { createHmac } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutboxJob } from '../../src/delivery/outbox.js';
import { ManualClock } from '../../src/kernel/clock.js';
import type { TicketDoc } from '../../src/domain/tickets.js';
import type { PaymentGateway } from '../../src/payments/gateway.js';
import { startFakeRazorpay, type FakeRazorpay, type FakeWebhookEvent } from '../fakes/fake-razorpay.js';
import { buildTestApp, eventBody, type TestApp } from '../helpers/app.js';
import { buyer, deliverMail, readCode, startOrder } from '../helpers/checkout.js';
import { readyForLive } from '../helpers/account-security.js';

const WEBHOOK_SECRET = 'whsec_live_test_0123456789abcdef';
const WEBHOOK_PATH = '/v1/gateway/razorpay/webhook';

let fake: FakeRazorpay;
let t: TestApp;
let bridge: Server;
let bridgeUrl: string;

beforeEach(async () => {
  const clock = new ManualClock('2030-06-01T10:00:00.000Z');
  fake = await startFakeRazorpay({ now: () => clock.now().getTime() });
  t = await buildTestApp({
    clock,
    env: {
      RAZORPAY_KEY_ID: fake.keyId,
      RAZORPAY_KEY_SECRET: fake.keySecret,
      RAZORPAY_WEBHOOK_SECRET: WEBHOOK_SECRET,
      RAZORPAY_API_BASE: fake.apiBase,
      // These organizers connect no Razorpay account of their own: the installation's keys take their live orders.
      TTS_PLATFORM_COLLECTS: 'true',
    },
  });
  const app = t.app;
  bridge = await new Promise<Server>((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(server as Server));
  });
  bridgeUrl = `http://127.0.0.1:${(bridge.address() as AddressInfo).port}`;
});

afterEach(async () => {
  bridge.closeAllConnections();
  await new Promise<void>((resolve) => bridge.close(() => resolve()));
  await fake.close();
});

type Organizer = { sk: string; pk: string; testSk: string; event: any; general: string };
type PayableOrder = { id: string; client_secret: string; quantity: number; amount: number; expires_at: string; gatewayOrderId: string; buyer: { email: string } };

/** A fresh organizer with live keys and one live event. */
async function liveOrganizer(overrides: Record<string, unknown> = {}): Promise<Organizer> {
  const { sk: testSk, account } = await t.signUp();
  await readyForLive(t, account.id);
  const sk = (await t.call('POST', '/v1/keys/roll', { key: testSk, body: { kind: 'secret', mode: 'live', password: 'correct horse battery' } })).body.secret as string;
  const pk = (await t.call('POST', '/v1/keys/roll', { key: sk, body: { kind: 'publishable' } })).body.secret as string;
  expect(sk).toMatch(/^sk_live_/);
  expect(pk).toMatch(/^pk_live_/);
  const res = await t.call('POST', '/v1/events', { key: sk, body: eventBody(overrides) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.body.livemode).toBe(true);
  return { sk, pk, testSk, event: res.body, general: res.body.ticket_types[0].id as string };
}

/** Starts an order and verifies the buyer's email: the order awaits payment at Razorpay. */
async function payableOrder(org: Organizer, quantity = 2, who = buyer()): Promise<PayableOrder> {
  const started = await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.general, quantity }], who);
  const code = await readCode(t, started.buyer.email);
  const res = await t.call('POST', `/v1/orders/${started.id}/verify`, { key: org.pk, body: { client_secret: started.client_secret, code } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { ...res.body, client_secret: started.client_secret, gatewayOrderId: res.body.payment.gateway_order_id };
}

/** The browser's callback: what Razorpay Checkout handed the page, posted to `/pay`. */
function payCall(pk: string, order: PayableOrder, checkout: { orderId: string; paymentId: string; signature: string }) {
  return t.call('POST', `/v1/orders/${order.id}/pay`, {
    key: pk,
    body: { client_secret: order.client_secret, gateway_order_id: checkout.orderId, gateway_payment_id: checkout.paymentId, signature: checkout.signature },
  });
}

function webhook(event: FakeWebhookEvent, subject: { paymentId?: string; orderId?: string; refundId?: string }, options: { eventId?: string; secret?: string } = {}) {
  return fake.sendWebhook(`${bridgeUrl}${WEBHOOK_PATH}`, event, subject, { secret: options.secret ?? WEBHOOK_SECRET, ...(options.eventId ? { eventId: options.eventId } : {}) });
}

const getOrder = async (org: Organizer, id: string) => (await t.call('GET', `/v1/orders/${id}`, { key: org.sk })).body;
const getEvent = async (org: Organizer) => (await t.call('GET', `/v1/events/${org.event.id}`, { key: org.sk })).body;
const ticketsOf = (orderId: string) => t.store.collection<TicketDoc>('tickets').find({ order: orderId });
const mailJobs = (kind: string, orderId: string) => t.store.collection<OutboxJob>('outbox').find({ kind, 'payload.order': orderId });
const capturesOf = (paymentId: string) => fake.requests.filter((r) => r.method === 'POST' && r.path === `/v1/payments/${paymentId}/capture`);

describe('the browser callback', () => {
  it('takes a live order from the hold to captured payment and tickets through the real SDK', async () => {
    const org = await liveOrganizer();
    const who = buyer('Meera Iyer');
    const started = await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.general, quantity: 3 }], who);
    expect(started).toMatchObject({ status: 'awaiting_verification', livemode: true, quantity: 3, amount: 3 * 49_900, payment: null });
    expect(fake.orders.size).toBe(0); // no gateway order before the email is verified

    const code = await readCode(t, who.email);
    const verified = await t.call('POST', `/v1/orders/${started.id}/verify`, { key: org.pk, body: { client_secret: started.client_secret, code } });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    expect(verified.body.status).toBe('awaiting_payment');
    expect(verified.body.payment).toMatchObject({ gateway: 'razorpay', key_id: fake.keyId, amount: 149_700, currency: 'INR', gateway_payment_id: null });
    const gatewayOrderId = verified.body.payment.gateway_order_id as string;
    expect(fake.orders.get(gatewayOrderId)).toMatchObject({
      amount: 149_700,
      currency: 'INR',
      receipt: started.id,
      status: 'created',
      notes: { order: started.id, event: org.event.id },
    });
    expect(fake.requests.find((r) => r.path === '/v1/orders')?.authorized).toBe(true);

    const checkout = fake.pay(gatewayOrderId);
    expect(fake.payments.get(checkout.paymentId)?.status).toBe('authorized');
    const order = { ...verified.body, client_secret: started.client_secret, gatewayOrderId };
    const paid = await payCall(org.pk, order, checkout);
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body.status).toBe('paid');
    expect(paid.body.payment).toMatchObject({ gateway: 'razorpay', gateway_order_id: gatewayOrderId, gateway_payment_id: checkout.paymentId });
    expect(paid.body.tickets).toHaveLength(3);
    for (const ticket of paid.body.tickets) expect(ticket).toMatchObject({ status: 'valid', holder: { name: 'Meera Iyer', email: who.email } });

    // Authorized-only payments are captured for exactly the order's amount.
    expect(capturesOf(checkout.paymentId)).toEqual([expect.objectContaining({ authorized: true, body: { amount: 149_700, currency: 'INR' } })]);
    expect(fake.payments.get(checkout.paymentId)).toMatchObject({ status: 'captured', captured: true });
    expect(fake.orders.get(gatewayOrderId)?.status).toBe('paid');

    expect(await mailJobs('tickets', started.id)).toHaveLength(1);
    const mail = (await deliverMail(t)).filter((m) => m.to === who.email && !/code/i.test(m.subject));
    expect(mail).toHaveLength(1);
    expect(await getEvent(org)).toMatchObject({ sold: 3, held: 0, available: 97 });
  });
});

describe('completion by webhook alone', () => {
  it('issues tickets on payment.captured, and a replayed event id changes nothing', async () => {
    const org = await liveOrganizer();
    const order = await payableOrder(org, 2);
    const { paymentId } = fake.pay(order.gatewayOrderId, { capture: true });

    const first = await webhook('payment.captured', { paymentId }, { eventId: 'EvtCaptured0001' });
    expect(first.status, first.responseBody).toBe(200);
    expect(JSON.parse(first.responseBody)).toEqual({ received: true, duplicate: false, ignored: false });
    expect(await getOrder(org, order.id)).toMatchObject({ status: 'paid', payment: { gateway_payment_id: paymentId } });
    const issued = (await ticketsOf(order.id)).map((ticket) => ticket._id).sort();
    expect(issued).toHaveLength(2);

    const replay = await webhook('payment.captured', { paymentId }, { eventId: 'EvtCaptured0001' });
    expect(replay.status).toBe(200);
    expect(JSON.parse(replay.responseBody)).toEqual({ received: true, duplicate: true, ignored: false });
    // Razorpay also sends order.paid for the same payment, under its own event id.
    const sibling = await webhook('order.paid', { paymentId }, { eventId: 'EvtOrderPaid0001' });
    expect(JSON.parse(sibling.responseBody)).toEqual({ received: true, duplicate: false, ignored: false });

    expect((await ticketsOf(order.id)).map((ticket) => ticket._id).sort()).toEqual(issued);
    expect(await mailJobs('tickets', order.id)).toHaveLength(1);
    expect(await getEvent(org)).toMatchObject({ sold: 2, held: 0 });
  });

  it('issues tickets on order.paid, capturing a payment that was only authorized', async () => {
    const org = await liveOrganizer();
    const order = await payableOrder(org, 1);
    const { paymentId } = fake.pay(order.gatewayOrderId);

    const sent = await webhook('order.paid', { paymentId });
    expect(sent.status, sent.responseBody).toBe(200);
    expect(await getOrder(org, order.id)).toMatchObject({ status: 'paid', tickets: [expect.objectContaining({ status: 'valid' })] });
    expect(fake.payments.get(paymentId)?.status).toBe('captured');
    expect(await ticketsOf(order.id)).toHaveLength(1);
  });

  it('refuses a forged signature and a re-serialised body, and accepts the genuine bytes', async () => {
    const org = await liveOrganizer();
    const order = await payableOrder(org, 1);
    const { paymentId } = fake.pay(order.gatewayOrderId, { capture: true });

    const forged = await webhook('payment.captured', { paymentId }, { secret: 'not-the-webhook-secret' });
    expect(forged.status).toBe(401);
    expect(JSON.parse(forged.responseBody).error.code).toBe('UNAUTHENTICATED');

    // Have the fake sign a delivery without it reaching the webhook, to replay its bytes by hand.
    const genuine = await fake.sendWebhook(`${bridgeUrl}/not-the-webhook`, 'payment.captured', { paymentId }, { secret: WEBHOOK_SECRET, eventId: 'EvtGenuine0001' });
    expect(genuine.status).toBe(404);
    const post = (body: string) =>
      t.app.request(WEBHOOK_PATH, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-razorpay-signature': genuine.signature, 'x-razorpay-event-id': genuine.eventId },
        body,
      });
    const reserialised = JSON.stringify(JSON.parse(genuine.body), null, 2);
    expect(reserialised).not.toBe(genuine.body);
    const refused = await post(reserialised);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as any).error.code).toBe('UNAUTHENTICATED');
    expect(await getOrder(org, order.id)).toMatchObject({ status: 'awaiting_payment', tickets: [] });

    const accepted = await post(genuine.body);
    expect(accepted.status).toBe(200);
    expect(await getOrder(org, order.id)).toMatchObject({ status: 'paid' });
    expect(await ticketsOf(order.id)).toHaveLength(1);
  });
});

describe('completion by the reconciler alone', () => {
  it('finds a payment whose browser callback and webhook never arrived', async () => {
    const org = await liveOrganizer();
    const order = await payableOrder(org, 2);
    const { paymentId } = fake.pay(order.gatewayOrderId);

    expect(await t.services.repair.reconcile()).toBe(1);
    expect(await getOrder(org, order.id)).toMatchObject({ status: 'paid', payment: { gateway_payment_id: paymentId } });
    expect(await ticketsOf(order.id)).toHaveLength(2);
    expect(fake.payments.get(paymentId)?.status).toBe('captured');
    expect(await t.services.repair.reconcile()).toBe(0);
    expect(await ticketsOf(order.id)).toHaveLength(2);
    expect(await mailJobs('tickets', order.id)).toHaveLength(1);
  });

  it('re-holds seats for a payment that lands after the hold expired, when seats remain', async () => {
    const org = await liveOrganizer();
    const order = await payableOrder(org, 2);
    expect(await getEvent(org)).toMatchObject({ held: 2, available: 98 });

    t.clock.set(new Date(new Date(order.expires_at).getTime() + 1));
    expect(await t.services.orders.expireLapsedOrders()).toBe(1);
    expect(await getOrder(org, order.id)).toMatchObject({ status: 'expired' });
    expect(await getEvent(org)).toMatchObject({ held: 0, sold: 0, available: 100 });

    const { paymentId } = fake.pay(order.gatewayOrderId);
    expect(await t.services.repair.reconcile()).toBe(1);
    expect(await getOrder(org, order.id)).toMatchObject({ status: 'paid', payment: { gateway_payment_id: paymentId } });
    expect(await ticketsOf(order.id)).toHaveLength(2);
    expect(await getEvent(org)).toMatchObject({ held: 0, sold: 2, available: 98 });
  });

  it('refunds a late payment whose seats were sold to someone else meanwhile', async () => {
    const org = await liveOrganizer({ capacity: 1, ticket_types: [{ name: 'General', price: 49_900 }] });
    const late = await payableOrder(org, 1);
    t.clock.set(new Date(new Date(late.expires_at).getTime() + 1));
    expect(await t.services.orders.expireLapsedOrders()).toBe(1);

    const other = await payableOrder(org, 1);
    expect((await payCall(org.pk, other, fake.pay(other.gatewayOrderId))).body.status).toBe('paid');
    expect(await getEvent(org)).toMatchObject({ sold: 1, held: 0, available: 0 });

    const { paymentId } = fake.pay(late.gatewayOrderId);
    expect(await t.services.repair.reconcile()).toBe(0);
    expect(await getOrder(org, late.id)).toMatchObject({ status: 'refunded', tickets: [] });
    expect(fake.payments.get(paymentId)).toMatchObject({ status: 'refunded', amount_refunded: 49_900 });
    expect([...fake.refunds.values()].filter((r) => r.payment_id === paymentId)).toHaveLength(1);
    expect(await mailJobs('refund_notice', late.id)).toEqual([expect.objectContaining({ to: late.buyer.email, payload: { order: late.id, reason: 'sold_out' } })]);
    expect(await mailJobs('tickets', late.id)).toHaveLength(0);
    expect(await getEvent(org)).toMatchObject({ sold: 1, held: 0, available: 0 });
    expect(await ticketsOf(other.id)).toHaveLength(1);
  });

  it('keeps going past a payment that does not pay for its order, and completes with a good one', async () => {
    const org = await liveOrganizer();
    const order = await payableOrder(org, 1);
    const wrong = fake.pay(order.gatewayOrderId, { amount: 100 });
    const sibling = await payableOrder(org, 1);
    const good = fake.pay(sibling.gatewayOrderId);

    expect(await t.services.repair.reconcile()).toBe(1);
    expect(await getOrder(org, order.id)).toMatchObject({ status: 'awaiting_payment', tickets: [] });
    expect(fake.payments.get(wrong.paymentId)?.status).toBe('authorized'); // never captured
    expect(await getOrder(org, sibling.id)).toMatchObject({ status: 'paid', payment: { gateway_payment_id: good.paymentId } });

    const retry = fake.pay(order.gatewayOrderId);
    expect(await t.services.repair.reconcile()).toBe(1);
    expect(await getOrder(org, order.id)).toMatchObject({ status: 'paid', payment: { gateway_payment_id: retry.paymentId } });
    expect(await ticketsOf(order.id)).toHaveLength(1);
  });
});

describe('racing confirmations', () => {
  /**
   * Left alone, the first confirmer usually finishes before the others have heard back from
   * Razorpay, so they never overlap. This holds each payment's first `parties` answers from
   * Razorpay (the real SDK's, over HTTP) until all have arrived, so the callers capture,
   * transition and fulfil at the same moment.
   */
  async function alignPaymentFetches(org: Organizer, parties: number): Promise<void> {
    const account = (await t.call('GET', '/v1/account', { key: org.sk })).body.id as string;
    const gateway = (await t.services.gateways.gatewayFor(account, true)).gateway as { fetchPayment: PaymentGateway['fetchPayment'] };
    const fetchPayment = gateway.fetchPayment.bind(gateway);
    const barriers = new Map<string, { arrived: number; open: () => void; opened: Promise<void> }>();
    gateway.fetchPayment = async (paymentId) => {
      const payment = await fetchPayment(paymentId);
      let barrier = barriers.get(paymentId);
      if (!barrier) {
        let open = () => {};
        const opened = new Promise<void>((resolve) => (open = resolve));
        barrier = { arrived: 0, open, opened };
        barriers.set(paymentId, barrier);
      }
      barrier.arrived += 1;
      if (barrier.arrived === parties) barrier.open();
      if (barrier.arrived <= parties) await barrier.opened;
      return payment;
    };
  }

  it('issues each order’s tickets once when /pay, the webhook and the reconciler race, 50 times', async () => {
    const org = await liveOrganizer({ capacity: 500, require_email_verification: false, ticket_types: [{ name: 'General', price: 49_900 }] });
    await alignPaymentFetches(org, 3);
    const orders: Array<{ id: string; quantity: number; paymentId: string }> = [];
    for (let round = 0; round < 50; round++) {
      const quantity = (round % 3) + 1;
      const started = await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.general, quantity }]);
      expect(started.status).toBe('awaiting_payment');
      const order = { ...started, gatewayOrderId: started.payment.gateway_order_id } as PayableOrder;
      // Half the payments arrive captured (auto-capture), half only authorized, so captures race too.
      const checkout = fake.pay(order.gatewayOrderId, { capture: round % 2 === 0 });
      const [paid, hook] = await Promise.all([payCall(org.pk, order, checkout), webhook('payment.captured', { paymentId: checkout.paymentId }), t.services.repair.reconcile()]);
      expect(paid.status, `round ${round}: ${JSON.stringify(paid.body)}`).toBe(200);
      expect(paid.body.status).toBe('paid');
      expect(hook.status, `round ${round}: ${hook.responseBody}`).toBe(200);
      expect(fake.payments.get(checkout.paymentId)?.status).toBe('captured');
      orders.push({ id: order.id, quantity, paymentId: checkout.paymentId });
    }

    const total = orders.reduce((sum, o) => sum + o.quantity, 0);
    for (const o of orders) {
      const tickets = await ticketsOf(o.id);
      expect(tickets, o.id).toHaveLength(o.quantity);
      expect(new Set(tickets.map((ticket) => ticket.index)).size).toBe(o.quantity);
      expect(await mailJobs('tickets', o.id), o.id).toHaveLength(1);
      expect(capturesOf(o.paymentId).length).toBeLessThanOrEqual(3);
    }
    expect(await t.store.collection<TicketDoc>('tickets').count({ event: org.event.id })).toBe(total);
    expect(await getEvent(org)).toMatchObject({ sold: total, held: 0, available: 500 - total });
  });
});

describe('faults', () => {
  it('answers 503 when Razorpay is unreachable at verify, keeps the hold, and verifies once it is back', async () => {
    const org = await liveOrganizer();
    const started = await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.general, quantity: 2 }]);
    const code = await readCode(t, started.buyer.email);
    const verifyCall = () => t.call('POST', `/v1/orders/${started.id}/verify`, { key: org.pk, body: { client_secret: started.client_secret, code } });

    fake.setDown(true);
    const down = await verifyCall();
    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe('UPSTREAM_UNAVAILABLE');
    fake.setDown('drop');
    expect((await verifyCall()).body.error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(await getEvent(org)).toMatchObject({ held: 2, available: 98 });
    expect(await getOrder(org, started.id)).toMatchObject({ status: 'awaiting_payment', payment: null });
    expect(fake.orders.size).toBe(0);

    fake.setDown(false);
    const back = await verifyCall();
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    expect(back.body).toMatchObject({ status: 'awaiting_payment', payment: { gateway: 'razorpay', gateway_order_id: expect.stringMatching(/^order_/) } });
    expect(fake.orders.size).toBe(1);
    const order = { ...back.body, client_secret: started.client_secret, gatewayOrderId: back.body.payment.gateway_order_id };
    const paid = await payCall(org.pk, order, fake.pay(order.gatewayOrderId));
    expect(paid.body).toMatchObject({ status: 'paid', tickets: [expect.anything(), expect.anything()] });
  });

  it('refuses a payment whose amount Razorpay reports differently, issuing nothing', async () => {
    const org = await liveOrganizer();
    const order = await payableOrder(org, 2);
    const checkout = fake.pay(order.gatewayOrderId, { amount: order.amount - 100 });

    const res = await payCall(org.pk, order, checkout);
    expect(res.status).toBe(402);
    expect(res.body.error.code).toBe('PAYMENT_VERIFICATION_FAILED');
    expect(await ticketsOf(order.id)).toHaveLength(0);
    expect(capturesOf(checkout.paymentId)).toHaveLength(0);
    expect(await getOrder(org, order.id)).toMatchObject({ status: 'awaiting_payment' });

    // The same payment reported by webhook is acknowledged (a retry would not help) and changes nothing.
    const hook = await webhook('payment.captured', { paymentId: checkout.paymentId });
    expect(hook.status, hook.responseBody).toBe(200);
    expect(await ticketsOf(order.id)).toHaveLength(0);
    expect(await getEvent(org)).toMatchObject({ sold: 0, held: 2 });
    const stored = await t.store.collection<{ _id: string; last_payment_error: string | null }>('orders').findOne({ _id: order.id });
    expect(stored?.last_payment_error).toMatch(/amount does not match/);
  });

  it('refuses a signature made for another order', async () => {
    const org = await liveOrganizer();
    const mine = await payableOrder(org, 1);
    const theirs = await payableOrder(org, 1);
    const theirCheckout = fake.pay(theirs.gatewayOrderId);

    const crossed = await payCall(org.pk, mine, theirCheckout);
    expect(crossed.status).toBe(402);
    expect(crossed.body.error.code).toBe('PAYMENT_VERIFICATION_FAILED');
    const relabelled = await payCall(org.pk, mine, { ...theirCheckout, orderId: mine.gatewayOrderId });
    expect(relabelled.status).toBe(402);
    const wrongKey = createHmac('sha256', 'some-other-secret').update(`${mine.gatewayOrderId}|${theirCheckout.paymentId}`).digest('hex');
    expect((await payCall(org.pk, mine, { orderId: mine.gatewayOrderId, paymentId: theirCheckout.paymentId, signature: wrongKey })).status).toBe(402);

    expect(await getOrder(org, mine.id)).toMatchObject({ status: 'awaiting_payment', tickets: [] });
    expect(capturesOf(theirCheckout.paymentId)).toHaveLength(0);
  });

  it('answers 409 for a second, different payment of a paid order and 200 with the same tickets for the same one', async () => {
    const org = await liveOrganizer();
    const order = await payableOrder(org, 2);
    const first = fake.pay(order.gatewayOrderId);
    const second = fake.pay(order.gatewayOrderId); // a second Checkout tab, before the first was captured

    const paid = await payCall(org.pk, order, first);
    expect(paid.body.status).toBe('paid');
    const ticketIds = paid.body.tickets.map((ticket: { id: string }) => ticket.id);

    const other = await payCall(org.pk, order, second);
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('ORDER_NOT_PAYABLE');
    expect(capturesOf(second.paymentId)).toHaveLength(0);

    const again = await payCall(org.pk, order, first);
    expect(again.status).toBe(200);
    expect(again.body.tickets.map((ticket: { id: string }) => ticket.id)).toEqual(ticketIds);
    expect(await ticketsOf(order.id)).toHaveLength(2);
    expect(capturesOf(first.paymentId)).toHaveLength(1);
  });

  it('answers 404 for another account’s order, and for the same account’s test keys', async () => {
    const org = await liveOrganizer();
    const order = await payableOrder(org, 1);
    const checkout = fake.pay(order.gatewayOrderId);
    const stranger = await liveOrganizer();

    expect((await payCall(stranger.pk, order, checkout)).status).toBe(404);
    expect((await t.call('GET', `/v1/orders/${order.id}`, { key: stranger.sk })).status).toBe(404);
    expect((await t.call('POST', `/v1/orders/${order.id}/refund`, { key: stranger.sk })).status).toBe(404);
    expect((await t.call('GET', `/v1/orders/${order.id}`, { key: org.testSk })).status).toBe(404);
    expect(await getOrder(org, order.id)).toMatchObject({ status: 'awaiting_payment' });
    expect(capturesOf(checkout.paymentId)).toHaveLength(0);
  });

  it('refunds a paid order: money back at Razorpay, tickets voided, seats returned, buyer told', async () => {
    const org = await liveOrganizer();
    const order = await payableOrder(org, 2);
    const checkout = fake.pay(order.gatewayOrderId);
    expect((await payCall(org.pk, order, checkout)).body.status).toBe('paid');
    expect(await getEvent(org)).toMatchObject({ sold: 2, available: 98 });

    expect((await t.call('POST', `/v1/orders/${order.id}/refund`, { key: org.pk })).status).toBe(403);
    const res = await t.call('POST', `/v1/orders/${order.id}/refund`, { key: org.sk });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.status).toBe('refunded');
    expect(res.body.tickets).toHaveLength(2);
    for (const ticket of res.body.tickets) expect(ticket.status).toBe('voided');
    expect(fake.payments.get(checkout.paymentId)).toMatchObject({ status: 'refunded', amount_refunded: order.amount });
    expect(await getEvent(org)).toMatchObject({ sold: 0, held: 0, available: 100 });
    expect(await mailJobs('refund_notice', order.id)).toHaveLength(1);

    // Refunding again, or Razorpay's refund.processed for our own refund, changes nothing.
    expect((await t.call('POST', `/v1/orders/${order.id}/refund`, { key: org.sk })).body.status).toBe('refunded');
    const [refund] = [...fake.refunds.values()];
    expect((await webhook('refund.processed', { refundId: refund!.id })).status).toBe(200);
    expect(fake.refunds.size).toBe(1);
    expect(await getEvent(org)).toMatchObject({ sold: 0, available: 100 });
    expect(await mailJobs('refund_notice', order.id)).toHaveLength(1);
  });

  it('marks an order refunded when a full refund made in Razorpay’s dashboard is reported', async () => {
    const org = await liveOrganizer();
    const order = await payableOrder(org, 2);
    const checkout = fake.pay(order.gatewayOrderId);
    expect((await payCall(org.pk, order, checkout)).body.status).toBe('paid');

    // The dashboard refunds in two parts: the first counts as a partial refund, and once the whole amount is back the order is refunded.
    const refundAtDashboard = async (amount: number) => {
      const res = await fetch(`${fake.apiBase}/payments/${checkout.paymentId}/refund`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${fake.keyId}:${fake.keySecret}`).toString('base64')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ amount }),
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { id: string }).id;
    };
    const part = await refundAtDashboard(order.amount / 2);
    expect((await webhook('refund.processed', { refundId: part })).status).toBe(200);
    expect(await getOrder(org, order.id)).toMatchObject({ status: 'partially_refunded', refunded_amount: order.amount / 2 });
    expect(await getEvent(org)).toMatchObject({ sold: 2 });

    const rest = await refundAtDashboard(order.amount / 2);
    const hook = await webhook('refund.processed', { refundId: rest });
    expect(hook.status, hook.responseBody).toBe(200);
    const refunded = await getOrder(org, order.id);
    expect(refunded.status).toBe('refunded');
    for (const ticket of refunded.tickets) expect(ticket.status).toBe('voided');
    expect(await getEvent(org)).toMatchObject({ sold: 0, available: 100 });
    // One notice per processed refund, as for refunds made through the service.
    expect(await mailJobs('refund_notice', order.id)).toHaveLength(2);
    expect(fake.refunds.size).toBe(2); // we did not refund a second time
  });

  it('marks an order refunded on a single full dashboard refund', async () => {
    const org = await liveOrganizer();
    const order = await payableOrder(org, 1);
    const checkout = fake.pay(order.gatewayOrderId, { capture: true });
    expect((await payCall(org.pk, order, checkout)).body.status).toBe('paid');
    const res = await fetch(`${fake.apiBase}/payments/${checkout.paymentId}/refund`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${fake.keyId}:${fake.keySecret}`).toString('base64')}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const refundId = ((await res.json()) as { id: string }).id;
    expect((await webhook('refund.processed', { refundId })).status).toBe(200);
    expect(await getOrder(org, order.id)).toMatchObject({ status: 'refunded' });
    expect(await getEvent(org)).toMatchObject({ sold: 0, available: 100 });
  });
});

describe('money that must not be kept, and runs that must not stop', () => {
  it('refunds a second captured payment for an order another payment already paid', async () => {
    const org = await liveOrganizer();
    const order = await payableOrder(org, 1);
    // Two Checkout tabs: both payments are authorized before either is captured.
    const first = fake.pay(order.gatewayOrderId);
    const second = fake.pay(order.gatewayOrderId);
    expect((await payCall(org.pk, order, first)).body.status).toBe('paid');
    // The account's auto-capture settles the second one too.
    fake.autoCapture(second.paymentId);

    expect((await webhook('payment.captured', { paymentId: second.paymentId })).status).toBe(200);
    expect(fake.payments.get(second.paymentId)).toMatchObject({ status: 'refunded', amount_refunded: 49_900 });
    expect(fake.payments.get(first.paymentId)?.amount_refunded).toBe(0);
    expect(await ticketsOf(order.id)).toHaveLength(1);

    // The same second payment reported by the browser: refused, and not refunded twice.
    const again = await payCall(org.pk, order, second);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/second payment for it is refunded/);
    expect(fake.requests.filter((r) => r.path === `/v1/payments/${second.paymentId}/refund`)).toHaveLength(1);
  });

  it('finishes issuing before a refund voids, so no ticket outlives the refund', async () => {
    const org = await liveOrganizer();
    const order = await payableOrder(org, 2);
    const { paymentId } = fake.pay(order.gatewayOrderId, { capture: true });
    // The state a crash right after the paid transition leaves: paid, no tickets yet.
    await t.store
      .collection('orders')
      .updateOne({ _id: order.id }, { $set: { status: 'paid', fulfilment: 'pending', paid_at: t.clock.now(), 'payment.gateway_payment_id': paymentId } });
    const refunded = await t.call('POST', `/v1/orders/${order.id}/refund`, { key: org.sk });
    expect(refunded.body.status).toBe('refunded');
    const tickets = await ticketsOf(order.id);
    expect(tickets).toHaveLength(2);
    expect(tickets.every((ticket) => ticket.status === 'voided')).toBe(true);
    expect(await getEvent(org)).toMatchObject({ sold: 0, held: 0, available: 100 });
    await t.services.repair.sweep();
    expect((await ticketsOf(order.id)).every((ticket) => ticket.status === 'voided')).toBe(true);
  });

  it('keeps reconciling the other orders when one of them cannot be checked', async () => {
    const org = await liveOrganizer();
    const broken = await payableOrder(org, 1);
    const good = await payableOrder(org, 1);
    fake.pay(good.gatewayOrderId, { capture: true });
    // An order whose gateway order Razorpay does not know (say, created with other keys).
    await t.store.collection('orders').updateOne({ _id: broken.id }, { $set: { 'payment.gateway_order_id': 'order_UnknownToRazorpay' } });
    await expect(t.services.repair.reconcile()).rejects.toThrow(/reconciled 1 orders; 1 could not be checked/);
    expect((await getOrder(org, good.id)).status).toBe('paid');
    expect((await getOrder(org, broken.id)).status).toBe('awaiting_payment');
  });
});
