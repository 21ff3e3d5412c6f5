/**
 * Refunds as Razorpay really answers them (docs/domain-rules.md#payments): refused for low
 * balance or an old payment, pending until the bank takes them, failed later by webhook,
 * refused while another operation runs. An order is refunded only when Razorpay says the
 * refund is processed; the buyer is told only then, and the organizer is told when it fails.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RefundDoc } from '../../src/domain/refunds.js';
import { signIn, visibleText } from '../console/helpers.js';
import { deliverMail } from '../helpers/checkout.js';
import { startLiveRazorpay, type LiveRazorpay } from '../helpers/live-razorpay.js';

let live: LiveRazorpay;

beforeEach(async () => {
  live = await startLiveRazorpay();
});

afterEach(async () => {
  await live.close();
});

const refundsOf = (orderId: string) => live.t.store.collection<RefundDoc>('refunds').find({ order: orderId });

describe('a refund Razorpay refuses', () => {
  it('leaves an order paid with a visible failed refund when the balance is too low, tells the organizer and not the buyer', async () => {
    const org = await live.organizer();
    const order = await live.paidOrder(org, 2);
    live.fake.setBalance(0);

    const res = await live.refund(org, order.id);
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'REFUND_FAILED', message: expect.stringMatching(/enough balance/), details: { reason: 'insufficient_balance' } });
    const stands = res.body.error.details.order;
    expect(stands.status).toBe('paid');
    expect(stands.refund).toMatchObject({ status: 'failed', amount: order.amount, failure_reason: expect.stringMatching(/enough balance/) });
    for (const ticket of stands.tickets) expect(ticket.status).toBe('valid');
    expect(live.fake.payments.get(order.paymentId)).toMatchObject({ status: 'captured', amount_refunded: 0 });
    expect(await live.mailJobs('refund_notice', order.id)).toHaveLength(0);
    const told = await live.mailJobs('refund_failed', order.id);
    expect(told).toEqual([expect.objectContaining({ to: org.email })]);
    const sent = (await deliverMail(live.t)).filter((m) => m.to === org.email);
    expect(sent).toEqual([expect.objectContaining({ subject: `Refund of INR 998.00 failed for order ${order.id}` })]);
    expect(sent[0]!.text).toMatch(/enough balance[\s\S]*still paid, its tickets still admit, and the buyer has not been told/);
    expect((await deliverMail(live.t)).some((m) => m.to === order.buyer.email && /refund/i.test(m.subject))).toBe(false);
    const failed = await live.getOrder(org, order.id);
    expect(failed.refund.status).toBe('failed');

    // The organizer's console shows it on the attendee's ticket.
    const browser = await signIn(live.t, org.email, undefined, { totpSecret: org.totpSecret });
    await browser.get('/console');
    expect((await browser.post('/console/mode', { mode: 'live' })).status).toBe(303);
    const page = visibleText((await browser.get(`/console/tickets/${failed.tickets[0].id}`)).text);
    expect(page).toContain('Refund failed');
    expect(page).toMatch(/Razorpay refused the refund: Your account does not have enough balance.*still paid and this ticket still admits/);

    // The sweeper does not retry a refund that cannot work as asked.
    live.clock.advance(60 * 60_000);
    await live.t.services.repair.sweep();
    expect(live.fake.requests.filter((r) => r.path === `/v1/payments/${order.paymentId}/refund`)).toHaveLength(1);

    // Funds added: the organizer refunds again, and now it is done.
    live.fake.setBalance(null);
    const again = await live.refund(org, order.id);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'refunded', refund: { status: 'processed', failure_reason: null } });
    for (const ticket of again.body.tickets) expect(ticket.status).toBe('voided');
    expect(await live.mailJobs('refund_notice', order.id)).toHaveLength(1);
  });

  it('fails a refund of a payment older than 6 months instead of recording it as done', async () => {
    const org = await live.organizer();
    const order = await live.paidOrder(org);
    live.clock.advance(181 * 24 * 60 * 60_000);

    const res = await live.refund(org, order.id);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: 'REFUND_FAILED',
      details: { reason: 'too_old', order: { status: 'paid', refund: { status: 'failed', failure_reason: expect.stringMatching(/more than 6 months old/) } } },
    });
    expect(await live.mailJobs('refund_notice', order.id)).toHaveLength(0);
    expect(await live.mailJobs('refund_failed', order.id)).toHaveLength(1);
  });

  it('retries a refund refused while another operation runs on the payment, and when rate limited', async () => {
    const org = await live.organizer();
    const order = await live.paidOrder(org);
    live.fake.setRefundMode('in_progress');
    const res = await live.refund(org, order.id);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'paid', refund: { status: 'pending' } });

    live.fake.setRefundMode('processed');
    live.fake.setDown('throttle');
    live.clock.advance(2 * 60_000);
    await live.t.services.repair.sweep();
    expect((await live.getOrder(org, order.id)).refund.status).toBe('pending');

    live.fake.setDown(false);
    live.clock.advance(10 * 60_000);
    await live.t.services.repair.sweep();
    expect(await live.getOrder(org, order.id)).toMatchObject({ status: 'refunded', refund: { status: 'processed' } });
    expect(await live.mailJobs('refund_notice', order.id)).toHaveLength(1);
    expect(await live.mailJobs('refund_failed', order.id)).toHaveLength(0);
  });
});

describe('a refund Razorpay answers pending', () => {
  it('keeps the order paid until refund.processed arrives, then refunds it and tells the buyer', async () => {
    const org = await live.organizer();
    const order = await live.paidOrder(org);
    live.fake.setRefundMode('pending');

    const res = await live.refund(org, order.id);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'paid', refund: { status: 'pending', amount: order.amount } });
    expect(await live.mailJobs('refund_notice', order.id)).toHaveLength(0);
    // Asking again while it is pending makes no second refund.
    const repeat = await live.refund(org, order.id);
    expect(repeat.status).toBe(202);
    expect(repeat.body.refund.status).toBe('pending');
    expect(live.fake.refunds.size).toBe(1);

    const [refund] = [...live.fake.refunds.values()];
    live.fake.finishRefund(refund!.id, 'processed');
    expect((await live.webhook('refund.processed', { refundId: refund!.id })).status).toBe(200);
    expect(await live.getOrder(org, order.id)).toMatchObject({ status: 'refunded', refund: { status: 'processed' } });
    expect(await live.mailJobs('refund_notice', order.id)).toHaveLength(1);
  });

  it('puts the order back to paid with a failed refund on refund.failed, telling the organizer only', async () => {
    const org = await live.organizer();
    const order = await live.paidOrder(org);
    live.fake.setRefundMode('pending');
    await live.refund(org, order.id);

    const [refund] = [...live.fake.refunds.values()];
    live.fake.finishRefund(refund!.id, 'failed');
    expect((await live.webhook('refund.failed', { refundId: refund!.id })).status).toBe(200);
    const after = await live.getOrder(org, order.id);
    expect(after).toMatchObject({ status: 'paid', refund: { status: 'failed' } });
    for (const ticket of after.tickets) expect(ticket.status).toBe('valid');
    expect(await live.mailJobs('refund_notice', order.id)).toHaveLength(0);
    expect(await live.mailJobs('refund_failed', order.id)).toEqual([expect.objectContaining({ to: org.email })]);

    // Refunding again asks Razorpay for a new refund, rather than asking about the failed one.
    live.fake.setRefundMode('processed');
    const again = await live.refund(org, order.id);
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body).toMatchObject({ status: 'refunded', refund: { status: 'processed' } });
    expect(live.fake.refunds.size).toBe(2);
  });

  it('finishes a pending refund by asking Razorpay when no webhook comes', async () => {
    const org = await live.organizer();
    const order = await live.paidOrder(org);
    live.fake.setRefundMode('pending');
    await live.refund(org, order.id);
    const [refund] = [...live.fake.refunds.values()];

    live.clock.advance(2 * 60_000);
    await live.t.services.repair.sweep();
    expect((await live.getOrder(org, order.id)).refund.status).toBe('pending');

    live.fake.finishRefund(refund!.id, 'processed');
    live.clock.advance(10 * 60_000);
    await live.t.services.repair.sweep();
    expect(await live.getOrder(org, order.id)).toMatchObject({ status: 'refunded', refund: { status: 'processed' } });
    expect(live.fake.requests.some((r) => r.method === 'GET' && r.path === `/v1/payments/${order.paymentId}/refunds/${refund!.id}`)).toBe(true);
  });
});

describe('a refund cut short by a crash', () => {
  it('refunds the order on the next sweep when the refund ended but the order was never told', async () => {
    const org = await live.organizer();
    const order = await live.paidOrder(org);
    live.fake.setRefundMode('pending');
    await live.refund(org, order.id);
    // The refund's end was written, then the process died before acting on it.
    const refunds = live.t.store.collection<RefundDoc>('refunds');
    const now = live.clock.now();
    await refunds.updateOne({ order: order.id }, { $set: { status: 'processed', next_attempt_at: new Date(now.getTime() + 2 * 60_000), updated_at: now } });
    expect((await live.getOrder(org, order.id)).status).toBe('paid');

    live.clock.advance(3 * 60_000);
    await live.t.services.repair.sweep();
    expect(await live.getOrder(org, order.id)).toMatchObject({ status: 'refunded', refund: { status: 'processed' } });
    expect(await live.mailJobs('refund_notice', order.id)).toHaveLength(1);
    expect((await refundsOf(order.id))[0]).toMatchObject({ next_attempt_at: null });
  });
});

describe('captured money the order will not be fulfilled with', () => {
  it('refunds, and records, an auto-captured payment for another amount', async () => {
    const org = await live.organizer();
    const order = await live.payableOrder(org);
    const checkout = live.fake.pay(order.gatewayOrderId, { amount: order.amount - 100, capture: true });

    const res = await live.pay(org.pk, order, checkout);
    expect(res.status).toBe(402);
    expect(live.fake.payments.get(checkout.paymentId)).toMatchObject({ status: 'refunded', amount_refunded: order.amount - 100 });
    expect(await refundsOf(order.id)).toEqual([
      expect.objectContaining({ payment_id: checkout.paymentId, purpose: 'unfulfilled', reason: 'payment_rejected', status: 'processed' }),
    ]);
    // The order is not paid by it, and its own refund field says nothing happened to its payment.
    expect(await live.getOrder(org, order.id)).toMatchObject({ status: 'awaiting_payment', refund: null });
    // The webhook for the same payment refunds nothing more.
    expect((await live.webhook('payment.captured', { paymentId: checkout.paymentId })).status).toBe(200);
    expect(live.fake.requests.filter((r) => r.path === `/v1/payments/${checkout.paymentId}/refund`)).toHaveLength(1);
  });

  it('refunds an auto-captured payment for another amount reported only by webhook', async () => {
    const org = await live.organizer();
    const order = await live.payableOrder(org);
    const checkout = live.fake.pay(order.gatewayOrderId, { amount: order.amount + 100, capture: true });
    expect((await live.webhook('payment.captured', { paymentId: checkout.paymentId })).status).toBe(200);
    expect(live.fake.payments.get(checkout.paymentId)).toMatchObject({ status: 'refunded' });
    expect((await live.getOrder(org, order.id)).status).toBe('awaiting_payment');
  });
});
