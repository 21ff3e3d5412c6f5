import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../kernel/clock.js';
import { createSqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/port.js';
import { createInvoiceService, INVOICE_INDEXES, type InvoiceDoc } from './invoices.js';
import { newOrderDocument } from './order-document.js';
import type { OrderDoc } from './orders.js';

const PROFILE = { _id: 'acct_org', legal_name: 'Mumbai Music Co. Pvt. Ltd.', address: 'Marine Drive, Mumbai', state: '27', gstin: '27AAPFU0939F1ZV', updated_at: new Date(0) };

let store: Store;
let clock: ManualClock;
beforeEach(async () => {
  clock = new ManualClock('2030-06-01T10:00:00Z');
  store = await createSqliteStore({ now: () => clock.now() });
  await store.ensureIndexes(INVOICE_INDEXES);
  await store.collection('tax_profiles').insertOne(PROFILE);
  await store.collection<{ _id: string; name: string }>('events').insertOne({ _id: 'evt_1', name: 'Monsoon Jazz' });
});

let orders = 0;
function paidOrder(paidAt: Date, account = 'acct_org'): OrderDoc {
  orders += 1;
  return newOrderDocument({
    id: `ord_${String(orders).padStart(10, '0')}`,
    owner: { account, livemode: false },
    event: 'evt_1',
    status: 'paid',
    items: [{ ticket_type: 'tt_1', name: 'General', quantity: 2, unit_price: 50_000 }],
    buyer: { name: 'Asha Rao', email: 'asha@example.com', phone: null },
    clientSecretHash: '',
    expiresAt: paidAt,
    verificationRequired: false,
    payment: null,
    fulfilment: 'pending',
    source: 'checkout',
    sendEmail: true,
    now: paidAt,
    paidAt,
  });
}

describe('invoice numbers', () => {
  it('numbers 100 orders paid at once, on three servers, 1 to 100 of the year with no gap and no duplicate', async () => {
    const servers = [1, 2, 3].map(() => createInvoiceService({ store, clock }));
    const paid = Array.from({ length: 100 }, () => paidOrder(clock.now()));
    // Each order is issued by two servers at once (the browser's payment and the webhook).
    const issued = await Promise.all(paid.flatMap((order, i) => [servers[i % 3]!.issueForOrder(order), servers[(i + 1) % 3]!.issueForOrder(order)]));
    const numbers = new Map(issued.map((doc) => [doc!.order, doc!.number]));
    expect(numbers.size).toBe(100);
    const seqs = [...numbers.values()].map((n) => Number(n!.split('/')[2])).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect([...numbers.values()].every((n) => /^INV\/3031\/\d{6}$/.test(n!) && n!.length <= 16)).toBe(true);
    expect(await store.collection('invoices').count({})).toBe(100);
  });

  it('starts a new series on 1 April, India time: 23:59 on 31 March and 00:01 on 1 April are each number 1 of their year', async () => {
    const invoices = createInvoiceService({ store, clock });
    const march = await invoices.issueForOrder(paidOrder(new Date('2031-03-31T18:29:00Z')));
    const april = await invoices.issueForOrder(paidOrder(new Date('2031-03-31T18:31:00Z')));
    expect([march?.number, march?.financial_year]).toEqual(['INV/3031/000001', '2030-31']);
    expect([april?.number, april?.financial_year]).toEqual(['INV/3132/000001', '2031-32']);
  });

  it('keeps one series per organizer, and gives an unregistered organizer numbered receipts', async () => {
    const invoices = createInvoiceService({ store, clock });
    await store.collection<{ _id: string; name: string }>('accounts').insertOne({ _id: 'acct_small', name: 'Small Club' });
    const a = await invoices.issueForOrder(paidOrder(clock.now()));
    const b = await invoices.issueForOrder(paidOrder(clock.now(), 'acct_small'));
    expect([a?.kind, a?.number]).toEqual(['tax_invoice', 'INV/3031/000001']);
    expect([b?.kind, b?.number, b?.supplier.name, b?.supplier.gstin]).toEqual(['receipt', 'RCT/3031/000001', 'Small Club', null]);
  });

  it('gives a document a crash left unnumbered the number its counter took for it, not a new one', async () => {
    const invoices = createInvoiceService({ store, clock });
    const first = paidOrder(clock.now());
    await invoices.issueForOrder(first);
    // A server took number 2 for this order and died before writing it on the invoice.
    const crashed = paidOrder(clock.now());
    const id = `inv_${crashed._id.slice(4)}`;
    await store.collection('invoice_counters').updateOne({ _id: 'acct_org:test:INV:3031' }, { $inc: { seq: 1 }, $set: { last_document: id } });
    const { serial: _numbered, ...like } = await invoices.get({ account: 'acct_org', livemode: false }, `inv_${first._id.slice(4)}`);
    await store.collection<InvoiceDoc>('invoices').insertOne({ ...like, _id: id, order: crashed._id, number: null, seq: null, claim_until: clock.now() });
    clock.advance(61_000);
    expect(await invoices.numberStale(10)).toBe(1);
    expect((await invoices.issueForOrder(crashed))?.number).toBe('INV/3031/000002');
    expect((await invoices.issueForOrder(paidOrder(clock.now())))?.number).toBe('INV/3031/000003');
  });
});

describe('credit notes', () => {
  it('issues one numbered credit note per refund against the invoice, whoever asks twice', async () => {
    const invoices = createInvoiceService({ store, clock });
    const order = paidOrder(clock.now());
    const invoice = await invoices.issueForOrder(order);
    const [once, twice] = await Promise.all([
      invoices.issueCreditNote({ order, refundId: 'rfq_pay_1', amount: 50_000 }),
      invoices.issueCreditNote({ order, refundId: 'rfq_pay_1', amount: 50_000 }),
    ]);
    expect(once?.number).toBe('CN/3031/000001');
    expect(twice?.number).toBe('CN/3031/000001');
    expect(once).toMatchObject({ kind: 'credit_note', total: 50_000, against: { id: invoice?._id, number: 'INV/3031/000001' } });
    expect((await invoices.issueCreditNote({ order, refundId: 'rfq_pay_2', amount: 50_000 }))?.number).toBe('CN/3031/000002');
  });

  it('issues no credit note against a receipt', async () => {
    const invoices = createInvoiceService({ store, clock });
    const order = paidOrder(clock.now(), 'acct_unregistered');
    await invoices.issueForOrder(order);
    expect(await invoices.issueCreditNote({ order, refundId: 'rfq_pay_3', amount: 100 })).toBeNull();
  });
});
