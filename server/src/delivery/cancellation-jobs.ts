/**
 * The worker of the job queue's `cancellation` channel: a cancelled event's fan-out pages and
 * its per-order refunds (`domain/event-cancellation.ts`, docs/domain-rules.md#cancelling-an-event).
 */
import { CANCELLATION_REFUND_ATTEMPTS } from '../domain/event-cancellation.js';
import type { OutboxJob } from '../domain/ports.js';
import { createJobWorker, type JobWorker, type JobWorkerOptions } from './job-worker.js';
import { exponentialBackoff } from './outbox-policy.js';

/**
 * Retries of one order's refund: 1 min doubling to 2 h with jitter, so a gateway that is rate
 * limiting or briefly down is given about eight hours before the order waits for a person.
 */
export const CANCELLATION_RETRY = {
  maxAttempts: CANCELLATION_REFUND_ATTEMPTS,
  backoff: exponentialBackoff({ baseMs: 60_000, maxMs: 2 * 3_600_000 }),
} as const;

/**
 * Creates the `cancellation` channel's worker; `perform` is the cancellation service's.
 *
 * @example
 * createCancellationWorker({ store, perform: (job) => services.eventCancellation.perform(job) }).start();
 */
export function createCancellationWorker(options: Omit<JobWorkerOptions, 'channel' | 'perform'> & { perform: (job: OutboxJob) => Promise<Record<string, unknown>> }): JobWorker {
  return createJobWorker({ maxAttempts: CANCELLATION_RETRY.maxAttempts, backoff: CANCELLATION_RETRY.backoff, ...options, channel: 'cancellation' });
}
