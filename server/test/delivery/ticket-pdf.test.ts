import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it } from 'vitest';
import { renderTicketsPdf, type TicketPdfModel } from '../../src/delivery/ticket-pdf.js';

// Standard-font metrics for pdfjs; without them it warns on every Helvetica page.
const STANDARD_FONTS = fileURLToPath(new URL('../../../node_modules/pdfjs-dist/standard_fonts/', import.meta.url));

/** A realistic ticket: the code is as long as a signed code (payload + Ed25519 signature). */
function ticketModel(overrides: Partial<TicketPdfModel> = {}): TicketPdfModel {
  return {
    ticketId: 'tkt_4QpZ0x2bB8Lr6qXhS1mYtA',
    code: `tts1.evt_4QpZ0x2bB8Lr6qXhS1mYtA.tkt_9xYwVu8TsRq7PoNm6LkJiH.${'Sg'.repeat(43)}`,
    eventName: 'Diwali Mela 2026',
    venue: 'Jawaharlal Nehru Stadium, New Delhi',
    startsAt: '2026-11-08T12:30:00.000Z',
    timezone: 'Asia/Kolkata',
    holderName: 'Asha Verma',
    ticketTypeName: 'General Admission',
    amount: 149_900,
    currency: 'INR',
    validFrom: '2026-11-08T11:00:00.000Z',
    validUntil: '2026-11-08T18:30:00.000Z',
    url: 'https://tickets.example.in/tickets/tkt_4QpZ0x2bB8Lr6qXhS1mYtA',
    ...overrides,
  };
}

async function readPdf(bytes: Uint8Array) {
  const pdf = await getDocument({ data: bytes.slice(), standardFontDataUrl: STANDARD_FONTS, verbosity: 0 }).promise;
  const pages = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const page = await pdf.getPage(n);
    const content = await page.getTextContent();
    const text = content.items.map((item) => ('str' in item ? item.str : '')).join(' ');
    const ops = (await page.getOperatorList()).fnArray;
    const [, , width = 0, height = 0] = page.view;
    pages.push({ text, ops, width, height });
  }
  await pdf.destroy();
  return pages;
}

/** The PDF's text as poppler's pdftotext extracts it (what copy-paste and search see). */
function pdftotext(bytes: Uint8Array): string {
  return execFileSync('pdftotext', ['-layout', '-', '-'], { input: bytes, encoding: 'utf8' });
}

describe('renderTicketsPdf', () => {
  it('prints the price with the rupee sign, not the currency code', () => {
    const text = pdftotext(renderTicketsPdf([ticketModel()]));
    expect(text).toContain('₹1,499.00');
    expect(text).not.toContain('INR');
  });

  it('marks a test-mode ticket across the top, where a real one says ADMIT ONE', () => {
    const test = pdftotext(renderTicketsPdf([ticketModel({ testMode: true })]));
    expect(test).toContain('TEST TICKET - NOT VALID FOR ENTRY');
    expect(test).not.toContain('ADMIT ONE');
    expect(pdftotext(renderTicketsPdf([ticketModel()]))).not.toContain('TEST');
  });

  it('prints the event, venue, start in the event time zone, holder, type, price, validity and ticket id', async () => {
    const [page] = await readPdf(renderTicketsPdf([ticketModel()]));
    expect(page?.text).toContain('Diwali Mela 2026');
    expect(page?.text).toContain('Jawaharlal Nehru Stadium, New Delhi');
    expect(page?.text).toContain('Sun, 8 Nov, 2026, 6:00 pm IST'); // 12:30 UTC is 18:00 in Kolkata
    expect(page?.text).toContain('Asha Verma');
    expect(page?.text).toContain('General Admission');
    expect(page?.text).toContain('1,499.00');
    expect(page?.text).toContain('8 Nov 2026, 4:30 pm IST');
    expect(page?.text).toContain('9 Nov 2026, 12:00 am IST');
    expect(page?.text).toContain('tkt_4QpZ0x2bB8Lr6qXhS1mYtA');
  });

  it('draws the QR as vector paths, with no images, on an A6 page', async () => {
    const [page] = await readPdf(renderTicketsPdf([ticketModel()]));
    const imageOps = [OPS.paintImageXObject, OPS.paintInlineImageXObject, OPS.paintImageMaskXObject];
    expect(page?.ops.some((op) => imageOps.includes(op))).toBe(false);
    expect(page?.ops).toContain(OPS.constructPath);
    expect(page?.ops).toContain(OPS.fill);
    // A6 is 105 × 148 mm = 297.6 × 419.5 pt.
    expect(page?.width).toBeCloseTo(297.64, 1);
    expect(page?.height).toBeCloseTo(419.53, 1);
  });

  it('stays within the 20 KB budget for one ticket', () => {
    expect(renderTicketsPdf([ticketModel()]).byteLength).toBeLessThanOrEqual(20 * 1024);
  });

  it('puts each ticket on its own page, in order', async () => {
    const tickets = [1, 2, 3].map((n) => ticketModel({ ticketId: `tkt_000000000000000000000${n}`, holderName: `Guest ${n}` }));
    const pages = await readPdf(renderTicketsPdf(tickets));
    expect(pages).toHaveLength(3);
    pages.forEach((page, i) => {
      expect(page.text).toContain(`tkt_000000000000000000000${i + 1}`);
      expect(page.text).toContain(`Guest ${i + 1}`);
    });
  });

  it('prints Devanagari names in Latin letters and drops emoji instead of crashing', async () => {
    const [page] = await readPdf(renderTicketsPdf([ticketModel({ holderName: 'राहुल शर्मा 🎉', eventName: 'संगीत संध्या 🎶' })]));
    expect(page?.text).toContain('Rahul Sharma');
    expect(page?.text).toContain('Sangit Sandhya');
    expect(page?.text).not.toContain('🎉');
  });

  it('survives hostile and oversized text and keeps the id readable', async () => {
    const [page] = await readPdf(
      renderTicketsPdf([
        ticketModel({
          holderName: `<script>alert(1)</script>${'W'.repeat(500)}`,
          eventName: 'Ω'.repeat(300),
          venue: null,
          url: 'javascript:alert(1)',
        }),
      ]),
    );
    expect(page?.text).toContain('tkt_4QpZ0x2bB8Lr6qXhS1mYtA');
    expect(page?.text).toContain('…');
    expect(page?.text).not.toContain('javascript:');
  });

  it('says Free for a comp ticket and refuses to render no tickets', async () => {
    const [page] = await readPdf(renderTicketsPdf([ticketModel({ amount: 0 })]));
    expect(page?.text).toContain('Free');
    expect(() => renderTicketsPdf([])).toThrow(RangeError);
  });
});
