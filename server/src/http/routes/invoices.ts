import { createRoute, z } from '@hono/zod-openapi';
import { renderInvoicePdf } from '../../delivery/invoice-pdf.js';
import { requireKey } from '../middleware/auth.js';
import { bearer, createRouter } from '../router.js';
import { errorResponses, IdParam } from '../schemas/common.js';
import { InvoiceListSchema, InvoiceQuery, InvoiceSchema } from '../schemas/invoices.js';
import { toInvoiceJson, toList } from '../serializers.js';

const json = <T>(schema: T) => ({ 'application/json': { schema } });
const secret = { security: bearer, middleware: [requireKey('secret')], tags: ['Invoices'] };

const list = createRoute({
  ...secret,
  method: 'get',
  path: '/v1/invoices',
  summary: 'Tax invoices, receipts and credit notes, newest first',
  description:
    'One tax invoice (or, for an organizer not registered for GST, a receipt) per paid order, and one credit note per processed refund of an invoiced order, each numbered in its own series per financial year. Filter by `order`. See docs/gst.md#invoices-and-credit-notes.',
  request: { query: InvoiceQuery },
  responses: { 200: { description: 'Documents, newest first.', content: json(InvoiceListSchema) }, ...errorResponses(400, 401, 403) },
});

const retrieve = createRoute({
  ...secret,
  method: 'get',
  path: '/v1/invoices/{id}',
  summary: 'One invoice, receipt or credit note',
  request: { params: IdParam },
  responses: { 200: { description: 'The document.', content: json(InvoiceSchema) }, ...errorResponses(401, 403, 404) },
});

const pdf = createRoute({
  ...secret,
  method: 'get',
  path: '/v1/invoices/{id}/pdf',
  summary: 'The printable PDF of an invoice, receipt or credit note',
  request: { params: IdParam },
  responses: { 200: { description: 'An A4 PDF.', content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } } }, ...errorResponses(401, 403, 404) },
});

/** Invoices, receipts and credit notes: read-only, issued by payments and refunds (docs/gst.md). */
export function invoiceRoutes() {
  return createRouter()
    .openapi(list, async (c) => {
      const query = c.req.valid('query');
      const page = await c.var.services.invoices.list(c.get('owner'), query);
      return c.json(toList(page, toInvoiceJson), 200);
    })
    .openapi(retrieve, async (c) => {
      const invoice = await c.var.services.invoices.get(c.get('owner'), c.req.valid('param').id);
      return c.json(toInvoiceJson(invoice), 200);
    })
    .openapi(pdf, async (c) => {
      const invoice = await c.var.services.invoices.get(c.get('owner'), c.req.valid('param').id);
      return c.body(renderInvoicePdf(invoice).slice().buffer, 200, {
        'Content-Type': 'application/pdf',
        'Content-Disposition': `inline; filename="${invoice._id}.pdf"`,
        'Cache-Control': 'no-store',
      });
    });
}
