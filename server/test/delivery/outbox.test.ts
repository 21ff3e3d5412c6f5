import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/kernel/clock.js';
import { AppError } from '../../src/kernel/errors.js';
import { createCapturedMailer, createSmtpMailer, type MailMessage, type Mailer } from '../../src/delivery/mailer.js';
import {
  createOutbox,
  createOutboxWorker,
  exponentialBackoff,
  OUTBOX_INDEXES,
  PermanentDeliveryError,
  type Outbox,
  type OutboxJob,
  type OutboxWorkerOptions,
} from '../../src/delivery/outbox.js';
import { createEmbeddedStore } from '../../src/store/embedded.js';
import type { Store } from '../../src/store/port.js';
import { startSmtpSink } from './smtp-sink.js';

/** The subject carries the job id, so every delivered mail names the job it came from. */
const render = async (job: OutboxJob): Promise<MailMessage> => ({
  to: job.to,
  subject: `job ${job._id}`,
  text: `kind ${job.kind}`,
  html: `<p>${job.kind}</p>`,
});

/** 1 s doubling, capped at 8 s, with the jitter pinned to its midpoint: 750, 1500, 3000, 6000, 6000 ms. */
const backoff = exponentialBackoff({ baseMs: 1000, maxMs: 8000, jitter: 0.5, random: () => 0.5 });

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A mailer that records what it sends; `gate` lets a test hold a send in flight. */
function recordingMailer(gate?: Promise<void>, started?: () => void) {
  const sent: MailMessage[] = [];
  const mailer: Mailer = {
    async send(message) {
      started?.();
      if (gate) await gate;
      sent.push(message);
      return { messageId: `<${sent.length}@test>` };
    },
    async close() {},
  };
  return { mailer, sent };
}

let store: Store;
let clock: ManualClock;
let outbox: Outbox;

beforeEach(async () => {
  store = await createEmbeddedStore({});
  await store.ensureIndexes(OUTBOX_INDEXES);
  clock = new ManualClock('2026-11-08T10:00:00.000Z');
  outbox = createOutbox({ store, clock });
});
afterEach(async () => {
  await store.close();
});

const worker = (options: Partial<OutboxWorkerOptions> & Pick<OutboxWorkerOptions, 'mailer'>) =>
  createOutboxWorker({ store, render, clock, leaseMs: 60_000, maxAttempts: 4, backoff, ...options });

describe('outbox enqueue', () => {
  it('stores a pending job that is due now', async () => {
    const { job, created } = await outbox.enqueue({ kind: 'tickets', to: 'a@example.in', payload: { order: 'ord_1' } });
    expect(created).toBe(true);
    expect(job).toMatchObject({ state: 'pending', attempts: 0, kind: 'tickets', to: 'a@example.in', payload: { order: 'ord_1' } });
    expect(job._id).toMatch(/^mail_/);
    expect(job.next_attempt_at).toEqual(clock.now());
    expect(await outbox.stats()).toEqual({ pending: 1, sending: 0, sent: 0, dead: 0 });
  });

  it('enqueues a dedupe key once, even when five callers race', async () => {
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => outbox.enqueue({ kind: 'tickets', to: 'a@example.in', payload: {}, dedupeKey: 'tickets:ord_1' })));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.job._id)).size).toBe(1);
    expect(await store.collection('outbox').count({})).toBe(1);
    // Jobs without a key never collide with each other.
    await outbox.enqueue({ kind: 'code', to: 'a@example.in', payload: {} });
    await outbox.enqueue({ kind: 'code', to: 'a@example.in', payload: {} });
    expect(await store.collection('outbox').count({})).toBe(3);
  });
});

describe('outbox worker', () => {
  it('sends a due job, marks it sent with the message id and releases the lease', async () => {
    const { mailer, sent } = recordingMailer();
    const { job } = await outbox.enqueue({ kind: 'tickets', to: 'a@example.in', payload: {} });
    expect(await worker({ mailer }).runOnce()).toEqual({ sent: 1, retried: 0, dead: 0, lost: 0 });
    expect(sent.map((m) => m.subject)).toEqual([`job ${job._id}`]);
    const stored = await outbox.get(job._id);
    expect(stored).toMatchObject({ state: 'sent', attempts: 1, message_id: '<1@test>', sent_at: clock.now() });
    expect(stored.lease_owner).toBeUndefined();
    expect(stored.lease_until).toBeUndefined();
    expect(await worker({ mailer }).runOnce()).toEqual({ sent: 0, retried: 0, dead: 0, lost: 0 });
  });

  it('while SMTP is down, records each failure and backs off; once it is back, every mail goes out', async () => {
    const sink = await startSmtpSink();
    const mailer = createSmtpMailer({ url: sink.url, from: 'tickets@tts.test' });
    await sink.stop();
    const jobs = await Promise.all([1, 2, 3].map((n) => outbox.enqueue({ kind: 'tickets', to: `g${n}@example.in`, payload: {} })));
    const w = worker({ mailer, maxAttempts: 5 });
    const start = clock.now().getTime();

    expect(await w.runOnce()).toMatchObject({ retried: 3, sent: 0 });
    for (const { job } of jobs) {
      const stored = await outbox.get(job._id);
      expect(stored).toMatchObject({ state: 'pending', attempts: 1 });
      expect(stored.last_error).toMatch(/ECONNREFUSED/);
      expect(stored.next_attempt_at.getTime() - start).toBe(750);
    }
    // Not due yet: nothing is attempted before its time.
    clock.advance(749);
    expect(await w.runOnce()).toMatchObject({ retried: 0, sent: 0 });
    clock.advance(1);
    expect(await w.runOnce()).toMatchObject({ retried: 3 });
    expect((await outbox.get(jobs[0]?.job._id ?? '')).next_attempt_at.getTime() - clock.now().getTime()).toBe(1500);

    await sink.start(); // same port
    clock.advance(1500);
    expect(await w.runOnce()).toMatchObject({ sent: 3, retried: 0 });
    await mailer.close();
    await sink.stop();
    const subjects = (await sink.parsed()).map((m) => m.subject).sort();
    expect(subjects).toEqual(jobs.map(({ job }) => `job ${job._id}`).sort());
    expect(await outbox.stats()).toEqual({ pending: 0, sending: 0, sent: 3, dead: 0 });
  });

  it('declares a job dead after maxAttempts, and retry gives it a fresh budget', async () => {
    let up = false;
    const sent: string[] = [];
    const flaky: Mailer = {
      async send(message) {
        if (!up) throw Object.assign(new Error('421 try later'), { responseCode: 421 });
        sent.push(message.subject);
        return { messageId: '<ok@test>' };
      },
      async close() {},
    };
    const { job } = await outbox.enqueue({ kind: 'tickets', to: 'a@example.in', payload: {} });
    const w = worker({ mailer: flaky, maxAttempts: 4 });
    for (const wait of [0, 750, 1500, 3000]) {
      clock.advance(wait);
      await w.runOnce();
    }
    const dead = await outbox.get(job._id);
    expect(dead).toMatchObject({ state: 'dead', attempts: 4 });
    expect(dead.last_error).toContain('421 try later');
    clock.advance(3_600_000);
    expect(await w.runOnce()).toMatchObject({ sent: 0, retried: 0, dead: 0 }); // dead stays dead
    expect((await outbox.list({ state: 'dead' })).map((j) => j._id)).toEqual([job._id]);

    up = true;
    const revived = await outbox.retry(job._id);
    expect(revived).toMatchObject({ state: 'pending', attempts: 0 });
    expect(await w.runOnce()).toMatchObject({ sent: 1 });
    expect(sent).toEqual([`job ${job._id}`]);
    await expect(outbox.retry(job._id)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(outbox.retry('mail_missing')).rejects.toBeInstanceOf(AppError);
  });

  it('gives up at once on a permanent failure', async () => {
    const rejecting: Mailer = {
      async send() {
        throw Object.assign(new Error('Recipient rejected'), { responseCode: 550, response: '550 5.1.1 <x@example.in>: no such user' });
      },
      async close() {},
    };
    const a = await outbox.enqueue({ kind: 'tickets', to: 'x@example.in', payload: {} });
    expect(await worker({ mailer: rejecting }).runOnce()).toMatchObject({ dead: 1 });
    expect(await outbox.get(a.job._id)).toMatchObject({ state: 'dead', attempts: 1 });

    const b = await outbox.enqueue({ kind: 'tickets', to: 'y@example.in', payload: {} });
    const gone = worker({ mailer: recordingMailer().mailer, render: () => Promise.reject(new PermanentDeliveryError('order gone')) });
    expect(await gone.runOnce()).toMatchObject({ dead: 1 });
    expect((await outbox.get(b.job._id)).last_error).toBe('PermanentDeliveryError: order gone');
  });

  it('lets two workers race over 50 jobs and sends each exactly once', async () => {
    const { job: first } = await outbox.enqueue({ kind: 'k', to: 'a@example.in', payload: {} });
    const ids = [first._id];
    for (let n = 1; n < 50; n++) ids.push((await outbox.enqueue({ kind: 'k', to: `g${n}@example.in`, payload: {} })).job._id);
    const a = recordingMailer();
    const b = recordingMailer();
    const [ra, rb] = await Promise.all([worker({ mailer: a.mailer }).runOnce(), worker({ mailer: b.mailer }).runOnce()]);

    const subjects = [...a.sent, ...b.sent].map((m) => m.subject);
    expect(subjects).toHaveLength(50);
    expect(new Set(subjects)).toEqual(new Set(ids.map((id) => `job ${id}`)));
    expect((ra?.sent ?? 0) + (rb?.sent ?? 0)).toBe(50);
    expect(a.sent.length).toBeGreaterThan(0); // both really took part
    expect(b.sent.length).toBeGreaterThan(0);
    expect(await outbox.stats()).toEqual({ pending: 0, sending: 0, sent: 50, dead: 0 });
  });

  it('never lets a second worker take a job whose lease holds, and reclaims it once the lease expires', async () => {
    const gate = deferred();
    const sending = deferred();
    const stuck = recordingMailer(gate.promise, () => sending.resolve());
    const rescuer = recordingMailer();
    const { job } = await outbox.enqueue({ kind: 'tickets', to: 'a@example.in', payload: {} });

    const first = worker({ mailer: stuck.mailer, workerId: 'worker-a' });
    const firstRun = first.runOnce();
    await sending.promise; // worker A holds the lease and is mid-send
    expect(await outbox.get(job._id)).toMatchObject({ state: 'sending', lease_owner: 'worker-a' });

    const second = worker({ mailer: rescuer.mailer, workerId: 'worker-b' });
    clock.advance(59_999);
    expect(await second.runOnce()).toMatchObject({ sent: 0 });

    clock.advance(1); // A's lease has run out: A is presumed dead
    expect(await second.runOnce()).toMatchObject({ sent: 1 });
    expect(await outbox.get(job._id)).toMatchObject({ state: 'sent', attempts: 2, message_id: '<1@test>' });

    gate.resolve(); // A comes back late: its result must not overwrite B's
    expect(await firstRun).toMatchObject({ sent: 0, lost: 1 });
    expect(await outbox.get(job._id)).toMatchObject({ state: 'sent', message_id: '<1@test>' });
  });

  it('marks a job dead instead of sending when its last attempt died with the worker', async () => {
    const gate = deferred();
    const sending = deferred();
    const stuck = recordingMailer(gate.promise, () => sending.resolve());
    const { job } = await outbox.enqueue({ kind: 'tickets', to: 'a@example.in', payload: {} });
    void worker({ mailer: stuck.mailer, maxAttempts: 1 }).runOnce();
    await sending.promise;
    clock.advance(60_000);
    const rescuer = recordingMailer();
    expect(await worker({ mailer: rescuer.mailer, maxAttempts: 1 }).runOnce()).toMatchObject({ dead: 1, sent: 0 });
    expect(rescuer.sent).toEqual([]);
    expect(await outbox.get(job._id)).toMatchObject({ state: 'dead', last_error: 'lease expired during the last attempt' });
    gate.resolve();
  });

  it('polls once started, runs at once when woken, and stop() waits for the mail in flight', async () => {
    const gate = deferred();
    const sending = deferred();
    const { mailer, sent } = recordingMailer(gate.promise, () => sending.resolve());
    const w = worker({ mailer, pollMs: 3_600_000 });
    w.start();
    const { job } = await outbox.enqueue({ kind: 'code', to: 'a@example.in', payload: {} });
    w.wake();
    await sending.promise;

    let stopped = false;
    const stopping = w.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    gate.resolve();
    await stopping;
    expect(sent).toHaveLength(1);
    expect(await outbox.get(job._id)).toMatchObject({ state: 'sent' });
  });

  it('delivers into the captured mailbox as the dev server does', async () => {
    const mailbox = createCapturedMailer({ from: 'tickets@localhost', clock });
    const { job } = await outbox.enqueue({ kind: 'code', to: 'a@example.in', payload: {} });
    await worker({ mailer: mailbox }).runOnce();
    const [mail] = await mailbox.list();
    expect(mail).toMatchObject({ to: 'a@example.in', subject: `job ${job._id}`, from: 'tickets@localhost' });
    expect((await outbox.get(job._id)).message_id).toBe(mail?.message_id);
  });
});

describe('exponentialBackoff', () => {
  it('doubles from the base, caps at the maximum and jitters downwards only', () => {
    const exact = exponentialBackoff({ baseMs: 1000, maxMs: 8000, jitter: 0 });
    expect([1, 2, 3, 4, 5, 50].map(exact)).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    const low = exponentialBackoff({ baseMs: 1000, jitter: 0.2, random: () => 0.999_999 });
    const high = exponentialBackoff({ baseMs: 1000, jitter: 0.2, random: () => 0 });
    expect(low(3)).toBe(3200);
    expect(high(3)).toBe(4000);
  });
});
