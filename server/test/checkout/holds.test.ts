import { describe, expect, it } from 'vitest';
import type { EventDoc } from '../../src/domain/events.js';
import { SEAT_HOLDS, type SeatHoldDoc } from '../../src/domain/inventory.js';
import type { OrderDoc } from '../../src/domain/orders.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buyer, organizerWithEvent, payWithTestGateway, startOrder } from '../helpers/checkout.js';

/** Seat holds: atomic under concurrency, released on expiry and cancel, never leaked by a crash. */

async function inventoryOf(t: TestApp, eventId: string) {
  const event = (await t.store.collection<EventDoc>('events').findOne({ _id: eventId }))!;
  return event.inventory;
}

/** The ids of the orders holding or having bought seats of the event, sorted. */
async function holdersOf(t: TestApp, eventId: string): Promise<string[]> {
  return (await t.store.collection<SeatHoldDoc>(SEAT_HOLDS).find({ event: eventId })).map((h) => h._id).sort();
}

describe('holding seats under concurrency', () => {
  it('gives 100 seats to exactly 100 of 500 concurrent buyers and tells the rest SOLD_OUT', async () => {
    const t = await buildTestApp();
    const { pk, event, general } = await organizerWithEvent(t, { capacity: 100, require_email_verification: false });
    const results = await Promise.all(
      Array.from({ length: 500 }, () => t.call('POST', '/v1/orders', { key: pk, body: { event: event.id, items: [{ ticket_type: general, quantity: 1 }], buyer: buyer() } })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(100);
    expect(statuses.filter((s) => s === 409)).toHaveLength(400);
    expect(statuses.filter((s) => s >= 500)).toHaveLength(0);
    expect(new Set(results.filter((r) => r.status === 409).map((r) => r.body.error.code))).toEqual(new Set(['SOLD_OUT']));
    expect(await inventoryOf(t, event.id)).toMatchObject({ available: 0, held: 100, sold: 0 });
    expect(await t.store.collection('orders').count({})).toBe(100);
  });

  it('keeps every counter consistent when mixed orders race for a capped type', async () => {
    const t = await buildTestApp();
    const { pk, event, general, vip } = await organizerWithEvent(t, { capacity: 60, require_email_verification: false });
    const results = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        t.call('POST', '/v1/orders', {
          key: pk,
          body: { event: event.id, items: [{ ticket_type: i % 2 ? vip : general, quantity: (i % 3) + 1 }], buyer: buyer() },
        }),
      ),
    );
    expect(results.every((r) => r.status === 201 || r.body.error?.code === 'SOLD_OUT')).toBe(true);
    const inventory = await inventoryOf(t, event.id);
    const orders = await t.store.collection<OrderDoc>('orders').find({});
    const heldFor = (type: string) =>
      orders
        .flatMap((o) => o.items)
        .filter((i) => i.ticket_type === type)
        .reduce((n, i) => n + i.quantity, 0);
    expect(inventory.held).toBe(heldFor(general) + heldFor(vip));
    expect(inventory.held + inventory.available).toBe(60);
    expect(inventory.types[vip]).toMatchObject({ held: heldFor(vip), available: 20 - heldFor(vip) });
    expect(heldFor(vip)).toBeLessThanOrEqual(20);
    expect(await holdersOf(t, event.id)).toEqual(orders.map((o) => o._id).sort());
  });

  it('refuses more than max_per_order, unknown types and closed sales before touching seats', async () => {
    const t = await buildTestApp();
    const { pk, event, vip } = await organizerWithEvent(t, { require_email_verification: false });
    const tooMany = await t.call('POST', '/v1/orders', { key: pk, body: { event: event.id, items: [{ ticket_type: vip, quantity: 5 }], buyer: buyer() } });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.details).toEqual([{ field: 'items.0.quantity', message: 'at most 4 VIP tickets per order' }]);
    const unknown = await t.call('POST', '/v1/orders', { key: pk, body: { event: event.id, items: [{ ticket_type: 'tt_nope', quantity: 1 }], buyer: buyer() } });
    expect(unknown.body.error.details).toEqual([{ field: 'items.0.ticket_type', message: 'is not a ticket type of this event' }]);
    t.clock.set('2030-06-08T18:00:00Z');
    const late = await t.call('POST', '/v1/orders', { key: pk, body: { event: event.id, items: [{ ticket_type: vip, quantity: 1 }], buyer: buyer() } });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('SALES_CLOSED');
    expect(await inventoryOf(t, event.id)).toMatchObject({ available: 100, held: 0 });
  });

  it('sells from the allowed origins only', async () => {
    const t = await buildTestApp();
    const { pk, event, general } = await organizerWithEvent(t, { allowed_origins: ['https://partner.example'], require_email_verification: false });
    const body = { event: event.id, items: [{ ticket_type: general, quantity: 1 }], buyer: buyer() };
    expect((await t.call('POST', '/v1/orders', { key: pk, body, headers: { Origin: 'https://evil.example' } })).status).toBe(403);
    expect((await t.call('POST', '/v1/orders', { key: pk, body, headers: { Origin: 'https://partner.example' } })).status).toBe(201);
  });
});

describe('releasing seats', () => {
  it('releases a hold when it expires, and the seats sell again', async () => {
    const t = await buildTestApp();
    const { pk, event, general } = await organizerWithEvent(t, { capacity: 2, require_email_verification: false, ticket_types: [{ name: 'General', price: 49_900 }] });
    const order = await startOrder(t, pk, event.id, [{ ticket_type: general, quantity: 2 }]);
    expect(order.expires_at).toBe('2030-06-01T10:15:00.000Z');
    const blocked = await t.call('POST', '/v1/orders', { key: pk, body: { event: event.id, items: [{ ticket_type: general, quantity: 1 }], buyer: buyer() } });
    expect(blocked.body.error.code).toBe('SOLD_OUT');

    t.clock.advance(15 * 60_000 - 1);
    expect(await t.services.orders.expireLapsedOrders()).toBe(0);
    t.clock.advance(1);
    expect(await t.services.orders.expireLapsedOrders()).toBe(1);
    expect(await inventoryOf(t, event.id)).toMatchObject({ available: 2, held: 0 });
    // The type shares the event's capacity: releasing must not invent a counter of its own for it.
    expect((await inventoryOf(t, event.id)).types[general]).toEqual({ sold: 0, held: 0 });
    const read = await t.call('GET', `/v1/orders/${order.id}?client_secret=${order.client_secret}`, { key: pk });
    expect(read.body.status).toBe('expired');
    const payLate = await payWithTestGateway(t, pk, order, order.payment.gateway_order_id);
    expect(payLate.status).toBe(200); // a late payment is honoured while seats remain
    expect(payLate.body.tickets).toHaveLength(2);
  });

  it('treats a lapsed hold as expired the moment the buyer comes back, even before the sweeper', async () => {
    const t = await buildTestApp();
    const { pk, event, general } = await organizerWithEvent(t);
    const order = await startOrder(t, pk, event.id, [{ ticket_type: general, quantity: 1 }]);
    t.clock.advance(16 * 60_000);
    const res = await t.call('POST', `/v1/orders/${order.id}/verify`, { key: pk, body: { client_secret: order.client_secret, code: '000000' } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('HOLD_EXPIRED');
    expect(await inventoryOf(t, event.id)).toMatchObject({ available: 100, held: 0 });
  });

  it('releases seats at once when the buyer cancels; cancelling twice is harmless', async () => {
    const t = await buildTestApp();
    const { pk, event, general } = await organizerWithEvent(t, { require_email_verification: false });
    const order = await startOrder(t, pk, event.id, [{ ticket_type: general, quantity: 3 }]);
    const cancel = () => t.call('POST', `/v1/orders/${order.id}/cancel`, { key: pk, body: { client_secret: order.client_secret } });
    expect((await cancel()).body.status).toBe('cancelled');
    expect((await cancel()).body.status).toBe('cancelled');
    expect(await inventoryOf(t, event.id)).toMatchObject({ available: 100, held: 0 });
  });

  it('uses the per-event hold time', async () => {
    const t = await buildTestApp();
    const { pk, event, general } = await organizerWithEvent(t, { hold_minutes: 5, require_email_verification: false });
    const order = await startOrder(t, pk, event.id, [{ ticket_type: general, quantity: 1 }]);
    expect(order.expires_at).toBe('2030-06-01T10:05:00.000Z');
  });
});

describe('recovering from a crash', () => {
  it('releases a hold whose order was never written (a crash between the two writes)', async () => {
    const t = await buildTestApp();
    const { event, general } = await organizerWithEvent(t);
    const stored = (await t.store.collection<EventDoc>('events').findOne({ _id: event.id }))!;
    const { createInventory } = await import('../../src/domain/inventory.js');
    const inventory = createInventory({ store: t.store, clock: t.clock });
    expect(await inventory.hold(stored, 'ord_neverwritten0000000000', [{ ticketType: general, quantity: 4 }])).toBe(true);
    expect(await inventoryOf(t, event.id)).toMatchObject({ available: 96, held: 4 });

    t.clock.advance(60_000);
    expect((await t.services.repair.sweep()).released).toBe(0); // still within the grace period
    t.clock.advance(1_000);
    expect((await t.services.repair.sweep()).released).toBe(1);
    expect(await inventoryOf(t, event.id)).toMatchObject({ available: 100, held: 0 });
    expect(await holdersOf(t, event.id)).toEqual([]); // the hold is gone, off the sweeper's list
    expect((await t.services.repair.sweep()).released).toBe(0);
  });

  it('issues the tickets of an order that was marked paid just before a crash', async () => {
    const t = await buildTestApp();
    const { pk, event, general } = await organizerWithEvent(t, { require_email_verification: false });
    const order = await startOrder(t, pk, event.id, [{ ticket_type: general, quantity: 2 }]);
    // The state a crash right after the paid transition leaves: paid, nothing fulfilled.
    await t.store
      .collection<OrderDoc>('orders')
      .updateOne({ _id: order.id }, { $set: { status: 'paid', fulfilment: 'pending', paid_at: t.clock.now(), 'payment.gateway_payment_id': 'pay_crashed' } });
    t.clock.advance(61_000);
    expect((await t.services.repair.sweep()).fulfilled).toBe(1);
    expect(await t.store.collection('tickets').count({ order: order.id })).toBe(2);
    expect(await inventoryOf(t, event.id)).toMatchObject({ available: 98, held: 0, sold: 2 });
    expect((await t.services.repair.sweep()).fulfilled).toBe(0);
  });

  it('forgets settled sale entries after ten minutes, keeping the counters', async () => {
    const t = await buildTestApp();
    const { pk, event, general } = await organizerWithEvent(t, { require_email_verification: false });
    const order = await startOrder(t, pk, event.id, [{ ticket_type: general, quantity: 1 }]);
    await payWithTestGateway(t, pk, order, order.payment.gateway_order_id);
    expect(await holdersOf(t, event.id)).toEqual([order.id]);
    t.clock.advance(11 * 60_000);
    expect((await t.services.repair.sweep()).forgotten).toBe(1);
    expect(await inventoryOf(t, event.id)).toMatchObject({ sold: 1, held: 0, available: 99 });
    expect(await holdersOf(t, event.id)).toEqual([]);
  });
});

describe('releasing never takes a paid order’s seats', () => {
  it('keeps the hold of an order paid just as it expired, and sells it', async () => {
    const t = await buildTestApp();
    const { pk, event, general } = await organizerWithEvent(t, { require_email_verification: false });
    const order = await startOrder(t, pk, event.id, [{ ticket_type: general, quantity: 2 }]);
    // Paid a moment before the expirer looks at the order it read as unpaid.
    const stale = (await t.store.collection<OrderDoc>('orders').findOne({ _id: order.id }))!;
    await t.store.collection<OrderDoc>('orders').updateOne({ _id: order.id }, { $set: { status: 'paid', fulfilment: 'pending', paid_at: t.clock.now() } });
    expect(await t.services.orders.releaseOrder(stale, 'expired')).toBeNull();
    expect(await inventoryOf(t, event.id)).toMatchObject({ held: 2, available: 98 });
    const fulfilled = await t.services.fulfilment.fulfil((await t.store.collection<OrderDoc>('orders').findOne({ _id: order.id }))!);
    expect(fulfilled.fulfilment).toBe('done');
    expect(await inventoryOf(t, event.id)).toMatchObject({ held: 0, sold: 2, available: 98 });
  });
});

describe('holds planned from a stale read', () => {
  it('respects a type capacity the organizer set after the buyer read the event', async () => {
    const t = await buildTestApp();
    const { sk, event, general } = await organizerWithEvent(t, { ticket_types: [{ name: 'General', price: 100 }] });
    const stale = (await t.store.collection<EventDoc>('events').findOne({ _id: event.id }))!;
    const capped = await t.call('PATCH', `/v1/events/${event.id}`, { key: sk, body: { ticket_types: [{ id: general, name: 'General', price: 100, capacity: 2 }] } });
    expect(capped.status).toBe(200);
    const { createInventory } = await import('../../src/domain/inventory.js');
    const inventory = createInventory({ store: t.store, clock: t.clock });
    expect(await inventory.hold(stale, 'ord_stale00000000000000000', [{ ticketType: general, quantity: 5 }])).toBe(false);
    expect(await inventory.hold(stale, 'ord_stale00000000000000001', [{ ticketType: general, quantity: 2 }])).toBe(true);
    expect((await inventoryOf(t, event.id)).types[general]).toMatchObject({ held: 2, available: 0 });
  });
});

describe('the reconciler', () => {
  it('rotates through a backlog larger than one round instead of starving newer orders', async () => {
    const t = await buildTestApp();
    const { pk, event, general } = await organizerWithEvent(t, { require_email_verification: false });
    const orders = [];
    for (let i = 0; i < 5; i++) {
      orders.push(await startOrder(t, pk, event.id, [{ ticket_type: general, quantity: 1 }]));
      t.clock.advance(1_000);
    }
    // Only the newest order is paid, with its callback lost; each round checks two orders.
    const newest = orders.at(-1)!;
    await t.call('POST', '/v1/test-gateway/payments', { key: pk, body: { gateway_order_id: newest.payment.gateway_order_id, outcome: 'success' } });
    const completed = [];
    for (let round = 0; round < 3; round++) {
      completed.push(await t.services.repair.reconcile(2));
      t.clock.advance(1_000);
    }
    expect(completed).toEqual([0, 0, 1]);
    const paid = await t.store.collection<OrderDoc>('orders').findOne({ _id: newest.id });
    expect(paid?.status).toBe('paid');
  });
});
