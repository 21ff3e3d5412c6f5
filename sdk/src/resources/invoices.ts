import type { TrendyTickets } from '../client.js';
import type { RequestOptions } from '../internal/http.js';
import type { PagedList } from '../pagination.js';
import type { Invoice, InvoiceListParams } from '../types.js';

/**
 * Tax invoices, receipts and credit notes (secret key), issued by the service when an order
 * is paid or refunded; never created or changed through the API. Each one's printable PDF is
 * at its `pdf_url`.
 *
 * @example
 * for await (const invoice of tts.invoices.list({ order: 'ord_…' })) console.log(invoice.number, invoice.total);
 */
export class InvoicesResource {
  constructor(private readonly client: TrendyTickets) {}

  /**
   * Documents newest first, optionally those of one `order`.
   *
   * @example
   * const page = await tts.invoices.list({ limit: 50 }).page();
   */
  list(params: InvoiceListParams = {}, options?: RequestOptions): PagedList<Invoice> {
    return this.client.list<Invoice>('/v1/invoices', { ...params }, options);
  }

  /**
   * One document.
   *
   * @example
   * const invoice = await tts.invoices.retrieve('inv_…');
   */
  retrieve(id: string, options?: RequestOptions): Promise<Invoice> {
    return this.client.request<Invoice>({ ...options, method: 'GET', path: `/v1/invoices/${encodeURIComponent(id)}` });
  }

  /**
   * The document's printable PDF, as bytes.
   *
   * @example
   * await writeFile('invoice.pdf', await tts.invoices.pdf('inv_…'));
   */
  pdf(id: string, options?: RequestOptions): Promise<Uint8Array> {
    return this.client.request<Uint8Array>({ ...options, method: 'GET', path: `/v1/invoices/${encodeURIComponent(id)}/pdf`, as: 'bytes' });
  }
}
