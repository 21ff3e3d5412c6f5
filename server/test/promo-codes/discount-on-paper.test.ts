/**
 * Where a promo code's discount shows (docs/promo-codes.md#money): the order's tax lines (taken
 * off before tax), the tax invoice PDF, and the attendee list and its CSV.
 */
import { execFileSync } from 'node:child_process';
import type { Order } from '@trendy-tickets/sdk';
import { describe, expect, it } from 'vitest';
import { orderLines } from '../../src/domain/order-lines.js';
import type { OrderDoc } from '../../src/domain/orders.js';
import { buildTestApp, eventBody, type TestApp } from '../helpers/app.js';
import { buyer, payWithTestGateway } from '../helpers/checkout.js';

/** The PDF's text as poppler's pdftotext extracts it, in content order (what search sees). */
function pdftotext(bytes: Uint8Array): string {
  return execFileSync('pdftotext', ['-raw', '-', '-'], { input: bytes, encoding: 'utf8' });
}

/** A registered organizer in Maharashtra with a taxed event there (18 %, exclusive) and a 10 % code. */
async function taxedEventWithCode(t: TestApp) {
  const keys = await t.signUp();
  const profile = { legal_name: 'Mumbai Music Company Private Limited', address: '12 Marine Drive\nMumbai 400020', state: '27', gstin: '27AAPFU0939F1ZV' };
  expect((await t.call('PUT', '/v1/account/tax_profile', { key: keys.sk, body: profile })).status).toBe(200);
  const body = eventBody({
    require_email_verification: false,
    venue_state: '27',
    ticket_types: [
      { name: 'General', price: 100_000, tax_rate: 18, tax_inclusive: false },
      { name: 'Inclusive', price: 118_000, tax_rate: 18, tax_inclusive: true },
    ],
  });
  const ev = await t.call('POST', '/v1/events', { key: keys.sk, body });
  expect(ev.status, JSON.stringify(ev.body)).toBe(201);
  const code = await t.call('POST', `/v1/events/${ev.body.id}/promo_codes`, { key: keys.sk, body: { code: 'TENOFF', kind: 'percent', value: 10 } });
  expect(code.status).toBe(201);
  return { ...keys, event: ev.body.id as string, general: ev.body.ticket_types[0].id as string, inclusive: ev.body.ticket_types[1].id as string };
}

async function paidOrder(t: TestApp, org: Awaited<ReturnType<typeof taxedEventWithCode>>): Promise<Order> {
  const items = [
    { ticket_type: org.general, quantity: 2 },
    { ticket_type: org.inclusive, quantity: 1 },
  ];
  const created = await t.call<Order>('POST', '/v1/orders', { key: org.pk, body: { event: org.event, items, buyer: buyer(), promo_code: 'tenoff' } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const paid = await payWithTestGateway(t, org.pk, created.body as never, created.body.payment!.gateway_order_id!);
  expect(paid.status, JSON.stringify(paid.body)).toBe(200);
  return paid.body;
}

describe('the discount on paper', () => {
  it('reduces each line’s taxable value (exclusive) or its tax-inclusive amount (inclusive) before tax, rounding per line', async () => {
    const t = await buildTestApp();
    const org = await taxedEventWithCode(t);
    const order = await paidOrder(t, org);
    const [general, inclusive] = order.breakdown.lines;
    // Exclusive: 2 × ₹1,000 less 10 % = ₹1,800 taxable, 9 % CGST and SGST each on it.
    expect(general).toMatchObject({ discount: 20_000, taxable_value: 180_000, cgst: 16_200, sgst: 16_200, total: 212_400 });
    // Inclusive: ₹1,180 less 10 % = ₹1,062 paid, of which 18/118 is tax (₹162), split in halves.
    expect(inclusive).toMatchObject({ discount: 11_800, taxable_value: 90_000, cgst: 8_100, sgst: 8_100, total: 106_200 });
    expect(order.discount).toEqual({ code: 'TENOFF', amount: 31_800 });
    expect(order.amount).toBe(212_400 + 106_200);

    const doc = (await t.store.collection<OrderDoc>('orders').findOne({ _id: order.id })) as OrderDoc;
    const lines = orderLines(doc);
    expect(lines).toContainEqual({ label: 'Promo code TENOFF', amount: -31_800 });
    expect(lines.reduce((sum, l) => sum + l.amount, 0)).toBe(order.amount);
  });

  it('prints on the tax invoice what the code took off each line', async () => {
    const t = await buildTestApp();
    const org = await taxedEventWithCode(t);
    const order = await paidOrder(t, org);
    const invoices = await t.call('GET', `/v1/invoices?order=${order.id}`, { key: org.sk });
    expect(invoices.body.data).toHaveLength(1);
    const invoice = invoices.body.data[0];
    expect(invoice.lines[0].description).toMatch(/less INR 200\.00 \(promo code TENOFF\)/);
    const pdf = await t.app.request(`/v1/invoices/${invoice.id}/pdf`, { headers: { Authorization: `Bearer ${org.sk}` } });
    expect(pdf.status).toBe(200);
    // The description wraps in its column, so the words are read in their own order (`-raw`).
    const text = pdftotext(new Uint8Array(await pdf.arrayBuffer())).replace(/\s+/g, ' ');
    expect(text).toMatch(/General; less INR ?200\.00 \(promo code TENOFF\)/);
    expect(text).toMatch(/Inclusive; less INR ?118\.00 \(promo code TENOFF\)/);
    expect(text).toMatch(/Taxable value 2,700\.00 CGST 243\.00 SGST 243\.00 Total ₹3,186\.00/);
  });

  it('shows the code on the attendee list and in its CSV', async () => {
    const t = await buildTestApp();
    const org = await taxedEventWithCode(t);
    await paidOrder(t, org);
    const attendees = await t.call('GET', `/v1/events/${org.event}/attendees`, { key: org.sk });
    expect(attendees.body.data.map((a: { promo_code: string | null }) => a.promo_code)).toEqual(['TENOFF', 'TENOFF', 'TENOFF']);
    const csv = await t.call('GET', `/v1/events/${org.event}/attendees.csv`, { key: org.sk });
    const [header, ...rows] = String(csv.body).trim().split('\r\n');
    expect(header?.split(',').at(-1)).toBe('promo_code');
    expect(rows.map((r) => r.split(',').at(-1))).toEqual(['TENOFF', 'TENOFF', 'TENOFF']);
  });
});
