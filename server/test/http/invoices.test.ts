import { execFileSync } from 'node:child_process';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buyer, deliverMail, organizerWithEvent, payWithTestGateway, verify } from '../helpers/checkout.js';

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp();
});

const MAHARASHTRA = { legal_name: 'Mumbai Music Co. Pvt. Ltd.', address: 'Marine Drive, Mumbai 400020', state: '27', gstin: '27AAPFU0939F1ZV' };
const BILLING = { company: 'Bengaluru Widgets Pvt Ltd', address: '12 MG Road, Bengaluru 560001', gstin: '29AAGCB7383J1Z4' };

/** The PDF's text as poppler's pdftotext extracts it (what copy-paste and search see). */
function pdftotext(bytes: Uint8Array): string {
  return execFileSync('pdftotext', ['-layout', '-', '-'], { input: bytes, encoding: 'utf8' });
}

/** An organizer (registered for GST unless `profile` is null) with an event in Karnataka: ₹499 + 18 % and a ₹10 fee. */
async function organizer(profile: object | null = MAHARASHTRA) {
  const org = await organizerWithEvent(t, {
    venue_state: '29',
    ticket_types: [{ name: 'General', price: 49_900, tax_rate: 18, tax_inclusive: false }],
    convenience_fee: { paid_by: 'buyer', fixed: 1_000 },
  });
  if (profile) expect((await t.call('PUT', '/v1/account/tax_profile', { key: org.sk, body: profile })).status).toBe(200);
  return org;
}

async function paidOrder(org: Awaited<ReturnType<typeof organizer>>, billing: object | undefined = BILLING) {
  const res = await t.call('POST', '/v1/orders', {
    key: org.pk,
    body: { event: org.event.id, items: [{ ticket_type: org.general, quantity: 2 }], buyer: buyer(), ...(billing ? { billing } : {}) },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const verified = await verify(t, org.pk, res.body);
  const paid = await payWithTestGateway(t, org.pk, res.body, verified.payment.gateway_order_id);
  expect(paid.status, JSON.stringify(paid.body)).toBe(200);
  return paid.body;
}

async function invoicesOf(sk: string, order: string) {
  const res = await t.call('GET', `/v1/invoices?order=${order}`, { key: sk });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data;
}

describe('invoices', () => {
  it('issues a tax invoice when a registered organizer’s order is paid, with the buyer’s company, address and GSTIN', async () => {
    const org = await organizer();
    const order = await paidOrder(org);
    const [invoice] = await invoicesOf(org.sk, order.id);
    expect(invoice).toMatchObject({
      object: 'invoice',
      kind: 'tax_invoice',
      number: 'INV/3031/000001',
      financial_year: '2030-31',
      order: order.id,
      supplier: { name: MAHARASHTRA.legal_name, gstin: MAHARASHTRA.gstin, state: '27' },
      recipient: { company: BILLING.company, address: BILLING.address, gstin: BILLING.gstin },
      place_of_supply: '29',
      total: order.amount,
      pdf_url: `/v1/invoices/${invoice.id}/pdf`,
    });
    // Inter-state (Maharashtra to a Karnataka venue): IGST only.
    expect(invoice.lines.map((l: { sac: string; quantity: number; igst: number }) => [l.sac, l.quantity, l.igst])).toEqual([
      ['9996', 2, 17_964],
      ['9996', 1, 360],
    ]);
    expect((await t.call('GET', `/v1/invoices/${invoice.id}`, { key: org.sk })).body).toEqual(invoice);
  });

  it('answers the verify step with the billing details the order was made with', async () => {
    const org = await organizer();
    const res = await t.call('POST', '/v1/orders', {
      key: org.pk,
      body: { event: org.event.id, items: [{ ticket_type: org.general, quantity: 1 }], buyer: buyer(), billing: { ...BILLING, gstin: ` ${BILLING.gstin.toLowerCase()} ` } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.billing).toEqual(BILLING);
    expect((await verify(t, org.pk, res.body)).billing).toEqual(BILLING);
  });

  it('prints every field rule 46 asks for, with the rupee sign, in a PDF under 30 KB', async () => {
    const org = await organizer();
    const order = await paidOrder(org);
    const [invoice] = await invoicesOf(org.sk, order.id);
    const res = await t.app.request(invoice.pdf_url, { headers: { Authorization: `Bearer ${org.sk}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('application/pdf');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(bytes.length).toBeLessThanOrEqual(30 * 1024);
    const text = pdftotext(bytes);
    for (const field of [
      'TAX INVOICE',
      MAHARASHTRA.legal_name, // supplier name
      'Marine Drive, Mumbai 400020', // supplier address
      `GSTIN: ${MAHARASHTRA.gstin}`, // supplier GSTIN
      'Invoice no.',
      'INV/3031/000001', // consecutive serial number, unique for the financial year
      '1 June 2030', // date of issue (India time)
      BILLING.company, // recipient name
      BILLING.address, // recipient address
      `GSTIN: ${BILLING.gstin}`, // recipient GSTIN
      'SAC',
      '9996',
      'Admission: ', // description
      'Qty',
      'Taxable value',
      '998.00', // taxable value of the tickets (₹998)
      '18%', // rate
      'IGST',
      '179.64', // amount of tax
      'Place of supply: Karnataka (29)', // place of supply with the state's name
      'Total',
      '₹1,201.24', // total: 998 + 179.64 + a fee of 2 × 10 + 3.60
      'Tax payable on reverse charge: No',
      'digitally generated',
    ]) {
      expect(text, field).toContain(field);
    }
  });

  it('attaches the invoice to the tickets email', async () => {
    const org = await organizer();
    const order = await paidOrder(org);
    const mail = (await deliverMail(t)).find((m) => m.to === order.buyer.email && /ticket/i.test(m.subject));
    expect(mail?.attachments.map((a) => a.filename)).toContain('invoice-INV-3031-000001.pdf');
    const file = await t.mailbox.readAttachment(mail?.id ?? '', 'invoice-INV-3031-000001.pdf');
    expect(pdftotext(file?.content ?? new Uint8Array())).toContain('INV/3031/000001');
  });

  it('issues a numbered receipt, not a tax invoice, for an organizer not registered for GST', async () => {
    const org = await organizer(null);
    const order = await paidOrder(org, undefined);
    const [receipt] = await invoicesOf(org.sk, order.id);
    expect(receipt).toMatchObject({ kind: 'receipt', number: 'RCT/3031/000001', supplier: { gstin: null }, cgst: 0, sgst: 0, igst: 0, total: order.amount });
    const text = pdftotext(new Uint8Array(await (await t.app.request(receipt.pdf_url, { headers: { Authorization: `Bearer ${org.sk}` } })).arrayBuffer()));
    expect(text).toContain('RECEIPT');
    expect(text).toContain('not a tax invoice');
  });

  it('refuses a buyer GSTIN whose check character is wrong, naming the field', async () => {
    const org = await organizer();
    const res = await t.call('POST', '/v1/orders', {
      key: org.pk,
      body: { event: org.event.id, items: [{ ticket_type: org.general, quantity: 1 }], buyer: buyer(), billing: { gstin: '29AAGCB7383J1Z5' } },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'billing.gstin', message: expect.stringContaining('check character') }] });
  });

  it('issues a numbered credit note against the invoice when the order is refunded', async () => {
    const org = await organizer();
    const order = await paidOrder(org);
    const refunded = await t.call('POST', `/v1/orders/${order.id}/refund`, { key: org.sk, body: {} });
    expect(refunded.body.status, JSON.stringify(refunded.body)).toBe('refunded');
    const docs = await invoicesOf(org.sk, order.id);
    const note = docs.find((d: { kind: string }) => d.kind === 'credit_note');
    expect(note).toMatchObject({ number: 'CN/3031/000001', against: { number: 'INV/3031/000001' }, total: order.amount, igst: 17_964 + 360 });
    const text = pdftotext(new Uint8Array(await (await t.app.request(note.pdf_url, { headers: { Authorization: `Bearer ${org.sk}` } })).arrayBuffer()));
    for (const field of ['CREDIT NOTE', 'CN/3031/000001', 'Against invoice', 'INV/3031/000001', 'Invoice date', 'Total credited', '₹1,201.24'])
      expect(text, field).toContain(field);
  });

  it('issues a credit note for each partial refund, the notes together crediting the invoice exactly', async () => {
    const org = await organizer();
    const order = await paidOrder(org);
    const part = await t.call('POST', `/v1/orders/${order.id}/refund`, { key: org.sk, body: { amount: 30_000 } });
    expect(part.body.status, JSON.stringify(part.body)).toBe('partially_refunded');
    const rest = await t.call('POST', `/v1/orders/${order.id}/refund`, { key: org.sk, body: {} });
    expect(rest.body.status, JSON.stringify(rest.body)).toBe('refunded');
    const docs = await invoicesOf(org.sk, order.id);
    const invoice = docs.find((d: { kind: string }) => d.kind === 'tax_invoice');
    const notes = docs.filter((d: { kind: string }) => d.kind === 'credit_note').sort((a: { number: string }, b: { number: string }) => a.number.localeCompare(b.number));
    expect(notes.map((n: { number: string; total: number }) => [n.number, n.total])).toEqual([
      ['CN/3031/000001', 30_000],
      ['CN/3031/000002', order.amount - 30_000],
    ]);
    for (const field of ['taxable_value', 'igst'] as const) expect(notes[0][field] + notes[1][field], field).toBe(invoice[field]);
    const text = pdftotext(new Uint8Array(await (await t.app.request(notes[0].pdf_url, { headers: { Authorization: `Bearer ${org.sk}` } })).arrayBuffer()));
    for (const field of ['CREDIT NOTE', 'CN/3031/000001', 'INV/3031/000001', '₹300.00']) expect(text, field).toContain(field);
    // Each refund notice to the buyer carries that refund's credit note.
    const notices = (await deliverMail(t)).filter((m) => m.to === order.buyer.email && /refund/i.test(m.subject));
    expect(notices.flatMap((m) => m.attachments.map((a) => a.filename)).sort()).toEqual(['credit-note-CN-3031-000001.pdf', 'credit-note-CN-3031-000002.pdf']);
  });

  it('shows one organizer’s invoices to no other', async () => {
    const a = await organizer();
    const b = await organizer();
    const order = await paidOrder(a);
    const [invoice] = await invoicesOf(a.sk, order.id);
    expect((await t.call('GET', `/v1/invoices/${invoice.id}`, { key: b.sk })).status).toBe(404);
    expect((await t.call('GET', '/v1/invoices', { key: b.sk })).body.data).toEqual([]);
  });

  it('lets the buyer download the invoice from the ticket page', async () => {
    const org = await organizer();
    const order = await paidOrder(org);
    const ticket = order.tickets[0];
    const page = await (await t.app.request(`/tickets/${ticket.id}`)).text();
    expect(page).toContain(`href="/tickets/${ticket.id}/invoice.pdf"`);
    expect(page).toContain('Tax invoice INV/3031/000001');
    const res = await t.app.request(`/tickets/${ticket.id}/invoice.pdf`);
    expect(res.status).toBe(200);
    expect(pdftotext(new Uint8Array(await res.arrayBuffer()))).toContain('INV/3031/000001');
  });
});
