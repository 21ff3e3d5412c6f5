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
import { hostname } from 'node:os';
import { AppError, notFound } from '../kernel/errors.js';
import { systemClock, type Clock } from '../kernel/clock.js';
import { newId, randomBase62 } from '../kernel/ids.js';
import { op, DuplicateKeyError, type Filter, type IndexSpec, type Store } from '../store/port.js';
import { OUTBOX_STATES, type Outbox, type OutboxJob, type OutboxState } from '../domain/ports.js';
import type { MailMessage, Mailer } from './mailer.js';
import { exponentialBackoff, isPermanentFailure, type Backoff } from './outbox-policy.js';

export { exponentialBackoff, PermanentDeliveryError, type Backoff } from './outbox-policy.js';
// The port's types, for the worker's callers and the tests that read jobs.
export { OUTBOX_STATES, type EnqueueInput, type Outbox, type OutboxJob, type OutboxState } from '../domain/ports.js';

/** The collection every outbox job is stored in. */
export const OUTBOX_COLLECTION = 'outbox';

/**
 * The indexes the outbox needs; add them to the app's `ensureIndexes` list.
 * The sparse unique `dedupe_key` is what makes enqueuing the same mail twice a no-op.
 */
export const OUTBOX_INDEXES: readonly IndexSpec[] = [
  { collection: OUTBOX_COLLECTION, keys: { dedupe_key: 1 }, unique: true, sparse: true },
  { collection: OUTBOX_COLLECTION, keys: { state: 1, next_attempt_at: 1 } },
  { collection: OUTBOX_COLLECTION, keys: { state: 1, lease_until: 1 } },
  { collection: OUTBOX_COLLECTION, keys: { state: 1, created_at: -1 } },
  { collection: OUTBOX_COLLECTION, keys: { created_at: -1 } },
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
export function createOutbox(options: { store: Store; clock?: Clock }): Outbox {
  const jobs = options.store.collection<OutboxJob>(OUTBOX_COLLECTION);
  const clock = options.clock ?? systemClock;

  async function get(id: string): Promise<OutboxJob> {
    const job = await jobs.findOne({ _id: id });
    if (!job) throw notFound('outbox job', id);
    return job;
  }

  return {
    async enqueue(input) {
      const now = clock.now();
      const job: OutboxJob = {
        _id: newId('mail'),
        kind: input.kind,
        to: input.to,
        payload: input.payload,
        ...(input.dedupeKey === undefined ? {} : { dedupe_key: input.dedupeKey }),
        ...(input.secretFields === undefined ? {} : { secret_fields: input.secretFields }),
        state: 'pending',
        attempts: 0,
        next_attempt_at: now,
        created_at: now,
        updated_at: now,
      };
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

    get,

    async list({ state, limit = 50 } = {}) {
      const filter: Filter = state === undefined ? {} : { state };
      return jobs.find(filter, { sort: { created_at: -1 }, limit: Math.max(1, Math.min(limit, 200)) });
    },

    async listForOrder(orderId, kind, limit) {
      return jobs.find({ 'payload.order': orderId, kind }, { sort: { created_at: -1, _id: -1 }, limit });
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

/** Options for {@link createOutboxWorker}. */
export interface OutboxWorkerOptions {
  store: Store;
  mailer: Mailer;
  /** Builds the message for a job at send time (loads tickets, renders PDFs, …). */
  render: (job: OutboxJob) => Promise<MailMessage>;
  clock?: Clock;
  /** How long a claim holds (default 60 s); must exceed the longest send, see the file header. */
  leaseMs?: number;
  /** Attempts before a job is dead (default 8: about an hour of retries with the default backoff). */
  maxAttempts?: number;
  /** Delay before attempt n + 1 after n failed ones (default: 30 s doubling to 1 h, 20 % jitter). */
  backoff?: Backoff;
  /** Names this worker in `lease_owner` (default: host, pid and a random suffix). */
  workerId?: string;
  /** Polling interval of `start()` (default 1 s). */
  pollMs?: number;
  /** Jobs one `runOnce` handles at most, so `stop()` never waits for a long backlog (default 50). */
  batchSize?: number;
  /** Reports errors the loop survives (store unreachable, a lease lost mid-send). */
  onError?: (error: unknown, job?: OutboxJob) => void;
}

/** What one `runOnce` did. */
export interface OutboxRunSummary {
  sent: number;
  /** Failed and scheduled for another attempt. */
  retried: number;
  dead: number;
  /** Finished after its lease had passed to another worker; the result was discarded. */
  lost: number;
}

/** A worker; run one per server process. */
export interface OutboxWorker {
  readonly id: string;
  /** Claims and handles due jobs one at a time until none are due (or `batchSize` is reached). */
  runOnce(): Promise<OutboxRunSummary>;
  /** Starts polling every `pollMs` on an unref'd timer (it never keeps the process alive). */
  start(): void;
  /** Runs soon instead of at the next poll, e.g. right after enqueuing a verification code. */
  wake(): void;
  /** Stops polling and resolves once the job in flight (if any) is finished. */
  stop(): Promise<void>;
}

/** A claim is tried on this many due candidates before a worker concludes another took them all. */
const CLAIM_CANDIDATES = 10;
const MAX_ERROR_LENGTH = 500;

/**
 * Creates an outbox worker.
 *
 * @example
 * const worker = createOutboxWorker({ store, mailer, render: renderOutboxJob, clock });
 * worker.start();
 * process.on('SIGTERM', () => void worker.stop());
 */
export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const jobs = options.store.collection<OutboxJob>(OUTBOX_COLLECTION);
  const clock = options.clock ?? systemClock;
  const leaseMs = options.leaseMs ?? 60_000;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 8);
  const backoff = options.backoff ?? exponentialBackoff();
  const id = options.workerId ?? `${hostname()}:${process.pid}:${randomBase62(6)}`;
  const pollMs = options.pollMs ?? 1000;
  const batchSize = options.batchSize ?? 50;
  const onError = options.onError ?? (() => undefined);

  const inFlight = new Set<Promise<unknown>>();
  let stopping = false;
  let started = false;
  let timer: NodeJS.Timeout | null = null;
  let runAgain = false;

  /** Due: pending and its time has come, or sending with a lease that has run out. */
  const due = (now: Date): Filter => ({
    $or: [
      { state: 'pending', next_attempt_at: op.lte(now) },
      { state: 'sending', lease_until: op.lte(now) },
    ],
  });

  async function claim(): Promise<OutboxJob | null> {
    const now = clock.now();
    const candidates = await jobs.find(due(now), { sort: { next_attempt_at: 1 }, limit: CLAIM_CANDIDATES });
    for (const candidate of candidates) {
      // The claim itself is the atomic step: it matches only while the job is still due,
      // so of two workers racing for one candidate exactly one gets it.
      const claimed = await jobs.findOneAndUpdate(
        { _id: candidate._id, ...due(now) },
        {
          $set: {
            state: 'sending',
            lease_owner: id,
            lease_token: randomBase62(16),
            lease_until: new Date(now.getTime() + leaseMs),
            updated_at: now,
          },
          $inc: { attempts: 1 },
        },
      );
      if (claimed) return claimed;
    }
    return null;
  }

  /** Applies an outcome only while this worker still holds the job's lease. */
  async function finish(job: OutboxJob, set: Record<string, unknown>): Promise<boolean> {
    // A job that ended keeps no secrets: a one-time code lives only as long as its mail is pending.
    const ended = set.state === 'sent' || set.state === 'dead';
    const erase = ended ? Object.fromEntries((job.secret_fields ?? []).map((field) => [`payload.${field}`, '' as const])) : {};
    const result = await jobs.updateOne(
      { _id: job._id, lease_token: job.lease_token },
      { $set: { ...set, updated_at: clock.now() }, $unset: { lease_owner: '', lease_token: '', lease_until: '', ...erase } },
    );
    return result.matched === 1;
  }

  async function handle(job: OutboxJob, summary: OutboxRunSummary): Promise<void> {
    if (job.attempts > maxAttempts) {
      // Only a reclaimed lease gets here: the last attempt's worker died mid-send.
      if (await finish(job, { state: 'dead', last_error: 'lease expired during the last attempt' })) summary.dead++;
      return;
    }
    let outcome: Record<string, unknown>;
    let kind: 'sent' | 'retried' | 'dead';
    try {
      const message = await options.render(job);
      const { messageId } = await options.mailer.send(message);
      kind = 'sent';
      outcome = { state: 'sent', sent_at: clock.now(), message_id: messageId };
    } catch (error) {
      const last_error = describe(error);
      if (job.attempts >= maxAttempts || isPermanentFailure(error)) {
        kind = 'dead';
        outcome = { state: 'dead', last_error };
      } else {
        kind = 'retried';
        const delay = Math.max(0, backoff(job.attempts));
        outcome = { state: 'pending', last_error, next_attempt_at: new Date(clock.now().getTime() + delay) };
      }
    }
    if (await finish(job, outcome)) {
      summary[kind]++;
    } else {
      summary.lost++;
      onError(new Error(`Outbox job ${job._id}: lease lost before the result (${kind}) was recorded`), job);
    }
  }

  async function drain(): Promise<OutboxRunSummary> {
    const summary: OutboxRunSummary = { sent: 0, retried: 0, dead: 0, lost: 0 };
    for (let handled = 0; handled < batchSize && !stopping; handled++) {
      const job = await claim();
      if (!job) break;
      await handle(job, summary);
    }
    return summary;
  }

  function runOnce(): Promise<OutboxRunSummary> {
    const run = drain();
    inFlight.add(run);
    const forget = (): void => void inFlight.delete(run);
    run.then(forget, forget);
    return run;
  }

  function schedule(delay: number): void {
    if (!started || stopping) return;
    timer = setTimeout(tick, delay);
    timer.unref();
  }

  async function tick(): Promise<void> {
    timer = null;
    runAgain = false;
    try {
      const summary = await runOnce();
      // A full batch means more may be waiting: go again at once instead of after a poll.
      if (summary.sent + summary.retried + summary.dead + summary.lost >= batchSize) runAgain = true;
    } catch (error) {
      onError(error);
    }
    schedule(runAgain ? 0 : pollMs);
  }

  return {
    id,
    runOnce,
    start() {
      if (started) return;
      started = true;
      stopping = false;
      schedule(0);
    },
    wake() {
      if (!started || stopping) return;
      if (timer) {
        clearTimeout(timer);
        schedule(0);
      } else {
        runAgain = true; // a run is in progress: start the next one as soon as it ends
      }
    },
    async stop() {
      started = false;
      stopping = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await Promise.allSettled([...inFlight]);
      stopping = false;
    },
  };
}

function describe(error: unknown): string {
  const base = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const code = (error as { responseCode?: unknown; code?: unknown } | null) ?? {};
  const extra = [code.code, code.responseCode].filter((v) => v !== undefined).join(' ');
  const text = extra ? `${base} [${extra}]` : base;
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}
