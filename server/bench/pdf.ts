/**
 * Ticket PDF benchmark: ≤ 5 ms median and ≤ 20 KB for one ticket (docs/operations.md#performance-budgets).
 * A benchmark, not a timed test: timings depend on the machine, so the runner reports them.
 *
 * Run alone: `node --conditions=source --import tsx server/bench/pdf.ts`
 */
import { pathToFileURL } from 'node:url';
import { renderTicketsPdf, type TicketPdfModel } from '../src/delivery/ticket-pdf.js';

/** The budgets this benchmark is judged against. */
export const PDF_BUDGET = { medianMs: 5, bytes: 20 * 1024 } as const;

/** Figures for one single-ticket PDF. */
export interface PdfBenchResult {
  runs: number;
  median_ms: number;
  p95_ms: number;
  bytes: number;
  /** Measured ÷ budget: below 1 is within budget. */
  median_vs_budget: number;
  bytes_vs_budget: number;
}

/** A realistic ticket: a signed-code-sized QR payload and a long-ish event name. */
const SAMPLE: TicketPdfModel = {
  ticketId: 'tkt_4QpZ0x2bB8Lr6qXhS1mYtA',
  code: `tts1.evt_4QpZ0x2bB8Lr6qXhS1mYtA.tkt_9xYwVu8TsRq7PoNm6LkJiH.${'Sg'.repeat(43)}`,
  eventName: 'Diwali Mela 2026: Lights, Music and Food',
  venue: 'Jawaharlal Nehru Stadium, New Delhi',
  startsAt: '2026-11-08T12:30:00.000Z',
  timezone: 'Asia/Kolkata',
  holderName: 'राहुल शर्मा',
  ticketTypeName: 'General Admission',
  amount: 149_900,
  currency: 'INR',
  validFrom: '2026-11-08T11:00:00.000Z',
  validUntil: '2026-11-08T18:30:00.000Z',
  url: 'https://tickets.example.in/tickets/tkt_4QpZ0x2bB8Lr6qXhS1mYtA',
};

/**
 * Renders the sample ticket `runs` times after a warm-up and reports the median and p95
 * render time and the file size.
 *
 * @example
 * const { median_ms, bytes } = await benchPdf();
 */
export async function benchPdf(runs = 200): Promise<PdfBenchResult> {
  // Warm-up: JIT, font metrics and the Intl formatter cache are first-call costs, not per-PDF ones.
  for (let i = 0; i < 20; i++) renderTicketsPdf([SAMPLE]);
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    bytes = renderTicketsPdf([SAMPLE]).byteLength;
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const median_ms = times[Math.floor(times.length / 2)] ?? 0;
  const p95_ms = times[Math.min(times.length - 1, Math.floor(times.length * 0.95))] ?? 0;
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return {
    runs,
    median_ms: round(median_ms),
    p95_ms: round(p95_ms),
    bytes,
    median_vs_budget: round(median_ms / PDF_BUDGET.medianMs),
    bytes_vs_budget: round(bytes / PDF_BUDGET.bytes),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await benchPdf(), null, 2));
}
