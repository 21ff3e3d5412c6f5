/**
 * QR codes for tickets, as vectors: an SVG for the ticket page and rectangles in the PDF.
 *
 * Both renderers draw merged runs of dark modules instead of one square per module: a
 * typical ticket code (version 8–10, 49–57 modules) has ~1,300 dark modules but only ~500
 * runs, which keeps the SVG small and the PDF under its 20 KB budget (docs/operations.md#performance-budgets).
 */
import type { jsPDF } from 'jspdf';
import type * as QRCodeModule from 'qrcode';
import { loadOnFirstUse } from '../kernel/load-on-first-use.js';

/** Loaded on the first code drawn, not at start. */
const qrcode = loadOnFirstUse<typeof QRCodeModule>(import.meta.url, 'qrcode');

/**
 * Error-correction level M (~15 % recoverable): the usual choice for screens and paper.
 * H would survive more damage but grows the symbol by two or three versions, making each
 * module smaller on a phone screen, which hurts scanning more than it helps.
 */
const ERROR_CORRECTION = 'M';

/** The quiet zone every QR reader needs around the symbol, in modules (ISO/IEC 18004 §6.3.8). */
export const QR_QUIET_ZONE = 4;

/** A QR symbol as a square grid; `data[row * size + col]` is 1 for a dark module. */
export interface QrMatrix {
  /** Modules per side, without the quiet zone. */
  size: number;
  data: Uint8Array;
}

/** A horizontal run of dark modules in one row, in module coordinates (no quiet zone). */
export interface QrRun {
  row: number;
  col: number;
  length: number;
}

/** A dark rectangle in module coordinates (no quiet zone): runs stacked in adjacent rows. */
export interface QrRect {
  row: number;
  col: number;
  width: number;
  height: number;
}

/**
 * Encodes `text` as a QR symbol (error correction M).
 *
 * @throws when the text is too long for any QR version (~2,300 bytes at level M).
 * @example
 * const { size, data } = qrMatrix('tkt_4QpZ0x2bB8Lr6qXhS1mYtA');
 */
export function qrMatrix(text: string): QrMatrix {
  const { modules } = qrcode().create(text, { errorCorrectionLevel: ERROR_CORRECTION });
  // Copy so callers cannot corrupt the library's internal buffer.
  return { size: modules.size, data: Uint8Array.from(modules.data) };
}

/**
 * Splits a matrix into maximal horizontal runs of dark modules, row by row.
 *
 * @example
 * qrRuns(qrMatrix('hello')).length // far fewer than the dark module count
 */
export function qrRuns(matrix: QrMatrix): QrRun[] {
  const { size, data } = matrix;
  const runs: QrRun[] = [];
  for (let row = 0; row < size; row++) {
    let col = 0;
    while (col < size) {
      if (data[row * size + col] !== 1) {
        col++;
        continue;
      }
      const start = col;
      while (col < size && data[row * size + col] === 1) col++;
      runs.push({ row, col: start, length: col - start });
    }
  }
  return runs;
}

/**
 * Merges identical runs in consecutive rows into taller rectangles. Finder patterns and
 * vertical strokes collapse to one shape each: ~15 % fewer shapes, and fewer shared edges
 * where a rasteriser could leave a faint seam between rows.
 *
 * @example
 * const rects = qrRects(qrMatrix(code)); // covers exactly the dark modules, no overlaps
 */
export function qrRects(matrix: QrMatrix): QrRect[] {
  const done: QrRect[] = [];
  let open = new Map<string, QrRect>(); // rects that reach the previous row, keyed by col and width
  let currentRow = -1;
  const advanceTo = (row: number): void => {
    if (row === currentRow) return;
    for (const rect of open.values()) if (rect.row + rect.height < row) done.push(rect);
    open = new Map([...open].filter(([, rect]) => rect.row + rect.height >= row));
    currentRow = row;
  };
  for (const run of qrRuns(matrix)) {
    advanceTo(run.row);
    const key = `${run.col}:${run.length}`;
    const above = open.get(key);
    if (above && above.row + above.height === run.row) {
      above.height++;
    } else {
      if (above) done.push(above);
      open.set(key, { row: run.row, col: run.col, width: run.length, height: 1 });
    }
  }
  done.push(...open.values());
  return done;
}

/** Options for {@link qrSvg}. */
export interface QrSvgOptions {
  /** Rendered width and height in CSS pixels (default 256). The SVG scales losslessly anyway. */
  size?: number;
  /** Quiet zone in modules (default 4, the minimum the standard asks for). */
  margin?: number;
}

/**
 * A standalone SVG of the QR code: a white square plus ONE path of merged dark runs
 * (see {@link qrRects}).
 *
 * `shape-rendering="crispEdges"` stops browsers anti-aliasing module edges, which would
 * otherwise show hairline seams between rows at fractional zoom levels.
 *
 * @example
 * c.body(qrSvg(ticket.code, { size: 240 }), 200, { 'Content-Type': 'image/svg+xml' });
 */
export function qrSvg(text: string, options: QrSvgOptions = {}): string {
  const matrix = qrMatrix(text);
  const margin = Math.max(0, Math.floor(options.margin ?? QR_QUIET_ZONE));
  const pixels = Math.max(1, Math.round(options.size ?? 256));
  const extent = matrix.size + 2 * margin;
  let d = '';
  for (const r of qrRects(matrix)) {
    // Absolute move, relative box: about 17 bytes per shape, no per-module elements.
    d += `M${r.col + margin} ${r.row + margin}h${r.width}v${r.height}h-${r.width}z`;
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${pixels}" height="${pixels}" ` +
    `viewBox="0 0 ${extent} ${extent}" shape-rendering="crispEdges" role="img" aria-label="QR code">` +
    `<rect width="${extent}" height="${extent}" fill="#fff"/>` +
    `<path fill="#000" d="${d}"/></svg>`
  );
}

/**
 * Draws the QR code into a jsPDF page as vector rectangles, black on the (white) page.
 *
 * `size` is the whole square including the 4-module quiet zone, in the document's unit.
 * All runs go into one path filled once: separate fills would let PDF viewers
 * anti-alias each edge on its own and show faint seams between rows.
 *
 * @example
 * drawQrInPdf(doc, ticket.code, 20, 40, 65); // a 65 mm square at (20 mm, 40 mm)
 */
export function drawQrInPdf(doc: jsPDF, text: string, x: number, y: number, size: number): void {
  const matrix = qrMatrix(text);
  const cell = size / (matrix.size + 2 * QR_QUIET_ZONE);
  const left = x + QR_QUIET_ZONE * cell;
  const top = y + QR_QUIET_ZONE * cell;
  doc.setFillColor(0, 0, 0);
  for (const r of qrRects(matrix)) {
    // A null style only adds the rectangle to the current path (jsPDF "compat" API mode).
    doc.rect(left + r.col * cell, top + r.row * cell, r.width * cell, r.height * cell, null);
  }
  doc.fill();
}
