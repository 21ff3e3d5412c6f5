/**
 * A refund made in Razorpay's dashboard reaches us only as a `refund.processed` webhook, with no
 * record of ours: it gets its credit note like ours do (docs/gst.md#invoices-and-credit-notes),
 * once however often the webhook comes, and a refund of ours whose answer was lost is not taken
 * for one.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InvoiceDoc } from '../../src/domain/invoices.js';
import { createRazorpayGateway } from '../../src/payments/razorpay.js';
import { startLiveRazorpay, type LiveRazorpay } from '../helpers/live-razorpay.js';

const MAHARASHTRA = { legal_name: 'Mumbai Music Co. Pvt. Ltd.', address: 'Marine Drive, Mumbai 400020', state: '27', gstin: '27AAPFU0939F1ZV' };

let live: LiveRazorpay;

beforeEach(async () => {
  live = await startLiveRazorpay();
});

afterEach(async () => {
  await live.close();
});

/** A GST-registered organizer's paid live order of two tickets, with its tax invoice. */
async function invoicedOrder() {
  const org = await live.organizer();
  expect((await live.t.call('PUT', '/v1/account/tax_profile', { key: org.sk, body: MAHARASHTRA })).status).toBe(200);
  const order = await live.paidOrder(org, 2);
  return { org, order };
}

const creditNotes = (orderId: string) => live.t.store.collection<InvoiceDoc>('invoices').find({ order: orderId, kind: 'credit_note' });
/** Razorpay's dashboard: a refund made with the account's keys, outside our API. */
const dashboard = () => createRazorpayGateway({ keyId: live.fake.keyId, keySecret: live.fake.keySecret, apiBase: live.fake.apiBase });

describe('a refund made in the Razorpay dashboard', () => {
  it('gets a credit note for its amount, once however often refund.processed arrives', async () => {
    const { order } = await invoicedOrder();
    const made = await dashboard().refundPayment(order.paymentId, 20_000);

    expect((await live.webhook('refund.processed', { refundId: made.refundId })).status).toBe(200);
    expect((await live.webhook('refund.processed', { refundId: made.refundId })).status).toBe(200);

    const notes = await creditNotes(order.id);
    expect(notes).toEqual([expect.objectContaining({ refund: made.refundId, total: 20_000, number: expect.stringMatching(/^CN\//) })]);
  });

  it('credits a full refund from the dashboard and refunds the order', async () => {
    const { org, order } = await invoicedOrder();
    const made = await dashboard().refundPayment(order.paymentId);

    expect((await live.webhook('refund.processed', { refundId: made.refundId })).status).toBe(200);

    expect((await live.getOrder(org, order.id)).status).toBe('refunded');
    expect(await creditNotes(order.id)).toEqual([expect.objectContaining({ refund: made.refundId, total: order.amount })]);
  });

  it('does not take a refund of ours whose answer was lost for one: its own record ends it, with one credit note', async () => {
    const { org, order } = await invoicedOrder();
    live.fake.setDown('lose-answer');
    expect((await live.refund(org, order.id, { amount: 20_000 })).status).toBe(202);
    const [made] = [...live.fake.refunds.values()];

    expect((await live.webhook('refund.processed', { refundId: made?.id as string })).status).toBe(200);
    live.clock.advance(61_000);
    await live.t.services.repair.sweep();

    const notes = await creditNotes(order.id);
    expect(notes).toEqual([expect.objectContaining({ refund: expect.stringMatching(/^rf_/), total: 20_000 })]);
    expect(await live.getOrder(org, order.id)).toMatchObject({ status: 'partially_refunded', refunded_amount: 20_000 });
  });
});
