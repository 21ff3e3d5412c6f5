/**
 * A refund made in Razorpay's dashboard becomes a refund of ours (docs/domain-rules.md#refunds):
 * one `rf_…` record marked as the dashboard's, adopted once however often or however
 * concurrently its `refund.processed` webhook arrives, counted in the order's `refunded_amount`,
 * the order's state, the figures' gross, tax and net (docs/gst.md#figures) and the events log,
 * with one credit note. One larger than what the order had left is counted only up to that.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DomainEventDoc } from '../../src/domain/domain-events.js';
import type { InvoiceDoc } from '../../src/domain/invoices.js';
import { adoptedRefundIdOf, type RefundDoc } from '../../src/domain/refunds.js';
import { createRazorpayGateway } from '../../src/payments/razorpay.js';
import { op } from '../../src/store/port.js';
import { startLiveRazorpay, type LiveOrganizer, type LiveRazorpay } from '../helpers/live-razorpay.js';

const MAHARASHTRA = { legal_name: 'Mumbai Music Co. Pvt. Ltd.', address: 'Marine Drive, Mumbai 400020', state: '27', gstin: '27AAPFU0939F1ZV' };

let live: LiveRazorpay;

beforeEach(async () => {
  live = await startLiveRazorpay();
});

afterEach(async () => {
  await live.close();
});

/** A GST-registered organizer's paid live order of two ₹499 + 18 % tickets, with its tax invoice. */
async function invoicedOrder() {
  const org = await live.organizer({ venue_state: '29', ticket_types: [{ name: 'General', price: 49_900, tax_rate: 18, tax_inclusive: false }] });
  expect((await live.t.call('PUT', '/v1/account/tax_profile', { key: org.sk, body: MAHARASHTRA })).status).toBe(200);
  const order = await live.paidOrder(org, 2);
  return { org, order };
}

/** Razorpay's dashboard: a refund made with the account's keys, outside our API. */
const dashboard = () => createRazorpayGateway({ keyId: live.fake.keyId, keySecret: live.fake.keySecret, apiBase: live.fake.apiBase });
const refundsOf = (orderId: string) => live.t.store.collection<RefundDoc>('refunds').find({ order: orderId });
const creditNotes = (orderId: string) => live.t.store.collection<InvoiceDoc>('invoices').find({ order: orderId, kind: 'credit_note' });
const noteTax = (notes: InvoiceDoc[]) => notes.reduce((sum, n) => sum + n.cgst + n.sgst + n.igst, 0);
const stats = async (org: LiveOrganizer) =>
  (await live.t.call('GET', `/v1/events/${org.event.id}/stats`, { key: org.sk })).body as { gross: number; tax: number; fees: number; net: number };
const refundEvents = (orderId: string) =>
  live.t.store.collection<DomainEventDoc>('domain_events').find({ object_id: orderId, type: op.in(['order.partially_refunded', 'order.refunded']) });

describe('a refund made in the Razorpay dashboard, adopted as ours', () => {
  it('is recorded once as a dashboard refund and counted in refunded_amount, the state, the figures and the events log, however often its webhook arrives', async () => {
    const { org, order } = await invoicedOrder();
    const before = await stats(org);
    const made = await dashboard().refundPayment(order.paymentId, 20_000);

    const deliveries = await Promise.all([live.webhook('refund.processed', { refundId: made.refundId }), live.webhook('refund.processed', { refundId: made.refundId })]);
    expect(deliveries.map((d) => d.status)).toEqual([200, 200]);
    expect((await live.webhook('refund.processed', { refundId: made.refundId })).status).toBe(200);

    const records = await refundsOf(order.id);
    expect(records).toEqual([
      expect.objectContaining({ _id: expect.stringMatching(/^rf_/), source: 'gateway_dashboard', gateway_refund_id: made.refundId, amount: 20_000, status: 'processed' }),
    ]);
    expect(await live.getOrder(org, order.id)).toMatchObject({
      status: 'partially_refunded',
      refunded_amount: 20_000,
      refunds: [expect.objectContaining({ amount: 20_000, status: 'processed', source: 'dashboard' })],
    });
    const notes = await creditNotes(order.id);
    expect(notes).toEqual([expect.objectContaining({ total: 20_000 })]);
    const after = await stats(org);
    expect(noteTax(notes)).toBeGreaterThan(0);
    expect(after.gross).toBe(before.gross - 20_000);
    expect(after.tax).toBe(before.tax - noteTax(notes));
    expect(after.net).toBe(before.net - (20_000 - noteTax(notes)));
    expect((await refundEvents(order.id)).map((e) => e.type)).toEqual(['order.partially_refunded']);
  });

  it('leaves for refunding through our API only what the dashboard refund did not take', async () => {
    const { org, order } = await invoicedOrder();
    const made = await dashboard().refundPayment(order.paymentId, 20_000);
    expect((await live.webhook('refund.processed', { refundId: made.refundId })).status).toBe(200);

    const tooMuch = await live.refund(org, order.id, { amount: order.amount });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.error).toMatchObject({ code: 'REFUND_EXCEEDS_REMAINING', details: { remaining: order.amount - 20_000 } });

    const rest = await live.refund(org, order.id);
    expect(rest.body).toMatchObject({ status: 'refunded', refunded_amount: order.amount });
    expect(await stats(org)).toMatchObject({ gross: 0, tax: 0 });
  });

  it('counts a full refund from the dashboard once and refunds the order', async () => {
    const { org, order } = await invoicedOrder();
    const made = await dashboard().refundPayment(order.paymentId);

    expect((await live.webhook('refund.processed', { refundId: made.refundId })).status).toBe(200);
    expect((await live.webhook('refund.processed', { refundId: made.refundId })).status).toBe(200);

    expect(await live.getOrder(org, order.id)).toMatchObject({ status: 'refunded', refunded_amount: order.amount });
    expect(await refundsOf(order.id)).toEqual([expect.objectContaining({ source: 'gateway_dashboard', amount: order.amount, status: 'processed' })]);
    expect(await creditNotes(order.id)).toHaveLength(1);
    expect(await stats(org)).toMatchObject({ gross: 0, tax: 0 });
    expect((await refundEvents(order.id)).map((e) => e.type)).toEqual(['order.refunded']);
  });

  it('is finished once by the sweeper when a crash stopped it right after its record was written, and not again by a later webhook', async () => {
    const { org, order } = await invoicedOrder();
    expect((await live.refund(org, order.id, { amount: 10_000 })).body).toMatchObject({ status: 'partially_refunded', refunded_amount: 10_000 });
    const made = await dashboard().refundPayment(order.paymentId, 20_000);
    // What a process killed between writing the adopted record and acting on it leaves behind.
    const now = live.clock.now();
    await live.t.store.collection<RefundDoc>('refunds').insertOne({
      _id: adoptedRefundIdOf(order.paymentId, made.refundId),
      tickets: [],
      order: order.id,
      livemode: true,
      payment_id: order.paymentId,
      amount: 20_000,
      purpose: 'order',
      reason: 'refunded_at_gateway',
      status: 'processed',
      source: 'gateway_dashboard',
      gateway_refund_id: made.refundId,
      failure_reason: null,
      failure_code: null,
      attempts: 0,
      next_attempt_at: new Date(now.getTime() + 120_000),
      created_at: now,
      updated_at: now,
    });
    expect(await live.getOrder(org, order.id)).toMatchObject({ refunded_amount: 10_000 });

    live.clock.advance(121_000);
    await live.t.services.repair.sweep();
    expect(await live.getOrder(org, order.id)).toMatchObject({ status: 'partially_refunded', refunded_amount: 30_000 });

    expect((await live.webhook('refund.processed', { refundId: made.refundId })).status).toBe(200);
    expect(await live.getOrder(org, order.id)).toMatchObject({ status: 'partially_refunded', refunded_amount: 30_000 });
    expect(await refundsOf(order.id)).toHaveLength(2);
    expect((await creditNotes(order.id)).map((n) => n.total).sort()).toEqual([10_000, 20_000]);
    expect((await refundEvents(order.id)).map((e) => e.type)).toEqual(['order.partially_refunded', 'order.partially_refunded']);
  });

  it('counts a dashboard refund larger than what remains only up to what remained', async () => {
    const { org, order } = await invoicedOrder();
    expect((await live.refund(org, order.id, { amount: 30_000 })).body).toMatchObject({ status: 'partially_refunded', refunded_amount: 30_000 });
    const made = await dashboard().refundPayment(order.paymentId, 10_000);
    // Razorpay never refunds more than a payment has left; should it report so, nothing is counted twice.
    const entity = live.fake.refunds.get(made.refundId) as { amount: number };
    entity.amount = order.amount;

    expect((await live.webhook('refund.processed', { refundId: made.refundId })).status).toBe(200);

    expect(await live.getOrder(org, order.id)).toMatchObject({ status: 'refunded', refunded_amount: order.amount });
    const adopted = (await refundsOf(order.id)).find((r) => r.source === 'gateway_dashboard');
    expect(adopted).toMatchObject({ amount: order.amount - 30_000, gateway_amount: order.amount });
    expect((await creditNotes(order.id)).reduce((sum, n) => sum + n.total, 0)).toBe(order.amount);
    expect(await stats(org)).toMatchObject({ gross: 0, tax: 0 });
  });
});
