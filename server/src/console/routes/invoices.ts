import { Hono } from 'hono';
import { renderInvoicePdf } from '../../delivery/invoice-pdf.js';
import { invoiceFilename } from '../../delivery/invoice-attachment.js';
import { notFound } from '../../kernel/errors.js';
import type { ConsoleEnv } from '../context.js';

/** An invoice's, receipt's or credit note's id: `inv_…` or `cn_…`. */
const DOCUMENT_ID = /^(inv|cn)_[0-9A-Za-z_]{1,80}$/;

/**
 * The printable documents of an order, linked from the console's ticket page
 * (docs/gst.md#invoices-and-credit-notes): for members who may read the money.
 */
export function invoiceRoutes() {
  const router = new Hono<ConsoleEnv>();
  router.get('/console/invoices/:id/pdf', async function invoicePdf(c) {
    const id = c.req.param('id');
    if (!DOCUMENT_ID.test(id)) throw notFound('invoice', id);
    const invoice = await c.var.services.invoices.get(c.var.user.owner, id);
    c.header('Cache-Control', 'no-store');
    return c.body(renderInvoicePdf(invoice).slice().buffer, 200, {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `inline; filename="${invoiceFilename(invoice)}"`,
    });
  });
  return router;
}
