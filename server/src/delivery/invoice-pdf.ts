/**
 * Invoice, receipt and credit-note PDFs: one A4 page (more when the lines run over) carrying
 * what rule 46 of the CGST Rules, 2017 asks a tax invoice to show (docs/gst.md#invoices-and-credit-notes).
 * Standard fonts, compressed, no images: a few KB, inside the 30 KB budget.
 */
import { formatMoney, gstState } from '@trendy-tickets/sdk';
import type * as JsPdfModule from 'jspdf';
import type { jsPDF } from 'jspdf';
import { loadOnFirstUse } from '../kernel/load-on-first-use.js';
import { type InvoiceDoc, type InvoiceLineDoc, stateTaxName } from '../domain/invoices.js';
import { toWinAnsi } from './pdf-text.js';
import { drawRupeeSign } from './rupee-sign.js';

/** Loaded by the first PDF rendered, not at start. */
const pdfLibrary = loadOnFirstUse<typeof JsPdfModule>(import.meta.url, 'jspdf');

const TITLES: Record<InvoiceDoc['kind'], string> = { tax_invoice: 'TAX INVOICE', receipt: 'RECEIPT', credit_note: 'CREDIT NOTE' };
const PAGE_WIDTH = 210;
const PAGE_HEIGHT = 297;
const MARGIN = 14;
const RIGHT = PAGE_WIDTH - MARGIN;
const GREY: [number, number, number] = [95, 99, 104];
const INK: [number, number, number] = [17, 24, 39];

/** `Maharashtra (27)`, the state's name with its GST code, as the place of supply is printed. */
export function stateLabel(code: string | null): string {
  if (!code) return '-';
  const state = gstState(code);
  return state ? `${state.name} (${code})` : code;
}

/** Paise as `1,49,900.00`, with Indian grouping and no currency (the column says ₹). */
function amount(paise: number): string {
  return formatMoney(paise, 'INR').replace(/^INR /, '');
}

/** `5 December 2026`, the date on India's clock. */
function dateOf(at: Date): string {
  return new Intl.DateTimeFormat('en-IN', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Asia/Kolkata' }).format(at);
}

/**
 * Renders one document as a PDF.
 *
 * @example
 * const bytes = renderInvoicePdf(await invoices.get(owner, 'inv_…'));
 */
export function renderInvoicePdf(inv: InvoiceDoc): Uint8Array {
  const doc = new (pdfLibrary().jsPDF)({ unit: 'mm', format: 'a4', orientation: 'portrait', compress: true, putOnlyUsedFonts: true, floatPrecision: 2 });
  const title = TITLES[inv.kind];
  doc.setProperties({ title: `${title} ${inv.number ?? ''}`.trim(), subject: toWinAnsi(inv.event_name), creator: 'Trendy Ticket Service' });
  const taxed = inv.kind !== 'receipt';
  const sgstName = stateTaxName(inv.place_of_supply);
  let y = MARGIN + 4;

  if (!inv.livemode) {
    text(doc, 'TEST MODE - NOT A VALID DOCUMENT', RIGHT, y, { size: 8, bold: true, color: [153, 27, 27], align: 'right' });
  }
  text(doc, title, MARGIN, y, { size: 16, bold: true });
  y += 9;

  // The supplier, left; the document's number and date, right.
  const top = y;
  text(doc, toWinAnsi(inv.supplier.name), MARGIN, y, { size: 10.5, bold: true });
  y += 5;
  for (const line of doc.splitTextToSize(toWinAnsi(inv.supplier.address ?? ''), 95) as string[]) {
    text(doc, line, MARGIN, y, { size: 9 });
    y += 4.2;
  }
  if (inv.supplier.state) {
    text(doc, `State: ${stateLabel(inv.supplier.state)}`, MARGIN, y, { size: 9 });
    y += 4.2;
  }
  if (inv.supplier.gstin) {
    text(doc, `GSTIN: ${inv.supplier.gstin}`, MARGIN, y, { size: 9, bold: true });
    y += 4.2;
  }
  const facts: Array<[string, string]> = [
    [inv.kind === 'credit_note' ? 'Credit note no.' : inv.kind === 'receipt' ? 'Receipt no.' : 'Invoice no.', inv.number ?? '-'],
    ['Date', dateOf(inv.issued_at)],
    ['Financial year', inv.financial_year],
    ['Order', inv.order],
  ];
  if (inv.against) facts.push(['Against invoice', inv.against.number], ['Invoice date', dateOf(inv.against.issued_at)]);
  let fy = top;
  for (const [label, value] of facts) {
    text(doc, label, 120, fy, { size: 8.5, color: GREY });
    text(doc, value, RIGHT, fy, { size: 9, bold: true, align: 'right' });
    fy += 4.6;
  }
  y = Math.max(y, fy) + 4;

  // The recipient, and where the supply is.
  text(doc, 'BILLED TO', MARGIN, y, { size: 7.5, bold: true, color: GREY });
  text(doc, 'PLACE OF SUPPLY', 120, y, { size: 7.5, bold: true, color: GREY });
  y += 4.6;
  text(doc, inv.place_of_supply ? stateLabel(inv.place_of_supply) : '-', 120, y, { size: 9, bold: true });
  if (taxed) text(doc, 'Tax payable on reverse charge: No', 120, y + 4.4, { size: 8.5 });
  const recipient = [
    inv.recipient.company ?? inv.recipient.name,
    ...(inv.recipient.company ? [`Attn: ${inv.recipient.name}`] : []),
    ...(inv.recipient.address ? (doc.splitTextToSize(toWinAnsi(inv.recipient.address), 95) as string[]) : []),
    ...(inv.recipient.gstin ? [`GSTIN: ${inv.recipient.gstin}`] : []),
    inv.recipient.email,
  ];
  recipient.forEach((line, i) => {
    text(doc, toWinAnsi(line), MARGIN, y, { size: 9, bold: i === 0 });
    y += 4.2;
  });
  y += 5;

  // The lines.
  const cols = taxed
    ? [
        { head: 'Description', x: MARGIN, align: 'left' as const },
        { head: 'SAC', x: 86, align: 'left' as const },
        { head: 'Qty', x: 106, align: 'right' as const },
        { head: 'Taxable value', x: 130, align: 'right' as const },
        { head: 'Rate', x: 142, align: 'right' as const },
        { head: inv.supply === 'inter_state' ? 'IGST' : `CGST+${sgstName}`, x: 166, align: 'right' as const },
        { head: 'Total', x: RIGHT, align: 'right' as const },
      ]
    : [
        { head: 'Description', x: MARGIN, align: 'left' as const },
        { head: 'Qty', x: 150, align: 'right' as const },
        { head: 'Amount', x: RIGHT, align: 'right' as const },
      ];
  doc.setDrawColor(...GREY);
  doc.setLineWidth(0.2);
  for (const col of cols) text(doc, col.head, col.x, y, { size: 8, bold: true, color: GREY, align: col.align });
  text(doc, 'Amounts in', RIGHT - 17, y - 4.5, { size: 7.5, color: GREY });
  drawRupeeSign(doc, RIGHT - 3, y - 4.5, 7.5);
  doc.line(MARGIN, y + 1.5, RIGHT, y + 1.5);
  y += 6;
  for (const line of inv.lines) {
    const desc = doc.splitTextToSize(toWinAnsi(line.description), taxed ? 70 : 125) as string[];
    if (y + desc.length * 4 > PAGE_HEIGHT - 50) {
      doc.addPage('a4', 'portrait');
      y = MARGIN + 4;
    }
    const cells = taxed ? taxedCells(line, inv.supply) : [String(line.quantity), amount(line.total)];
    text(doc, desc, MARGIN, y, { size: 9 });
    cells.forEach((cell, i) => {
      const col = cols[i + 1];
      if (col) text(doc, cell, col.x, y, { size: 9, align: col.align });
    });
    y += desc.length * 4 + 2.5;
  }
  doc.line(MARGIN, y - 1, RIGHT, y - 1);
  y += 4;

  // The totals, each tax by name.
  const totals: Array<[string, number]> = taxed
    ? [
        ['Taxable value', inv.taxable_value],
        ...(inv.supply === 'inter_state'
          ? ([['IGST', inv.igst]] as Array<[string, number]>)
          : ([
              ['CGST', inv.cgst],
              [sgstName, inv.sgst],
            ] as Array<[string, number]>)),
      ]
    : [];
  for (const [label, value] of totals) {
    text(doc, label, 140, y, { size: 9, color: GREY });
    text(doc, amount(value), RIGHT, y, { size: 9, align: 'right' });
    y += 4.8;
  }
  text(doc, inv.kind === 'credit_note' ? 'Total credited' : 'Total', 140, y + 1, { size: 10.5, bold: true });
  const shown = amount(inv.total);
  doc.setFont('helvetica', 'bold');
  doc.setFontSize(10.5);
  const width = doc.getTextWidth(shown);
  doc.setDrawColor(...INK);
  drawRupeeSign(doc, RIGHT - width - 3, y + 1, 10.5, true);
  text(doc, shown, RIGHT, y + 1, { size: 10.5, bold: true, align: 'right' });
  y += 12;

  const notes = [
    inv.kind === 'receipt'
      ? 'The supplier is not registered for GST; no tax is charged. This receipt is not a tax invoice.'
      : `Place of supply: ${stateLabel(inv.place_of_supply)}, where the event is held.`,
    `For: ${toWinAnsi(inv.event_name)}.`,
    'This is a digitally generated document and needs no signature.',
  ];
  for (const note of notes) {
    text(doc, note, MARGIN, y, { size: 8.5, color: GREY });
    y += 4.4;
  }
  return new Uint8Array(doc.output('arraybuffer'));
}

/** A taxed line's cells after the description: SAC, quantity, taxable value, rate, tax, total. */
function taxedCells(line: InvoiceLineDoc, supply: InvoiceDoc['supply']): string[] {
  // Intra-state, each half at half the rate: rule 46 asks for the rate of each tax.
  const rate = line.tax_rate === null ? '-' : supply === 'inter_state' ? `${line.tax_rate}%` : `${line.tax_rate / 2}%+${line.tax_rate / 2}%`;
  const tax = supply === 'inter_state' ? amount(line.igst) : `${amount(line.cgst)}+${amount(line.sgst)}`;
  return [line.sac ?? '-', String(line.quantity), amount(line.taxable_value), rate, tax, amount(line.total)];
}

interface TextStyle {
  size: number;
  bold?: boolean;
  color?: [number, number, number];
  align?: 'left' | 'right';
}

function text(doc: jsPDF, value: string | string[], x: number, y: number, style: TextStyle): void {
  doc.setFont('helvetica', style.bold ? 'bold' : 'normal');
  doc.setFontSize(style.size);
  doc.setTextColor(...(style.color ?? INK));
  doc.text(value, x, y, { align: style.align ?? 'left' });
}
