/**
 * `npm run bench`: the performance budgets (docs/operations.md#performance-budgets), measured on this machine and reported
 * as ratios (benchmarks, not timed tests: absolute figures depend on the machine).
 *
 * What it does, in about a minute:
 * 1. Baseline. Starts `hello-server.ts` (a bare `node:http` JSON server) as a child process,
 *    warms it up, and measures GET throughput at 50 concurrent keep-alive connections for 5 s.
 * 2. The real server, as a child process: `node --import tsx server/src/main.ts` with a fresh
 *    temporary `TTS_DATA_DIR` (embedded store; `MONGODB_URI` and `SMTP_URL` cleared, so mail is
 *    captured), `LOG_LEVEL=warn`, `TTS_PASSWORD_COST=4` and a free port. One organizer signs up
 *    through the API (sign-ups are limited to 20 per IP per hour: a 429 is reported, not retried);
 *    then
 *    - public event read: `GET /v1/public/events/:id` with the publishable key, 50 concurrent,
 *      5 s; judged as requests/s ÷ baseline requests/s (budget ≥ 0.5);
 *    - check-in (see checkin.ts): 50 scanners for 10 s at 10 scans/s each, judged on p99
 *      (budget ≤ 20 ms); the same saturated, reported; and 100 scanners presenting one ticket
 *      at once (exactly one admitted: a correctness check);
 *    - ticket rush: a fresh 500-seat event (email verification off, one ticket type, one ticket
 *      per order) and 2,000 buyers started at once. Each buyer creates an order with the
 *      publishable key; a buyer answered 201 pays it through the test gateway
 *      (`POST /v1/test-gateway/payments`, then `POST /v1/orders/:id/pay`). Run twice: over a
 *      256-socket agent (requests queue in the client, like buyers behind a load balancer)
 *      and with all 2,000 connections open at once. Judged: exactly 500 sold, 0 oversold
 *      (sold + held − capacity, from `GET /v1/events/:id`), 0 5xx, ≥ 500 orders/s, where
 *      orders/s is order-creation requests answered per second from the start of the rush
 *      until the last one was answered.
 * 3. Ticket PDF: `benchPdf()` from `pdf.ts`, median render time and size against 5 ms / 20 KB.
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
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keepAliveAgent, runLoad, send, type LoadResult } from './load.js';
import { benchCheckins, CHECKIN, reportCheckins } from './checkin.js';
import { createEvent, reportRush, RUSH, ticketRush } from './rush.js';
import { benchPdf, PDF_BUDGET } from './pdf.js';
import { correctnessFailures, fmt, info, judge, ms, printTable, rows } from './report.js';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = join(BENCH_DIR, '..', '..');
const HOST = '127.0.0.1';

const READ = { concurrency: 50, warmupMs: 1_500, durationMs: 5_000, minRatio: 0.5 } as const;
const STARTUP_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 8_000;
/** How much of a child's output is kept to explain a failure. */
const OUTPUT_TAIL_CHARS = 8_000;

// ---------------------------------------------------------------------------------------------
// Child processes and cleanup

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

/** Synchronous, so it also runs from `process.on('exit')`. */
function cleanUp(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

process.on('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\nbench: ${signal}, stopping the servers under test\n`);
    cleanUp();
    process.exit(130);
  });
}

/** A server under test, running as a child process. */
interface ChildServer {
  name: string;
  base: string;
  /** The last lines the child wrote (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

/** A port the kernel says is free right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Spawns `node <args>` in the repository root and resolves once its stdout includes `ready`. */
async function startChild(name: string, args: string[], env: Record<string, string>, ready: string): Promise<ChildServer & { port: number }> {
  const port = await freePort();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let tail = '';
  let startup = '';
  let waiting = true;
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stderr?.on('data', keep);

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not print '${ready}' within ${STARTUP_TIMEOUT_MS} ms:\n${tail}`)), STARTUP_TIMEOUT_MS);
    const onExit = (code: number | null, signal: string | null) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before it was ready (code ${code}, signal ${signal}):\n${tail}`));
    };
    child.once('exit', onExit);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    // Keep draining stdout after readiness too: a full pipe would stall the server.
    child.stdout?.on('data', (chunk: Buffer) => {
      keep(chunk);
      if (waiting) {
        startup += chunk.toString('utf8');
        if (startup.includes(ready)) {
          waiting = false;
          clearTimeout(timer);
          child.off('exit', onExit);
          resolve();
        }
      }
    });
  });

  return {
    name,
    port,
    base: `http://${HOST}:${port}`,
    output: () => tail,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      children.delete(child);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Talking to the API

/** A setup call that must succeed; anything else stops the benchmark with the server's answer. */
async function measureRead(url: string, headers: Record<string, string> = {}): Promise<LoadResult & { clientCpu: number }> {
  await runLoad({ url, headers, concurrency: READ.concurrency, durationMs: READ.warmupMs });
  const cpu = process.cpuUsage();
  const result = await runLoad({ url, headers, concurrency: READ.concurrency, durationMs: READ.durationMs });
  const used = process.cpuUsage(cpu);
  return { ...result, clientCpu: ((used.user + used.system) / 1000 / result.durationMs) * 100 };
}

/** What one buyer got. */
function reportRead(label: string, baseline: LoadResult & { clientCpu: number }, read: LoadResult & { clientCpu: number }): void {
  info('baseline: bare node:http GET', `${fmt(baseline.rps)} req/s`);
  info('  p50 / p99', `${ms(baseline.p50)} / ${ms(baseline.p99)}`);
  info('  load generator CPU', `${fmt(baseline.clientCpu)} % of a core`);
  const ratio = read.rps / baseline.rps;
  judge(label, `${fmt(read.rps)} req/s`, `≥ ${READ.minRatio} × baseline`, ratio, ratio >= READ.minRatio, ' × base');
  info('  p50 / p99', `${ms(read.p50)} / ${ms(read.p99)}`);
  info('  load generator CPU', `${fmt(read.clientCpu)} % of a core`);
  const non200 = read.requests - (read.statuses[200] ?? 0);
  if (non200 > 0) info('  not 200', `${fmt(non200)} (${JSON.stringify(read.statuses)}, ${read.errors} network errors)`);
  if (read.statuses[429]) info('  429 rate limited', fmt(read.statuses[429]));
}

const say = (message: string) => process.stdout.write(`bench: ${message}\n`);

async function main(): Promise<void> {
  const started = performance.now();
  say(`${process.version}, load from this process (pid ${process.pid}), servers as child processes on ${HOST}`);

  // 1. Baseline.
  say('baseline: starting the bare node:http server');
  const hello = await startChild('hello server', ['--import', 'tsx', join(BENCH_DIR, 'hello-server.ts')], {}, 'listening');
  say(`baseline: ${READ.warmupMs / 1000} s warm-up, then GET for ${READ.durationMs / 1000} s at ${READ.concurrency} connections`);
  const baseline = await measureRead(`${hello.base}/`);
  await hello.stop();
  if (baseline.ok === 0) throw new Error(`the baseline server answered nothing: ${baseline.errorSamples.join('; ')}`);

  // 2. The real server.
  const dataDir = mkdtempSync(join(tmpdir(), 'tts-bench-'));
  tempDirs.add(dataDir);
  say(`server: starting server/src/main.ts (embedded store in ${dataDir})`);
  const server = await startChild(
    'Trendy Ticket Service',
    ['--import', 'tsx', join(ROOT, 'server', 'src', 'main.ts')],
    // Empty means unset (loadConfig), and set variables win over a stray .env: whatever the
    // developer's environment says, this is the embedded store and captured mail, never a real
    // database or 500 real emails to example.com.
    { NODE_ENV: 'development', TTS_DATA_DIR: dataDir, LOG_LEVEL: 'warn', TTS_PASSWORD_COST: '4', PUBLIC_URL: '', MONGODB_URI: '', SMTP_URL: '', TTS_TRUST_PROXY: '' },
    'Trendy Ticket Service is running',
  );
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
    const read = await measureRead(`${server.base}/v1/public/events/${readEvent.id}`, { authorization: `Bearer ${keys.publishable}` });
    reportRead('public event read', baseline, read);

    say(`check-in: ${CHECKIN.tickets} tickets, ${CHECKIN.scanners} scanners for ${CHECKIN.durationMs / 1000} s, then ${CHECKIN.sameInstant} scanners on one ticket`);
    reportCheckins(await benchCheckins(server.base, keys.secret));

    for (const sockets of [RUSH.sockets, RUSH.buyers]) {
      say(`rush: ${RUSH.buyers} buyers, ${RUSH.capacity} seats, ${sockets} sockets`);
      const rush = await ticketRush(server.base, keys, `${sockets}-sockets`, sockets);
      reportRush(rush);
      if (rush.fiveXx > 0) say(`rush: the server's last output:\n${server.output()}`);
    }
  } finally {
    await server.stop();
  }

  // 3. PDF, with the servers stopped so it has the machine to itself.
  say('pdf: rendering one ticket 200 times');
  const pdf = await benchPdf();
  judge('ticket PDF median render', ms(pdf.median_ms), `≤ ${PDF_BUDGET.medianMs} ms`, pdf.median_vs_budget, pdf.median_vs_budget <= 1, ' × budget');
  info('  p95', ms(pdf.p95_ms));
  judge('ticket PDF size', `${fmt(pdf.bytes)} B`, `≤ ${fmt(PDF_BUDGET.bytes)} B`, pdf.bytes_vs_budget, pdf.bytes_vs_budget <= 1, ' × budget');

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
