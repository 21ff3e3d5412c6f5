import QRCode from 'qrcode';
import type { jsPDF } from 'jspdf';
import { describe, expect, it } from 'vitest';
import { drawQrInPdf, qrMatrix, qrRects, qrRuns, qrSvg, QR_QUIET_ZONE, type QrMatrix } from './qr.js';

const CODE = `tts1.evt_4QpZ0x2bB8Lr6qXhS1mYtA.tkt_9xYwVu8TsRq7PoNm6LkJiH.${'Sg'.repeat(43)}`;

/** Paints axis-aligned rectangles (module units, quiet zone already removed) onto an empty matrix. */
function rasterise(size: number, rects: { col: number; row: number; width: number; height: number }[]): QrMatrix {
  const data = new Uint8Array(size * size);
  for (const r of rects) {
    for (let row = r.row; row < r.row + r.height; row++) {
      for (let col = r.col; col < r.col + r.width; col++) {
        // A second paint of one module would mean overlapping shapes.
        expect(data[row * size + col], `module ${row},${col} painted twice`).toBe(0);
        data[row * size + col] = 1;
      }
    }
  }
  return { size, data };
}

describe('qrMatrix', () => {
  it('is the qrcode library symbol at error correction M', () => {
    const matrix = qrMatrix(CODE);
    const reference = QRCode.create(CODE, { errorCorrectionLevel: 'M' });
    expect(matrix.size).toBe(reference.modules.size);
    expect(matrix.size).toBe(17 + 4 * reference.version);
    expect(Array.from(matrix.data)).toEqual(Array.from(reference.modules.data));
  });
});

describe('qrRuns and qrRects', () => {
  it('cover exactly the dark modules, with far fewer shapes than modules', () => {
    const matrix = qrMatrix(CODE);
    const runs = qrRuns(matrix);
    const rects = qrRects(matrix);
    const dark = matrix.data.reduce((sum, bit) => sum + bit, 0);
    expect(
      rasterise(
        matrix.size,
        runs.map((r) => ({ ...r, width: r.length, height: 1 })),
      ).data,
    ).toEqual(matrix.data);
    expect(rasterise(matrix.size, rects).data).toEqual(matrix.data);
    expect(runs.length).toBeLessThan(dark / 1.5);
    expect(rects.length).toBeLessThan(runs.length);
  });
});

describe('qrSvg', () => {
  const svg = qrSvg(CODE, { size: 240 });
  const matrix = qrMatrix(CODE);
  const extent = matrix.size + 2 * QR_QUIET_ZONE;

  it('is one standalone, crisp SVG whose view box is the symbol plus a 4-module quiet zone', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('shape-rendering="crispEdges"');
    expect(svg).toContain(`viewBox="0 0 ${extent} ${extent}"`);
    expect(svg).toContain('width="240" height="240"');
    expect(svg.match(/<path /g)).toHaveLength(1);
    expect(svg.match(/<rect /g)).toHaveLength(1); // the white background only, not one per module
  });

  it('paints exactly the dark modules when its path is rasterised back', () => {
    const d = /<path fill="#000" d="([^"]+)"/.exec(svg)?.[1] ?? '';
    const shapes = [...d.matchAll(/M(\d+) (\d+)h(\d+)v(\d+)h-(\d+)z/g)];
    expect(shapes.map((m) => m[0]).join('')).toBe(d); // nothing in the path but these boxes
    const rects = shapes.map((m) => ({
      col: Number(m[1]) - QR_QUIET_ZONE,
      row: Number(m[2]) - QR_QUIET_ZONE,
      width: Number(m[3]),
      height: Number(m[4]),
    }));
    for (const m of shapes) expect(m[5]).toBe(m[3]); // each box closes on itself
    expect(rasterise(matrix.size, rects).data).toEqual(matrix.data);
  });

  it('honours a custom margin and stays compact', () => {
    expect(qrSvg(CODE, { margin: 2 })).toContain(`viewBox="0 0 ${matrix.size + 4} ${matrix.size + 4}"`);
    expect(svg.length).toBeLessThan(12_000);
  });
});

describe('drawQrInPdf', () => {
  it('adds one rectangle per merged shape to a single path, filled once, inside the given square', () => {
    const calls: { rects: number[][]; fills: number } = { rects: [], fills: 0 };
    const doc = {
      setFillColor: () => doc,
      rect: (x: number, y: number, w: number, h: number, style: unknown) => {
        expect(style).toBeNull();
        calls.rects.push([x, y, w, h]);
        return doc;
      },
      fill: () => {
        calls.fills++;
        return doc;
      },
    };
    const [x, y, size] = [20, 40, 65];
    drawQrInPdf(doc as unknown as jsPDF, CODE, x, y, size);

    const matrix = qrMatrix(CODE);
    const cell = size / (matrix.size + 2 * QR_QUIET_ZONE);
    expect(calls.fills).toBe(1);
    const rects = calls.rects.map(([rx = 0, ry = 0, w = 0, h = 0]) => ({
      col: Math.round((rx - x) / cell) - QR_QUIET_ZONE,
      row: Math.round((ry - y) / cell) - QR_QUIET_ZONE,
      width: Math.round(w / cell),
      height: Math.round(h / cell),
    }));
    expect(rasterise(matrix.size, rects).data).toEqual(matrix.data);
    for (const [rx = 0, ry = 0, w = 0, h = 0] of calls.rects) {
      expect(rx).toBeGreaterThanOrEqual(x + QR_QUIET_ZONE * cell - 1e-9);
      expect(ry + h).toBeLessThanOrEqual(y + size - QR_QUIET_ZONE * cell + 1e-9);
      expect(rx + w).toBeLessThanOrEqual(x + size - QR_QUIET_ZONE * cell + 1e-9);
    }
  });
});
