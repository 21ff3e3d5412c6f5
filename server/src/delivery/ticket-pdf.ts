/**
 * Ticket PDFs: one A6 page per ticket, sized for a phone screen and for printing four to
 * an A4 sheet. Vector QR, standard fonts, compressed streams, no images: a single ticket is
 * ~4 KB and renders in ~1–2 ms, inside the 20 KB / 5 ms budget (docs/operations.md#performance-budgets).
 */
import { formatMoney } from '@trendy-tickets/sdk';
import type * as JsPdfModule from 'jspdf';
import type { jsPDF } from 'jspdf';
import { loadOnFirstUse } from '../kernel/load-on-first-use.js';
import { formatDateTime } from './format.js';
import { toWinAnsi } from './pdf-text.js';
import { drawQrInPdf } from './qr.js';

/** Loaded by the first PDF rendered, not at start. */
const pdfLibrary = loadOnFirstUse<typeof JsPdfModule>(import.meta.url, 'jspdf');

/** Everything one ticket page shows. Plain data, so any layer can build it. */
export interface TicketPdfModel {
  /** `tkt_…`, printed under the QR so door staff can type it when a scan fails. */
  ticketId: string;
  /** The QR content: the signed ticket code (docs/domain-rules.md#tickets). */
  code: string;
  eventName: string;
  venue?: string | null;
  /** ISO-8601 instant. */
  startsAt: string;
  /** IANA zone of the event, e.g. `Asia/Kolkata`; all times print in it. */
  timezone: string;
  holderName: string;
  ticketTypeName: string;
  /** Price paid for this admission, in minor units (paise). */
  amount: number;
  /** ISO 4217 code; `INR` unless the event says otherwise. */
  currency?: string;
  /** ISO-8601 instants bounding when the ticket admits. */
  validFrom: string;
  validUntil: string;
  /** The hosted ticket page (`/tickets/:id`), linked from the footer when given. */
  url?: string | null;
  /** A test-mode ticket: marked TEST across the top so it is never taken for a real one. */
  testMode?: boolean;
}

// A6 portrait, millimetres.
const PAGE_WIDTH = 105;
const PAGE_HEIGHT = 148;
const MARGIN = 8;
const CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN;
const QR_SIZE = 62; // including the quiet zone: ~0.95 mm modules for a version-10 code
const GREY: [number, number, number] = [95, 99, 104];
const INK: [number, number, number] = [17, 24, 39];
const TEST_RED: [number, number, number] = [153, 27, 27];

/**
 * Renders the tickets as one PDF, one page each, in the given order.
 *
 * @throws RangeError when `tickets` is empty (a PDF with no pages is not a ticket).
 * @example
 * const bytes = renderTicketsPdf([toTicketPdfModel(ticket, event)]);
 * return c.body(bytes, 200, { 'Content-Type': 'application/pdf' });
 */
export function renderTicketsPdf(tickets: readonly TicketPdfModel[]): Uint8Array {
  if (tickets.length === 0) throw new RangeError('renderTicketsPdf needs at least one ticket');
  const doc = new (pdfLibrary().jsPDF)({
    unit: 'mm',
    format: [PAGE_WIDTH, PAGE_HEIGHT],
    orientation: 'portrait',
    compress: true,
    // Without this jsPDF writes all 14 standard font dictionaries into every file.
    putOnlyUsedFonts: true,
    // jsPDF prints 16 decimals per coordinate by default; 0.01 pt (0.004 mm) is finer than any
    // printer, and the QR's ~450 rectangles shrink the content stream threefold, which also
    // cuts compression time (~0.6 ms per PDF on the reference machine).
    floatPrecision: 2,
  });
  const first = tickets[0];
  doc.setProperties({
    title: toWinAnsi(tickets.length === 1 && first ? `Ticket ${first.ticketId}` : `${tickets.length} tickets`),
    subject: toWinAnsi(first?.eventName ?? ''),
    creator: 'Trendy Ticket Service',
  });
  tickets.forEach((ticket, index) => {
    if (index > 0) doc.addPage([PAGE_WIDTH, PAGE_HEIGHT], 'portrait');
    drawTicketPage(doc, ticket);
  });
  return new Uint8Array(doc.output('arraybuffer'));
}

function drawTicketPage(doc: jsPDF, t: TicketPdfModel): void {
  const center = PAGE_WIDTH / 2;
  let y = MARGIN + 3;

  if (t.testMode) {
    // Where "ADMIT ONE" stands on a real ticket: a test ticket must never pass for one.
    doc.setFillColor(...TEST_RED);
    doc.rect(0, 0, PAGE_WIDTH, MARGIN + 5, 'F');
    text(doc, 'TEST TICKET - NOT VALID FOR ENTRY', center, y + 1, { size: 9, color: [255, 255, 255], bold: true, align: 'center' });
    y += 9;
  } else {
    text(doc, 'ADMIT ONE', MARGIN, y, { size: 7, color: GREY, bold: true });
    y += 7;
  }

  const title = wrap(doc, toWinAnsi(t.eventName) || 'Event', CONTENT_WIDTH, 15, true, 2);
  text(doc, title, MARGIN, y, { size: 15, bold: true });
  y += title.length * 6.2;

  if (t.venue) {
    text(doc, fit(doc, toWinAnsi(t.venue), CONTENT_WIDTH, 9), MARGIN, y, { size: 9, color: GREY });
    y += 4.6;
  }
  text(doc, fit(doc, toWinAnsi(formatDateTime(t.startsAt, t.timezone)), CONTENT_WIDTH, 9, true), MARGIN, y, {
    size: 9,
    bold: true,
  });

  // The QR sits at a fixed height so every page of a multi-ticket PDF lines up when flicked through.
  const qrTop = 36;
  drawQrInPdf(doc, t.code, center - QR_SIZE / 2, qrTop, QR_SIZE);
  y = qrTop + QR_SIZE + 1;
  text(doc, t.ticketId, center, y, { size: 8.5, font: 'courier', align: 'center' });
  y += 7;

  field(doc, 'HOLDER', toWinAnsi(t.holderName) || '-', MARGIN, y, CONTENT_WIDTH, 11);
  y += 9.5;
  const half = CONTENT_WIDTH / 2;
  field(doc, 'TICKET TYPE', toWinAnsi(t.ticketTypeName), MARGIN, y, half - 2, 9.5);
  if (t.amount === 0 || (t.currency ?? 'INR') !== 'INR') field(doc, 'PRICE', t.amount === 0 ? 'Free' : formatMoney(t.amount, t.currency), MARGIN + half, y, half, 9.5);
  else rupees(doc, t.amount, MARGIN + half, y, 9.5);
  y += 9;
  const from = toWinAnsi(formatDateTime(t.validFrom, t.timezone, 'short'));
  const until = toWinAnsi(formatDateTime(t.validUntil, t.timezone, 'short'));
  field(doc, 'VALID FROM', from, MARGIN, y, half - 2, 8);
  field(doc, 'VALID UNTIL', until, MARGIN + half, y, half, 8);

  const footerY = PAGE_HEIGHT - MARGIN;
  const note = 'Show this QR code at the entrance. One admission; only the first scan is accepted.';
  text(doc, note, MARGIN, footerY - (t.url ? 3.2 : 0), { size: 6.5, color: GREY });
  if (t.url && /^https?:\/\//i.test(t.url)) {
    const shown = fit(doc, toWinAnsi(t.url), CONTENT_WIDTH, 6.5);
    text(doc, shown, MARGIN, footerY, { size: 6.5, color: GREY });
    doc.link(MARGIN, footerY - 2.5, doc.getTextWidth(shown), 3, { url: t.url });
  }
}

/**
 * The PRICE field as `₹1,499.00`. The standard fonts have no rupee glyph, so the sign is drawn
 * as a vector path (a few bytes, no font to embed), over an invisible placeholder letter whose
 * `ActualText` is U+20B9: copy-paste, search and screen readers get a real ₹.
 */
function rupees(doc: jsPDF, amount: number, x: number, y: number, size: number): void {
  text(doc, 'PRICE', x, y, { size: 6.5, color: GREY, bold: true });
  const base = y + 4.3;
  const h = size * 0.2534; // Helvetica's cap height (0.718 em) in mm at this size
  const w = h * 0.72;
  // jsPDF's `internal.write` (untyped) appends raw operators to the page's content stream.
  const write = (doc.internal as unknown as { write(op: string): void }).write;
  write('/Span <</ActualText <FEFF20B9>>> BDC');
  text(doc, 'R', x, base, { size, bold: true, renderingMode: 'invisible' });
  write('EMC');
  doc.setDrawColor(...INK);
  doc.setLineWidth(h * 0.13);
  doc.setLineCap('butt');
  const top = base - h;
  doc.line(x, top, x + w, top);
  doc.line(x, top + h * 0.3, x + w, top + h * 0.3);
  // The bowl from the top bar round to the left edge, then the leg down to the baseline.
  doc.lines([[w * 0.75, 0, w * 0.75, h * 0.52, 0, h * 0.52]], x + w * 0.05, top, [1, 1], 'S', false);
  doc.line(x + w * 0.05, top + h * 0.52, x + w * 0.8, base);
  text(doc, formatMoney(amount, 'INR').replace(/^INR /, ''), x + w + 0.6, base, { size, bold: true });
}

interface TextStyle {
  size: number;
  bold?: boolean;
  color?: [number, number, number];
  font?: 'helvetica' | 'courier';
  align?: 'left' | 'center';
  renderingMode?: 'invisible';
}

function text(doc: jsPDF, value: string | string[], x: number, y: number, style: TextStyle): void {
  doc.setFont(style.font ?? 'helvetica', style.bold ? 'bold' : 'normal');
  doc.setFontSize(style.size);
  const [r, g, b] = style.color ?? INK;
  doc.setTextColor(r, g, b);
  doc.text(value, x, y, { align: style.align ?? 'left', ...(style.renderingMode ? { renderingMode: style.renderingMode } : {}) });
}

/** A small grey label above a value that is cut to the column width. */
function field(doc: jsPDF, label: string, value: string, x: number, y: number, width: number, size: number): void {
  text(doc, label, x, y, { size: 6.5, color: GREY, bold: true });
  text(doc, fit(doc, value, width, size, true), x, y + 4.3, { size, bold: true });
}

/** Wraps to at most `maxLines`, ending the last kept line with an ellipsis when text was cut. */
function wrap(doc: jsPDF, value: string, width: number, size: number, bold: boolean, maxLines: number): string[] {
  doc.setFont('helvetica', bold ? 'bold' : 'normal');
  doc.setFontSize(size);
  const lines = doc.splitTextToSize(value, width) as string[];
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = fit(doc, `${kept[maxLines - 1] ?? ''}…`, width, size, bold, true);
  return kept;
}

/**
 * Cuts `value` to fit `width` at the given size, ending with "…". Names are hostile input:
 * a 500-character holder name must not run off the page or over the QR.
 */
function fit(doc: jsPDF, value: string, width: number, size: number, bold = false, forceEllipsis = false): string {
  doc.setFont('helvetica', bold ? 'bold' : 'normal');
  doc.setFontSize(size);
  if (!forceEllipsis && doc.getTextWidth(value) <= width) return value;
  let body = forceEllipsis ? value.replace(/…$/, '') : value;
  while (body.length > 0 && doc.getTextWidth(`${body}…`) > width) {
    // Jump close to the answer first, then trim one character at a time.
    const ratio = width / doc.getTextWidth(`${body}…`);
    const next = ratio < 0.9 ? Math.floor(body.length * ratio) : body.length - 1;
    body = body.slice(0, Math.max(0, Math.min(next, body.length - 1)));
  }
  return `${body.trimEnd()}…`;
}
