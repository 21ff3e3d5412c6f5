/**
 * A cancellation run cut short: the process "dies" (its worker stops, one job is left claimed
 * mid-run, its store is closed) and a new app on the same data directory runs it to the end.
 * Each order is still refunded once and each buyer still gets one notice.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { OutboxJob } from '../../src/domain/ports.js';
import { ManualClock } from '../../src/kernel/clock.js';
import { createSqliteStore } from '../../src/store/sqlite.js';
import { buildTestApp } from '../helpers/app.js';
import { cancellationWorker, eventWithPaidOrders, noticesPerBuyer, refundsPerOrder, runToTheEnd } from './helpers.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('a cancellation run across a crash', () => {
  it('refunds each order once and mails each buyer once when the first process dies halfway and a new one finishes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tts-cancel-'));
    dirs.push(dir);
    const file = join(dir, 'tts.sqlite');
    const clock = new ManualClock('2030-06-01T10:00:00.000Z');
    const first = await buildTestApp({ clock, store: await createSqliteStore({ file, now: () => clock.now() }) });
    const org = await eventWithPaidOrders(first, 60);
    const res = await first.call('POST', `/v1/events/${org.event.id}/cancel`, { key: org.sk, body: { refund_orders: true } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);

    // The first process does 25 jobs, then dies inside the 26th after its work but before the
    // worker records it done: that job stays claimed until its lease runs out.
    let performed = 0;
    const dies = cancellationWorker(first, {
      batchSize: 26,
      perform: async (job: OutboxJob) => {
        const result = await first.services.eventCancellation.perform(job);
        performed += 1;
        if (performed === 26) return new Promise<never>(() => undefined);
        return result;
      },
    });
    void dies.runOnce();
    await expect.poll(() => performed, { timeout: 10_000 }).toBe(26);
    const midway = (await refundsPerOrder(first)).size;
    expect(midway).toBeGreaterThan(0);
    expect(midway).toBeLessThan(60);
    await first.store.close();

    // A new process on the same data directory, once the dead worker's lease has run out.
    clock.advance(5 * 60_000);
    const second = await buildTestApp({ clock, store: await createSqliteStore({ file, now: () => clock.now() }) });
    await runToTheEnd(second);

    const refunds = await refundsPerOrder(second);
    expect(refunds.size).toBe(60);
    expect([...refunds.values()].every((n) => n === 1)).toBe(true);
    const jobs = await second.store.collection<OutboxJob>('outbox').find({ kind: 'event_cancelled' });
    expect(jobs).toHaveLength(60);
    const notices = await noticesPerBuyer(second);
    for (const order of org.orders) expect(notices.get(order.email), order.email).toBe(1);
    const event = await second.call('GET', `/v1/events/${org.event.id}`, { key: org.sk });
    expect(event.body.cancellation).toMatchObject({ orders_total: 60, orders_refunded: 60, orders_failed: 0, finished_at: expect.any(String) });
    await second.store.close();
  }, 180_000);
});
