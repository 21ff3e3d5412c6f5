import { beforeEach, describe, expect, it } from 'vitest';
import { createCapturedMailer } from '../../src/delivery/mailer.js';
import { createOutbox, createOutboxWorker, exponentialBackoff, OUTBOX_INDEXES, type Outbox, type OutboxJob } from '../../src/delivery/outbox.js';
import { createWebhookFanout, createWebhookWorker, WEBHOOK_RETRY } from '../../src/delivery/webhook-jobs.js';
import { ManualClock } from '../../src/kernel/clock.js';
import { createEmbeddedStore } from '../../src/store/embedded.js';
import type { Store } from '../../src/store/port.js';

const OWNER = { account: 'acct_1', livemode: false };

/** 1 s doubling with up to half of each delay taken off by jitter; `random` is pinned per test. */
function backoffWith(random: () => number) {
  return exponentialBackoff({ baseMs: 1000, maxMs: 60_000, jitter: 0.5, random });
}

describe('the job queue’s webhook channel', () => {
  let store: Store;
  let clock: ManualClock;
  let outbox: Outbox;

  beforeEach(async () => {
    clock = new ManualClock('2030-06-01T10:00:00.000Z');
    store = await createEmbeddedStore({ now: () => clock.now() });
    await store.ensureIndexes(OUTBOX_INDEXES);
    outbox = createOutbox({ store, clock });
  });

  const fanout = () => createWebhookFanout({ outbox, endpointsFor: async () => ['we_a'] });

  it('queues one delivery per entry and endpoint however often the entry is handed over', async () => {
    const f = fanout();
    await f.enqueueDelivery({ event: 'ev_1', endpoint: 'we_a', dedupeKey: 'webhook:ev_1:we_a', ...OWNER });
    await f.enqueueDelivery({ event: 'ev_1', endpoint: 'we_a', dedupeKey: 'webhook:ev_1:we_a', ...OWNER });
    const jobs = await outbox.list();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ channel: 'webhook', kind: 'webhook', to: 'we_a', payload: { event: 'ev_1', endpoint: 'we_a' }, state: 'pending' });
  });

  it('queues an entry’s deliveries together, and handed over again with a new endpoint queues only that one', async () => {
    const f = fanout();
    const to = (endpoint: string) => ({ event: 'ev_1', endpoint, dedupeKey: `webhook:ev_1:${endpoint}`, ...OWNER });
    await f.enqueueDeliveries([to('we_a'), to('we_b')]);
    await f.enqueueDeliveries([to('we_a'), to('we_b'), to('we_c')]);
    await f.enqueueDeliveries([to('we_b')]);
    const jobs = await outbox.list();
    expect(jobs.map((job) => job.to).sort()).toEqual(['we_a', 'we_b', 'we_c']);
    expect(jobs.every((job) => job.state === 'pending' && job.channel === 'webhook')).toBe(true);
  });

  it('retries a failing delivery on the backoff schedule, jitter included, until it succeeds', async () => {
    await fanout().enqueueDelivery({ event: 'ev_1', endpoint: 'we_a', dedupeKey: 'k', ...OWNER });
    const randoms = [0, 1, 0.5];
    const attempts: Date[] = [];
    const worker = createWebhookWorker({
      store,
      clock,
      workerId: 'w',
      backoff: backoffWith(() => randoms.shift() ?? 0),
      deliver: async () => {
        attempts.push(clock.now());
        if (attempts.length <= 3) throw new Error('receiver answered 500');
        return { response_status: 200 };
      },
    });
    const waits: number[] = [];
    for (let round = 0; round < 4; round++) {
      await worker.runOnce();
      const [job] = await outbox.list();
      if (job?.state !== 'pending') break;
      const wait = job.next_attempt_at.getTime() - clock.now().getTime();
      waits.push(wait);
      clock.advance(wait - 1);
      expect((await worker.runOnce()).retried + (await worker.runOnce()).sent, 'nothing runs before its time').toBe(0);
      clock.advance(1);
    }
    // base · 2^(n-1), less jitter · random of it: 1000·(1-0), 2000·(1-0.5), 4000·(1-0.25).
    expect(waits).toEqual([1000, 1000, 3000]);
    expect(attempts).toHaveLength(4);
    const [job] = await outbox.list();
    expect(job).toMatchObject({ state: 'sent', attempts: 4, response_status: 200, last_error: 'Error: receiver answered 500' });
  });

  it('moves a delivery that fails every attempt to dead, and a manual retry gives it a fresh budget', async () => {
    await fanout().enqueueDelivery({ event: 'ev_1', endpoint: 'we_a', dedupeKey: 'k', ...OWNER });
    let up = false;
    const worker = createWebhookWorker({
      store,
      clock,
      workerId: 'w',
      maxAttempts: 3,
      backoff: () => 1000,
      deliver: async () => {
        if (!up) throw new Error('connection refused');
        return {};
      },
    });
    for (let i = 0; i < 3; i++) {
      await worker.runOnce();
      clock.advance(1000);
    }
    const [dead] = await outbox.list({ state: 'dead' });
    expect(dead).toMatchObject({ state: 'dead', attempts: 3, last_error: 'Error: connection refused' });
    clock.advance(3_600_000);
    expect((await worker.runOnce()).sent).toBe(0);

    up = true;
    await outbox.retry(dead!._id);
    expect((await worker.runOnce()).sent).toBe(1);
    expect((await outbox.get(dead!._id)).state).toBe('sent');
  });

  it('leaves webhook jobs to their worker: the mail worker does not take them, and the webhook worker takes no mail', async () => {
    await fanout().enqueueDelivery({ event: 'ev_1', endpoint: 'we_a', dedupeKey: 'k', ...OWNER });
    await outbox.enqueue({ kind: 'tickets', to: 'buyer@example.com', payload: { order: 'ord_1' } });
    const mailbox = createCapturedMailer({ from: 'tickets@tts.test', clock });
    const mail = createOutboxWorker({ store, clock, mailer: mailbox, render: async (job: OutboxJob) => ({ to: job.to, subject: job.kind, text: 'x', html: 'x' }) });
    const delivered: string[] = [];
    const hooks = createWebhookWorker({
      store,
      clock,
      deliver: async (job) => {
        delivered.push(job.payload.event);
        return {};
      },
    });

    expect(await mail.runOnce()).toMatchObject({ sent: 1, dead: 0 });
    expect(await hooks.runOnce()).toMatchObject({ sent: 1, dead: 0 });
    expect(delivered).toEqual(['ev_1']);
    expect((await mailbox.list({ limit: 10 })).map((m) => m.to)).toEqual(['buyer@example.com']);
  });

  it('claims one batch of deliveries per run while the server is busy, and drains them all once it is not', async () => {
    const to = (n: number) => ({ event: `ev_${n}`, endpoint: 'we_a', dedupeKey: `webhook:ev_${n}:we_a`, ...OWNER });
    await fanout().enqueueDeliveries(Array.from({ length: 20 }, (_, n) => to(n)));
    let busy = true;
    const delivered: string[] = [];
    const worker = createWebhookWorker({
      store,
      clock,
      busy: () => busy,
      deliver: async (job) => {
        delivered.push(job.payload.event);
        return { status: 200 };
      },
    });

    // One claim (six with the default lease), then the requests go first.
    expect(await worker.runOnce()).toMatchObject({ sent: 6, yielded: true });
    expect(await worker.runOnce()).toMatchObject({ sent: 6, yielded: true });
    busy = false;
    expect(await worker.runOnce()).toMatchObject({ sent: 8 });
    expect(new Set(delivered).size).toBe(20);
  });

  it('spreads the default retries over about three days before giving up', () => {
    const noJitter = exponentialBackoff({ baseMs: 60_000, maxMs: 12 * 3_600_000, jitter: 0 });
    let total = 0;
    for (let n = 1; n < WEBHOOK_RETRY.maxAttempts; n++) total += noJitter(n);
    expect(total / 3_600_000).toBeGreaterThan(60);
    expect(total / 3_600_000).toBeLessThan(84);
  });
});
