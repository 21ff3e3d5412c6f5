/**
 * The job queue's worker: one loop per channel (mail, webhook) over the `outbox` collection
 * (docs/domain-rules.md#mail-delivery for mail; docs/domain-events.md for webhooks).
 *
 * A job moves `pending → sending → sent`, or back to `pending` with a later
 * `next_attempt_at` after a failure (exponential backoff with jitter, `outbox-policy.ts`),
 * or to `dead` once it has used up its attempts; `Outbox.retry` revives a dead one. A worker
 * claims a job with ONE conditional update that sets a lease, so workers on any number of
 * servers never run the same job while its lease holds, and one that dies mid-job leaves an
 * expired lease the next worker reclaims. Completion is conditional on the lease token.
 */
import { hostname } from 'node:os';
import { systemClock, type Clock } from '../kernel/clock.js';
import { randomBase62 } from '../kernel/ids.js';
import { op, type Filter, type Store } from '../store/port.js';
import type { JobChannel, OutboxJob } from '../domain/ports.js';
import { OUTBOX_COLLECTION } from './outbox-collection.js';
import { exponentialBackoff, type Backoff } from './outbox-policy.js';

/** Options for {@link createJobWorker}. */
export interface JobWorkerOptions {
  store: Store;
  /** The jobs this worker takes: `mail` (jobs without a channel) or another channel's. */
  channel: JobChannel;
  /**
   * Does one job's work; resolves with fields to store on the sent job (a message id, a
   * response status), or throws to retry it later.
   */
  perform: (job: OutboxJob) => Promise<Record<string, unknown>>;
  /** Whether an error means retrying cannot help, so the job is dead at once (default: never). */
  isPermanent?: (error: unknown) => boolean;
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
export interface JobRunSummary {
  sent: number;
  /** Failed and scheduled for another attempt. */
  retried: number;
  dead: number;
  /** Finished after its lease had passed to another worker; the result was discarded. */
  lost: number;
}

/** A worker; run one per server process and channel. */
export interface JobWorker {
  readonly id: string;
  /** Claims and handles due jobs one at a time until none are due (or `batchSize` is reached). */
  runOnce(): Promise<JobRunSummary>;
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
 * Creates a worker for one channel of the job queue: claims due jobs under a lease, performs
 * them, and retries failures with backoff until they are sent or dead.
 *
 * @example
 * const worker = createJobWorker({ store, channel: 'webhook', perform: (job) => deliver(job), clock });
 * worker.start();
 * process.on('SIGTERM', () => void worker.stop());
 */
export function createJobWorker(options: JobWorkerOptions): JobWorker {
  const jobs = options.store.collection<OutboxJob>(OUTBOX_COLLECTION);
  const clock = options.clock ?? systemClock;
  const leaseMs = options.leaseMs ?? 60_000;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 8);
  const backoff = options.backoff ?? exponentialBackoff();
  const id = options.workerId ?? `${hostname()}:${process.pid}:${randomBase62(6)}`;
  const pollMs = options.pollMs ?? 1000;
  const batchSize = options.batchSize ?? 50;
  const onError = options.onError ?? (() => undefined);
  const isPermanent = options.isPermanent ?? (() => false);
  // Mail jobs were stored before channels existed and carry none.
  const channel: Filter = options.channel === 'mail' ? { channel: op.exists(false) } : { channel: options.channel };

  const inFlight = new Set<Promise<unknown>>();
  let stopping = false;
  let started = false;
  let timer: NodeJS.Timeout | null = null;
  let runAgain = false;

  /** Due: pending and its time has come, or sending with a lease that has run out. */
  const due = (now: Date): Filter => ({
    ...channel,
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

  async function handle(job: OutboxJob, summary: JobRunSummary): Promise<void> {
    if (job.attempts > maxAttempts) {
      // Only a reclaimed lease gets here: the last attempt's worker died mid-send.
      if (await finish(job, { state: 'dead', last_error: 'lease expired during the last attempt' })) summary.dead++;
      return;
    }
    let outcome: Record<string, unknown>;
    let kind: 'sent' | 'retried' | 'dead';
    try {
      const result = await options.perform(job);
      kind = 'sent';
      outcome = { ...result, state: 'sent', sent_at: clock.now() };
    } catch (error) {
      const last_error = describe(error);
      if (job.attempts >= maxAttempts || isPermanent(error)) {
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
      onError(new Error(`Job ${job._id}: lease lost before the result (${kind}) was recorded`), job);
    }
  }

  async function drain(): Promise<JobRunSummary> {
    const summary: JobRunSummary = { sent: 0, retried: 0, dead: 0, lost: 0 };
    for (let handled = 0; handled < batchSize && !stopping; handled++) {
      const job = await claim();
      if (!job) break;
      await handle(job, summary);
    }
    return summary;
  }

  function runOnce(): Promise<JobRunSummary> {
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
