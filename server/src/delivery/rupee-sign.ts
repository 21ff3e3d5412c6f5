import type { jsPDF } from 'jspdf';

/**
 * Draws `₹` at (x, baseline) in the current colour and returns its width in mm. The standard
 * PDF fonts (WinAnsi) have no rupee glyph and embedding a font would cost more than the whole
 * document, so the sign is a vector path (a few bytes), over an invisible placeholder letter
 * whose `ActualText` is U+20B9: copying, searching, `pdftotext` and screen readers get a real ₹.
 * The same drawing as the ticket PDF's price.
 */
export function drawRupeeSign(doc: jsPDF, x: number, baseline: number, size: number, bold = false): number {
  const h = size * 0.2534; // Helvetica's cap height (0.718 em) in mm at this size
  const w = h * 0.72;
  // jsPDF's `internal.write` (untyped) appends raw operators to the page's content stream.
  const write = (doc.internal as unknown as { write(op: string): void }).write;
  doc.setFont('helvetica', bold ? 'bold' : 'normal');
  doc.setFontSize(size);
  write('/Span <</ActualText <FEFF20B9>>> BDC');
  doc.text('R', x, baseline, { renderingMode: 'invisible' });
  write('EMC');
  doc.setLineWidth(h * 0.13);
  doc.setLineCap('butt');
  const top = baseline - h;
  doc.line(x, top, x + w, top);
  doc.line(x, top + h * 0.3, x + w, top + h * 0.3);
  // The bowl from the top bar round to the left edge, then the leg down to the baseline.
  doc.lines([[w * 0.75, 0, w * 0.75, h * 0.52, 0, h * 0.52]], x + w * 0.05, top, [1, 1], 'S', false);
  doc.line(x + w * 0.05, top + h * 0.52, x + w * 0.8, baseline);
  return w + 0.6;
}
