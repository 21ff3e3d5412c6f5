/**
 * `npm run bench`: the performance budgets (docs/operations.md#performance-budgets), measured on this machine and reported
 * as ratios (benchmarks, not timed tests: absolute figures depend on the machine).
 *
 * What it does (about a minute, then the scale series; see docs/operations.md#performance-budgets):
 * 1. Baseline. Starts `hello-server.ts` (a bare `node:http` JSON server) as a child process,
 *    warms it up, and measures GET throughput at 50 concurrent keep-alive connections for 5 s,
 *    and its CPU per request (every child reports `process.cpuUsage()` on SIGUSR2: cpu-probe.ts).
 * 2. The real server, as a child process: `node --conditions=source --import tsx server/src/main.ts` with a fresh
 *    temporary `TTS_DATA_DIR` (embedded store; `MONGODB_URI` and `SMTP_URL` cleared, so mail is
 *    captured), `LOG_LEVEL=warn`, `TTS_PASSWORD_COST=4` and a free port. One organizer signs up
 *    through the API (sign-ups are limited to 20 per IP per hour: a 429 is reported, not retried);
 *    then
 *    - public event read: `GET /v1/public/events/:id` with the publishable key, 50 concurrent,
 *      5 s; judged as requests/s ÷ baseline requests/s (budget ≥ 0.8) and server CPU per
 *      request ÷ the baseline's (budget ≤ 2); `/healthz` (the middleware alone) on CPU too;
 *    - check-in (see checkin.ts): 50 scanners for 10 s at 10 scans/s each, judged on p99
 *      (budget ≤ 20 ms); the same saturated, reported; and 100 scanners presenting one ticket
 *      at once (exactly one admitted: a correctness check);
 *    - ticket rush: a fresh 500-seat event (email verification off, one ticket type, one ticket
 *      per order) and 2,000 buyers started at once. Each buyer creates an order with the
 *      publishable key; a buyer answered 201 pays it through the test gateway
 *      (`POST /v1/test-gateway/payments`, then `POST /v1/orders/:id/pay`). Run twice: over a
 *      256-socket agent (requests queue in the client, like buyers behind a load balancer)
 *      and with all 2,000 connections open at once. Judged: exactly 500 sold, 0 oversold
 *      (sold + held − capacity, from `GET /v1/events/:id`), 0 5xx, ≥ 1,000 orders/s, where
 *      orders/s is order-creation requests answered per second from the start of the rush
 *      until the last one was answered.
 * 3. The scale series (scale.ts): `BENCH_SCALE=10k,100k,1m` (default all three, `none` to skip),
 *    bounded by `BENCH_SCALE_BUDGET_S`; `BENCH_ONLY=scale` runs only the series.
 * 4. Ticket PDF: `benchPdf()` from `pdf.ts`, median render time and size against 5 ms / 20 KB.
 * 4b. Offline scanner (offline-scanner.ts): the browser's own code check (signature and look-ups)
 *    on a 100,000-ticket event, scans/s against ≥ 20; `BENCH_ONLY=offline` runs only this series.
 * 5. Webhooks (webhooks.ts): the ticket rush without and with 5 webhook endpoints subscribed to
 *    every event, completed purchases/s within 10 %; `BENCH_ONLY=webhooks` runs only this series.
 *
 * The load comes from this process, over 127.0.0.1 only; every server under test is a child
 * process, so client and server never share an event loop (on 2 cores, one each). Request
 * counts and durations are bounded, and every call has a timeout, so the run ends by itself.
 *
 * Exit code: 0 when the benchmark ran, even if a budget was missed (benchmarks inform, they do
 * not gate); 1 when the benchmark itself failed or the server was incorrect under load: a
 * server that did not start, a failed setup call, any oversold seat, any 5xx during a rush.
 * Children and the temporary data directory are removed on exit, on error and on Ctrl+C.
 *
 * Run: `npm run bench` from the repository root. Latencies are `performance.now()` around each
 * request, including time queued for a socket (see `load.ts`).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { BENCH_DIR, cleanUp, HOST, ROOT, serverEnv, startChild, tempDir, type ChildServer } from './child.js';
import { keepAliveAgent, runLoad, send, type LoadResult } from './load.js';
import { benchCheckins, CHECKIN, reportCheckins } from './checkin.js';
import { createEvent, reportRush, RUSH, ticketRush } from './rush.js';
import { benchPdf, PDF_BUDGET } from './pdf.js';
import { correctnessFailures, fmt, info, judge, ms, printTable, rows } from './report.js';
import { benchScale, reportScale, scaleSizes } from './scale.js';
import { benchWebhooks, reportWebhooks } from './webhooks.js';
import { benchOfflineScanner, reportOfflineScanner } from './offline-scanner.js';

/**
 * Public read: requests/s at least `minRatio` × the bare baseline's, and server CPU per
 * request at most `maxCpuRatio` × the baseline's (both measured in the same run).
 */
const READ = { concurrency: 50, warmupMs: 1_500, durationMs: 5_000, minRatio: 0.8, maxCpuRatio: 2 } as const;
/** /healthz, the middleware stack with no store behind it: CPU per request only. */
const HEALTH = { warmupMs: 1_000, durationMs: 3_000 } as const;
const STARTUP_TIMEOUT_MS = 30_000;

// ---------------------------------------------------------------------------------------------
// Talking to the API

type Measured = LoadResult & { clientCpu: number; serverCpuUs: number };

/**
 * Warm-up, then the measured run, of one GET at `READ.concurrency`. Reports how busy this
 * process was (% of one core: near 100 means the figure is the load generator's limit, not the
 * server's, which on a small machine happens first to the bare baseline) and the server's own
 * CPU per request (µs, from `process.cpuUsage()` inside the server: see cpu-probe.ts).
 */
async function measureRead(server: ChildServer, url: string, headers: Record<string, string> = {}, timing: { warmupMs: number; durationMs: number } = READ): Promise<Measured> {
  await runLoad({ url, headers, concurrency: READ.concurrency, durationMs: timing.warmupMs });
  const cpu = process.cpuUsage();
  const before = await server.cpu();
  const result = await runLoad({ url, headers, concurrency: READ.concurrency, durationMs: timing.durationMs });
  const after = await server.cpu();
  const used = process.cpuUsage(cpu);
  const serverUs = after.user + after.system - before.user - before.system;
  return { ...result, clientCpu: ((used.user + used.system) / 1000 / result.durationMs) * 100, serverCpuUs: serverUs / Math.max(1, result.requests) };
}

function judgeCpu(label: string, baseline: Measured, measured: Measured): void {
  const ratio = measured.serverCpuUs / baseline.serverCpuUs;
  judge(label, `${fmt(measured.serverCpuUs, 1)} µs/req`, `≤ ${READ.maxCpuRatio} × baseline`, ratio, ratio <= READ.maxCpuRatio, ' × base');
}

function reportRead(label: string, baseline: Measured, read: Measured, health: Measured): void {
  info('baseline: bare node:http GET', `${fmt(baseline.rps)} req/s`);
  info('  p50 / p99', `${ms(baseline.p50)} / ${ms(baseline.p99)}`);
  info('  server CPU per request', `${fmt(baseline.serverCpuUs, 1)} µs`);
  info('  load generator CPU', `${fmt(baseline.clientCpu)} % of a core`);
  const ratio = read.rps / baseline.rps;
  judge(label, `${fmt(read.rps)} req/s`, `≥ ${READ.minRatio} × baseline`, ratio, ratio >= READ.minRatio, ' × base');
  info('  p50 / p99', `${ms(read.p50)} / ${ms(read.p99)}`);
  judgeCpu('  server CPU per request', baseline, read);
  info('  load generator CPU', `${fmt(read.clientCpu)} % of a core`);
  const non200 = read.requests - (read.statuses[200] ?? 0);
  if (non200 > 0) info('  not 200', `${fmt(non200)} (${JSON.stringify(read.statuses)}, ${read.errors} network errors)`);
  if (read.statuses[429]) info('  429 rate limited', fmt(read.statuses[429]));
  info('/healthz (middleware only)', `${fmt(health.rps)} req/s`);
  judgeCpu('  server CPU per request', baseline, health);
}

const say = (message: string) => process.stdout.write(`bench: ${message}\n`);

async function main(): Promise<void> {
  const started = performance.now();
  const sizes = scaleSizes(process.env.BENCH_SCALE);
  say(`${process.version}, load from this process (pid ${process.pid}), servers as child processes on ${HOST}`);
  const only = process.env.BENCH_ONLY || undefined;
  if (only === undefined) await budgets();
  // 3. The scale series, each size on its own seeded data directory.
  if (sizes.length > 0 && (only === undefined || only === 'scale')) reportScale(await benchScale(sizes, say));
  if (only === undefined) await pdfBudgets();
  // 4b. The offline door scanner's own check, in this process (offline-scanner.ts).
  if (only === undefined || only === 'offline') reportOfflineScanner(await benchOfflineScanner(say));
  // 5. Webhooks, last: the worker's deliveries must not overlap another series.
  if (only === undefined || only === 'webhooks') reportWebhooks(await benchWebhooks(say));
  summarize(started);
}

/** Steps 1 and 2: the baseline, then the real server's read, check-in and rush budgets. */
async function budgets(): Promise<void> {
  // 1. Baseline.
  say('baseline: starting the bare node:http server');
  const hello = await startChild({ name: 'hello server', args: [join(BENCH_DIR, 'hello-server.ts')], env: {}, ready: { stdout: 'listening' }, timeoutMs: STARTUP_TIMEOUT_MS });
  say(`baseline: ${READ.warmupMs / 1000} s warm-up, then GET for ${READ.durationMs / 1000} s at ${READ.concurrency} connections`);
  const baseline = await measureRead(hello, `${hello.base}/`);
  await hello.stop();
  if (baseline.ok === 0) throw new Error(`the baseline server answered nothing: ${baseline.errorSamples.join('; ')}`);

  // 2. The real server.
  const dataDir = tempDir('tts-bench-');
  say(`server: starting server/src/main.ts (embedded store in ${dataDir})`);
  const server = await startChild({
    name: 'Trendy Ticket Service',
    args: [join(ROOT, 'server', 'src', 'main.ts')],
    env: serverEnv(dataDir, randomBytes(32).toString('hex')),
    ready: { stdout: 'Trendy Ticket Service is running' },
    timeoutMs: STARTUP_TIMEOUT_MS,
  });
  try {
    const setup = keepAliveAgent(1);
    const signUp = await send(setup, {
      method: 'POST',
      url: `${server.base}/v1/accounts`,
      body: { email: `bench-${Date.now().toString(36)}@example.com`, password: 'bench-password-2026', name: 'Bench Organizer' },
    });
    if (signUp.status !== 201) throw new Error(`sign-up answered ${signUp.status}${signUp.status === 429 ? ' (sign-ups are rate limited per IP)' : ''}: ${signUp.text}`);
    const account = signUp.json<{ secret_key: string; publishable_key: string }>();
    const keys = { secret: account.secret_key, publishable: account.publishable_key };
    const readEvent = await createEvent(setup, server.base, keys.secret, 'Public read');
    setup.destroy();

    say(`public read: ${READ.warmupMs / 1000} s warm-up, then GET /v1/public/events/:id for ${READ.durationMs / 1000} s at ${READ.concurrency} connections`);
    const read = await measureRead(server, `${server.base}/v1/public/events/${readEvent.id}`, { authorization: `Bearer ${keys.publishable}` });
    say(`healthz: ${HEALTH.warmupMs / 1000} s warm-up, then GET /healthz for ${HEALTH.durationMs / 1000} s`);
    const health = await measureRead(server, `${server.base}/healthz`, {}, HEALTH);
    reportRead('public event read', baseline, read, health);

    say(`check-in: ${CHECKIN.tickets} tickets, ${CHECKIN.scanners} scanners for ${CHECKIN.durationMs / 1000} s, then ${CHECKIN.sameInstant} scanners on one ticket`);
    reportCheckins(await benchCheckins(server.base, keys.secret));

    for (const sockets of [RUSH.sockets, RUSH.buyers]) {
      say(`rush: ${RUSH.buyers} buyers, ${RUSH.capacity} seats, ${sockets} sockets`);
      // Both sides' CPU, so a missed budget says whose limit it was: the server's, or this process's.
      const clientBefore = process.cpuUsage();
      const serverBefore = await server.cpu();
      const rush = await ticketRush(server.base, keys, `${sockets}-sockets`, sockets);
      const serverAfter = await server.cpu();
      const client = process.cpuUsage(clientBefore);
      const serverUs = serverAfter.user + serverAfter.system - serverBefore.user - serverBefore.system;
      reportRush(rush, { serverMs: serverUs / 1000, clientMs: (client.user + client.system) / 1000 });
      if (rush.fiveXx > 0) say(`rush: the server's last output:\n${server.output()}`);
    }
  } finally {
    await server.stop();
  }
}

/** Step 4. */
async function pdfBudgets(): Promise<void> {
  // 4. PDF, with the servers stopped so it has the machine to itself.
  say('pdf: rendering one ticket 200 times');
  const pdf = await benchPdf();
  judge('ticket PDF median render', ms(pdf.median_ms), `≤ ${PDF_BUDGET.medianMs} ms`, pdf.median_vs_budget, pdf.median_vs_budget <= 1, ' × budget');
  info('  p95', ms(pdf.p95_ms));
  judge('ticket PDF size', `${fmt(pdf.bytes)} B`, `≤ ${fmt(PDF_BUDGET.bytes)} B`, pdf.bytes_vs_budget, pdf.bytes_vs_budget <= 1, ' × budget');
}

function summarize(started: number): void {
  printTable();
  const budgets = rows.filter((r) => r.verdict === 'PASS' || r.verdict === 'MISS');
  const met = budgets.filter((r) => r.verdict === 'PASS').length;
  const elapsed = `${fmt((performance.now() - started) / 1000, 1)} s`;
  if (correctnessFailures.length > 0) {
    console.log(`bench FAILED: ${correctnessFailures.join('; ')} (${met}/${budgets.length} budgets met, ${elapsed})`);
    process.exitCode = 1;
  } else {
    const missed = budgets.filter((r) => r.verdict === 'MISS').map((r) => r.metric.trim());
    console.log(`bench: ${met}/${budgets.length} budgets met${missed.length ? `, missed: ${missed.join(', ')}` : ''}; correct under load (0 oversold, 0 5xx); ${elapsed}`);
  }
}

main()
  .catch((err: unknown) => {
    process.stderr.write(`bench FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  })
  .finally(cleanUp);
