import { formatMoney } from '@trendy-tickets/sdk';
import { gstState, type TaxRate } from '@trendy-tickets/sdk';
import type { Clock } from '../kernel/clock.js';
import { notFound } from '../kernel/errors.js';
import { DuplicateKeyError, op, type IndexSpec, type Store } from '../store/port.js';
import { paginate, type Page, type PageParams } from '../store/paginate.js';
import type { AccountDoc } from './accounts.js';
import { splitRefund, type LineMoney } from './credit-note-split.js';
import type { EventDoc, Owner } from './events.js';
import { financialYearOf } from './financial-year.js';
import type { OrderDoc } from './orders.js';
import type { TaxProfileDoc } from './tax-profiles.js';

/**
 * What a document is: a tax invoice (a GST-registered organizer's paid order), a receipt (an
 * unregistered organizer's, who may not issue a tax invoice), or a credit note (a refund
 * against a tax invoice). Each has its own numbered series per financial year.
 */
export type InvoiceKind = 'tax_invoice' | 'receipt' | 'credit_note';

/** Each kind's number prefix: `INV/2627/000001` is 15 characters, inside rule 46(b)'s 16. */
export const SERIES_PREFIX: Record<InvoiceKind, string> = { tax_invoice: 'INV', receipt: 'RCT', credit_note: 'CN' };

/** One line: the tickets of one type, or the convenience fee the buyer paid. */
export interface InvoiceLineDoc extends LineMoney {
  description: string;
  /** Services Accounting Code; null on lines that carry no tax. */
  sac: string | null;
  quantity: number;
  tax_rate: TaxRate | null;
}

/** Who supplies: the organizer, as their tax profile (or, without one, their account) names them. */
export interface InvoiceParty {
  name: string;
  address: string | null;
  /** GST state code; null when not known. */
  state: string | null;
  gstin: string | null;
}

/** The buyer, with the company, billing address and GSTIN they gave at checkout. */
export interface InvoiceRecipient {
  name: string;
  email: string;
  company: string | null;
  address: string | null;
  gstin: string | null;
}

/**
 * An issued document (docs/gst.md#invoices-and-credit-notes). Its `_id` comes from what it is
 * for (`inv_` + the order's id, `cn_` + the refund's id), so issuing it twice finds the first.
 * It is stored before it is numbered; `number` stays null only between the two writes.
 */
export interface InvoiceDoc {
  _id: string;
  kind: InvoiceKind;
  account: string;
  livemode: boolean;
  order: string;
  event: string;
  event_name: string;
  /** `INV/2627/000001`; null until numbered. */
  number: string | null;
  /** The counter this document takes its number from. */
  series: string;
  /** `2026-27`. */
  financial_year: string;
  seq: number | null;
  /** `series` and `seq` together, set only once numbered: a unique index keeps numbers unshared. */
  serial?: string;
  /** While one caller numbers the document, others leave it alone (lease). */
  claim_until: Date | null;
  supplier: InvoiceParty;
  recipient: InvoiceRecipient;
  supply: 'intra_state' | 'inter_state' | null;
  /** GST state code of the place of supply (where the event is held); null without tax. */
  place_of_supply: string | null;
  lines: InvoiceLineDoc[];
  taxable_value: number;
  cgst: number;
  sgst: number;
  igst: number;
  total: number;
  currency: 'INR';
  /** A credit note's invoice: its id, number and date (rule 53(1A) of the CGST Rules asks for both). */
  against: { id: string; number: string; issued_at: Date } | null;
  /** A credit note's refund. */
  refund: string | null;
  issued_at: Date;
  created_at: Date;
}

/** One per series: the last number taken, and which document took it. */
interface CounterDoc {
  _id: string;
  seq: number;
  last_document: string;
}

export const INVOICE_INDEXES: readonly IndexSpec[] = [
  { collection: 'invoices', keys: { account: 1, livemode: 1, created_at: -1, _id: -1 } },
  { collection: 'invoices', keys: { order: 1 } },
  // An order's documents in the API (`GET /v1/invoices?order=`).
  { collection: 'invoices', keys: { account: 1, livemode: 1, order: 1, created_at: -1, _id: -1 } },
  // No two documents of a series share a number, whatever happens to the counter.
  { collection: 'invoices', keys: { serial: 1 }, unique: true, sparse: true },
  // The sweeper's documents left unnumbered by a crash.
  { collection: 'invoices', keys: { number: 1, claim_until: 1 } },
];

/** How long a caller has to number a document before another may. */
const CLAIM_MS = 60_000;

/** The invoice of an order: one per order, whoever asks. */
export function invoiceIdOf(orderId: string): string {
  return `inv_${orderId.replace(/^ord_/, '')}`;
}

/** The credit note of a refund: one per refund, whoever asks. */
export function creditNoteIdOf(refundId: string): string {
  return `cn_${refundId}`;
}

function sum(lines: readonly LineMoney[], key: keyof LineMoney): number {
  return lines.reduce((s, l) => s + l[key], 0);
}

/** The lines an order's invoice shows: each ticket type, and the fee when the buyer paid it. */
export function invoiceLines(order: OrderDoc, eventName: string): InvoiceLineDoc[] {
  const b = order.breakdown;
  const lines: InvoiceLineDoc[] = order.items.map((item, i) => {
    const taxed = b?.lines[i];
    const meta = b?.line_tax[i];
    const money = taxed ?? { taxable_value: item.quantity * item.unit_price, cgst: 0, sgst: 0, igst: 0, total: item.quantity * item.unit_price };
    // The taxable value is after the discount (rule 46 of the CGST Rules asks for it "taking into
    // account discount"), so the line says what was taken off and why.
    const discount = taxed?.discount ?? 0;
    const less = discount > 0 && order.discount ? `; less ${formatMoney(discount)} (promo code ${order.discount.code})` : '';
    return {
      description: `Admission: ${eventName}, ${item.name}${less}`,
      sac: meta?.sac ?? null,
      quantity: item.quantity,
      tax_rate: meta?.tax_rate ?? null,
      taxable_value: money.taxable_value,
      cgst: money.cgst,
      sgst: money.sgst,
      igst: money.igst,
      total: money.total,
    };
  });
  if (b?.fee && b.fee.paid_by === 'buyer') {
    const { taxable_value, cgst, sgst, igst, total } = b.fee;
    const sac = b.line_tax.find((l) => l.sac)?.sac ?? null;
    lines.push({ description: 'Convenience fee', sac, quantity: 1, tax_rate: b.fee_tax_rate, taxable_value, cgst, sgst, igst, total });
  }
  return lines;
}

export interface CreditNoteInput {
  order: OrderDoc;
  /** The refund's own id: one credit note per refund. */
  refundId: string;
  /** Paise refunded; may be part of the order. */
  amount: number;
}

/**
 * Tax invoices, receipts and credit notes (docs/gst.md#invoices-and-credit-notes). Numbers come
 * from one counter per organizer, mode, kind and financial year, moved by one atomic `$inc`,
 * so concurrent issues on any number of servers never share or skip a number.
 *
 * @example
 * const invoice = await invoices.issueForOrder(order); // after payment; idempotent
 * await invoices.issueCreditNote({ order, refundId: refund._id, amount: refund.amount });
 */
export function createInvoiceService({ store, clock }: { store: Store; clock: Clock }) {
  const docs = store.collection<InvoiceDoc>('invoices');
  const counters = store.collection<CounterDoc>('invoice_counters');
  const profiles = store.collection<TaxProfileDoc>('tax_profiles');
  const accounts = store.collection<AccountDoc>('accounts');
  const events = store.collection<EventDoc>('events');
  /** Numberings running in this process, so racing callers here wait for one answer. */
  const inflight = new Map<string, Promise<InvoiceDoc>>();

  /**
   * Gives a stored document its number. Only the caller holding the claim takes one; the
   * counter records which document took its last number, so a caller that crashed between
   * taking it and writing it is given the same number by whoever finishes the job.
   */
  async function numberNow(doc: InvoiceDoc): Promise<InvoiceDoc> {
    const now = clock.now();
    const claimed = await docs.findOneAndUpdate({ _id: doc._id, number: null, claim_until: op.lte(now) }, { $set: { claim_until: new Date(now.getTime() + CLAIM_MS) } });
    if (!claimed) return (await docs.findOne({ _id: doc._id })) ?? doc;
    const counter = await counters.findOne({ _id: claimed.series });
    const seq =
      counter?.last_document === claimed._id
        ? counter.seq
        : ((await counters.findOneAndUpdate({ _id: claimed.series }, { $inc: { seq: 1 }, $set: { last_document: claimed._id } }, { upsert: true })) as CounterDoc).seq;
    const fy = claimed.series.split(':').at(-1) ?? '';
    const number = `${SERIES_PREFIX[claimed.kind]}/${fy}/${String(seq).padStart(6, '0')}`;
    return (
      (await docs.findOneAndUpdate({ _id: claimed._id, number: null }, { $set: { number, seq, serial: `${claimed.series}:${seq}`, claim_until: null } })) ??
      ((await docs.findOne({ _id: claimed._id })) as InvoiceDoc)
    );
  }

  function numbered(doc: InvoiceDoc): Promise<InvoiceDoc> {
    if (doc.number !== null) return Promise.resolve(doc);
    const running = inflight.get(doc._id);
    if (running) return running;
    const started = numberNow(doc).finally(() => inflight.delete(doc._id));
    inflight.set(doc._id, started);
    return started;
  }

  /** Stores the document (or finds the one stored already) and numbers it. */
  async function issue(doc: InvoiceDoc): Promise<InvoiceDoc> {
    try {
      await docs.insertOne(doc);
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
    }
    const stored = await docs.findOne({ _id: doc._id });
    if (!stored) throw new Error(`invoice ${doc._id} vanished`);
    return numbered(stored);
  }

  function seriesOf(order: OrderDoc, kind: InvoiceKind, at: Date): { series: string; financial_year: string } {
    const fy = financialYearOf(at);
    return { series: `${order.account}:${order.livemode ? 'live' : 'test'}:${SERIES_PREFIX[kind]}:${fy.short}`, financial_year: fy.label };
  }

  async function supplierOf(order: OrderDoc): Promise<InvoiceParty> {
    const profile = await profiles.findOne({ _id: order.account });
    if (profile) return { name: profile.legal_name, address: profile.address, state: profile.state, gstin: profile.gstin };
    const account = await accounts.findOne({ _id: order.account });
    return { name: account?.name ?? 'Organizer', address: null, state: null, gstin: null };
  }

  function recipientOf(order: OrderDoc): InvoiceRecipient {
    const billing = order.billing ?? null;
    return { name: order.buyer.name, email: order.buyer.email, company: billing?.company ?? null, address: billing?.address ?? null, gstin: billing?.gstin ?? null };
  }

  return {
    /**
     * The invoice of a paid order, issued once however many callers ask (payment, webhook,
     * sweeper): a tax invoice when the organizer is registered for GST, a receipt otherwise.
     * Orders that cost nothing get none.
     */
    async issueForOrder(order: OrderDoc): Promise<InvoiceDoc | null> {
      if (order.amount <= 0) return null;
      const existing = await docs.findOne({ _id: invoiceIdOf(order._id) });
      if (existing) return numbered(existing);
      const supplier = await supplierOf(order);
      const event = await events.findOne({ _id: order.event });
      const kind: InvoiceKind = supplier.gstin ? 'tax_invoice' : 'receipt';
      // Dated when paid, so a crash finished later still lands in the year of the sale.
      const issuedAt = order.paid_at ?? clock.now();
      const lines = invoiceLines(order, event?.name ?? 'Event');
      return issue({
        _id: invoiceIdOf(order._id),
        kind,
        account: order.account,
        livemode: order.livemode,
        order: order._id,
        event: order.event,
        event_name: event?.name ?? 'Event',
        number: null,
        ...seriesOf(order, kind, issuedAt),
        seq: null,
        claim_until: new Date(0),
        supplier,
        recipient: recipientOf(order),
        supply: order.breakdown?.place_of_supply ? order.breakdown.supply : null,
        place_of_supply: order.breakdown?.place_of_supply ?? null,
        lines,
        taxable_value: sum(lines, 'taxable_value'),
        cgst: sum(lines, 'cgst'),
        sgst: sum(lines, 'sgst'),
        igst: sum(lines, 'igst'),
        total: order.amount,
        currency: 'INR',
        against: null,
        refund: null,
        issued_at: issuedAt,
        created_at: clock.now(),
      });
    },

    /**
     * The credit note for one refund of an order, issued once per refund id: the refunded
     * amount split over the invoice's lines by {@link splitRefund}. Orders with no tax invoice
     * (a receipt, or none) get none; the refund itself is their record.
     */
    async issueCreditNote({ order, refundId, amount }: CreditNoteInput): Promise<InvoiceDoc | null> {
      const id = creditNoteIdOf(refundId);
      const existing = await docs.findOne({ _id: id });
      if (existing) return numbered(existing);
      const invoice = await docs.findOne({ _id: invoiceIdOf(order._id) });
      if (invoice?.kind !== 'tax_invoice' || amount <= 0) return null;
      const against = invoice.number === null ? await numbered(invoice) : invoice;
      const parts = splitRefund(against.lines, Math.min(amount, against.total));
      const lines = against.lines.map((line, i) => ({ ...line, ...(parts[i] as LineMoney) }));
      const now = clock.now();
      const { serial: _taken, ...base } = against;
      return issue({
        ...base,
        _id: id,
        kind: 'credit_note',
        number: null,
        ...seriesOf(order, 'credit_note', now),
        seq: null,
        claim_until: new Date(0),
        lines,
        taxable_value: sum(lines, 'taxable_value'),
        cgst: sum(lines, 'cgst'),
        sgst: sum(lines, 'sgst'),
        igst: sum(lines, 'igst'),
        total: sum(lines, 'total'),
        against: { id: against._id, number: against.number ?? '', issued_at: against.issued_at },
        refund: refundId,
        issued_at: now,
        created_at: now,
      });
    },

    /** Numbers documents a crash left unnumbered (the sweeper), at most `limit`; returns how many. */
    async numberStale(limit: number): Promise<number> {
      const stale = await docs.find({ number: null, claim_until: op.lte(clock.now()) }, { limit });
      for (const doc of stale) await numbered(doc);
      return stale.length;
    },

    /** The account's documents, newest first, optionally those of one order. */
    list(owner: Owner, params: PageParams & { order?: string | undefined }): Promise<Page<InvoiceDoc>> {
      return paginate(docs, { account: owner.account, livemode: owner.livemode, ...(params.order ? { order: params.order } : {}) }, params);
    },

    /** One of the account's documents. @throws AppError NOT_FOUND */
    async get(owner: Owner, id: string): Promise<InvoiceDoc> {
      const found = await docs.findOne({ _id: id, account: owner.account, livemode: owner.livemode });
      if (!found) throw notFound('invoice', id);
      return found;
    },

    /** The numbered documents of an order, oldest first: its invoice or receipt, then credit notes. */
    async ofOrder(orderId: string): Promise<InvoiceDoc[]> {
      const found = await docs.find({ order: orderId }, { sort: { created_at: 1, _id: 1 } });
      return found.filter((d) => d.number !== null);
    },
  };
}

/** The name a state's half of GST goes by: UTGST in a union territory without a legislature. */
export function stateTaxName(placeOfSupply: string | null): 'SGST' | 'UTGST' {
  return placeOfSupply && gstState(placeOfSupply)?.utgst ? 'UTGST' : 'SGST';
}

export type InvoiceService = ReturnType<typeof createInvoiceService>;
