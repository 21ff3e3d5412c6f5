/**
 * Partial refunds against Razorpay (the real SDK against the fake): each is its own refund at
 * Razorpay, and one asked for while Razorpay is down stays pending on the order and is retried
 * by the sweeper with backoff (docs/domain-rules.md#refunds), on an injected clock.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RefundDoc } from '../../src/domain/refunds.js';
import { startLiveRazorpay, type LiveRazorpay } from '../helpers/live-razorpay.js';

let live: LiveRazorpay;

beforeEach(async () => {
  live = await startLiveRazorpay();
});

afterEach(async () => {
  await live.close();
});

const refundCalls = (paymentId: string) => live.fake.requests.filter((r) => r.method === 'POST' && r.path === `/v1/payments/${paymentId}/refund`);
/** Attempts that reached Razorpay: a refund asked for, or the payment's refunds listed before asking again. */
const refundAttempts = (paymentId: string) =>
  live.fake.requests.filter((r) => r.path === `/v1/payments/${paymentId}/refund` || r.path === `/v1/payments/${paymentId}/refunds`).length;

describe('partial refunds at Razorpay', () => {
  it('makes one Razorpay refund per partial refund, for its amount, until the payment is refunded in full', async () => {
    const org = await live.organizer();
    const order = await live.paidOrder(org, 2);

    const part = await live.refund(org, order.id, { amount: 20_000 });
    expect(part.status, JSON.stringify(part.body)).toBe(200);
    expect(part.body).toMatchObject({ status: 'partially_refunded', refunded_amount: 20_000 });
    expect(live.fake.payments.get(order.paymentId)).toMatchObject({ amount_refunded: 20_000, refund_status: 'partial' });

    const rest = await live.refund(org, order.id);
    expect(rest.body).toMatchObject({ status: 'refunded', refunded_amount: order.amount });
    expect(live.fake.payments.get(order.paymentId)).toMatchObject({ amount_refunded: order.amount, refund_status: 'full' });
    expect([...live.fake.refunds.values()].map((r) => r.amount).sort((a, b) => a - b)).toEqual([20_000, order.amount - 20_000].sort((a, b) => a - b));
  });

  it('keeps a refund asked for while Razorpay is down pending on the order, then the sweeper retries it and it is processed', async () => {
    const org = await live.organizer();
    const order = await live.paidOrder(org, 2);
    live.fake.setDown(true);

    const res = await live.refund(org, order.id, { amount: 30_000 });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toMatchObject({ status: 'paid', refunded_amount: 30_000, refund: { status: 'pending', amount: 30_000 } });
    expect(res.body.refunds).toEqual([expect.objectContaining({ status: 'pending', amount: 30_000 })]);
    expect(await live.mailJobs('refund_notice', order.id)).toHaveLength(0);
    // The pending refund holds its amount: only the rest may be asked for meanwhile.
    const over = await live.refund(org, order.id, { amount: order.amount - 30_000 + 100 });
    expect(over.body.error).toMatchObject({ code: 'REFUND_EXCEEDS_REMAINING', details: { remaining: order.amount - 30_000 } });

    // Still down a minute later: the sweeper tries again and it stays pending.
    live.clock.advance(61_000);
    await live.t.services.repair.sweep();
    const [stored] = await live.t.store.collection<RefundDoc>('refunds').find({ order: order.id });
    expect(stored).toMatchObject({ status: 'pending', attempts: 2 });
    expect((await live.getOrder(org, order.id)).refund.status).toBe('pending');

    // Razorpay is back: the next due retry refunds it, once.
    live.fake.setDown(false);
    live.clock.advance(2 * 61_000);
    await live.t.services.repair.sweep();
    const after = await live.getOrder(org, order.id);
    expect(after).toMatchObject({ status: 'partially_refunded', refunded_amount: 30_000, refund: { status: 'processed', amount: 30_000 } });
    expect(live.fake.payments.get(order.paymentId)).toMatchObject({ amount_refunded: 30_000 });
    expect([...live.fake.refunds.values()].filter((r) => r.payment_id === order.paymentId)).toHaveLength(1);
    // Three attempts reached Razorpay: each retry first looks for a refund the last one made.
    expect(refundAttempts(order.paymentId)).toBeGreaterThanOrEqual(3);
    expect(await live.mailJobs('refund_notice', order.id)).toHaveLength(1);
  });

  it('adopts the refund a lost answer made instead of refunding again, so the retry leaves exactly one refund at Razorpay', async () => {
    const org = await live.organizer();
    const order = await live.paidOrder(org, 2);
    // Razorpay makes the refund, then the connection drops before its answer arrives.
    live.fake.setDown('lose-answer');

    const res = await live.refund(org, order.id, { amount: 20_000 });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const [first] = await live.t.store.collection<RefundDoc>('refunds').find({ order: order.id });
    expect(first).toMatchObject({ status: 'pending', gateway_refund_id: null });
    const made = [...live.fake.refunds.values()].filter((r) => r.payment_id === order.paymentId);
    expect(made).toEqual([expect.objectContaining({ amount: 20_000, receipt: first?._id, notes: { order: order.id, refund: first?._id } })]);

    live.clock.advance(61_000);
    await live.t.services.repair.sweep();

    expect([...live.fake.refunds.values()].filter((r) => r.payment_id === order.paymentId)).toHaveLength(1);
    expect(refundCalls(order.paymentId)).toHaveLength(1);
    expect(live.fake.payments.get(order.paymentId)).toMatchObject({ amount_refunded: 20_000, refund_status: 'partial' });
    const [stored] = await live.t.store.collection<RefundDoc>('refunds').find({ order: order.id });
    expect(stored).toMatchObject({ status: 'processed', gateway_refund_id: made[0]?.id });
    expect(await live.getOrder(org, order.id)).toMatchObject({ status: 'partially_refunded', refunded_amount: 20_000, refund: { status: 'processed' } });
    expect(await live.mailJobs('refund_notice', order.id)).toHaveLength(1);
  });

  it('asks again when the earlier attempt made no refund at Razorpay', async () => {
    const org = await live.organizer();
    const order = await live.paidOrder(org, 2);
    live.fake.setDown(true);
    expect((await live.refund(org, order.id, { amount: 20_000 })).status).toBe(202);

    live.fake.setDown(false);
    live.clock.advance(61_000);
    await live.t.services.repair.sweep();

    expect(live.fake.requests.some((r) => r.method === 'GET' && r.path === `/v1/payments/${order.paymentId}/refunds`)).toBe(true);
    expect([...live.fake.refunds.values()].filter((r) => r.payment_id === order.paymentId)).toEqual([expect.objectContaining({ amount: 20_000 })]);
    expect(await live.getOrder(org, order.id)).toMatchObject({ status: 'partially_refunded', refund: { status: 'processed' } });
  });
});
