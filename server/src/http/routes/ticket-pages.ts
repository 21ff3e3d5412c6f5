import { Hono, type Context } from 'hono';
import { jsx } from 'hono/jsx';
import { ticketPdfModel } from '../../delivery/mail-renderer.js';
import { qrSvg } from '../../delivery/qr.js';
import { renderTicketsPdf } from '../../delivery/ticket-pdf.js';
import { invoiceFilename } from '../../delivery/invoice-attachment.js';
import { renderInvoicePdf } from '../../delivery/invoice-pdf.js';
import type { InvoiceDoc } from '../../domain/invoices.js';
import { AppError } from '../../kernel/errors.js';
import type { EventDoc } from '../../domain/events.js';
import { idPattern } from '../../kernel/ids.js';
import type { TicketDoc } from '../../domain/tickets.js';
import { renderPage } from '../../pages/layout.js';
import { TicketNotFound, TicketPage, ticketIcs } from '../../pages/ticket-pages.js';
import type { AppEnv } from '../context.js';

/**
 * Path patterns. The PDF's `.pdf` is part of its one segment, so `/tickets/:id` and
 * `/tickets/:id.pdf` are told apart by the regex alone: the page's id pattern has no dot.
 */
const TICKET = 'tkt_[0-9A-Za-z]+';
const TICKET_ID = idPattern('tkt');

/**
 * Ticket ids are bearer links: the response must not be cached by anything shared,
 * indexed, or leak its URL in a Referer (http/middleware/security-headers.ts lets handlers'
 * headers win over its defaults for these to stick; the page also says so in a meta tag).
 */
function privateHeaders(c: Context<AppEnv>): void {
  c.header('Cache-Control', 'no-store');
  c.header('X-Robots-Tag', 'noindex, nofollow');
  c.header('Referrer-Policy', 'no-referrer');
}

async function loadTicket(c: Context<AppEnv>, id: string): Promise<{ ticket: TicketDoc; event: EventDoc } | null> {
  if (!TICKET_ID.test(id)) return null;
  const ticket = await c.var.services.tickets.findById(id);
  if (!ticket) return null;
  try {
    const event = await c.var.services.events.get({ account: ticket.account, livemode: ticket.livemode }, ticket.event);
    return { ticket, event };
  } catch (err) {
    if (err instanceof AppError && err.code === 'NOT_FOUND') return null;
    throw err;
  }
}

/** The order's numbered invoice or receipt (its first document), if it has one: the ticket link is the buyer's proof. */
async function orderInvoice(c: Context<AppEnv>, orderId: string): Promise<InvoiceDoc | null> {
  const docs = await c.var.services.invoices.ofOrder(orderId);
  return docs.find((d) => d.kind !== 'credit_note') ?? null;
}

function notFoundPage(c: Context<AppEnv>): Promise<Response> {
  privateHeaders(c);
  return renderPage(c, jsx(TicketNotFound, {}), 404);
}

function plain(c: Context<AppEnv>, status: 404 | 410, text: string): Response {
  privateHeaders(c);
  return c.text(text, status);
}

/**
 * The hosted ticket pages (docs/api-conventions.md#hosted-pages): the ticket itself, its PDF, its QR
 * as SVG (embeddable by partner pages and the widget) and a calendar file.
 * HTML and bytes, not JSON, so a plain router rather than an OpenAPI one.
 *
 * @example
 * app.route('/', ticketPageRoutes());
 */
export function ticketPageRoutes() {
  const router = new Hono<AppEnv>();

  router.get(`/tickets/:file{${TICKET}\\.pdf}`, async function ticketPdf(c) {
    const found = await loadTicket(c, c.req.param('file').slice(0, -'.pdf'.length));
    if (!found) return plain(c, 404, 'No such ticket.');
    // A voided ticket's PDF would look valid on paper (a resale trap), so there is none.
    if (found.ticket.status === 'voided') return plain(c, 410, 'This ticket was voided; it has no PDF.');
    const bytes = renderTicketsPdf([ticketPdfModel(found.ticket, found.event, c.var.deps.config.publicUrl)]);
    privateHeaders(c);
    return c.body(bytes.slice().buffer, 200, {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `inline; filename="ticket-${found.ticket._id}.pdf"`,
    });
  });

  router.get(`/tickets/:id{${TICKET}}/qr.svg`, async function ticketQr(c) {
    const found = await loadTicket(c, c.req.param('id'));
    if (!found) return plain(c, 404, 'No such ticket.');
    if (found.ticket.status === 'voided') return plain(c, 410, 'This ticket was voided; it has no QR code.');
    privateHeaders(c);
    return c.body(qrSvg(found.ticket.code), 200, {
      'Content-Type': 'image/svg+xml',
      // Partner pages and the widget show it with <img>: that needs a cross-origin CORP.
      'Cross-Origin-Resource-Policy': 'cross-origin',
      // Opened on its own, an SVG is a document: it gets no script and no loads either.
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
    });
  });

  router.get(`/tickets/:id{${TICKET}}/invoice.pdf`, async function ticketInvoice(c) {
    const found = await loadTicket(c, c.req.param('id'));
    if (!found) return plain(c, 404, 'No such ticket.');
    const invoice = await orderInvoice(c, found.ticket.order);
    if (!invoice) return plain(c, 404, 'This order has no invoice.');
    privateHeaders(c);
    return c.body(renderInvoicePdf(invoice).slice().buffer, 200, {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `inline; filename="${invoiceFilename(invoice)}"`,
    });
  });

  router.get(`/tickets/:id{${TICKET}}/calendar.ics`, async function ticketCalendar(c) {
    const found = await loadTicket(c, c.req.param('id'));
    if (!found) return plain(c, 404, 'No such ticket.');
    privateHeaders(c);
    return c.body(ticketIcs(found.ticket, found.event, c.var.deps.config.publicUrl, c.var.deps.clock.now()), 200, {
      'Content-Type': 'text/calendar; charset=utf-8',
      'Content-Disposition': `attachment; filename="ticket-${found.ticket._id}.ics"`,
    });
  });

  router.get(`/tickets/:id{${TICKET}}`, async function ticketPage(c) {
    const found = await loadTicket(c, c.req.param('id'));
    if (!found) return notFoundPage(c);
    privateHeaders(c);
    const props = { ...found, publicUrl: c.var.deps.config.publicUrl, now: c.var.deps.clock.now(), invoice: await orderInvoice(c, found.ticket.order) };
    return renderPage(c, jsx(TicketPage, props));
  });

  // Anything else under /tickets/ is a mangled link: a page a person can read, not the API's JSON 404.
  router.get('/tickets/*', notFoundPage);

  return router;
}
