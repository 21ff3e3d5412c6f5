/**
 * Partial refunds through the API (docs/domain-rules.md#refunds): by amount or by tickets,
 * repeatable until the order is refunded in full; the amount reserved on the order by one
 * conditional update, so racing refunds never pass what was paid. Each processed refund gets its
 * own events-log entry and its own mail to the buyer.
 */
import { describe, expect, it } from 'vitest';
import type { OutboxJob } from '../../src/delivery/outbox.js';
import type { DomainEventDoc } from '../../src/domain/domain-events.js';
import { moneyFigures, type FiguresDoc } from '../../src/domain/figures.js';
import { op } from '../../src/store/port.js';
import { buildTestApp, eventBody, type TestApp } from '../helpers/app.js';
import { buyer, deliverMail, payWithTestGateway, startOrder } from '../helpers/checkout.js';

/** An organizer with a test event sold without email codes, and a paid order of `quantity` tickets. */
async function paidOrder(t: TestApp, quantity = 3) {
  const keys = await t.signUp();
  const created = await t.call('POST', '/v1/events', { key: keys.sk, body: eventBody({ require_email_verification: false }) });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const event = created.body;
  const general = event.ticket_types[0].id as string;
  const order = await startOrder(t, keys.pk, event.id, [{ ticket_type: general, quantity }], buyer());
  const paid = await payWithTestGateway(t, keys.pk, order, order.payment.gateway_order_id);
  expect(paid.status, JSON.stringify(paid.body)).toBe(200);
  const refund = (body?: Record<string, unknown>) => t.call('POST', `/v1/orders/${order.id}/refund`, { key: keys.sk, ...(body ? { body } : {}) });
  return { ...keys, event, general, order: paid.body, refund };
}

const refundMails = (t: TestApp, order: string) => t.store.collection<OutboxJob>('outbox').find({ kind: 'refund_notice', 'payload.order': order });
const orderEvents = (t: TestApp, order: string) =>
  t.store.collection<DomainEventDoc>('domain_events').find({ object_id: order, type: op.in(['order.partially_refunded', 'order.refunded']) });

describe('POST /v1/orders/{id}/refund with an amount', () => {
  it('refunds part of an order, then the rest: partially_refunded, then refunded with every ticket voided', async () => {
    const t = await buildTestApp();
    const { order, refund } = await paidOrder(t, 2);

    const part = await refund({ amount: 10_000 });
    expect(part.status, JSON.stringify(part.body)).toBe(200);
    expect(part.body).toMatchObject({ status: 'partially_refunded', refunded_amount: 10_000, refund: { status: 'processed', amount: 10_000 } });
    expect(part.body.refunds).toEqual([expect.objectContaining({ id: expect.stringMatching(/^rf_/), status: 'processed', amount: 10_000, tickets: [] })]);
    for (const ticket of part.body.tickets) expect(ticket.status).toBe('valid');

    const rest = await refund();
    expect(rest.status, JSON.stringify(rest.body)).toBe(200);
    expect(rest.body).toMatchObject({ status: 'refunded', refunded_amount: order.amount, refund: { status: 'processed', amount: order.amount - 10_000 } });
    expect(rest.body.refunds.map((r: { amount: number }) => r.amount)).toEqual([10_000, order.amount - 10_000]);
    for (const ticket of rest.body.tickets) expect(ticket.status).toBe('voided');

    // Nothing remains: asking for an amount is refused, asking for the rest answers the order.
    const more = await refund({ amount: 100 });
    expect(more.status).toBe(409);
    expect(more.body.error).toMatchObject({ code: 'REFUND_EXCEEDS_REMAINING', details: { requested: 100, remaining: 0 } });
    expect((await refund()).body.status).toBe('refunded');
  });

  it('records one events-log entry and mails the buyer once per processed refund', async () => {
    const t = await buildTestApp();
    const { order, refund } = await paidOrder(t, 2);
    await refund({ amount: 10_000 });
    await refund({ amount: 5_000 });
    await refund();

    const entries = await orderEvents(t, order.id);
    expect(entries.map((e) => e.type).sort()).toEqual(['order.partially_refunded', 'order.partially_refunded', 'order.refunded']);
    expect(new Set(entries.map((e) => e._id)).size).toBe(3);
    const mails = await refundMails(t, order.id);
    expect(mails).toHaveLength(3);
    for (const mail of mails) expect(mail.to).toBe(order.buyer.email);
    const sent = (await deliverMail(t)).filter((m) => m.to === order.buyer.email && m.subject.startsWith('Refund of'));
    expect(sent.map((m) => m.subject.replace(/ for .*/, '')).sort()).toEqual(
      ['Refund of INR 100.00', 'Refund of INR 50.00', `Refund of INR ${((order.amount - 15_000) / 100).toFixed(2)}`].sort(),
    );
  });

  it('replays a partial refund sent again with the same Idempotency-Key instead of refunding twice', async () => {
    const t = await buildTestApp();
    const { sk, order } = await paidOrder(t, 2);
    const send = () => t.call('POST', `/v1/orders/${order.id}/refund`, { key: sk, body: { amount: 7_500 }, headers: { 'Idempotency-Key': 'refund-7500' } });
    const first = await send();
    const again = await send();
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const now = await t.call('GET', `/v1/orders/${order.id}`, { key: sk });
    expect(now.body).toMatchObject({ refunded_amount: 7_500 });
    expect(now.body.refunds).toHaveLength(1);
  });

  it('refuses a refund larger than what remains, and leaves the order as it was', async () => {
    const t = await buildTestApp();
    const { sk, order, refund } = await paidOrder(t, 2);

    const res = await refund({ amount: order.amount + 100 });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'REFUND_EXCEEDS_REMAINING', details: { requested: order.amount + 100, remaining: order.amount } });

    await refund({ amount: order.amount - 500 });
    const over = await refund({ amount: 600 });
    expect(over.status).toBe(409);
    expect(over.body.error.details).toEqual({ requested: 600, remaining: 500 });
    const now = await t.call('GET', `/v1/orders/${order.id}`, { key: sk });
    expect(now.body).toMatchObject({ status: 'partially_refunded', refunded_amount: order.amount - 500 });
    expect(now.body.refunds).toHaveLength(1);
  });

  it('refuses an amount and tickets together, and an amount under ₹1', async () => {
    const t = await buildTestApp();
    const { order, refund } = await paidOrder(t, 2);
    const both = await refund({ amount: 1_000, tickets: [order.tickets[0].id] });
    expect(both.status).toBe(400);
    expect(both.body.error.code).toBe('VALIDATION_FAILED');
    const tiny = await refund({ amount: 99 });
    expect(tiny.status).toBe(400);
  });

  it('gives the last rupee to exactly one of two racing refunds; the other gets REFUND_EXCEEDS_REMAINING', async () => {
    const t = await buildTestApp();
    const { order, refund } = await paidOrder(t, 2);
    expect((await refund({ amount: order.amount - 100 })).status).toBe(200);

    const answers = await Promise.all([refund({ amount: 100 }), refund({ amount: 100 })]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const lost = answers.find((a) => a.status === 409)!;
    expect(lost.body.error).toMatchObject({ code: 'REFUND_EXCEEDS_REMAINING', details: { requested: 100, remaining: 0 } });
    const won = answers.find((a) => a.status === 200)!;
    expect(won.body).toMatchObject({ status: 'refunded', refunded_amount: order.amount });
    expect(won.body.refunds).toHaveLength(2);
  });
});

describe('POST /v1/orders/{id}/refund with tickets', () => {
  it('refunds chosen tickets: their share of the payment back, those tickets voided and refused at the door, their seats on sale again', async () => {
    const t = await buildTestApp();
    const { sk, event, order, refund } = await paidOrder(t, 3);
    const available = async () => (await t.call('GET', `/v1/events/${event.id}`, { key: sk })).body.available as number;
    const before = await available();
    const [gone, kept] = order.tickets as Array<{ id: string; code: string; price: number }>;

    const res = await refund({ tickets: [gone!.id] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: 'partially_refunded', refunded_amount: order.amount / 3 });
    expect(res.body.refunds).toEqual([expect.objectContaining({ status: 'processed', amount: order.amount / 3, tickets: [gone!.id] })]);
    const status = new Map(res.body.tickets.map((tk: { id: string; status: string }) => [tk.id, tk.status]));
    expect(status.get(gone!.id)).toBe('voided');
    expect(status.get(kept!.id)).toBe('valid');
    expect(await available()).toBe(before + 1);

    const refused = await t.call('POST', '/v1/checkins', { key: sk, body: { code: gone!.code, event: event.id } });
    expect(refused.body).toMatchObject({ result: 'rejected', reason: 'voided' });
    const admitted = await t.call('POST', '/v1/checkins', { key: sk, body: { code: kept!.code, event: event.id } });
    expect(admitted.body.result).toBe('accepted');

    // A voided ticket cannot be refunded twice, nor a ticket of another order.
    const again = await refund({ tickets: [gone!.id] });
    expect(again.status).toBe(400);
    expect(again.body.error.details).toEqual([expect.objectContaining({ field: 'tickets' })]);
    expect((await refund({ tickets: ['tkt_notours0000000000000'] })).status).toBe(400);
  });

  it('turns the order refunded when its last tickets are refunded', async () => {
    const t = await buildTestApp();
    const { order, refund } = await paidOrder(t, 2);
    const ids = order.tickets.map((tk: { id: string }) => tk.id);
    expect((await refund({ tickets: [ids[0]] })).body.status).toBe('partially_refunded');
    const last = await refund({ tickets: [ids[1]] });
    expect(last.body).toMatchObject({ status: 'refunded', refunded_amount: order.amount });
    for (const ticket of last.body.tickets) expect(ticket.status).toBe('voided');
  });
});

describe('figures after partial refunds', () => {
  it('lowers the event’s and the account’s gross and net by each refund, and by no more once the order is refunded in full', async () => {
    const t = await buildTestApp();
    const { sk, event, order, refund } = await paidOrder(t, 3);
    const money = async () => {
      const stats = (await t.call('GET', `/v1/events/${event.id}/stats`, { key: sk })).body;
      return { gross: stats.gross as number, net: stats.net as number };
    };
    const before = await money();
    expect(before.net).toBe(order.amount);
    const share = order.amount / 3;

    await refund({ amount: 5_000 });
    expect(await money()).toEqual({ gross: order.amount - 5_000, net: order.amount - 5_000 });

    await refund({ tickets: [order.tickets[0].id] });
    expect(await money()).toEqual({ gross: order.amount - 5_000 - share, net: order.amount - 5_000 - share });

    const account = () => t.store.collection<FiguresDoc>('figures').findOne({ kind: 'account' });
    expect(moneyFigures(await account()).net).toBe(order.amount - 5_000 - share);

    await refund();
    expect(await money()).toEqual({ gross: 0, net: 0 });
    expect(moneyFigures(await account())).toMatchObject({ gross: 0, net: 0 });
  });
});
