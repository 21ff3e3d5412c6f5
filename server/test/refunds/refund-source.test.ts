/**
 * Each refund on an order says who made it (`source`, docs/domain-rules.md#refunds): the API,
 * the console, a cancelled event's refund run, or the service itself for a payment whose seats
 * were gone; refunds recorded before the source was kept say it where their reason does.
 * Refunds made in Razorpay's dashboard say `dashboard` (refunds/adopted-dashboard-refunds.test.ts).
 */
import type { Order, RefundSource } from '@trendy-tickets/sdk';
import { describe, expect, it } from 'vitest';
import type { OrderDoc } from '../../src/domain/orders.js';
import { refundSourceOf } from '../../src/domain/refund-source.js';
import { cancellationWorker, paidOrders } from '../cancellation/helpers.js';
import { signUpInConsole } from '../console/helpers.js';
import { buildTestApp, eventBody, type TestApp } from '../helpers/app.js';
import { payWithTestGateway, startOrder } from '../helpers/checkout.js';

/** An organizer signed in to the console, with a test event of `capacity` sold without email codes. */
async function organizer(t: TestApp, capacity = 100) {
  const org = await signUpInConsole(t);
  const res = await t.call('POST', '/v1/events', {
    key: org.sk,
    body: eventBody({ require_email_verification: false, capacity, ticket_types: [{ name: 'General', price: 49_900 }] }),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { ...org, event: res.body.id as string, general: res.body.ticket_types[0].id as string };
}

const sourcesOf = async (t: TestApp, sk: string, id: string): Promise<Array<RefundSource | null>> =>
  (await t.call<Order>('GET', `/v1/orders/${id}`, { key: sk })).body.refunds.map((r) => r.source);

describe('who made a refund, on the order', () => {
  it('says api for a refund asked for with a key and console for one asked for in the console, on the latest refund too', async () => {
    const t = await buildTestApp();
    const org = await organizer(t);
    const [paid] = await paidOrders(t, org.pk, org.event, org.general, 1);
    const byApi = await t.call<Order>('POST', `/v1/orders/${paid!.id}/refund`, { key: org.sk, body: { amount: 10_000 } });
    expect(byApi.status, JSON.stringify(byApi.body)).toBe(200);
    expect(byApi.body.refund?.source).toBe('api');

    await org.browser.get(`/console/orders/${paid!.id}`);
    const byConsole = await org.browser.post(`/console/orders/${paid!.id}/refund`, { amount: '50', confirm: 'on' });
    expect(byConsole.status, byConsole.text.slice(0, 300)).toBe(303);
    expect(await sourcesOf(t, org.sk, paid!.id)).toEqual(['api', 'console']);
    expect((await t.call<Order>('GET', `/v1/orders/${paid!.id}`, { key: org.sk })).body.refund?.source).toBe('console');
  });

  it('says cancellation for the refunds of a cancelled event’s run', async () => {
    const t = await buildTestApp();
    const org = await organizer(t);
    const [paid] = await paidOrders(t, org.pk, org.event, org.general, 1);
    const cancelled = await t.call('POST', `/v1/events/${org.event}/cancel`, { key: org.sk, body: { refund_orders: true } });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    const worker = cancellationWorker(t);
    for (let round = 0; round < 5; round++) await worker.runOnce();
    expect(await sourcesOf(t, org.sk, paid!.id)).toEqual(['cancellation']);
  });

  it('says automatic for the refund of a late payment whose seats were sold meanwhile', async () => {
    const t = await buildTestApp();
    const org = await organizer(t, 1);
    const late = await startOrder(t, org.pk, org.event, [{ ticket_type: org.general, quantity: 1 }]);
    t.clock.advance(16 * 60_000);
    await t.services.orders.expireLapsedOrders();
    await paidOrders(t, org.pk, org.event, org.general, 1);
    const paid = await payWithTestGateway(t, org.pk, late, late.payment.gateway_order_id);
    expect(paid.body.status, JSON.stringify(paid.body)).toBe('refunded');
    expect(await sourcesOf(t, org.sk, late.id)).toEqual(['automatic']);
  });

  it('reads the source of refunds recorded before it was kept from a reason only one source gives, and null otherwise', async () => {
    const t = await buildTestApp();
    const org = await organizer(t);
    const [paid] = await paidOrders(t, org.pk, org.event, org.general, 1);
    expect((await t.call('POST', `/v1/orders/${paid!.id}/refund`, { key: org.sk, body: { amount: 10_000 } })).status).toBe(200);
    const orders = t.store.collection<OrderDoc>('orders');
    const [id] = Object.keys((await orders.findOne({ _id: paid!.id }))!.refund_log ?? {});
    await orders.updateOne({ _id: paid!.id }, { $unset: { [`refund_log.${id}.source`]: '', 'refund.source': '' } });
    expect(await sourcesOf(t, org.sk, paid!.id)).toEqual([null]);

    expect(refundSourceOf({ reason: 'event_cancelled' })).toBe('cancellation');
    expect(refundSourceOf({ reason: 'sold_out' })).toBe('automatic');
    expect(refundSourceOf({ reason: 'refunded_at_gateway' })).toBe('dashboard');
    expect(refundSourceOf({ reason: 'requested_by_organizer', source: 'gateway_dashboard' })).toBe('dashboard');
  });
});
