import { creditNoteIdOf, invoiceIdOf, type InvoiceDoc } from '../domain/invoices.js';
import type { Store } from '../store/port.js';
import { renderInvoicePdf } from './invoice-pdf.js';
import type { MailAttachment } from './mailer.js';

/** How the attached document is named: `invoice-INV-2627-000001.pdf`. */
export function invoiceFilename(invoice: Pick<InvoiceDoc, 'kind' | 'number' | '_id'>): string {
  const stem = invoice.kind === 'receipt' ? 'receipt' : invoice.kind === 'credit_note' ? 'credit-note' : 'invoice';
  return `${stem}-${(invoice.number ?? invoice._id).replaceAll('/', '-')}.pdf`;
}

/**
 * The order's invoice or receipt as a mail attachment, or none when the order has none (free
 * orders, orders from before invoices). An invoice stored but not yet numbered (its numbering
 * was cut short) throws, so the outbox retries the mail once the sweeper has numbered it,
 * rather than sending the tickets without it.
 */
export async function invoiceAttachment(store: Store, orderId: string): Promise<MailAttachment[]> {
  const invoice = await store.collection<InvoiceDoc>('invoices').findOne({ _id: invoiceIdOf(orderId) });
  if (!invoice) return [];
  if (invoice.number === null) throw new Error(`the invoice of order ${orderId} is not numbered yet`);
  return [{ filename: invoiceFilename(invoice), contentType: 'application/pdf', content: renderInvoicePdf(invoice) }];
}

/**
 * A refund's credit note as a mail attachment for the buyer's refund notice, or none when the
 * refund has none (an organizer not registered for GST, a refund made at the gateway's own
 * dashboard). The note is issued before the notice is queued; one stored but not yet numbered
 * throws, so the outbox retries the notice once the sweeper has numbered it.
 */
export async function creditNoteAttachment(store: Store, refundId: string): Promise<MailAttachment[]> {
  const note = await store.collection<InvoiceDoc>('invoices').findOne({ _id: creditNoteIdOf(refundId) });
  if (!note) return [];
  if (note.number === null) throw new Error(`the credit note of refund ${refundId} is not numbered yet`);
  return [{ filename: invoiceFilename(note), contentType: 'application/pdf', content: renderInvoicePdf(note) }];
}
