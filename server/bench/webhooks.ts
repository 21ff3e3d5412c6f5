/**
 * The webhook series of `npm run bench` (docs/operations.md#performance-budgets): does delivering
 * organizer webhooks slow the checkout? The same ticket rush as rush.ts (2,000 buyers, 500 seats,
 * test gateway, 256 sockets) runs for an organizer with no webhook endpoint and for one with
 * 5 endpoints subscribed to `*`, all pointing at a local receiver answering 200
 * (webhook-receiver.ts, a child process), on one server whose webhook worker runs as in
 * production. Each rush records about 1,500 events-log entries (order.created, order.paid,
 * ticket.issued per sale), so the subscribed organizer's queue takes about 7,500 deliveries.
 *
 * Runs alternate, without then with, twice, and the server's worker is let drain the
 * deliveries (the receiver's count stops moving) before each run, so a run never pays for the
 * one before it. Judged: completed purchases per second with the endpoints ÷ without (mean of
 * the runs), budget ≥ 0.9. `BENCH_ONLY=webhooks` runs only this series.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { BENCH_DIR, ROOT, serverEnv, startChild, tempDir, type ChildServer } from './child.js';
import { keepAliveAgent, send } from './load.js';
import { fmt, info, judge, ms } from './report.js';
import { expectStatus, RUSH, ticketRush, type RushResult } from './rush.js';

export const WEBHOOKS = { endpoints: 5, rounds: 2, minRatio: 0.9, drainTimeoutMs: 120_000, quietMs: 2_000, idleProbeMs: 500, idleCpuShare: 0.1 } as const;
const STARTUP_TIMEOUT_MS = 30_000;

interface Keys {
  secret: string;
  publishable: string;
}

/** What the series measured. */
export interface WebhookBenchResult {
  without: RushResult[];
  with: RushResult[];
  /** Deliveries the receiver got, and whether the worker had caught up at the end. */
  delivered: number;
  drained: boolean;
  drainMs: number[];
}

async function signUp(base: string, name: string): Promise<Keys> {
  const agent = keepAliveAgent(1);
  try {
    const reply = await send(agent, {
      method: 'POST',
      url: `${base}/v1/accounts`,
      body: { email: `bench-${name}-${Date.now().toString(36)}@example.com`, password: 'bench-password-2026', name: `Bench ${name}` },
    });
    if (reply.status !== 201) throw new Error(`sign-up answered ${reply.status}${reply.status === 429 ? ' (sign-ups are rate limited per IP)' : ''}: ${reply.text}`);
    const account = reply.json<{ secret_key: string; publishable_key: string }>();
    return { secret: account.secret_key, publishable: account.publishable_key };
  } finally {
    agent.destroy();
  }
}

async function receivedCount(receiver: ChildServer): Promise<number> {
  const res = await fetch(`${receiver.base}/count`, { signal: AbortSignal.timeout(5_000) });
  return ((await res.json()) as { count: number }).count;
}

/** Server CPU (ms) used over the next `ms`. */
async function cpuOver(server: ChildServer, ms: number): Promise<number> {
  const before = await server.cpu();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = await server.cpu();
  return (after.user + after.system - before.user - before.system) / 1000;
}

/**
 * Waits until the receiver's count has not moved for `quietMs` (the worker has sent what was
 * queued), then until the server is idle: the previous run's ticket mails are rendered by then
 * too, which otherwise take a share of whichever run comes next (the run with endpoints follows
 * one without, whose deliveries take no time to drain).
 */
async function drain(receiver: ChildServer, server: ChildServer): Promise<{ ms: number; drained: boolean }> {
  const started = performance.now();
  let last = await receivedCount(receiver);
  let stillSince = performance.now();
  let delivered: number | null = null;
  while (performance.now() - started < WEBHOOKS.drainTimeoutMs) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = await receivedCount(receiver);
    if (now !== last) {
      last = now;
      stillSince = performance.now();
    } else if (performance.now() - stillSince >= WEBHOOKS.quietMs) {
      delivered = stillSince - started;
      break;
    }
  }
  if (delivered === null) return { ms: performance.now() - started, drained: false };
  while (performance.now() - started < WEBHOOKS.drainTimeoutMs) {
    if ((await cpuOver(server, WEBHOOKS.idleProbeMs)) < WEBHOOKS.idleProbeMs * WEBHOOKS.idleCpuShare) break;
  }
  return { ms: delivered, drained: true };
}

/** Runs the series on a fresh server and receiver; `say` reports progress. */
export async function benchWebhooks(say: (message: string) => void): Promise<WebhookBenchResult> {
  const receiver = await startChild({
    name: 'webhook receiver',
    args: [join(BENCH_DIR, 'webhook-receiver.ts')],
    env: {},
    ready: { stdout: 'listening' },
    timeoutMs: STARTUP_TIMEOUT_MS,
  });
  const dataDir = tempDir('tts-bench-webhooks-');
  let server: ChildServer | null = null;
  try {
    server = await startChild({
      name: 'Trendy Ticket Service',
      args: [join(ROOT, 'server', 'src', 'main.ts')],
      env: serverEnv(dataDir, randomBytes(32).toString('hex')),
      ready: { stdout: 'Trendy Ticket Service is running' },
      timeoutMs: STARTUP_TIMEOUT_MS,
    });
    const plain = await signUp(server.base, 'no-webhooks');
    const subscribed = await signUp(server.base, 'webhooks');
    const setup = keepAliveAgent(1);
    for (let n = 0; n < WEBHOOKS.endpoints; n++) {
      const body = { url: `${receiver.base}/hooks/${n}`, enabled_events: ['*'], description: `bench ${n}` };
      await expectStatus(setup, server.base, { method: 'POST', path: '/v1/webhook_endpoints', key: subscribed.secret, body }, 201);
    }
    setup.destroy();

    const result: WebhookBenchResult = { without: [], with: [], delivered: 0, drained: true, drainMs: [] };
    for (let round = 1; round <= WEBHOOKS.rounds; round++) {
      for (const [label, keys, into] of [
        ['without', plain, result.without],
        ['with', subscribed, result.with],
      ] as const) {
        const drained = await drain(receiver, server);
        if (round > 1 || label === 'with') result.drainMs.push(drained.ms);
        result.drained &&= drained.drained;
        say(`webhooks: round ${round}, ${label} ${WEBHOOKS.endpoints} endpoints: ${RUSH.buyers} buyers, ${RUSH.capacity} seats, ${RUSH.sockets} sockets`);
        into.push(await ticketRush(server.base, keys, `webhooks-${label}-${round}`, RUSH.sockets));
      }
    }
    const last = await drain(receiver, server);
    result.drainMs.push(last.ms);
    result.drained &&= last.drained;
    result.delivered = await receivedCount(receiver);
    return result;
  } finally {
    await server?.stop();
    await receiver.stop();
  }
}

const purchasesPerSecond = (r: RushResult) => (r.paid / r.durationMs) * 1000;
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

/** Adds the series' rows to the result table. */
export function reportWebhooks(r: WebhookBenchResult): void {
  const without = mean(r.without.map(purchasesPerSecond));
  const withHooks = mean(r.with.map(purchasesPerSecond));
  const ratio = withHooks / without;
  info('webhooks: purchases/s, no endpoint', `${fmt(without)} /s (${r.without.map((x) => fmt(purchasesPerSecond(x))).join(', ')})`);
  judge(
    `webhooks: purchases/s, ${WEBHOOKS.endpoints} endpoints on *`,
    `${fmt(withHooks)} /s (${r.with.map((x) => fmt(purchasesPerSecond(x))).join(', ')})`,
    `≥ ${WEBHOOKS.minRatio} × without`,
    ratio,
    ratio >= WEBHOOKS.minRatio,
    ' × without',
  );
  const orders = mean(r.with.map((x) => x.create.rate)) / mean(r.without.map((x) => x.create.rate));
  info('  order creation, with ÷ without', `${fmt(orders, 2)} ×`);
  info('  sold per run (without / with)', `${r.without.map((x) => x.sold).join(', ')} / ${r.with.map((x) => x.sold).join(', ')}`);
  info('  deliveries received', fmt(r.delivered));
  info('  worker caught up after each run', `${r.drained ? 'yes' : 'NO (timed out)'}; ${r.drainMs.map((x) => ms(x)).join(', ')}`);
}
