/**
 * The benchmark's result table: one row per figure, judged against its budget (PASS / MISS) or
 * held as a correctness condition (PASS / FAIL: a FAIL makes `npm run bench` exit 1).
 */

export type Verdict = 'PASS' | 'MISS' | 'FAIL' | '';
export interface Row {
  metric: string;
  value: string;
  budget: string;
  ratio: string;
  verdict: Verdict;
}

export const rows: Row[] = [];
export const correctnessFailures: string[] = [];

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
export const ms = (n: number) => `${fmt(n, n < 10 ? 2 : 1)} ms`;
export const info = (metric: string, value: string) => rows.push({ metric, value, budget: '', ratio: '', verdict: '' });

/** A budget row; `ratio` is the measured figure ÷ its reference, PASS when `met`. */
export function judge(metric: string, value: string, budget: string, ratio: number | null, met: boolean, ratioUnit = ''): void {
  rows.push({ metric, value, budget, ratio: ratio === null ? '' : `${fmt(ratio, 2)}${ratioUnit}`, verdict: met ? 'PASS' : 'MISS' });
}

/** A correctness row: a miss here fails the benchmark. */
export function mustHold(metric: string, value: number, budget: string, met: boolean, why: string): void {
  rows.push({ metric, value: fmt(value), budget, ratio: '', verdict: met ? 'PASS' : 'FAIL' });
  if (!met) correctnessFailures.push(why);
}

export function printTable(): void {
  const header: Row = { metric: 'metric', value: 'value', budget: 'budget', ratio: 'ratio', verdict: '' };
  const widths = (['metric', 'value', 'budget', 'ratio'] as const).map((k) => Math.max(header[k].length, ...rows.map((r) => r[k].length)));
  const line = (r: Row | { metric: string; value: string; budget: string; ratio: string; verdict: string }) =>
    `  ${r.metric.padEnd(widths[0] ?? 0)}  ${r.value.padStart(widths[1] ?? 0)}  ${r.budget.padEnd(widths[2] ?? 0)}  ${r.ratio.padStart(widths[3] ?? 0)}  ${r.verdict}`.trimEnd();
  console.log('');
  console.log(line({ ...header, verdict: 'verdict' }));
  console.log(`  ${'-'.repeat(widths.reduce((a, b) => a + b + 2, 0) + 7)}`);
  for (const r of rows) console.log(line(r));
  console.log('');
}
