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
 *
 * A worker may claim several jobs at once (`claimSize`): one update leases them all under one
 * token, and jobs that succeeded with the same result are completed by one update too, so a
 * busy channel (webhooks: one job per event and endpoint) costs a few store operations per
 * batch rather than several per job. Each job still succeeds, fails and retries on its own.
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
  /**
   * Jobs claimed by one store update (default 1). They share a lease, so `claimSize` ÷
   * `concurrency` sends one after another must fit in `leaseMs`.
   */
  claimSize?: number;
  /** Jobs of a claim performed at the same time (default 1). */
  concurrency?: number;
  /**
   * Whether the server is too busy for more than one claim now (e.g. {@link loopCongested}):
   * asked before each claim after the first of a run, and while it says so, the worker claims
   * once per `busyPauseMs`. Default: never busy.
   */
  busy?: () => boolean | Promise<boolean>;
  /** Wait between claims while `busy` says so (default 250 ms). */
  busyPauseMs?: number;
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
  /** Stopped early because the server was busy; the next run waits `busyPauseMs`. */
  yielded?: boolean;
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
  const claimSize = Math.max(1, options.claimSize ?? 1);
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const busy = options.busy ?? (() => false);
  const busyPauseMs = options.busyPauseMs ?? 250;
  // Mail jobs were stored before channels existed and carry none. `null` (missing) rather than
  // `$exists: false`: an equality an index on `channel` answers, so one channel's claims never
  // walk past another channel's queue (a rush queues thousands of webhook jobs before a mail).
  const channel: Filter = options.channel === 'mail' ? { channel: null } : { channel: options.channel };

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

  /**
   * The jobs of `ids` that are still due, each named in its own branch. With one `_id` list
   * beside the due condition, SQLite's planner (which keeps no statistics) reads every due job
   * through the state indexes and only then checks the ids, a cost growing with the queue; a
   * branch per id, with nothing outside the branches, is answered by the primary key: a few
   * rows whatever the queue holds.
   */
  const dueAmong = (ids: readonly string[], now: Date): Filter => ({ $or: ids.map((_id) => ({ _id, ...due(now) })) });

  /** Due candidates, oldest first; two queries, each served by its own index (`outbox.ts`). */
  async function candidates(now: Date, limit: number): Promise<OutboxJob[]> {
    const [pending, lapsed] = await Promise.all([
      jobs.find({ ...channel, state: 'pending', next_attempt_at: op.lte(now) }, { sort: { next_attempt_at: 1 }, limit }),
      jobs.find({ ...channel, state: 'sending', lease_until: op.lte(now) }, { sort: { lease_until: 1 }, limit }),
    ]);
    return [...lapsed, ...pending].slice(0, limit);
  }

  const lease = (now: Date, token: string) => ({
    $set: { state: 'sending', lease_owner: id, lease_token: token, lease_until: new Date(now.getTime() + leaseMs), updated_at: now },
    $inc: { attempts: 1 },
  });

  /** Claims up to `claimSize` due jobs; an empty list when none are due (or others took them all). */
  async function claim(): Promise<OutboxJob[]> {
    const now = clock.now();
    if (claimSize === 1) {
      for (const candidate of await candidates(now, CLAIM_CANDIDATES)) {
        // The claim itself is the atomic step: it matches only while the job is still due,
        // so of two workers racing for one candidate exactly one gets it.
        const claimed = await jobs.findOneAndUpdate({ _id: candidate._id, ...due(now) }, lease(now, randomBase62(16)));
        if (claimed) return [claimed];
      }
      return [];
    }
    const ids = (await candidates(now, claimSize)).map((job) => job._id);
    if (ids.length === 0) return [];
    // One update leases every candidate still due; the token tells this claim's jobs from those
    // another worker leased in between, which the update left alone.
    const token = randomBase62(16);
    const leased = await jobs.updateMany(dueAmong(ids, now), lease(now, token));
    if (leased.matched === 0) return [];
    return jobs.find({ _id: op.in(ids), lease_token: token }, { sort: { next_attempt_at: 1 } });
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

  /**
   * Completes jobs of one claim that succeeded with the same result in one update, still only
   * where this claim's lease holds; a job another worker took over meanwhile is left to it.
   */
  async function finishSent(sent: Array<{ job: OutboxJob; result: Record<string, unknown> }>, summary: JobRunSummary): Promise<void> {
    const groups = new Map<string, typeof sent>();
    for (const item of sent) {
      const key = JSON.stringify([item.job.lease_token, item.result, item.job.secret_fields ?? []]);
      groups.set(key, [...(groups.get(key) ?? []), item]);
    }
    for (const group of groups.values()) {
      const [first] = group;
      if (!first) continue;
      if (group.length === 1) {
        await record(first.job, 'sent', { ...first.result, state: 'sent', sent_at: clock.now() }, summary);
        continue;
      }
      const now = clock.now();
      const erase = Object.fromEntries((first.job.secret_fields ?? []).map((field) => [`payload.${field}`, '' as const]));
      const done = await jobs.updateMany(
        { _id: op.in(group.map((item) => item.job._id)), lease_token: first.job.lease_token },
        { $set: { ...first.result, state: 'sent', sent_at: now, updated_at: now }, $unset: { lease_owner: '', lease_token: '', lease_until: '', ...erase } },
      );
      summary.sent += done.matched;
      const lost = group.length - done.matched;
      if (lost > 0) {
        summary.lost += lost;
        onError(new Error(`${lost} of ${group.length} jobs: lease lost before the result (sent) was recorded`), first.job);
      }
    }
  }

  async function record(job: OutboxJob, kind: 'sent' | 'retried' | 'dead', outcome: Record<string, unknown>, summary: JobRunSummary): Promise<void> {
    if (await finish(job, outcome)) {
      summary[kind]++;
    } else {
      summary.lost++;
      onError(new Error(`Job ${job._id}: lease lost before the result (${kind}) was recorded`), job);
    }
  }

  /** Performs one job; a success is returned for {@link finishSent}, a failure recorded at once. */
  async function handle(job: OutboxJob, summary: JobRunSummary): Promise<{ job: OutboxJob; result: Record<string, unknown> } | null> {
    if (job.attempts > maxAttempts) {
      // Only a reclaimed lease gets here: the last attempt's worker died mid-send.
      if (await finish(job, { state: 'dead', last_error: 'lease expired during the last attempt' })) summary.dead++;
      return null;
    }
    let outcome: Record<string, unknown>;
    let kind: 'retried' | 'dead';
    try {
      return { job, result: await options.perform(job) };
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
    await record(job, kind, outcome, summary);
    return null;
  }

  /** Performs a claim's jobs, `concurrency` at a time, then completes the successes together. */
  async function handleClaim(claimed: OutboxJob[], summary: JobRunSummary): Promise<void> {
    const sent: Array<{ job: OutboxJob; result: Record<string, unknown> }> = [];
    let next = 0;
    const lane = async () => {
      while (next < claimed.length) {
        const job = claimed[next++] as OutboxJob;
        const done = await handle(job, summary);
        if (done) sent.push(done);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, claimed.length) }, lane));
    await finishSent(sent, summary);
  }

  async function drain(): Promise<JobRunSummary> {
    const summary: JobRunSummary = { sent: 0, retried: 0, dead: 0, lost: 0 };
    for (let handled = 0; handled < batchSize && !stopping; ) {
      // Past the first claim, a busy server's requests go first: the rest waits for the next run.
      if (handled > 0 && (await busy())) {
        summary.yielded = true;
        break;
      }
      const claimed = await claim();
      if (claimed.length === 0) break;
      await handleClaim(claimed, summary);
      handled += claimed.length;
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
    let delay: number | undefined;
    try {
      const summary = await runOnce();
      // A full batch means more may be waiting: go again at once instead of after a poll, or
      // after the busy pause when the run stopped for the server's requests.
      if (summary.yielded) delay = busyPauseMs;
      else if (summary.sent + summary.retried + summary.dead + summary.lost >= batchSize) runAgain = true;
    } catch (error) {
      onError(error);
    }
    // A wake-up during a run that yielded waits too: the server was busy a moment ago.
    schedule(delay ?? (runAgain ? 0 : pollMs));
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
