/**
 * The scale series of `npm run bench` (docs/operations.md#performance-budgets): the real server
 * on an embedded data directory seeded with 10k, 100k and 1M tickets over 1,000 events
 * (seed.ts), one size after another on the same directory (each size tops up the last). Per
 * size, with the seeded server as a child process:
 *
 * - start: spawn until `/readyz` answers 200 (the store loaded and indexed);
 * - RSS: `VmHWM` of /proc/<pid>/status once `/readyz` answers, and again when the size is done;
 * - issuance: tickets/s through `POST /v1/tickets` (10 per call, 8 callers, no mail) after a warm-up;
 * - p50/p99 of the public event read, scan (`POST /v1/checkins`, 50 scanners at 10 scans/s each,
 *   and at a door's pace of 1/s each, not judged),
 *   event stats, the console dashboard (signed in), and the big event's attendee page, first
 *   and deep (a cursor 90 % of the way in);
 * - CSV: rows/s of the big event's whole attendee CSV;
 * - scan p99 again while a dashboard runs without pause, while a CSV export does, and while both
 *   do with the big event's stats as well.
 *
 * Every phase is bounded: seeding and starting have their own time limits, and the whole
 * series has a budget (`BENCH_SCALE_BUDGET_S`, default 360 s); a size that cannot be seeded or
 * started in its time is reported as a MISS and the series stops there.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR, removeTempDir, serverEnv, startChild, StartError, tempDir, type ChildServer } from './child.js';
import { keepAliveAgent, runLoad, send, type LoadResult } from './load.js';
import { fmt, info, judge, ms } from './report.js';
import type { SeedManifest } from './seed.js';

/** The figures the series is judged against (the product's targets at 1M tickets). */
export const SCALE_TARGETS = {
  startMs: 2_000,
  rssBytes: 300 * 1024 * 1024,
  issuancePerSecond: 3_000,
  /** Issuance at a size may be at most this much below the first size's. */
  issuanceDrop: 0.2,
  readP99Ms: 50,
  csvRowsPerSecond: 50_000,
  scanP99Ms: 20,
} as const;

const SIZES: Record<string, number> = { '10k': 10_000, '100k': 100_000, '1m': 1_000_000 };
const PHASE = { concurrency: 10, durationMs: 2_000, warmupMs: 500 } as const;
/**
 * Issuance is measured warm, like every other phase: a server's first seconds compile its hot
 * paths (in a V8 profile the first second issues at ~0.6 of the rate of the seconds after it).
 */
const ISSUE = { callers: 8, perCall: 10, durationMs: 3_000, warmupMs: 1_000 } as const;
/**
 * The door: 50 scanners, each scanning at most ten times a second (the budget's pace, as in
 * checkin.ts), judged against the scan budget. A door's own pace, once a second each (a person
 * reaches the scanner, shows a code, walks on: 180,000 admissions an hour in all), is reported
 * beside it and not judged: it shows whether a scan waits behind other work rather than for CPU.
 */
const SCAN = { scanners: 50, paceMs: 100, durationMs: 3_000, doorPaceMs: 1_000, doorDurationMs: 6_000 } as const;
/** Ceilings of each phase; the series budget can cut them shorter. */
const LIMITS = { seedMsPerTicket: 2, seedMinMs: 60_000, startMs: 60_000, csvMs: 60_000 } as const;

/**
 * The sizes to run: `BENCH_SCALE=10k,100k,1m` (any of them, in order; default all three;
 * `none` skips the series).
 *
 * @example
 * scaleSizes('10k'); // [{ label: '10k', tickets: 10000 }]
 */
export function scaleSizes(spec: string | undefined): Array<{ label: string; tickets: number }> {
  const wanted = (spec ?? '10k,100k,1m')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (wanted.length === 1 && wanted[0] === 'none') return [];
  return wanted
    .map((label) => {
      const tickets = SIZES[label];
      if (tickets === undefined) throw new Error(`BENCH_SCALE: unknown size '${label}' (use ${Object.keys(SIZES).join(', ')} or none)`);
      return { label, tickets };
    })
    .sort((a, b) => a.tickets - b.tickets);
}

/** What one size measured; `missed` says why the size stopped early (seed or start too slow). */
export interface SizeResult {
  label: string;
  tickets: number;
  seedMs: number | null;
  /** The seeder's recount of the account's figures from every ticket (the hourly repair job's work). */
  recountMs: number | null;
  startMs: number | null;
  missed: string | null;
  /** Peak RSS when `/readyz` first answered: what the start itself costs, before any load. */
  rssAfterStartBytes: number | null;
  rssBytes: number | null;
  issuancePerSecond: number | null;
  latencies: Array<{ name: string; result: LoadResult; budgetMs: number | null }>;
  csvRows: number | null;
  csvRowsPerSecond: number | null;
  errors: string[];
}

const fresh = (label: string, tickets: number): SizeResult => ({
  label,
  tickets,
  seedMs: null,
  recountMs: null,
  startMs: null,
  missed: null,
  rssAfterStartBytes: null,
  rssBytes: null,
  issuancePerSecond: null,
  latencies: [],
  csvRows: null,
  csvRowsPerSecond: null,
  errors: [],
});

/**
 * Runs seed.ts as a child, bounded by `timeoutMs`; rejects with a StartError('timeout') when
 * slower. Resolves with how long it took and how long its recount of the account took.
 */
async function seed(dataDir: string, manifest: string, from: number, to: number, secret: string, timeoutMs: number): Promise<{ ms: number; recountMs: number | null }> {
  const started = performance.now();
  const child = await startChild({
    name: `seed ${fmt(from)} → ${fmt(to)}`,
    args: [join(BENCH_DIR, 'seed.ts'), '--data-dir', dataDir, '--manifest', manifest, '--from', String(from), '--to', String(to)],
    env: serverEnv(dataDir, secret),
    ready: { stdout: `seeded ${to} done` },
    timeoutMs,
    nodeOptions: ['--max-old-space-size=8192'],
  });
  await child.stop();
  const recount = /recounted \d+ tickets in (\d+) ms/.exec(child.output())?.[1];
  return { ms: performance.now() - started, recountMs: recount === undefined ? null : Number(recount) };
}

/** Signs in to the console as the seeded organizer; returns the Cookie header to send. */
async function consoleCookie(base: string, manifest: SeedManifest): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair?.indexOf('=') ?? -1;
      if (pair && at > 0) jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const page = await fetch(`${base}/console/login`, { signal: AbortSignal.timeout(10_000) });
  keep(page);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!csrf) throw new Error('the console sign-in page has no CSRF field');
  const login = await fetch(`${base}/console/login`, {
    method: 'POST',
    redirect: 'manual',
    // The console refuses cross-site posts: Origin is the server's public URL (localhost:<port> by default).
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie(), origin: base.replace('127.0.0.1', 'localhost') },
    body: new URLSearchParams({ email: manifest.email, password: manifest.password, _csrf: csrf, next: '/console' }).toString(),
    signal: AbortSignal.timeout(10_000),
  });
  keep(login);
  if (login.status !== 303) throw new Error(`console sign-in answered ${login.status}: ${(await login.text()).slice(0, 300)}`);
  return cookie();
}

async function latency(url: string, headers: Record<string, string>, concurrency: number = PHASE.concurrency): Promise<LoadResult> {
  await runLoad({ url, headers, concurrency, durationMs: PHASE.warmupMs, timeoutMs: 10_000 });
  return runLoad({ url, headers, concurrency, durationMs: PHASE.durationMs, timeoutMs: 10_000 });
}

/** Issues tickets for `durationMs` through the API; returns tickets/s and their codes. */
async function issuance(base: string, key: string, event: string, ticketType: string): Promise<{ perSecond: number; codes: string[]; results: LoadResult[] }> {
  const codes: string[] = [];
  let counted = 0;
  const issue = (durationMs: number, from: number) =>
    runLoad({
      method: 'POST',
      url: `${base}/v1/tickets`,
      headers: { authorization: `Bearer ${key}` },
      bodyFor: (i) => ({
        event,
        ticket_type: ticketType,
        quantity: ISSUE.perCall,
        holder: { name: `Walk-in ${from + i}`, email: `walk-in-${from + i}@example.com` },
        send_email: false,
      }),
      concurrency: ISSUE.callers,
      durationMs,
      timeoutMs: 10_000,
      onReply: (reply) => {
        if (reply.status !== 201) return;
        const issued = reply.json<{ data: Array<{ code: string }> }>().data;
        counted += issued.length;
        for (const t of issued) codes.push(t.code);
      },
    });
  const warm = await issue(ISSUE.warmupMs, 0);
  // The warm-up's tickets are scanned too; only the measured phase's count towards the rate.
  counted = 0;
  const result = await issue(ISSUE.durationMs, warm.requests);
  return { perSecond: (counted / result.durationMs) * 1000, codes, results: [warm, result] };
}

/**
 * Scans the issued codes, each phase going on from where the last stopped, so every scan admits
 * a ticket not scanned before (while codes last; after that they are refused as already in).
 */
function scans(base: string, key: string, event: string, codes: string[], next: { code: number }, pace: 'budget' | 'door'): Promise<LoadResult> {
  const from = next.code;
  return runLoad({
    method: 'POST',
    url: `${base}/v1/checkins`,
    headers: { authorization: `Bearer ${key}` },
    bodyFor: (i) => {
      next.code = Math.max(next.code, from + i + 1);
      return { code: codes[(from + i) % codes.length], event, by: `Scanner ${i % SCAN.scanners}` };
    },
    concurrency: SCAN.scanners,
    durationMs: pace === 'budget' ? SCAN.durationMs : SCAN.doorDurationMs,
    paceMs: pace === 'budget' ? SCAN.paceMs : SCAN.doorPaceMs,
    timeoutMs: 10_000,
  });
}

/** Repeats one GET with one caller until `signal` aborts (which also cuts the request in flight). */
async function loop(url: string, headers: Record<string, string>, signal: AbortSignal): Promise<number> {
  const agent = keepAliveAgent(1);
  let runs = 0;
  try {
    while (!signal.aborted) {
      try {
        await send(agent, { url, headers }, { timeoutMs: LIMITS.csvMs, signal });
        runs += 1;
      } catch {
        // Aborted at the end, or too slow: background load only, its latency is not judged.
      }
    }
  } finally {
    agent.destroy();
  }
  return runs;
}

/** Measures one size against a started, seeded server. */
async function measure(server: ChildServer, manifest: SeedManifest, r: SizeResult, say: (m: string) => void): Promise<void> {
  const base = server.base;
  const secret = { authorization: `Bearer ${manifest.secretKey}` };
  const big = manifest.events[0] as string;
  const cookie = { cookie: await consoleCookie(base, manifest) };
  const record = (name: string, result: LoadResult, budgetMs: number | null) => {
    r.latencies.push({ name, result, budgetMs });
    const failed = result.requests - (result.statuses[200] ?? 0);
    if (failed > 0)
      r.errors.push(`${name}: ${failed} of ${result.requests} (${JSON.stringify(result.statuses)}${result.errorSamples[0] ? `; ${result.errorSamples[0]}` : ''})`.slice(0, 110));
  };

  say(`scale ${r.label}: issuance, public read, stats, dashboard, attendee pages`);
  // Issued into event 1 (the big event keeps its seeded count): these are the codes scanned below.
  const issued = await issuance(base, manifest.secretKey, manifest.events[1] as string, manifest.ticketTypes[1] as string);
  r.issuancePerSecond = issued.perSecond;
  for (const result of issued.results) {
    if (result.ok < result.requests) {
      r.errors.push(
        `POST /v1/tickets: ${result.requests - result.ok} of ${result.requests} (${JSON.stringify(result.statuses)}${result.errorSamples[0] ? `; ${result.errorSamples[0]}` : ''})`.slice(
          0,
          110,
        ),
      );
    }
  }
  record('public event read', await latency(`${base}/v1/public/events/${big}`, { authorization: `Bearer ${manifest.publishableKey}` }), null);
  record('event stats', await latency(`${base}/v1/events/${big}/stats`, secret), SCALE_TARGETS.readP99Ms);
  record('console dashboard', await latency(`${base}/console`, cookie, 2), SCALE_TARGETS.readP99Ms);
  record('attendee page, first', await latency(`${base}/v1/events/${big}/attendees?limit=50`, secret), SCALE_TARGETS.readP99Ms);
  if (manifest.deepCursor)
    record('attendee page, deep', await latency(`${base}/v1/events/${big}/attendees?limit=50&cursor=${manifest.deepCursor}`, secret), SCALE_TARGETS.readP99Ms);

  say(`scale ${r.label}: attendee CSV, scans, scans during a dashboard and an export`);
  const csvAgent = keepAliveAgent(1);
  try {
    const csv = await send(csvAgent, { url: `${base}/v1/events/${big}/attendees.csv`, headers: secret }, { timeoutMs: LIMITS.csvMs });
    if (csv.status !== 200) r.errors.push(`attendee CSV answered ${csv.status}`);
    r.csvRows = Math.max(0, csv.text.split('\n').filter(Boolean).length - 1);
    r.csvRowsPerSecond = (r.csvRows / csv.ms) * 1000;
  } catch (err) {
    r.errors.push(`attendee CSV: ${err instanceof Error ? err.message : String(err)}`);
    r.csvRowsPerSecond = 0;
  } finally {
    csvAgent.destroy();
  }

  if (issued.codes.length === 0) {
    r.errors.push('no tickets were issued, so nothing was scanned');
    r.rssBytes = server.peakRss();
    return;
  }
  const next = { code: 0 };
  const door = (pace: 'budget' | 'door' = 'budget') => scans(base, manifest.secretKey, manifest.events[1] as string, issued.codes, next, pace);
  record('scan', await door(), SCALE_TARGETS.scanP99Ms);
  record("scan at a door's pace (1/s per scanner)", await door('door'), null);
  // Each load alone first, then both: what each costs the door, and whether they add up.
  const dashboard = () => loop(`${base}/console`, cookie, stop.signal);
  const stats = () => loop(`${base}/v1/events/${big}/stats`, secret, stop.signal);
  const exporting = () => loop(`${base}/v1/events/${big}/attendees.csv`, secret, stop.signal);
  let stop = new AbortController();
  for (const [name, loads, pace] of [
    ['scan during dashboard', [dashboard], 'budget'],
    ['scan during export', [exporting], 'budget'],
    ['scan during dashboard + stats + export', [dashboard, stats, exporting], 'budget'],
    ["scan at a door's pace during all three", [dashboard, stats, exporting], 'door'],
  ] as const) {
    stop = new AbortController();
    const background = Promise.all(loads.map((load) => load()));
    const during = await door(pace);
    stop.abort();
    await background;
    record(name, during, pace === 'budget' ? SCALE_TARGETS.scanP99Ms : null);
  }
  r.rssBytes = server.peakRss();
}

/**
 * Runs the series, one size after another on one data directory.
 *
 * @example
 * reportScale(await benchScale(scaleSizes('10k'), console.log));
 */
export async function benchScale(sizes: Array<{ label: string; tickets: number }>, say: (m: string) => void): Promise<SizeResult[]> {
  const budgetMs = Number(process.env.BENCH_SCALE_BUDGET_S ?? 360) * 1000;
  const deadline = performance.now() + budgetMs;
  const left = () => Math.max(1_000, deadline - performance.now());
  const dir = tempDir('tts-bench-scale-');
  const dataDir = join(dir, 'data');
  const manifestFile = join(dir, 'manifest.json');
  const secret = randomBytes(32).toString('hex');
  const results: SizeResult[] = [];
  let seeded = 0;
  try {
    for (const { label, tickets } of sizes) {
      const r = fresh(label, tickets);
      results.push(r);
      const seedLimit = Math.min(left(), Math.max(LIMITS.seedMinMs, (tickets - seeded) * LIMITS.seedMsPerTicket));
      say(`scale ${label}: seeding ${fmt(tickets - seeded)} tickets through the store (at most ${fmt(seedLimit / 1000)} s)`);
      try {
        const seeding = await seed(dataDir, manifestFile, seeded, tickets, secret, seedLimit);
        r.seedMs = seeding.ms;
        r.recountMs = seeding.recountMs;
        seeded = tickets;
      } catch (err) {
        if (!(err instanceof StartError && err.reason === 'timeout')) throw err;
        r.missed = `seeding did not finish within ${fmt(seedLimit / 1000)} s${seedLimit < Math.max(LIMITS.seedMinMs, (tickets - seeded) * LIMITS.seedMsPerTicket) ? ' (what was left of the series budget)' : ''}`;
        break;
      }
      const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as SeedManifest;
      const startLimit = Math.min(left(), LIMITS.startMs);
      say(`scale ${label}: starting the server on ${fmt(tickets)} tickets (at most ${fmt(startLimit / 1000)} s)`);
      const spawned = performance.now();
      let server: ChildServer;
      try {
        server = await startChild({
          name: `server on ${label}`,
          args: [join(BENCH_DIR, '..', 'src', 'main.ts')],
          env: serverEnv(dataDir, secret),
          ready: { readyz: true },
          timeoutMs: startLimit,
        });
      } catch (err) {
        if (!(err instanceof StartError && err.reason === 'timeout')) throw err;
        r.missed = `did not start within ${fmt(startLimit / 1000)} s`;
        break;
      }
      r.startMs = performance.now() - spawned;
      r.rssAfterStartBytes = server.peakRss();
      try {
        await measure(server, manifest, r, say);
      } finally {
        await server.stop();
      }
      if (left() <= 1_000) {
        say('scale: the series budget is spent; stopping');
        break;
      }
    }
  } finally {
    removeTempDir(dir);
  }
  return results;
}

const mb = (bytes: number) => `${fmt(bytes / 1024 / 1024)} MB`;

/** Adds the series to the result table: each figure with its target ratio. */
export function reportScale(results: SizeResult[]): void {
  const T = SCALE_TARGETS;
  const first = results.find((r) => r.issuancePerSecond !== null)?.issuancePerSecond ?? null;
  for (const r of results) {
    const title = `scale ${r.label} (${fmt(r.tickets)} tickets, 1,000 events)`;
    info(title, r.seedMs === null ? '' : `seeded in ${fmt(r.seedMs / 1000, 1)} s`);
    if (r.recountMs !== null) info("  figures recount (the hourly repair's pass)", `${fmt(r.recountMs / 1000, 1)} s over ${fmt(r.tickets)} tickets`);
    if (r.startMs !== null) judge('  start (spawn → /readyz 200)', ms(r.startMs), `≤ ${fmt(T.startMs)} ms`, r.startMs / T.startMs, r.startMs <= T.startMs, ' × target');
    if (r.missed !== null) {
      judge(
        r.startMs === null && r.seedMs !== null ? '  start (spawn → /readyz 200)' : '  seeding',
        r.missed,
        r.seedMs === null ? 'within the series budget' : `≤ ${fmt(T.startMs)} ms`,
        null,
        false,
      );
      continue;
    }
    if (r.rssAfterStartBytes !== null) {
      judge(
        '  RSS after start (VmHWM at /readyz)',
        mb(r.rssAfterStartBytes),
        `≤ ${mb(T.rssBytes)}`,
        r.rssAfterStartBytes / T.rssBytes,
        r.rssAfterStartBytes <= T.rssBytes,
        ' × target',
      );
    }
    if (r.rssBytes !== null) judge('  peak RSS (VmHWM)', mb(r.rssBytes), `≤ ${mb(T.rssBytes)}`, r.rssBytes / T.rssBytes, r.rssBytes <= T.rssBytes, ' × target');
    if (r.issuancePerSecond !== null) {
      const rate = r.issuancePerSecond;
      judge('  issuance (POST /v1/tickets)', `${fmt(rate)} tickets/s`, `≥ ${fmt(T.issuancePerSecond)}/s`, rate / T.issuancePerSecond, rate >= T.issuancePerSecond, ' × target');
      if (first !== null && r !== results[0]) {
        const kept = rate / first;
        judge(`  issuance vs ${results[0]?.label}`, `${fmt(kept * 100)} %`, `≥ ${fmt((1 - T.issuanceDrop) * 100)} %`, kept, kept >= 1 - T.issuanceDrop, ' ×');
      }
    }
    for (const { name, result, budgetMs } of r.latencies) {
      // A request that got no 200 (a timeout, above all) has no latency to rank: it fails the target.
      const failed = result.requests - (result.statuses[200] ?? 0);
      const answered = failed < result.requests;
      const value = `${answered ? `${ms(result.p50)} / ${ms(result.p99)}` : 'no answer'}${failed > 0 ? ` (${fmt(failed)} of ${fmt(result.requests)} failed)` : ''}`;
      if (budgetMs === null) info(`  ${name} p50 / p99`, value);
      else judge(`  ${name} p50 / p99`, value, `p99 ≤ ${budgetMs} ms`, answered ? result.p99 / budgetMs : null, failed === 0 && result.p99 <= budgetMs, ' × target');
    }
    if (r.csvRowsPerSecond !== null) {
      const rate = r.csvRowsPerSecond;
      judge(
        `  attendee CSV (${r.csvRows === null ? 'no answer' : `${fmt(r.csvRows)} rows`})`,
        `${fmt(rate)} rows/s`,
        `≥ ${fmt(T.csvRowsPerSecond)}/s`,
        rate / T.csvRowsPerSecond,
        rate >= T.csvRowsPerSecond,
        ' × target',
      );
    }
    for (const error of r.errors) info('  not answered 200', error);
  }
}
