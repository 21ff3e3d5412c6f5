/**
 * Signed Razorpay webhooks whose bodies are not what Razorpay documents (security).
 *
 * Each delivery is signed with the real webhook secret, so it passes the HMAC check and only
 * the body's parsing stands between it and the store. The victims are ordinary test-mode
 * orders of another account, paid (or awaiting payment) through the test gateway.
 */
import { createHmac } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { OrderDoc } from '../../src/domain/orders.js';
import type { TicketDoc } from '../../src/domain/tickets.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { organizerWithEvent, payWithTestGateway, startOrder, verify } from '../helpers/checkout.js';

const WEBHOOK_SECRET = 'whsec_input_test_0123456789abcdef';
const WEBHOOK_PATH = '/v1/gateway/razorpay/webhook';

let t: TestApp;
let deliveries = 0;

beforeEach(async () => {
  // The installation's Razorpay account (its webhook is verified by its gateway); never called here.
  t = await buildTestApp({ env: { RAZORPAY_KEY_ID: 'rzp_test_InputTest00001', RAZORPAY_KEY_SECRET: 'input_test_key_secret', RAZORPAY_WEBHOOK_SECRET: WEBHOOK_SECRET } });
});

/** Posts `body` exactly as given, signed as Razorpay signs: HMAC-SHA256 hex of the raw bytes. */
async function deliver(body: string) {
  deliveries += 1;
  const res = await t.app.request(WEBHOOK_PATH, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-razorpay-signature': createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex'),
      'x-razorpay-event-id': `EvtInput${String(deliveries).padStart(6, '0')}`,
    },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Another organizer's order, verified and awaiting payment at the test gateway. */
async function victimAwaitingPayment() {
  const org = await organizerWithEvent(t);
  const started = await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.general, quantity: 2 }]);
  const verified = await verify(t, org.pk, started);
  return { org, order: { ...started, ...verified, client_secret: started.client_secret } };
}

/** Another organizer's paid order with two valid tickets. */
async function victimPaid() {
  const { org, order } = await victimAwaitingPayment();
  const paid = await payWithTestGateway(t, org.pk, order, order.payment.gateway_order_id);
  expect(paid.body.status).toBe('paid');
  return { org, order: paid.body };
}

const orderDoc = (id: string) => t.store.collection<OrderDoc>('orders').findOne({ _id: id });
const ticketsOf = (id: string) => t.store.collection<TicketDoc>('tickets').find({ order: id });

describe('query operators inside a signed webhook', () => {
  it('refunds nobody when refund.processed names its payment with an operator', async () => {
    const { order } = await victimPaid();
    const res = await deliver(
      JSON.stringify({
        entity: 'event',
        event: 'refund.processed',
        payload: { refund: { entity: { id: 'rfnd_X', payment_id: { $gt: '' }, amount: 10_000_000 } }, payment: { entity: { id: { $gt: '' }, amount_refunded: 10_000_000 } } },
      }),
    );

    expect(res).toEqual({ status: 200, body: { received: true, duplicate: false, ignored: true } });
    expect(await orderDoc(order.id)).toMatchObject({ status: 'paid' });
    const tickets = await ticketsOf(order.id);
    expect(tickets).toHaveLength(2);
    for (const ticket of tickets) expect(ticket.status).toBe('valid');
    expect(await t.store.collection('outbox').find({ kind: 'refund_notice' })).toEqual([]);
  });

  it('writes into no order when payment.failed names its order with an operator', async () => {
    const { order } = await victimAwaitingPayment();
    const res = await deliver(JSON.stringify({ event: 'payment.failed', payload: { payment: { entity: { id: 'pay_X', order_id: { $ne: null }, error_description: 'pwned' } } } }));

    expect(res.status).toBe(200);
    expect(res.body.ignored).toBe(true);
    const stored = await orderDoc(order.id);
    expect(stored?.status).toBe('awaiting_payment');
    expect(stored?.last_payment_error ?? null).toBeNull();
  });

  it('completes no order when a success event names its order with an operator', async () => {
    const { order } = await victimAwaitingPayment();
    const res = await deliver(JSON.stringify({ event: 'payment.captured', payload: { payment: { entity: { id: 'pay_X', order_id: { $regex: '.' } } } } }));

    expect(res.status).toBe(200);
    expect(res.body.ignored).toBe(true);
    expect(await orderDoc(order.id)).toMatchObject({ status: 'awaiting_payment' });
  });

  it('logs a malformed signed body so the mismatch can be looked into', async () => {
    await deliver(JSON.stringify({ event: 'payment.failed', payload: { payment: { entity: { order_id: { $ne: null } } } } }));
    expect(t.logger.entries).toContainEqual(expect.objectContaining({ level: 'warn', reason: expect.stringContaining('order_id') }));
  });
});

describe('signed bodies of the wrong shape', () => {
  it.each([
    ['null', 'null'],
    ['an array', '[]'],
    ['a number', '42'],
    ['not JSON', 'payment.captured'],
    ['an event that is not a string', JSON.stringify({ event: { $ne: null } })],
    ['a payment.failed without a payload', JSON.stringify({ event: 'payment.failed' })],
    [
      'a payment.failed whose error_description is not a string',
      JSON.stringify({ event: 'payment.failed', payload: { payment: { entity: { order_id: 'order_Known', error_description: { text: 'x' } } } } }),
    ],
    [
      'a payment.failed whose error_description is a number',
      JSON.stringify({ event: 'payment.failed', payload: { payment: { entity: { order_id: 'order_Known', error_description: 42 } } } }),
    ],
    ['a refund.processed whose amount is text', JSON.stringify({ event: 'refund.processed', payload: { refund: { entity: { payment_id: 'pay_Known', amount: '1e9' } } } })],
    ['a payment.captured whose payload is null', JSON.stringify({ event: 'payment.captured', payload: null })],
  ])('acknowledges %s without acting on it, never a 500', async (_name, body) => {
    const res = await deliver(body);
    expect(res).toEqual({ status: 200, body: { received: true, duplicate: false, ignored: true } });
  });

  it('acknowledges and ignores an event it does not act on', async () => {
    const res = await deliver(JSON.stringify({ event: 'subscription.charged', payload: { subscription: { entity: { id: { $gt: '' } } } } }));
    expect(res).toEqual({ status: 200, body: { received: true, duplicate: false, ignored: true } });
  });

  it('still records a well-formed payment.failed for the order it names', async () => {
    const { order } = await victimAwaitingPayment();
    const gatewayOrderId = order.payment.gateway_order_id as string;
    // As if the installation's Razorpay keys had taken it: the installation's webhook acts on no other order.
    await t.store.collection<OrderDoc>('orders').updateOne({ _id: order.id }, { $set: { 'payment.config': 'platform' } });
    const res = await deliver(
      JSON.stringify({
        event: 'payment.failed',
        payload: { payment: { entity: { id: 'pay_F1', order_id: gatewayOrderId, error_description: 'Card declined', extra: { any: 'thing' } } } },
      }),
    );

    expect(res).toEqual({ status: 200, body: { received: true, duplicate: false, ignored: false } });
    expect(await orderDoc(order.id)).toMatchObject({ status: 'awaiting_payment', last_payment_error: 'Card declined' });
  });

  it('still refuses an unsigned delivery before reading its body', async () => {
    const res = await t.app.request(WEBHOOK_PATH, { method: 'POST', headers: { 'content-type': 'application/json', 'x-razorpay-signature': 'f'.repeat(64) }, body: 'null' });
    expect(res.status).toBe(401);
  });
});
