import type { Logger } from './logger.js';
import type { Services } from './services.js';

export interface BackgroundJob {
  name: string;
  everyMs: number;
  run(): Promise<unknown>;
}

/** The periodic work of one server; each job is safe to run on every server at once. */
export function backgroundJobs(services: Services): BackgroundJob[] {
  return [
    { name: 'expire-holds', everyMs: 15_000, run: () => services.orders.expireLapsedOrders() },
    { name: 'reconcile-payments', everyMs: 60_000, run: () => services.fulfilment.reconcile() },
    { name: 'sweep', everyMs: 60_000, run: () => services.fulfilment.sweep() },
  ];
}

/**
 * Runs jobs on timers that never overlap themselves and never keep the process
 * alive. `stop()` resolves once any run in progress has finished.
 *
 * @example
 * const jobs = startBackgroundJobs(backgroundJobs(services), logger);
 * await jobs.stop();
 */
export function startBackgroundJobs(jobs: readonly BackgroundJob[], logger: Logger): { stop(): Promise<void> } {
  let stopped = false;
  const running = new Set<Promise<void>>();
  const timers = jobs.map((job) => {
    let busy = false;
    const tick = () => {
      if (busy || stopped) return;
      busy = true;
      const run = job
        .run()
        .then((result) => logger.debug('background job ran', { job: job.name, result }))
        .catch((err: unknown) => logger.error('background job failed', { job: job.name, err }))
        .finally(() => {
          busy = false;
          running.delete(run);
        });
      running.add(run);
    };
    const timer = setInterval(tick, job.everyMs);
    timer.unref();
    setImmediate(tick); // once at start: finish what a previous process left behind
    return timer;
  });
  return {
    async stop() {
      stopped = true;
      for (const timer of timers) clearInterval(timer);
      await Promise.all(running);
    },
  };
}
