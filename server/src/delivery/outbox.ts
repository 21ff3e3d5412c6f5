/**
 * The mail outbox (docs/domain-rules.md#mail-delivery): requests only enqueue; workers send.
 *
 * Every job lives in the `outbox` collection and moves `pending → sending → sent`, or back
 * to `pending` with a later `next_attempt_at` after a failure, or to `dead` once it has
 * used up its attempts. A worker claims a job with ONE conditional update that sets a lease
 * (`lease_owner`, `lease_token`, `lease_until`), so any number of workers on any number of
 * servers never send the same job while its lease holds; a worker that dies mid-send leaves
 * an expired lease that the next worker reclaims. Completion is also conditional on the
 * lease token, so a worker that outlived its lease cannot overwrite the one that took over.
 *
 * Delivery is at-least-once by nature (SMTP has no idempotency key): if a worker's lease
 * runs out while its send is still in flight, the mail may go out twice. The SMTP mailer's
 * idle timeouts sit well below the default 60 s lease, so only a server that keeps trickling
 * bytes for over a minute could cause that.
 */
import { createAuditLog, changesBetween, type AuditLog } from '../domain/audit-log.js';
import { AppError, notFound } from '../kernel/errors.js';
import { systemClock, type Clock } from '../kernel/clock.js';
import { newSortableId } from '../kernel/ids.js';
import { op, DuplicateKeyError, type Filter, type IndexSpec, type Store } from '../store/port.js';
import { OUTBOX_STATES, type EnqueueInput, type Outbox, type OutboxJob, type OutboxState } from '../domain/ports.js';
import type { MailMessage, Mailer } from './mailer.js';
import { OUTBOX_COLLECTION } from './outbox-collection.js';
import { isPermanentFailure } from './outbox-policy.js';
import { createJobWorker, type JobRunSummary, type JobWorker, type JobWorkerOptions } from './job-worker.js';

export { exponentialBackoff, PermanentDeliveryError, type Backoff } from './outbox-policy.js';
// The port's types, for the worker's callers and the tests that read jobs.
export { OUTBOX_STATES, type EnqueueInput, type Outbox, type OutboxJob, type OutboxState } from '../domain/ports.js';

export { OUTBOX_COLLECTION };

/**
 * The indexes the outbox needs; add them to the app's `ensureIndexes` list.
 * The sparse unique `dedupe_key` is what makes enqueuing the same mail twice a no-op.
 */
export const OUTBOX_INDEXES: readonly IndexSpec[] = [
  { collection: OUTBOX_COLLECTION, keys: { dedupe_key: 1 }, unique: true, sparse: true },
  // A channel's due jobs (`job-worker.ts`): the channel first, so a worker never reads past
  // another channel's queue to find its own.
  { collection: OUTBOX_COLLECTION, keys: { channel: 1, state: 1, next_attempt_at: 1 } },
  { collection: OUTBOX_COLLECTION, keys: { channel: 1, state: 1, lease_until: 1 } },
  { collection: OUTBOX_COLLECTION, keys: { state: 1, created_at: -1 } },
  { collection: OUTBOX_COLLECTION, keys: { created_at: -1 } },
  // An account's failed jobs in one mode, newest first (the console's failed-jobs page).
  { collection: OUTBOX_COLLECTION, keys: { account: 1, livemode: 1, state: 1, created_at: -1 } },
  // An order's mails of one kind, newest first (`listForOrder`: a ticket's delivery history).
  { collection: OUTBOX_COLLECTION, keys: { 'payload.order': 1, kind: 1, created_at: -1, _id: -1 } },
];

/**
 * The outbox over a store: the domain's outbox port (`domain/ports.ts`).
 *
 * @example
 * const outbox = createOutbox({ store, clock });
 * await outbox.enqueue({ kind: 'tickets', to: buyer.email, payload: { order: order.id }, dedupeKey: `tickets:${order.id}` });
 */
export function createOutbox(options: { store: Store; clock?: Clock; auditLog?: AuditLog }): Outbox {
  const jobs = options.store.collection<OutboxJob>(OUTBOX_COLLECTION);
  const clock = options.clock ?? systemClock;
  const auditLog = options.auditLog ?? createAuditLog({ store: options.store, clock });

  async function get(id: string): Promise<OutboxJob> {
    const job = await jobs.findOne({ _id: id });
    if (!job) throw notFound('outbox job', id);
    return job;
  }

  function newJob(input: EnqueueInput, now: Date): OutboxJob {
    return {
      _id: newSortableId('mail'),
      kind: input.kind,
      to: input.to,
      payload: input.payload,
      ...(input.dedupeKey === undefined ? {} : { dedupe_key: input.dedupeKey }),
      ...(input.secretFields === undefined ? {} : { secret_fields: input.secretFields }),
      ...(input.channel === undefined ? {} : { channel: input.channel }),
      ...(input.owner === undefined ? {} : { account: input.owner.account, livemode: input.owner.livemode }),
      state: 'pending',
      attempts: 0,
      next_attempt_at: now,
      created_at: now,
      updated_at: now,
    };
  }

  return {
    async enqueue(input) {
      const job = newJob(input, clock.now());
      try {
        await jobs.insertOne(job);
        return { job, created: true };
      } catch (error) {
        if (!(error instanceof DuplicateKeyError) || input.dedupeKey === undefined) throw error;
        const existing = await jobs.findOne({ dedupe_key: input.dedupeKey });
        if (!existing) throw error; // deleted in between (by an operator); let the caller retry
        return { job: existing, created: false };
      }
    },

    async enqueueMany(inputs) {
      if (inputs.length === 0) return 0;
      const now = clock.now();
      const fresh = inputs.map((input) => newJob(input, now));
      try {
        await jobs.insertMany(fresh);
        return fresh.length;
      } catch (error) {
        if (!(error instanceof DuplicateKeyError)) throw error;
      }
      // Some were queued before (the same change handed over again): store only the others.
      const queued = new Set((await jobs.find({ dedupe_key: op.in(inputs.map((input) => input.dedupeKey)) })).map((job) => job.dedupe_key));
      let stored = 0;
      for (const job of fresh) {
        if (queued.has(job.dedupe_key)) continue;
        try {
          await jobs.insertOne(job);
          stored++;
        } catch (error) {
          if (!(error instanceof DuplicateKeyError)) throw error;
        }
      }
      return stored;
    },

    get,

    async list({ state, limit = 50 } = {}) {
      const filter: Filter = state === undefined ? {} : { state };
      return jobs.find(filter, { sort: { created_at: -1 }, limit: Math.max(1, Math.min(limit, 200)) });
    },

    async listForOrder(orderId, kind, limit) {
      return jobs.find({ 'payload.order': orderId, kind }, { sort: { created_at: -1, _id: -1 }, limit });
    },

    async listFailed(owner, limit) {
      return jobs.find(
        { account: owner.account, livemode: owner.livemode, state: op.in(['dead', 'pending']), last_error: op.exists(true) },
        { sort: { created_at: -1 }, limit: Math.max(1, Math.min(limit, 200)) },
      );
    },

    async retryFor(owner, id, audit) {
      const job = await jobs.findOne({ _id: id, account: owner.account, livemode: owner.livemode });
      if (!job) throw notFound('job', id);
      const revived = await this.retry(id);
      if (audit) {
        const changes = changesBetween(job, revived, ['state', 'attempts', 'next_attempt_at']);
        await auditLog.record(audit, { action: 'job.retried', target: { type: 'job', id }, changes });
      }
      return revived;
    },

    async stats() {
      const counts = await Promise.all(OUTBOX_STATES.map((state) => jobs.count({ state })));
      return Object.fromEntries(OUTBOX_STATES.map((state, i) => [state, counts[i] ?? 0])) as Record<OutboxState, number>;
    },

    async retry(id) {
      const now = clock.now();
      const revived = await jobs.findOneAndUpdate(
        { _id: id, state: op.in(['dead', 'pending']) },
        { $set: { state: 'pending', attempts: 0, next_attempt_at: now, updated_at: now } },
      );
      if (revived) return revived;
      const job = await get(id);
      throw new AppError('CONFLICT', `Outbox job '${id}' is ${job.state}; only dead or pending jobs can be retried`);
    },
  };
}

/** Options for {@link createOutboxWorker}: a job worker's, with the mailer instead of a `perform`. */
export interface OutboxWorkerOptions extends Omit<JobWorkerOptions, 'channel' | 'perform' | 'isPermanent'> {
  mailer: Mailer;
  /** Builds the message for a job at send time (loads tickets, renders PDFs, …). */
  render: (job: OutboxJob) => Promise<MailMessage>;
}

/** What one `runOnce` did. */
export type OutboxRunSummary = JobRunSummary;

/** The mail worker; run one per server process. */
export type OutboxWorker = JobWorker;

/**
 * Creates the mail worker: the job queue's `mail` channel, rendering each mail at send time.
 * SMTP has no idempotency key, so a lease that runs out mid-send may send a mail twice; the
 * SMTP mailer's idle timeouts sit well below the default 60 s lease.
 *
 * @example
 * const worker = createOutboxWorker({ store, mailer, render: renderOutboxJob, clock });
 * worker.start();
 * process.on('SIGTERM', () => void worker.stop());
 */
export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { mailer, render, ...common } = options;
  return createJobWorker({
    ...common,
    channel: 'mail',
    isPermanent: isPermanentFailure,
    async perform(job) {
      const { messageId } = await mailer.send(await render(job));
      return { message_id: messageId };
    },
  });
}
