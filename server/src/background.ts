import type { Leases } from './domain/leases.js';
import type { OutboxJob } from './domain/ports.js';
import { toEventLogEntryJson } from './http/serializers.js';
import type { Logger } from './logger.js';
import type { Services } from './services.js';

export interface BackgroundJob {
  /** Also the name of the job's lease. */
  name: string;
  everyMs: number;
  run(): Promise<unknown>;
}

/**
 * A job's lease lasts this many of its rounds: its holder renews it every round, so
 * it can miss two before another server takes the job over.
 */
export const LEASE_ROUNDS = 3;

/** What one tick of a job did on this server. */
export type TickOutcome = 'ran' | 'failed' | 'held-elsewhere' | 'busy' | 'stopped';

export interface BackgroundRunner {
  /**
   * One round of the job `name`: takes or renews its lease, and runs the job only
   * while this server holds it. A round still running makes the next one `busy`.
   */
  tick(name: string): Promise<TickOutcome>;
  /**
   * Runs the job `name` now instead of at its next round (seats came back, say); a round in
   * progress runs once more when it ends. The timer stays as the net for a wake that is missed.
   */
  wake(name: string): Promise<TickOutcome>;
  /** Starts each job's timer, with a first round at once to finish what a previous process left behind. */
  start(): void;
  /** Stops the timers, waits for runs in progress, then releases the leases so another server takes over at once. */
  stop(): Promise<void>;
}

export interface BackgroundDeps {
  leases: Leases;
  logger: Logger;
}

/** A `webhook` job: which events-log entry goes to which endpoint (delivery/webhook-jobs.ts). */
export type WebhookJob = OutboxJob & { payload: { event: string; endpoint: string } };

/**
 * Runs one `webhook` job: the events-log entry as `GET /v1/events_log/{id}` shows it, signed and
 * posted to the endpoint as it is now (delivery/webhook-delivery.ts). Anything but a 2xx throws,
 * so the job queue tries again with backoff for about three days (docs/webhooks.md). A job whose
 * endpoint was deleted or disabled meanwhile ends without sending.
 *
 * @example createWebhookWorker({ store, deliver: webhookDeliverer(services, config.publicUrl) }).start();
 */
export function webhookDeliverer(services: Services, publicUrl: string) {
  // An entry never changes once recorded, and each goes to every subscribed endpoint: its JSON
  // is read and made once for all of them (a promise, so deliveries running together share it).
  const bodies = new Map<string, Promise<{ id: string; type: string; body: string }>>();
  const entryBody = (account: string, livemode: boolean, id: string) => {
    const key = `${account}:${livemode}:${id}`;
    let body = bodies.get(key);
    if (!body) {
      body = services.domainEvents
        .get({ account, livemode }, id)
        .then((entry) => ({ id: entry._id, type: entry.type, body: JSON.stringify(toEventLogEntryJson(entry, publicUrl)) }));
      body.catch(() => bodies.delete(key));
      bodies.set(key, body);
      if (bodies.size > ENTRY_BODIES_KEPT) bodies.delete(bodies.keys().next().value as string);
    }
    return body;
  };
  return async (job: WebhookJob): Promise<Record<string, unknown>> => {
    if (job.account === undefined || job.livemode === undefined) throw new Error(`webhook job ${job._id} names no account`);
    const entry = await entryBody(job.account, job.livemode, job.payload.event);
    const attempt = await services.sendWebhook(job.payload.endpoint, { id: entry.id, type: entry.type }, entry.body);
    if (!attempt) return { skipped: 'endpoint deleted or disabled' };
    if (!attempt.ok) throw new Error(attempt.error ?? `the endpoint answered ${attempt.status}`);
    // The job keeps the answer's status; its latency (different for each) is in the endpoint's
    // deliveries, so the deliveries of one claim answered alike are completed together (delivery/job-worker.ts).
    return { status: attempt.status };
  };
}

/** Entries whose webhook body a server keeps: more than one claim of deliveries spans. */
const ENTRY_BODIES_KEPT = 256;

/** The periodic work of the installation; each job runs on one server at a time (see `domain/leases.ts`). */
export function backgroundJobs(services: Services, logger?: Logger): BackgroundJob[] {
  return [
    { name: 'expire-holds', everyMs: 15_000, run: () => services.orders.expireLapsedOrders() },
    // The waiting list (docs/waiting-list.md): offers that ran out go to the next in line, and freed seats to the line.
    {
      name: 'waiting-list',
      everyMs: 5_000,
      run: async () => ({ lapsed: await services.waitingOffers.lapseExpired(), offered: await services.waitingOffers.offerDue() }),
    },
    { name: 'reconcile-payments', everyMs: 60_000, run: () => services.repair.reconcile() },
    {
      name: 'sweep',
      everyMs: 60_000,
      run: async () => {
        const swept = await services.repair.sweep();
        // A seat counter that disagreed with the holds: a process was killed between the two writes of a seat movement.
        if (swept.repaired.length > 0) logger?.warn('seat counters repaired', { drifts: swept.repaired });
        return swept;
      },
    },
    {
      name: 'repair-events-log',
      everyMs: 60_000,
      run: async () => {
        // An undo cut short leaves its scan claimed; finished first so the pass below sees it.
        const finished = await services.checkins.finishCutUndos();
        if (finished > 0) logger?.warn('undos cut short finished', { finished });
        const recorded = await services.repair.repairLog();
        // Anything recorded here was lost by a process killed between a change and its entry.
        if (Object.keys(recorded).length > 0) logger?.warn('events log repaired', { recorded });
        return recorded;
      },
    },
    {
      name: 'checkin-list-counters',
      everyMs: 60_000,
      run: async () => {
        const drifts = await services.listFigures.recount();
        // A list counter off its passes: a process was killed between a pass's write and its counter's $inc.
        if (drifts.length > 0) logger?.warn('check-in list counters repaired', { drifts });
        return { repaired: drifts.length };
      },
    },
    {
      name: 'promo-uses',
      everyMs: 60_000,
      run: async () => {
        const drifts = await services.promoRecount.pass();
        // A use with no order holding it: a process was killed between taking the use and storing its order.
        if (drifts.length > 0) logger?.warn('promo code uses recounted', { drifts });
        return { repaired: drifts.length };
      },
    },
    {
      name: 'figures',
      everyMs: 60_000,
      run: async () => {
        const report = await services.figures.repair();
        // A drift means a follow-up was cut short (a crash between two writes) or data was edited by hand: say which figures moved.
        if (report.drifts.length > 0) logger?.warn('figures repaired', { drifts: report.drifts, settled: report.settled });
        else if (report.settled > 0) logger?.info('figures settled late', { settled: report.settled });
        return report;
      },
    },
  ];
}

/**
 * Runs jobs under leases, so that of many servers on one store, one runs each job;
 * when it stops or dies another takes over. Runs of one job never overlap on one
 * server, and the timers never keep the process alive. Tests call `tick` directly.
 *
 * @example
 * const jobs = createBackgroundRunner(backgroundJobs(services), { leases: services.leases, logger });
 * jobs.start();
 * await jobs.stop();
 */
export function createBackgroundRunner(jobs: readonly BackgroundJob[], { leases, logger }: BackgroundDeps): BackgroundRunner {
  const byName = new Map(jobs.map((job) => [job.name, job]));
  const busy = new Set<string>();
  const held = new Set<string>();
  const running = new Set<Promise<TickOutcome>>();
  const timers: NodeJS.Timeout[] = [];
  /** Jobs woken while running: each runs once more when its round ends. */
  const again = new Set<string>();
  let stopped = false;

  async function runIfHolder(job: BackgroundJob): Promise<TickOutcome> {
    try {
      if (!(await leases.acquire(job.name, job.everyMs * LEASE_ROUNDS))) {
        if (held.delete(job.name)) logger.warn('background job taken over by another server', { job: job.name, holder: leases.holder });
        return 'held-elsewhere';
      }
      if (!held.has(job.name)) logger.info('background job taken on', { job: job.name, holder: leases.holder });
      held.add(job.name);
      const result = await job.run();
      logger.debug('background job ran', { job: job.name, result });
      return 'ran';
    } catch (err) {
      logger.error('background job failed', { job: job.name, err });
      return 'failed';
    } finally {
      busy.delete(job.name);
      if (again.delete(job.name)) setImmediate(() => void tick(job.name));
    }
  }

  function tick(name: string): Promise<TickOutcome> {
    const job = byName.get(name);
    if (!job) return Promise.reject(new Error(`No background job named '${name}'`));
    if (stopped) return Promise.resolve('stopped');
    if (busy.has(name)) return Promise.resolve('busy');
    busy.add(name);
    const run = runIfHolder(job);
    running.add(run);
    void run.finally(() => running.delete(run));
    return run;
  }

  return {
    tick,

    wake(name) {
      if (busy.has(name) && !stopped) {
        again.add(name);
        return Promise.resolve('busy');
      }
      return tick(name);
    },

    start() {
      for (const job of jobs) {
        const timer = setInterval(() => void tick(job.name), job.everyMs);
        timer.unref();
        timers.push(timer);
        setImmediate(() => void tick(job.name));
      }
    },

    async stop() {
      stopped = true;
      for (const timer of timers) clearInterval(timer);
      await Promise.all(running);
      await Promise.all([...held].map((name) => leases.release(name).catch((err: unknown) => logger.warn('background job lease not released; it will lapse', { job: name, err }))));
      held.clear();
    },
  };
}

/**
 * Starts the background jobs of this server (see {@link createBackgroundRunner}).
 *
 * @example
 * const jobs = startBackgroundJobs(backgroundJobs(services), { leases: services.leases, logger });
 * await jobs.stop();
 */
export function startBackgroundJobs(jobs: readonly BackgroundJob[], deps: BackgroundDeps): BackgroundRunner {
  const runner = createBackgroundRunner(jobs, deps);
  runner.start();
  return runner;
}
