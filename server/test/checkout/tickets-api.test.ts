import { describe, expect, it } from 'vitest';
import type { EventDoc } from '../../src/domain/events.js';
import type { OutboxJob } from '../../src/delivery/outbox.js';
import type { OrderDoc } from '../../src/domain/orders.js';
import { parseTicketCode, verifyTicketCodeSignature } from '../../src/domain/ticket-codes.js';
import { IDEMPOTENCY_COLLECTION } from '../../src/http/middleware/idempotency.js';
import { TEST_GATEWAY_COLLECTIONS } from '../../src/payments/test-gateway.js';
import { buildTestApp } from '../helpers/app.js';
import { buyer, deliverMail, organizerWithEvent, payWithTestGateway, startOrder } from '../helpers/checkout.js';
import { readyForLiveByKey } from '../helpers/account-security.js';

describe('POST /v1/tickets (payment taken elsewhere, or comps)', () => {
  it('issues tickets to a holder, takes the seats and mails them', async () => {
    const t = await buildTestApp();
    const { sk, event, vip } = await organizerWithEvent(t);
    const res = await t.call('POST', '/v1/tickets', {
      key: sk,
      body: { event: event.id, ticket_type: vip, quantity: 3, holder: { name: 'Ravi Kumar', email: 'Ravi@Example.com' }, external_reference: 'INV-2030-0042' },
    });
    expect(res.status).toBe(201);
    expect(res.body.object).toBe('list');
    expect(res.body.data).toHaveLength(3);
    expect(res.body.data[0]).toMatchObject({ status: 'valid', ticket_type: vip, ticket_type_name: 'VIP', holder: { name: 'Ravi Kumar', email: 'ravi@example.com' } });
    const after = await t.call('GET', `/v1/events/${event.id}`, { key: sk });
    expect(after.body).toMatchObject({ sold: 3, held: 0, available: 97 });
    expect(after.body.ticket_types[1]).toMatchObject({ sold: 3, available: 17 });
    const mails = await deliverMail(t);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.attachments).toHaveLength(3);
  });

  it('does not mail when asked not to, and refuses more seats than remain', async () => {
    const t = await buildTestApp();
    const { sk, event, vip } = await organizerWithEvent(t);
    const body = { event: event.id, ticket_type: vip, quantity: 20, holder: { name: 'Comp', email: 'comp@example.com' }, send_email: false };
    expect((await t.call('POST', '/v1/tickets', { key: sk, body })).status).toBe(201);
    expect(await deliverMail(t)).toHaveLength(0);
    const more = await t.call('POST', '/v1/tickets', { key: sk, body: { ...body, quantity: 1 } });
    expect(more.status).toBe(409);
    expect(more.body.error.code).toBe('SOLD_OUT');
  });

  it('issues once for a retried request with the same Idempotency-Key', async () => {
    const t = await buildTestApp();
    const { sk, event, general } = await organizerWithEvent(t);
    const body = { event: event.id, ticket_type: general, quantity: 2, holder: { name: 'Asha', email: 'asha@example.com' } };
    const headers = { 'Idempotency-Key': 'invoice-42' };
    const first = await t.call('POST', '/v1/tickets', { key: sk, body, headers });
    const retry = await t.call('POST', '/v1/tickets', { key: sk, body, headers });
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await t.store.collection('tickets').count({})).toBe(2);
  });

  it('needs a secret key', async () => {
    const t = await buildTestApp();
    const { pk, event, general } = await organizerWithEvent(t);
    const res = await t.call('POST', '/v1/tickets', { key: pk, body: { event: event.id, ticket_type: general, holder: { name: 'x', email: 'x@example.com' } } });
    expect(res.status).toBe(403);
  });
});

describe('tickets', () => {
  async function withTicket() {
    const t = await buildTestApp();
    const org = await organizerWithEvent(t);
    const issued = await t.call('POST', '/v1/tickets', {
      key: org.sk,
      body: { event: org.event.id, ticket_type: org.general, holder: { name: 'Meera Nair', email: 'meera@example.com' } },
    });
    return { t, ...org, ticket: issued.body.data[0] };
  }

  it('shows anyone with the link a limited view, and the organizer everything', async () => {
    const { t, sk, ticket, event } = await withTicket();
    const open = await t.call('GET', `/v1/tickets/${ticket.id}`);
    expect(open.status).toBe(200);
    expect(open.body).toEqual({
      id: ticket.id,
      object: 'public_ticket',
      event: { id: event.id, name: event.name, venue: event.venue, starts_at: event.starts_at, ends_at: event.ends_at, timezone: 'Asia/Kolkata' },
      ticket_type_name: 'General',
      holder_first_name: 'Meera',
      status: 'valid',
      valid_from: null,
      valid_until: event.ends_at,
    });
    const full = await t.call('GET', `/v1/tickets/${ticket.id}`, { key: sk });
    expect(full.body).toEqual(ticket);
    const other = await t.signUp();
    expect((await t.call('GET', `/v1/tickets/${ticket.id}`, { key: other.sk })).status).toBe(404);
    expect((await t.call('GET', '/v1/tickets/tkt_doesnotexist0000000000')).status).toBe(404);
  });

  it("signs each ticket's code with the account's Ed25519 key", async () => {
    const { t, ticket, event } = await withTicket();
    const parsed = parseTicketCode(ticket.code)!;
    expect(parsed).toMatchObject({ ticketId: ticket.id, eventId: event.id });
    const stored = await t.store.collection<{ _id: string; account: string }>('tickets').findOne({ _id: ticket.id });
    const publicKey = await t.services.codes.publicKey(stored!.account);
    expect(verifyTicketCodeSignature(parsed, publicKey)).toBe(true);
    const forged = parseTicketCode(ticket.code.replace(ticket.id, `tkt_${'A'.repeat(22)}`))!;
    expect(verifyTicketCodeSignature(forged, publicKey)).toBe(false);
  });

  it('voids a ticket and returns its seat; voiding again changes nothing', async () => {
    const { t, sk, ticket, event } = await withTicket();
    const voided = await t.call('POST', `/v1/tickets/${ticket.id}/void`, { key: sk });
    expect(voided.body.status).toBe('voided');
    expect((await t.call('POST', `/v1/tickets/${ticket.id}/void`, { key: sk })).body.status).toBe('voided');
    expect((await t.call('GET', `/v1/events/${event.id}`, { key: sk })).body).toMatchObject({ sold: 0, available: 100 });
  });
});

describe('refunds in test mode', () => {
  it('refunds a paid order: tickets voided, seats back, buyer told', async () => {
    const t = await buildTestApp();
    const { sk, pk, event, general } = await organizerWithEvent(t, { require_email_verification: false });
    const order = await startOrder(t, pk, event.id, [{ ticket_type: general, quantity: 2 }]);
    await payWithTestGateway(t, pk, order, order.payment.gateway_order_id);
    const refunded = await t.call('POST', `/v1/orders/${order.id}/refund`, { key: sk });
    expect(refunded.status).toBe(200);
    expect(refunded.body.status).toBe('refunded');
    expect(refunded.body.tickets.map((x: { status: string }) => x.status)).toEqual(['voided', 'voided']);
    expect((await t.call('GET', `/v1/events/${event.id}`, { key: sk })).body).toMatchObject({ sold: 0, held: 0, available: 100 });
    const jobs = await t.store.collection<OutboxJob>('outbox').find({ kind: 'refund_notice' });
    expect(jobs).toHaveLength(1);
    expect((await t.call('POST', `/v1/orders/${order.id}/refund`, { key: sk })).body.status).toBe('refunded');
  });

  it('refuses to refund an unpaid order, and to refund with a publishable key', async () => {
    const t = await buildTestApp();
    const { sk, pk, event, general } = await organizerWithEvent(t, { require_email_verification: false });
    const order = await startOrder(t, pk, event.id, [{ ticket_type: general, quantity: 1 }]);
    expect((await t.call('POST', `/v1/orders/${order.id}/refund`, { key: sk })).body.error.code).toBe('ORDER_NOT_PAYABLE');
    expect((await t.call('POST', `/v1/orders/${order.id}/refund`, { key: pk })).status).toBe(403);
  });
});

describe('paying in test mode (errors)', () => {
  async function payable() {
    const t = await buildTestApp();
    const org = await organizerWithEvent(t, { require_email_verification: false });
    const order = await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.general, quantity: 1 }]);
    return { t, ...org, order };
  }

  it("refuses a signature made for another order's payment", async () => {
    const { t, pk, event, general, order } = await payable();
    const other = await startOrder(t, pk, event.id, [{ ticket_type: general, quantity: 1 }]);
    const paidOther = await t.call('POST', '/v1/test-gateway/payments', { key: pk, body: { gateway_order_id: other.payment.gateway_order_id, outcome: 'success' } });
    const res = await t.call('POST', `/v1/orders/${order.id}/pay`, {
      key: pk,
      body: {
        client_secret: order.client_secret,
        gateway_order_id: other.payment.gateway_order_id,
        gateway_payment_id: paidOther.body.gateway_payment_id,
        signature: paidOther.body.signature,
      },
    });
    expect(res.status).toBe(402);
    expect(res.body.error.code).toBe('PAYMENT_VERIFICATION_FAILED');
    const spliced = await t.call('POST', `/v1/orders/${order.id}/pay`, {
      key: pk,
      body: {
        client_secret: order.client_secret,
        gateway_order_id: order.payment.gateway_order_id,
        gateway_payment_id: paidOther.body.gateway_payment_id,
        signature: paidOther.body.signature,
      },
    });
    expect(spliced.status).toBe(402);
    expect(await t.store.collection('tickets').count({})).toBe(0);
  });

  it('answers a repeated pay with the same tickets, and refuses a second payment', async () => {
    const { t, pk, order } = await payable();
    const first = await payWithTestGateway(t, pk, order, order.payment.gateway_order_id);
    const simulated = await t.call('POST', '/v1/test-gateway/payments', { key: pk, body: { gateway_order_id: order.payment.gateway_order_id, outcome: 'success' } });
    const body = { client_secret: order.client_secret, gateway_order_id: order.payment.gateway_order_id, gateway_payment_id: first.body.payment.gateway_payment_id };
    const again = await t.call('POST', `/v1/orders/${order.id}/pay`, { key: pk, body: { ...body, signature: 'ignored-for-an-already-paid-order' } });
    expect(again.status).toBe(200);
    expect(again.body.tickets).toEqual(first.body.tickets);
    expect(simulated.status).toBe(409); // the test gateway will not take a second payment for a paid order
  });

  it('answers the losers of 20 different racing payments as a payment after the first is answered', async () => {
    const { t, pk, order } = await payable();
    const payments = [];
    for (let i = 0; i < 21; i++) {
      const simulated = await t.call('POST', '/v1/test-gateway/payments', { key: pk, body: { gateway_order_id: order.payment.gateway_order_id, outcome: 'success' } });
      expect(simulated.status).toBe(200);
      payments.push(simulated.body);
    }
    const pay = (p: { gateway_order_id: string; gateway_payment_id: string; signature: string }) =>
      t.call('POST', `/v1/orders/${order.id}/pay`, {
        key: pk,
        body: { client_secret: order.client_secret, gateway_order_id: p.gateway_order_id, gateway_payment_id: p.gateway_payment_id, signature: p.signature },
      });
    const racing = await Promise.all(payments.slice(0, 20).map(pay));
    const after = await pay(payments[20]);

    expect(after.status).toBe(409);
    const winners = racing.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    for (const loser of racing.filter((r) => r.status !== 200)) {
      expect({ status: loser.status, error: { code: loser.body.error.code, message: loser.body.error.message } }).toEqual({
        status: after.status,
        error: { code: after.body.error.code, message: after.body.error.message },
      });
    }
    expect(await t.store.collection('tickets').count({ order: order.id })).toBe(1);
    // Every captured payment but the winner's is refunded in full; none is kept twice.
    const stored = await t.store.collection<{ _id: string; status: string; amount: number; amount_refunded: number }>(TEST_GATEWAY_COLLECTIONS.payments).find({});
    const kept = stored.filter((p) => p.status === 'captured' && p.amount_refunded === 0);
    expect(kept.map((p) => p._id)).toEqual([winners[0]!.body.payment.gateway_payment_id]);
    expect(stored.every((p) => p.status !== 'captured' || p.amount_refunded === 0 || p.amount_refunded === p.amount)).toBe(true);
  });

  it('records a failed payment and lets the buyer try again', async () => {
    const { t, pk, order } = await payable();
    const failed = await t.call('POST', '/v1/test-gateway/payments', { key: pk, body: { gateway_order_id: order.payment.gateway_order_id, outcome: 'failure' } });
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ outcome: 'failure', signature: null, error: { reason: 'payment_failed' } });
    const retry = await payWithTestGateway(t, pk, order, order.payment.gateway_order_id);
    expect(retry.body.status).toBe('paid');
  });

  it("keeps the test gateway to test keys and to the account's own orders", async () => {
    const { t, sk, order } = await payable();
    const other = await t.signUp();
    const foreign = await t.call('POST', '/v1/test-gateway/payments', { key: other.pk, body: { gateway_order_id: order.payment.gateway_order_id, outcome: 'success' } });
    expect(foreign.status).toBe(404);
    await readyForLiveByKey(t, sk);
    const liveSk = (await t.call('POST', '/v1/keys/roll', { key: sk, body: { kind: 'secret', mode: 'live', password: 'correct horse battery' } })).body.secret;
    const livePk = (await t.call('POST', '/v1/keys/roll', { key: liveSk, body: { kind: 'publishable' } })).body.secret;
    const live = await t.call('POST', '/v1/test-gateway/payments', { key: livePk, body: { gateway_order_id: order.payment.gateway_order_id, outcome: 'success' } });
    expect(live.status).toBe(403);
  });
});

describe('Idempotency-Key on orders', () => {
  it('replays the identical order for a retried request and holds seats once', async () => {
    const t = await buildTestApp();
    const { pk, event, general } = await organizerWithEvent(t, { require_email_verification: false });
    const body = { event: event.id, items: [{ ticket_type: general, quantity: 2 }], buyer: buyer() };
    const headers = { 'Idempotency-Key': 'checkout-attempt-1' };
    const first = await t.call('POST', '/v1/orders', { key: pk, body, headers });
    const retry = await t.call('POST', '/v1/orders', { key: pk, body, headers });
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.body.client_secret).toBe(first.body.client_secret);
    const stored = (await t.store.collection<EventDoc>('events').findOne({ _id: event.id }))!;
    expect(stored.inventory.held).toBe(2);
    const changed = await t.call('POST', '/v1/orders', { key: pk, body: { ...body, items: [{ ticket_type: general, quantity: 3 }] }, headers });
    expect(changed.status).toBe(422);
    expect(changed.body.error.code).toBe('IDEMPOTENCY_MISMATCH');
  });
});

describe('client secrets and replays', () => {
  it('keeps no client secret in the idempotency record, and gives the creator a working one on replay', async () => {
    const t = await buildTestApp();
    const { pk, event, general } = await organizerWithEvent(t);
    const body = { event: event.id, items: [{ ticket_type: general, quantity: 1 }], buyer: buyer() };
    const headers = { 'Idempotency-Key': '6f1c2d7e-5b0a-4c8e-9d3f-2a1b0c9d8e7f' };
    const first = await t.call('POST', '/v1/orders', { key: pk, body, headers });
    expect(first.status).toBe(201);
    const secret: string = first.body.client_secret;
    expect(secret).toMatch(new RegExp(`^${first.body.id}_secret_[0-9A-Za-z]{32}$`));

    const records = await t.store.collection<{ _id: string; response?: { body: string } }>(IDEMPOTENCY_COLLECTION).find({});
    expect(records).toHaveLength(1);
    expect(JSON.stringify(records)).not.toContain(secret.slice(-32));
    expect(JSON.parse(records[0]!.response!.body)).toMatchObject({ id: first.body.id, client_secret: null });

    const retry = await t.call('POST', '/v1/orders', { key: pk, body, headers });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true');
    expect(JSON.stringify(retry.body)).toBe(JSON.stringify(first.body));
    const read = await t.call('GET', `/v1/orders/${first.body.id}?client_secret=${encodeURIComponent(retry.body.client_secret)}`, { key: pk });
    expect(read.status).toBe(200);
    expect(read.body.client_secret).toBeUndefined();
  });

  it('leaves a secret it can no longer derive out of the replay rather than handing back a wrong one', async () => {
    const t = await buildTestApp();
    const { pk, event, general } = await organizerWithEvent(t);
    const body = { event: event.id, items: [{ ticket_type: general, quantity: 1 }], buyer: buyer() };
    const headers = { 'Idempotency-Key': 'c0ffee00-1111-4222-8333-444455556666' };
    const first = await t.call('POST', '/v1/orders', { key: pk, body, headers });
    // The order as one created under another TTS_SECRET would be stored.
    await t.store.collection<OrderDoc>('orders').updateOne({ _id: first.body.id }, { $set: { client_secret_hash: 'ab'.repeat(32) } });
    const retry = await t.call('POST', '/v1/orders', { key: pk, body, headers });
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
    expect(retry.body).not.toHaveProperty('client_secret');
  });
});

describe('refunds that race or are cut short', () => {
  async function paidOrder(quantity = 2) {
    const t = await buildTestApp();
    const org = await organizerWithEvent(t, { require_email_verification: false, capacity: 5, ticket_types: [{ name: 'General', price: 49_900 }] });
    const order = await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.general, quantity }]);
    const paid = await payWithTestGateway(t, org.pk, order, order.payment.gateway_order_id);
    expect(paid.body.status).toBe('paid');
    return { t, ...org, order, tickets: paid.body.tickets as Array<{ id: string }> };
  }
  const counters = async (t: Awaited<ReturnType<typeof paidOrder>>['t'], sk: string, event: string) =>
    (({ sold, held, available }) => ({ sold, held, available }))((await t.call('GET', `/v1/events/${event}`, { key: sk })).body);

  it('finishes a refund cut short after the order was marked refunded', async () => {
    const { t, sk, event, order } = await paidOrder();
    // The state a crash right after the refunded transition leaves.
    await t.store
      .collection('orders')
      .updateOne({ _id: order.id }, { $set: { status: 'refunded', refund_reason: 'requested_by_organizer', refund_settled: false, updated_at: t.clock.now() } });
    t.clock.advance(61_000);
    await t.services.repair.sweep();
    const after = await t.call('GET', `/v1/orders/${order.id}`, { key: sk });
    expect(after.body.tickets.map((x: { status: string }) => x.status)).toEqual(['voided', 'voided']);
    expect(await counters(t, sk, event.id)).toEqual({ sold: 0, held: 0, available: 5 });
    expect(await t.store.collection('outbox').count({ kind: 'refund_notice' })).toBe(1);
    await t.services.repair.sweep();
    expect(await counters(t, sk, event.id)).toEqual({ sold: 0, held: 0, available: 5 });
  });

  it('returns each seat once when a refund races a single-ticket void, 20 times over', async () => {
    for (let round = 0; round < 20; round++) {
      const { t, sk, event, order, tickets } = await paidOrder(1);
      await Promise.all([t.call('POST', `/v1/orders/${order.id}/refund`, { key: sk }), t.call('POST', `/v1/tickets/${tickets[0]!.id}/void`, { key: sk })]);
      expect(await counters(t, sk, event.id)).toEqual({ sold: 0, held: 0, available: 5 });
    }
  });

  it('hands back tickets a fulfilment issued while a sold-out refund claimed the order', async () => {
    const { t, sk, pk, event, general } = await paidOrder(1);
    const order = await startOrder(t, pk, event.id, [{ ticket_type: general, quantity: 2 }]);
    await t.call('POST', '/v1/test-gateway/payments', { key: pk, body: { gateway_order_id: order.payment.gateway_order_id, outcome: 'success' } });
    // A fulfilment read the order as paid and pending; meanwhile a refund claimed it.
    const stale = await t.store.collection<OrderDoc>('orders').findOneAndUpdate({ _id: order.id }, { $set: { status: 'paid', fulfilment: 'pending', paid_at: t.clock.now() } });
    await t.store.collection('orders').updateOne({ _id: order.id }, { $set: { fulfilment: 'refunding' } });
    await t.services.fulfilment.fulfil(stale!);
    const tickets = await t.store.collection<{ _id: string; status: string }>('tickets').find({ order: order.id });
    expect(tickets.length === 0 || tickets.every((x) => x.status === 'voided')).toBe(true);
    expect(await counters(t, sk, event.id)).toEqual({ sold: 1, held: 0, available: 4 });
  });

  it('answers ten racing refunds of one order as a repeated refund is answered, refunding once', async () => {
    const { t, sk, event, order } = await paidOrder();
    const racing = await Promise.all(Array.from({ length: 10 }, () => t.call('POST', `/v1/orders/${order.id}/refund`, { key: sk })));
    const repeated = await t.call('POST', `/v1/orders/${order.id}/refund`, { key: sk });
    expect(repeated.status).toBe(200);
    expect(repeated.body.status).toBe('refunded');
    for (const res of racing) {
      expect(res.status, JSON.stringify(res.body)).toBe(repeated.status);
      expect(res.body).toEqual(repeated.body);
    }
    const payment = await t.store.collection<{ _id: string; refunds: unknown[] }>(TEST_GATEWAY_COLLECTIONS.payments).findOne({ _id: repeated.body.payment.gateway_payment_id });
    expect(payment!.refunds).toHaveLength(1);
    expect(await t.store.collection('outbox').count({ kind: 'refund_notice' })).toBe(1);
    expect(await counters(t, sk, event.id)).toEqual({ sold: 0, held: 0, available: 5 });
  });

  it('refuses a refund body with a field it does not know instead of refunding everything', async () => {
    const { t, sk, order } = await paidOrder();
    const res = await t.call('POST', `/v1/orders/${order.id}/refund`, { key: sk, body: { amount: 100, note: 'half' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details).toEqual([{ field: 'note', message: 'is not a known field' }]);
    expect((await t.call('GET', `/v1/orders/${order.id}`, { key: sk })).body.status).toBe('paid');
    expect((await t.call('POST', `/v1/orders/${order.id}/refund`, { key: sk, body: {} })).body.status).toBe('refunded');
  });

  it('cancels a direct issue that finds no seats, taking none', async () => {
    const { t, sk, event, general } = await paidOrder(2);
    const res = await t.call('POST', '/v1/tickets', { key: sk, body: { event: event.id, ticket_type: general, quantity: 4, holder: { name: 'X', email: 'x@example.com' } } });
    expect(res.status).toBe(409);
    expect(await counters(t, sk, event.id)).toEqual({ sold: 2, held: 0, available: 3 });
  });
});
