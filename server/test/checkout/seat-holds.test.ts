import { describe, expect, it } from 'vitest';
import type { EventDoc } from '../../src/domain/events.js';
import { createInventory, SEAT_HOLDS, type SeatHoldDoc } from '../../src/domain/inventory.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buyer, organizerWithEvent, payWithTestGateway } from '../helpers/checkout.js';

/**
 * Each order's hold is a document of its own: the event document keeps only the counters, so
 * it stays small however many orders are open, and every movement still happens once.
 */

const MINUTE = 60_000;

async function eventOf(t: TestApp, eventId: string): Promise<EventDoc> {
  return (await t.store.collection<EventDoc>('events').findOne({ _id: eventId }))!;
}

/** The size of the event document as stored: what every purchase reads and rewrites. */
async function storedSize(t: TestApp, eventId: string): Promise<number> {
  return JSON.stringify(await eventOf(t, eventId)).length;
}

async function orderFor(t: TestApp, pk: string, eventId: string, ticketType: string) {
  return t.call('POST', '/v1/orders', { key: pk, body: { event: eventId, items: [{ ticket_type: ticketType, quantity: 1 }], buyer: buyer() } });
}

describe('the event document during a rush', () => {
  it('stays the same size however many orders hold seats', async () => {
    const t = await buildTestApp();
    const { pk, event, general } = await organizerWithEvent(t, { capacity: 300, require_email_verification: false });
    const before = await storedSize(t, event.id);
    const results = await Promise.all(Array.from({ length: 200 }, () => orderFor(t, pk, event.id, general)));
    expect(results.every((r) => r.status === 201)).toBe(true);
    // The counters grow by a digit or two and the movement marks appear once; nothing per order.
    expect(await storedSize(t, event.id)).toBeLessThan(before + 150);
    expect(await t.store.collection<SeatHoldDoc>(SEAT_HOLDS).count({ event: event.id, state: 'held' })).toBe(200);
  });
});

describe('racing for the last seats', () => {
  it('sells exactly the seats left when many buyers race for the last ones and all pay', async () => {
    const t = await buildTestApp();
    const { pk, event, general } = await organizerWithEvent(t, { capacity: 30, require_email_verification: false, ticket_types: [{ name: 'General', price: 49_900 }] });
    for (let i = 0; i < 25; i++) expect((await orderFor(t, pk, event.id, general)).status).toBe(201);
    const racers = await Promise.all(Array.from({ length: 80 }, () => orderFor(t, pk, event.id, general)));
    const won = racers.filter((r) => r.status === 201);
    expect(won).toHaveLength(5);
    expect(racers.filter((r) => r.status === 409).every((r) => r.body.error.code === 'SOLD_OUT')).toBe(true);
    await Promise.all(won.map((r) => payWithTestGateway(t, pk, r.body, r.body.payment.gateway_order_id)));
    expect((await eventOf(t, event.id)).inventory).toMatchObject({ available: 0, held: 25, sold: 5 });
    expect(await t.store.collection('tickets').count({ event: event.id })).toBe(5);
  });

  it('takes the seats of a late payment once when its confirmations race', async () => {
    const t = await buildTestApp();
    const { event, general } = await organizerWithEvent(t, { capacity: 10, ticket_types: [{ name: 'General', price: 49_900 }] });
    const inventory = createInventory({ store: t.store, clock: t.clock });
    const lines = [{ ticketType: general, quantity: 3 }];
    const orderId = 'ord_latepayment00000000000';
    expect(await inventory.hold(await eventOf(t, event.id), orderId, lines)).toBe(true);
    const held = (await inventory.holdOf(orderId))!;
    expect(await inventory.release(event.id, orderId, held.entry)).toBe(true);
    // The payment lands after the hold was released: the browser, the webhook and the reconciler confirm at once.
    const stored = await eventOf(t, event.id);
    const sold = await Promise.all(Array.from({ length: 6 }, () => inventory.sell(stored, orderId, lines)));
    expect(sold).toEqual([true, true, true, true, true, true]);
    expect((await eventOf(t, event.id)).inventory).toMatchObject({ available: 7, held: 0, sold: 3 });
    expect(await inventory.holdOf(orderId)).toMatchObject({ state: 'sold' });
  });

  it('moves no seat for a sale whose order never landed, and the sweeper drops its claim', async () => {
    const t = await buildTestApp();
    const { event, general } = await organizerWithEvent(t, { capacity: 10, ticket_types: [{ name: 'General', price: 49_900 }] });
    const inventory = createInventory({ store: t.store, clock: t.clock });
    const orderId = 'ord_neverstored00000000000';
    // The order's insert, sent with the hold's claim, fails: the counters wait for it and never move.
    const lost = Promise.reject(new Error('the order was not stored'));
    lost.catch(() => undefined);
    await expect(inventory.sell(await eventOf(t, event.id), orderId, [{ ticketType: general, quantity: 3 }], lost)).rejects.toThrow('the order was not stored');
    expect((await eventOf(t, event.id)).inventory).toMatchObject({ available: 10, held: 0, sold: 0 });
    expect(await inventory.holdOf(orderId)).toMatchObject({ state: 'taking' });
    t.clock.advance(2 * MINUTE);
    await t.services.repair.sweep();
    expect(await inventory.holdOf(orderId)).toBeNull();
    expect((await eventOf(t, event.id)).inventory).toMatchObject({ available: 10, held: 0, sold: 0 });
  });

  it('gives a late payment no seats, and keeps none, when they sold meanwhile', async () => {
    const t = await buildTestApp();
    const { pk, event, general } = await organizerWithEvent(t, { capacity: 2, require_email_verification: false, ticket_types: [{ name: 'General', price: 49_900 }] });
    const inventory = createInventory({ store: t.store, clock: t.clock });
    const orderId = 'ord_toolate000000000000000';
    const lines = [{ ticketType: general, quantity: 1 }];
    expect(await inventory.hold(await eventOf(t, event.id), orderId, lines)).toBe(true);
    expect(await inventory.release(event.id, orderId, (await inventory.holdOf(orderId))!.entry)).toBe(true);
    for (let i = 0; i < 2; i++) expect((await orderFor(t, pk, event.id, general)).status).toBe(201);
    expect(await inventory.sell(await eventOf(t, event.id), orderId, lines)).toBe(false);
    expect(await inventory.holdOf(orderId)).toBeNull();
    expect((await eventOf(t, event.id)).inventory).toMatchObject({ available: 0, held: 2, sold: 0 });
  });
});

describe('releasing a hold', () => {
  it('gives the seats back once when the expirer, the buyer, the sweeper and a cancel race', async () => {
    const t = await buildTestApp();
    const { pk, event, general } = await organizerWithEvent(t, { capacity: 10, require_email_verification: false, ticket_types: [{ name: 'General', price: 49_900 }] });
    const created = await t.call('POST', '/v1/orders', { key: pk, body: { event: event.id, items: [{ ticket_type: general, quantity: 4 }], buyer: buyer() } });
    expect(created.status).toBe(201);
    t.clock.advance(16 * MINUTE);
    const order = created.body;
    await Promise.all([
      t.services.orders.expireLapsedOrders(),
      t.call('GET', `/v1/orders/${order.id}?client_secret=${order.client_secret}`, { key: pk }),
      t.call('POST', `/v1/orders/${order.id}/cancel`, { key: pk, body: { client_secret: order.client_secret } }),
      t.services.repair.sweep(),
      t.services.orders.expireLapsedOrders(),
    ]);
    await t.services.repair.sweep();
    expect((await eventOf(t, event.id)).inventory).toMatchObject({ available: 10, held: 0, sold: 0 });
    expect(await t.store.collection<SeatHoldDoc>(SEAT_HOLDS).count({ event: event.id })).toBe(0);
  });
});

describe('after a process was killed between the two writes of a seat movement', () => {
  async function setup() {
    const t = await buildTestApp();
    const org = await organizerWithEvent(t, { capacity: 10, ticket_types: [{ name: 'General', price: 49_900 }] });
    const inventory = createInventory({ store: t.store, clock: t.clock });
    const holds = t.store.collection<SeatHoldDoc>(SEAT_HOLDS);
    return { t, inventory, holds, eventId: org.event.id as string, general: org.general };
  }

  it('returns seats held by no hold once the event is still, and says so', async () => {
    const { t, inventory, holds, eventId, general } = await setup();
    // Killed after the counters moved and before the hold document was written.
    expect(await inventory.hold(await eventOf(t, eventId), 'ord_killedmidhold000000000', [{ ticketType: general, quantity: 3 }])).toBe(true);
    await holds.deleteOne({ _id: 'ord_killedmidhold000000000' });
    expect((await eventOf(t, eventId)).inventory).toMatchObject({ available: 7, held: 3 });

    t.clock.advance(MINUTE);
    expect((await t.services.repair.sweep()).repaired).toEqual([]); // seats moved a minute ago: a movement may still be under way
    t.clock.advance(MINUTE + 1);
    expect((await t.services.repair.sweep()).repaired).toEqual([{ event: eventId, ticket_type: general, counted: 3, held: 0 }]);
    expect((await eventOf(t, eventId)).inventory).toMatchObject({ available: 10, held: 0, sold: 0 });
    expect((await t.services.repair.sweep()).repaired).toEqual([]);
  });

  it('returns the seats of a release whose releaser died after claiming it', async () => {
    const { t, inventory, holds, eventId, general } = await setup();
    expect(await inventory.hold(await eventOf(t, eventId), 'ord_killedmidrelease00000', [{ ticketType: general, quantity: 2 }])).toBe(true);
    // Killed after claiming the release (the document says `releasing`) and before the counters moved.
    const held = (await holds.findOne({ _id: 'ord_killedmidrelease00000' }))!;
    await holds.updateOne({ _id: held._id }, { $set: { entry: held.entry.replace(/^h:/, 'r:'), state: 'releasing' } });

    t.clock.advance(3 * MINUTE);
    // The sweeper settles the dead release (no order will ever sell these seats), then recounts.
    const { repaired } = await t.services.repair.sweep();
    expect(repaired).toEqual([{ event: eventId, ticket_type: general, counted: 2, held: 0 }]);
    expect((await eventOf(t, eventId)).inventory).toMatchObject({ available: 10, held: 0 });
    expect(await holds.count({ event: eventId })).toBe(0);
  });

  it('counts a sale finished twice once: the seller died after moving the counters', async () => {
    const { t, inventory, holds, eventId, general } = await setup();
    const lines = [{ ticketType: general, quantity: 2 }];
    expect(await inventory.hold(await eventOf(t, eventId), 'ord_killedmidsale00000000', lines)).toBe(true);
    // Killed after moving the counters held → sold, before marking the document sold.
    await inventory.sell(await eventOf(t, eventId), 'ord_killedmidsale00000000', lines);
    await holds.updateOne({ _id: 'ord_killedmidsale00000000' }, { $set: { entry: `c:${t.clock.now().getTime().toString(36)}:${general}=2`, state: 'selling' } });
    expect((await eventOf(t, eventId)).inventory).toMatchObject({ available: 8, held: 0, sold: 2 });

    // Past the grace the payment's retry sells again: the counters move a second time.
    t.clock.advance(MINUTE + 1);
    expect(await inventory.sell(await eventOf(t, eventId), 'ord_killedmidsale00000000', lines)).toBe(true);
    expect((await eventOf(t, eventId)).inventory).toMatchObject({ available: 8, held: -2, sold: 4 });
    t.clock.advance(3 * MINUTE);
    expect((await t.services.repair.sweep()).repaired).toEqual([{ event: eventId, ticket_type: general, counted: -2, held: 0 }]);
    expect((await eventOf(t, eventId)).inventory).toMatchObject({ available: 8, held: 0, sold: 2 });
  });

  it('leaves the counters alone while a movement is under way', async () => {
    const { t, inventory, holds, eventId, general } = await setup();
    expect(await inventory.hold(await eventOf(t, eventId), 'ord_slowmover000000000000', [{ ticketType: general, quantity: 2 }])).toBe(true);
    const held = (await holds.findOne({ _id: 'ord_slowmover000000000000' }))!;
    t.clock.advance(3 * MINUTE);
    // A release claimed a moment ago, its counters not moved yet: the recount must not return the seats too.
    await holds.updateOne({ _id: held._id }, { $set: { entry: `r:${t.clock.now().getTime().toString(36)}:${general}=2`, state: 'releasing' } });
    expect((await t.services.repair.sweep()).repaired).toEqual([]);
    expect((await eventOf(t, eventId)).inventory).toMatchObject({ available: 8, held: 2 });
  });
});
