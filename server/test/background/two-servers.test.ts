import { describe, expect, it } from 'vitest';
import { backgroundJobs, createBackgroundRunner, LEASE_ROUNDS, type BackgroundRunner, type TickOutcome } from '../../src/background.js';
import { ManualClock } from '../../src/kernel/clock.js';
import { createEmbeddedStore } from '../../src/store/embedded.js';
import { buildTestApp } from '../helpers/app.js';

/**
 * Two servers on one store, as a deployment behind a load balancer runs them: two sets of
 * services and two background runners in one process over one in-memory store. (The
 * embedded store is one process per data directory, so two server processes cannot share
 * one; on MongoDB they would, with the same conditional updates as here.)
 */

const JOBS = ['expire-holds', 'reconcile-payments', 'sweep'] as const;
const EXPIRE_EVERY_MS = 15_000;

interface Server {
  name: string;
  runner: BackgroundRunner;
  clock: ManualClock;
}

async function twoServers() {
  const clocks = [new ManualClock('2030-06-01T10:00:00.000Z'), new ManualClock('2030-06-01T10:00:00.000Z')] as const;
  const store = await createEmbeddedStore({ now: () => clocks[0].now() });
  /** Which server ran which job, in order: the real jobs, recorded as they start. */
  const ran: Array<{ server: string; job: string }> = [];
  const servers: Server[] = [];
  for (const [i, name] of ['a', 'b'].entries()) {
    const clock = clocks[i]!;
    const t = await buildTestApp({ store, clock });
    const jobs = backgroundJobs(t.services).map((job) => ({
      ...job,
      run: () => {
        ran.push({ server: name, job: job.name });
        return job.run();
      },
    }));
    servers.push({ name, clock, runner: createBackgroundRunner(jobs, { leases: t.services.leases, logger: t.logger }) });
  }
  /** Both servers' clocks move together, as real ones (roughly) do. */
  const advance = (ms: number) => {
    for (const c of clocks) c.advance(ms);
  };
  /** Every job ticks on each listed server at the same moment, as their timers would fire. */
  const tickAll = async (on: readonly Server[]) => {
    ran.length = 0;
    const outcomes = await Promise.all(on.flatMap((s) => JOBS.map(async (job) => ({ server: s.name, job, outcome: await s.runner.tick(job) }))));
    return { outcomes, ran: [...ran] };
  };
  const [a, b] = servers as [Server, Server];
  return { store, a, b, advance, tickAll };
}

const runsOf = (ran: Array<{ server: string; job: string }>, job: string) => ran.filter((r) => r.job === job).map((r) => r.server);

describe('background jobs on two servers sharing one store', () => {
  it('runs each job on exactly one server per tick, and keeps it on that server while it renews', async () => {
    const { a, b, advance, tickAll } = await twoServers();
    const holders = new Set<string>();
    for (let round = 0; round < 8; round++) {
      const { ran, outcomes } = await tickAll([a, b]);
      for (const job of JOBS) {
        expect(runsOf(ran, job), `${job} in round ${round}`).toHaveLength(1);
        holders.add(`${job}:${runsOf(ran, job)[0]}`);
      }
      expect(outcomes.filter((o) => o.outcome === 'held-elsewhere')).toHaveLength(JOBS.length);
      expect(outcomes.some((o) => o.outcome === 'failed')).toBe(false);
      advance(EXPIRE_EVERY_MS);
    }
    expect(holders.size).toBe(JOBS.length); // no job changed hands while its holder kept renewing
  });

  it('hands every job to the other server at its next tick when the holder stops', async () => {
    const { a, b, tickAll } = await twoServers();
    await tickAll([a]);
    expect((await tickAll([b])).ran).toEqual([]);
    await a.runner.stop();
    expect(await a.runner.tick('sweep')).toBe('stopped');
    const { ran } = await tickAll([b]);
    expect(ran.map((r) => r.server).sort()).toEqual(['b', 'b', 'b']);
  });

  it('takes over from a holder that died without stopping once its leases lapse, and not before', async () => {
    const { a, b, advance, tickAll } = await twoServers();
    await tickAll([a]);
    // Server a is killed: no stop(), no more ticks. Server b keeps ticking every 15 s.
    const takenOver = new Map<string, number>();
    for (let elapsed = EXPIRE_EVERY_MS; elapsed <= 4 * 60_000; elapsed += EXPIRE_EVERY_MS) {
      advance(EXPIRE_EVERY_MS);
      for (const { job } of (await tickAll([b])).ran) if (!takenOver.has(job)) takenOver.set(job, elapsed);
    }
    // A lease lasts three rounds of its job: 45 s for the 15 s expirer, 3 min for the minute jobs.
    expect(Object.fromEntries(takenOver)).toEqual({
      'expire-holds': LEASE_ROUNDS * EXPIRE_EVERY_MS,
      'reconcile-payments': LEASE_ROUNDS * 60_000,
      sweep: LEASE_ROUNDS * 60_000,
    });
    // Server a comes back (a long pause, not a death): it finds its jobs taken and runs none.
    const back = await tickAll([a]);
    expect(back.ran).toEqual([]);
    expect(back.outcomes.map((o) => o.outcome)).toEqual<TickOutcome[]>(['held-elsewhere', 'held-elsewhere', 'held-elsewhere']);
  });

  it('never overlaps two rounds of one job on one server', async () => {
    const { a } = await twoServers();
    const [first, second] = await Promise.all([a.runner.tick('sweep'), a.runner.tick('sweep')]);
    expect([first, second]).toEqual<TickOutcome[]>(['ran', 'busy']);
  });
});
