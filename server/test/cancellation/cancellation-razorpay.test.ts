/**
 * A cancellation run against Razorpay (the real SDK against the fake) when Razorpay refuses
 * some refunds: those orders are counted as failed, shown on the event, retried with backoff,
 * and refunded once when Razorpay takes them.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutboxJob } from '../../src/domain/ports.js';
import { mailWorker } from '../helpers/checkout.js';
import { startLiveRazorpay, type LiveRazorpay } from '../helpers/live-razorpay.js';
import { cancellationWorker } from './helpers.js';

let live: LiveRazorpay;

beforeEach(async () => {
  live = await startLiveRazorpay();
});

afterEach(async () => {
  await live.close();
});

describe('cancelling an event whose refunds Razorpay refuses at first', () => {
  it('counts the refused orders as failed, retries them with backoff, and refunds each once when Razorpay takes them', async () => {
    const org = await live.organizer();
    const orders = [];
    for (let i = 0; i < 6; i++) orders.push(await live.paidOrder(org));
    const amount = orders[0]?.amount ?? 0;
    // The balance pays for three refunds; Razorpay refuses the others.
    live.fake.setBalance(3 * amount);

    const res = await live.t.call('POST', `/v1/events/${org.event.id}/cancel`, { key: org.sk, body: { refund_orders: true } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const worker = cancellationWorker(live.t);
    await worker.runOnce();

    const midway = await live.t.call('GET', `/v1/events/${org.event.id}`, { key: org.sk });
    expect(midway.body.cancellation).toMatchObject({ orders_total: 6, orders_refunded: 3, orders_failed: 3, finished_at: null });
    const waiting = await live.t.store.collection<OutboxJob>('outbox').find({ kind: 'event_cancel_refund', state: 'pending' });
    expect(waiting).toHaveLength(3);
    for (const job of waiting) {
      expect(job.attempts).toBe(1);
      expect(job.last_error).toMatch(/balance/i);
      expect(job.next_attempt_at.getTime()).toBeGreaterThan(live.clock.now().getTime());
    }
    // Not due yet: running again asks Razorpay nothing.
    expect((await worker.runOnce()).retried).toBe(0);

    live.fake.setBalance(null);
    live.clock.advance(5 * 60_000);
    await worker.runOnce();

    const after = await live.t.call('GET', `/v1/events/${org.event.id}`, { key: org.sk });
    expect(after.body.cancellation).toMatchObject({ orders_total: 6, orders_refunded: 6, orders_failed: 0, finished_at: expect.any(String) });
    for (const order of orders) {
      expect([...live.fake.refunds.values()].filter((r) => r.payment_id === order.paymentId)).toHaveLength(1);
      expect((await live.getOrder(org, order.id)).status).toBe('refunded');
    }
    await mailWorker(live.t).runOnce();
    const notices = (await live.t.mailbox.list({ limit: 200 })).filter((m) => /is cancelled$/.test(m.subject));
    expect(notices.map((m) => m.to).sort()).toEqual(orders.map((o) => o.buyer.email).sort());
  }, 120_000);
});
