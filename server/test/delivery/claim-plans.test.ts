import { afterEach, describe, expect, it } from 'vitest';
import { createJobWorker } from '../../src/delivery/job-worker.js';
import { createOutbox, OUTBOX_INDEXES, type EnqueueInput } from '../../src/delivery/outbox.js';
import { ManualClock } from '../../src/kernel/clock.js';
import { tracedStore } from '../helpers/query-plans.js';

// A claim runs every second on every server, beside the checkout, and during a rush the queue
// holds thousands of webhook jobs: it must read a few rows whatever the queue holds. Plans do
// not depend on row counts here (the store keeps no statistics), so a small queue shows them.

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

const webhookJob = (n: number): EnqueueInput & { dedupeKey: string } => ({
  channel: 'webhook',
  kind: 'webhook',
  to: 'we_1',
  payload: { event: `ev_${n}`, endpoint: 'we_1' },
  dedupeKey: `webhook:ev_${n}:we_1`,
  owner: { account: 'acct_1', livemode: false },
});
const mailJob = (n: number): EnqueueInput => ({ kind: 'tickets', to: `buyer${n}@example.com`, payload: { order: `ord_${n}` }, dedupeKey: `tickets:ord_${n}` });

async function queue() {
  const clock = new ManualClock('2030-06-01T10:00:00.000Z');
  const traced = await tracedStore(clock);
  closers.push(traced.close);
  await traced.store.ensureIndexes(OUTBOX_INDEXES);
  const outbox = createOutbox({ store: traced.store, clock });
  // The other channel's jobs first, so they are due before this channel's.
  await outbox.enqueueMany(Array.from({ length: 12 }, (_, n) => webhookJob(n)));
  for (let n = 0; n < 3; n++) await outbox.enqueue(mailJob(n));
  await outbox.enqueueMany(Array.from({ length: 12 }, (_, n) => webhookJob(100 + n)));
  return { clock, traced };
}

describe('what claiming due jobs reads', () => {
  it('finds a channel’s due jobs through an index that starts with the channel', async () => {
    const { clock, traced } = await queue();
    for (const channel of ['webhook', 'mail'] as const) {
      const worker = createJobWorker({ store: traced.store, clock, channel, perform: async () => ({}), claimSize: channel === 'mail' ? 1 : 6, concurrency: 2 });
      traced.reset();
      expect((await worker.runOnce()).sent).toBeGreaterThan(0);
      const dueReads = traced.plans('outbox').filter((s) => /next_attempt_at|lease_until/.test(s.sql) && !/\b_id = /.test(s.sql));
      expect(dueReads.length).toBeGreaterThan(0);
      for (const read of dueReads)
        expect(read.plan, read.sql).toMatch(/USING INDEX outbox\.channel_1_state_1_(next_attempt_at|lease_until)_1 \(<expr>=\? AND <expr>=\? AND <expr><\?\)/);
    }
  });

  it('leases the jobs it found by their ids, not by reading every due job again', async () => {
    const { clock, traced } = await queue();
    const worker = createJobWorker({ store: traced.store, clock, channel: 'webhook', perform: async () => ({ status: 200 }), claimSize: 6, concurrency: 2, batchSize: 6 });
    traced.reset();
    expect((await worker.runOnce()).sent).toBe(6);
    const byId = traced.plans('outbox').filter((s) => /\b_id = /.test(s.sql));
    expect(byId.length).toBeGreaterThan(0);
    for (const read of byId) {
      const steps = read.plan.split('\n').filter((step) => /^(SEARCH|SCAN)/.test(step));
      expect(steps.length, read.sql).toBeGreaterThan(0);
      for (const step of steps) expect(step, read.sql).toMatch(/USING INDEX sqlite_autoindex_outbox_1 \(_id=\?\)/);
    }
  });
});
