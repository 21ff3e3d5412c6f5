import type { Ticket } from '@trendy-tickets/sdk';
import { expect } from 'vitest';
import { createMailRenderer } from '../../src/delivery/mail-renderer.js';
import type { CapturedMessage, Mailer } from '../../src/delivery/mailer.js';
import { createOutboxWorker } from '../../src/delivery/outbox.js';
import { eventBody, type TestApp } from './app.js';

/** The outbox worker the server runs, run by hand: tests decide when mail goes out. */
export function mailWorker(t: TestApp, mailer: Mailer = t.mailbox) {
  return createOutboxWorker({
    store: t.store,
    mailer,
    render: createMailRenderer({ store: t.store, publicUrl: t.config.publicUrl, clock: t.clock }),
    clock: t.clock,
    workerId: 'test-worker',
  });
}

/** Sends every queued mail and returns what the captured mailbox holds, newest first. */
export async function deliverMail(t: TestApp): Promise<CapturedMessage[]> {
  await mailWorker(t).runOnce();
  return t.mailbox.list({ limit: 200 });
}

/** The 6-digit code in the newest verification mail to `email`. */
export async function readCode(t: TestApp, email: string): Promise<string> {
  const mail = (await deliverMail(t)).find((m) => m.to === email && /code/i.test(m.subject));
  const code = mail?.text.match(/\b(\d{6})\b/)?.[1];
  expect(code, `a verification code mailed to ${email}`).toBeDefined();
  return code!;
}

/** An organizer with one published test event. */
export async function organizerWithEvent(t: TestApp, overrides: Record<string, unknown> = {}) {
  const keys = await t.signUp();
  const res = await t.call('POST', '/v1/events', { key: keys.sk, body: eventBody(overrides) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { ...keys, event: res.body, general: res.body.ticket_types[0].id as string, vip: res.body.ticket_types[1]?.id as string };
}

let buyers = 0;
/** A buyer with a unique email (the per-email code limit is 5 an hour). */
export function buyer(name = 'Asha Rao') {
  buyers += 1;
  return { name, email: `buyer${buyers}@example.com`, phone: '+91 98765 43210' };
}

/** Starts an order with the publishable key; returns the order (with its client secret). */
export async function startOrder(t: TestApp, pk: string, event: string, items: Array<{ ticket_type: string; quantity: number }>, who = buyer()) {
  const res = await t.call('POST', '/v1/orders', { key: pk, body: { event, items, buyer: who } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** Verifies the order's email with the code from the mailbox. */
export async function verify(t: TestApp, pk: string, order: { id: string; client_secret: string; buyer: { email: string } }) {
  const code = await readCode(t, order.buyer.email);
  const res = await t.call('POST', `/v1/orders/${order.id}/verify`, { key: pk, body: { client_secret: order.client_secret, code } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** Pays an order through the test gateway, as the widget's test panel does. */
export async function payWithTestGateway(t: TestApp, pk: string, order: { id: string; client_secret: string }, gatewayOrderId: string) {
  const simulated = await t.call('POST', '/v1/test-gateway/payments', { key: pk, body: { gateway_order_id: gatewayOrderId, outcome: 'success' } });
  expect(simulated.status, JSON.stringify(simulated.body)).toBe(200);
  return t.call('POST', `/v1/orders/${order.id}/pay`, {
    key: pk,
    body: {
      client_secret: order.client_secret,
      gateway_order_id: simulated.body.gateway_order_id,
      gateway_payment_id: simulated.body.gateway_payment_id,
      signature: simulated.body.signature,
    },
  });
}

/** Issues tickets directly (payment taken elsewhere), without mail: the quickest way to make attendees. */
export async function issueTickets(t: TestApp, sk: string, event: string, ticketType: string, holder: { name: string; email: string }, quantity = 1): Promise<Ticket[]> {
  const res = await t.call('POST', '/v1/tickets', { key: sk, body: { event, ticket_type: ticketType, quantity, holder, send_email: false } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data;
}

/** Admits a ticket at `at` through the door service, as a scanner would (the figures follow). */
export async function checkInAt(t: TestApp, ticket: { id: string; code: string }, at: string, by = 'door-1'): Promise<void> {
  const stored = await t.services.tickets.findById(ticket.id);
  expect(stored, ticket.id).not.toBeNull();
  const before = t.clock.now();
  t.clock.set(at);
  const { checkin } = await t.services.checkins.scan({ account: stored!.account, livemode: stored!.livemode }, { code: ticket.code, by });
  t.clock.set(before.toISOString());
  expect(checkin.result, checkin.reason ?? '').toBe('accepted');
}
