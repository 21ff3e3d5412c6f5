/**
 * Cancelling an event for its buyers (docs/domain-rules.md#cancelling-an-event): through the
 * API, with the test gateway, the queue's workers run by hand on a manual clock.
 */
import { formatMoney } from '@trendy-tickets/sdk';
import { describe, expect, it } from 'vitest';
import type { AuditEntryDoc } from '../../src/domain/audit-log.js';
import type { OutboxJob } from '../../src/domain/ports.js';
import { buildTestApp } from '../helpers/app.js';
import { eventWithPaidOrders, noticesPerBuyer, refundsPerOrder, runToTheEnd } from './helpers.js';

const jobsOf = (t: Awaited<ReturnType<typeof buildTestApp>>, kind: string) => t.store.collection<OutboxJob>('outbox').find({ kind });

describe('cancelling an event with refunds', () => {
  it('refunds each of 100 paid orders exactly once and mails each buyer exactly one notice naming the refund', async () => {
    const t = await buildTestApp();
    const org = await eventWithPaidOrders(t, 100);

    const res = await t.call('POST', `/v1/events/${org.event.id}/cancel`, { key: org.sk, body: { refund_orders: true, reason: 'The venue flooded' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      status: 'cancelled',
      cancellation: { refund_orders: true, notify_buyers: true, reason: 'The venue flooded', orders_refunded: 0, orders_failed: 0, finished_at: null },
    });
    // Asking again (a retried request) starts nothing new.
    expect((await t.call('POST', `/v1/events/${org.event.id}/cancel`, { key: org.sk, body: { refund_orders: true } })).status).toBe(200);

    await runToTheEnd(t);

    const refunds = await refundsPerOrder(t);
    expect(refunds.size).toBe(100);
    expect([...refunds.values()].every((n) => n === 1)).toBe(true);
    for (const order of org.orders.slice(0, 5)) {
      const stored = await t.call('GET', `/v1/orders/${order.id}`, { key: org.sk });
      expect(stored.body).toMatchObject({ status: 'refunded', refunded_amount: order.amount });
    }
    const event = await t.call('GET', `/v1/events/${org.event.id}`, { key: org.sk });
    expect(event.body.cancellation).toMatchObject({ orders_total: 100, orders_refunded: 100, orders_failed: 0, finished_at: expect.any(String) });

    const notices = await noticesPerBuyer(t);
    expect(notices.size).toBe(100);
    for (const order of org.orders) expect(notices.get(order.email), order.email).toBe(1);
    const [one] = (await t.mailbox.list({ limit: 1000 })).filter((m) => m.to === org.orders[0]?.email && /cancelled/.test(m.subject));
    expect(one?.text).toMatch(/The organizer says: The venue flooded/);
    expect(one?.text).toContain(`We have refunded ${formatMoney(org.orders[0]?.amount ?? 0)} for your order`);
    // The refund is told in the notice, not in a second mail.
    expect(await jobsOf(t, 'refund_notice')).toHaveLength(0);
  }, 180_000);

  it('only stops sales when asked for neither refunds nor notices: nothing refunded, nobody mailed, no run', async () => {
    const t = await buildTestApp();
    const org = await eventWithPaidOrders(t, 3);

    const res = await t.call('POST', `/v1/events/${org.event.id}/cancel`, { key: org.sk, body: { refund_orders: false, notify_buyers: false } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: 'cancelled', cancellation: null });
    await runToTheEnd(t);

    expect((await refundsPerOrder(t)).size).toBe(0);
    for (const order of org.orders) expect((await t.call('GET', `/v1/orders/${order.id}`, { key: org.sk })).body.status).toBe('paid');
    expect(await jobsOf(t, 'event_cancelled')).toHaveLength(0);
  });

  it('tells every buyer once without refunding when only notices are asked for (the default)', async () => {
    const t = await buildTestApp();
    const org = await eventWithPaidOrders(t, 3);

    const res = await t.call('POST', `/v1/events/${org.event.id}/cancel`, { key: org.sk });
    expect(res.body.cancellation).toMatchObject({ refund_orders: false, notify_buyers: true, reason: null });
    await runToTheEnd(t);

    expect((await refundsPerOrder(t)).size).toBe(0);
    const notices = await noticesPerBuyer(t);
    for (const order of org.orders) expect(notices.get(order.email)).toBe(1);
    const [one] = (await t.mailbox.list({ limit: 100 })).filter((m) => m.to === org.orders[0]?.email && /cancelled/.test(m.subject));
    expect(one?.text).toMatch(/The organizer will tell you about any refund/);
    expect((await t.call('GET', `/v1/events/${org.event.id}`, { key: org.sk })).body.cancellation.finished_at).toEqual(expect.any(String));
  });

  it('refunds everyone when an event whose sales were only stopped is cancelled again with refunds', async () => {
    const t = await buildTestApp();
    const org = await eventWithPaidOrders(t, 2);
    await t.call('POST', `/v1/events/${org.event.id}/cancel`, { key: org.sk, body: { notify_buyers: false } });

    const res = await t.call('POST', `/v1/events/${org.event.id}/cancel`, { key: org.sk, body: { refund_orders: true } });
    expect(res.body.cancellation).toMatchObject({ refund_orders: true });
    await runToTheEnd(t);
    expect([...(await refundsPerOrder(t)).values()]).toEqual([1, 1]);
  });

  it('records the choice in the event.cancelled entry of the events log', async () => {
    const t = await buildTestApp();
    const org = await eventWithPaidOrders(t, 1);
    await t.call('POST', `/v1/events/${org.event.id}/cancel`, { key: org.sk, body: { refund_orders: true, reason: 'Storm' } });

    const log = await t.call('GET', '/v1/events_log?type=event.cancelled', { key: org.sk });
    expect(log.status, JSON.stringify(log.body)).toBe(200);
    expect(log.body.data[0].data.object.cancellation).toMatchObject({ refund_orders: true, notify_buyers: true, reason: 'Storm' });

    const [entry] = await t.store.collection<AuditEntryDoc>('audit_log').find({ action: 'event.cancelled' });
    expect(entry?.changes.cancellation).toMatchObject({ before: null, after: { refund_orders: true, reason: 'Storm' } });
  });
});

describe('who may cancel with refunds', () => {
  it('refuses refunding every order to a key that may edit events but not refund, and lets it only stop sales', async () => {
    const t = await buildTestApp();
    const org = await eventWithPaidOrders(t, 1);
    const { raw } = await t.services.accounts.createRestrictedKey(org.account.id, 'test', { name: 'Events only', permissions: ['events:write', 'events:read'] });

    const refused = await t.call('POST', `/v1/events/${org.event.id}/cancel`, { key: raw, body: { refund_orders: true } });
    expect(refused.status, JSON.stringify(refused.body)).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    expect((await t.call('GET', `/v1/events/${org.event.id}`, { key: org.sk })).body.status).toBe('published');

    const stopped = await t.call('POST', `/v1/events/${org.event.id}/cancel`, { key: raw, body: { notify_buyers: false } });
    expect(stopped.status, JSON.stringify(stopped.body)).toBe(200);
    expect(stopped.body).toMatchObject({ status: 'cancelled', cancellation: null });
  });
});
