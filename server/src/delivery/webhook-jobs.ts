/**
 * The job queue's `webhook` channel: queuing one delivery per subscribed endpoint for each
 * events-log entry, and the worker that runs them (docs/domain-events.md#subscribers).
 * What a delivery does (the signed POST) is handed in as `deliver`.
 */
import type { EnqueueInput, Outbox, OutboxJob, WebhookDeliveryInput, WebhookFanout } from '../domain/ports.js';
import { createJobWorker, type JobWorker, type JobWorkerOptions } from './job-worker.js';
import { exponentialBackoff } from './outbox-policy.js';
import { DELIVERY_TIMEOUT_MS } from './webhook-delivery.js';

/** The job of one delivery. */
function deliveryJob({ event, endpoint, dedupeKey, account, livemode }: WebhookDeliveryInput): EnqueueInput & { dedupeKey: string } {
  return { channel: 'webhook', kind: 'webhook', to: endpoint, payload: { event, endpoint }, dedupeKey, owner: { account, livemode } };
}

/**
 * The events log's fan-out over the job queue: `endpointsFor` says who subscribes, and each
 * delivery is one `webhook` job, stored once per entry and endpoint however often it is queued.
 *
 * @example
 * const fanout = createWebhookFanout({ outbox, endpointsFor: (account, livemode, type) => endpoints.subscribed(account, livemode, type) });
 */
export function createWebhookFanout(options: { outbox: Outbox; endpointsFor: WebhookFanout['endpointsFor'] }): WebhookFanout {
  return {
    endpointsFor: options.endpointsFor,
    async enqueueDelivery({ event, endpoint, dedupeKey, account, livemode }) {
      await options.outbox.enqueue(deliveryJob({ event, endpoint, dedupeKey, account, livemode }));
    },
    async enqueueDeliveries(inputs) {
      await options.outbox.enqueueMany(inputs.map(deliveryJob));
    },
  };
}

/**
 * Retries of a webhook delivery: 1 min doubling to 12 h with up to 20 % jitter; 16 attempts span
 * about three days, after which the job is dead (and can be retried by hand).
 */
export const WEBHOOK_RETRY = { maxAttempts: 16, backoff: exponentialBackoff({ baseMs: 60_000, maxMs: 12 * 3_600_000 }) } as const;

/**
 * Deliveries one server sends at the same time. Few, because they share the server with the
 * checkout; two keep one slow receiver from holding up the rest (decision 0034).
 */
export const WEBHOOK_CONCURRENCY = 2;

/**
 * Deliveries claimed by one store update: as many as can all time out one after another,
 * `WEBHOOK_CONCURRENCY` at a time, within half the lease, so a claim never outlives its lease.
 */
export function webhookClaimSize(leaseMs: number, concurrency = WEBHOOK_CONCURRENCY): number {
  return concurrency * Math.max(1, Math.floor(leaseMs / (2 * DELIVERY_TIMEOUT_MS)));
}

/**
 * The worker of the `webhook` channel. `deliver` sends one entry to one endpoint and throws
 * on anything but success; what it resolves with is stored on the job.
 *
 * @example
 * createWebhookWorker({ store, clock, deliver: (job) => deliverWebhook(job.payload) }).start();
 */
export function createWebhookWorker(
  options: Omit<JobWorkerOptions, 'channel' | 'perform'> & { deliver: (job: OutboxJob & { payload: { event: string; endpoint: string } }) => Promise<Record<string, unknown>> },
): JobWorker {
  const { deliver, ...common } = options;
  const concurrency = options.concurrency ?? WEBHOOK_CONCURRENCY;
  return createJobWorker({
    maxAttempts: WEBHOOK_RETRY.maxAttempts,
    backoff: WEBHOOK_RETRY.backoff,
    concurrency,
    claimSize: webhookClaimSize(options.leaseMs ?? 60_000, concurrency),
    ...common,
    channel: 'webhook',
    perform: (job) => deliver(job as OutboxJob & { payload: { event: string; endpoint: string } }),
  });
}
