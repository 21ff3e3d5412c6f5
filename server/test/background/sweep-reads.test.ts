import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/kernel/clock.js';
import type { EventDoc } from '../../src/domain/events.js';
import { createInventory, SEAT_HOLDS, type SeatHoldDoc } from '../../src/domain/inventory.js';
import { createEmbeddedStore } from '../../src/store/embedded.js';
import { buildTestApp } from '../helpers/app.js';
import { buyer, organizerWithEvent } from '../helpers/checkout.js';
import { countingStore } from '../helpers/counting-store.js';

/**
 * The sweeper's cost follows what is due, not history: it reads the hold documents that need
 * a look, found through an index, and no others.
 */

const MINUTE = 60_000;

async function sweeperSetup() {
  const clock = new ManualClock('2030-06-01T10:00:00.000Z');
  const counted = countingStore(await createEmbeddedStore({ now: () => clock.now() }));
  const t = await buildTestApp({ store: counted.store, clock });
  const org = await organizerWithEvent(t, { require_email_verification: false, capacity: 10, ticket_types: [{ name: 'General', price: 49_900 }] });
  const events = t.store.collection<EventDoc>('events');
  const inventory = createInventory({ store: t.store, clock });
  const holds = t.store.collection<SeatHoldDoc>(SEAT_HOLDS);
  const owner = { account: (org.account as { id: string }).id, livemode: false };
  /** Sweeps until a round finds nothing left to do (each round takes a bounded batch). */
  const sweepAll = async () => {
    for (let round = 0; round < 20; round++) {
      counted.reset();
      const { released, forgotten } = await t.services.repair.sweep();
      if (released + forgotten === 0 && counted.read() === 0) return;
    }
    throw new Error('the sweeper never settled');
  };
  return { t, clock, counted, org, owner, events, holds, inventory, sweepAll };
}

describe('the sweeper’s reads', () => {
  it('reads no event when none of 1,000 that once had holds is due, and still releases one that falls due', async () => {
    const { t, clock, counted, org, owner, events, holds, inventory, sweepAll } = await sweeperSetup();
    const template = (await events.findOne({ _id: org.event.id }))!;
    await events.insertMany(Array.from({ length: 999 }, (_, i) => ({ ...template, _id: `evt_history${String(i).padStart(17, '0')}` })));
    const all = await events.find({});
    expect(all).toHaveLength(1000);
    // Every event once held seats: most holds were released at once (a cancelled order), and
    // ten are real orders, half cancelled and half left to lapse and expire.
    for (const [i, event] of all.entries()) {
      if (i < 10) {
        const { order } = await t.services.orders.create(owner, { event: event._id, items: [{ ticket_type: org.general, quantity: 1 }], buyer: buyer() }, { ip: '10.0.0.1' });
        if (i % 2 === 0) await t.services.orders.cancel({ owner }, order._id);
        continue;
      }
      const orderId = `ord_released${String(i).padStart(14, '0')}`;
      expect(await inventory.hold(event, orderId, [{ ticketType: org.general, quantity: 1 }])).toBe(true);
      const held = (await holds.findOne({ _id: orderId }))!.entry;
      expect(await inventory.release(event._id, orderId, held)).toBe(true);
    }
    clock.advance(16 * MINUTE);
    expect(await t.services.orders.expireLapsedOrders()).toBe(5);
    clock.advance(2 * MINUTE + 1);
    await sweepAll(); // the rounds right after the rush look at each event once (and recount it, its seats now still)

    counted.reset();
    expect(await t.services.repair.sweep()).toEqual({ fulfilled: 0, released: 0, forgotten: 0, repaired: [] });
    expect(counted.read('events')).toBe(0);
    expect(counted.read()).toBe(0);

    // A crash leaves one hold without its order: the next rounds read that one event.
    const victim = (await events.findOne({ _id: all[500]!._id }))!;
    expect(await inventory.hold(victim, 'ord_crashedbeforewrite0000', [{ ticketType: org.general, quantity: 2 }])).toBe(true);
    clock.advance(MINUTE + 1);
    counted.reset();
    expect((await t.services.repair.sweep()).released).toBe(1);
    expect(counted.read(SEAT_HOLDS)).toBe(1); // found as due
    expect(counted.read('events')).toBeLessThanOrEqual(1); // read by the release, for which types keep their own count
    expect(counted.read()).toBeLessThanOrEqual(2);
    expect((await events.findOne({ _id: victim._id }))!.inventory).toMatchObject({ held: 0, available: 10 });
  });

  it('looks at an event with a live hold once after its grace, then not again until the order’s hold could have lapsed', async () => {
    const { t, clock, counted, org, owner } = await sweeperSetup();
    const { order } = await t.services.orders.create(owner, { event: org.event.id, items: [{ ticket_type: org.general, quantity: 1 }], buyer: buyer() }, { ip: '10.0.0.1' });
    clock.advance(MINUTE + 1);
    counted.reset();
    await t.services.repair.sweep();
    expect(counted.read(SEAT_HOLDS)).toBe(1);
    expect(counted.read('events')).toBe(0);
    expect(counted.read('orders')).toBe(1);
    for (let minute = 0; minute < 13; minute++) {
      clock.advance(MINUTE);
      counted.reset();
      await t.services.repair.sweep();
      // Once, two minutes after the hold, the recount checks the event's counters (one event, one hold).
      expect(counted.read(SEAT_HOLDS) + counted.read('events'), `minute ${minute + 2}`).toBe(minute === 0 ? 2 : 0);
    }
    // The expirer did not run (it crashed, say): once the hold has lapsed, the sweeper looks again.
    clock.advance(3 * MINUTE);
    counted.reset();
    await t.services.repair.sweep();
    expect(counted.read(SEAT_HOLDS)).toBeGreaterThan(0);
    expect(await t.store.collection('orders').findOne({ _id: order._id })).toMatchObject({ status: 'awaiting_payment' });
  });

  it('keeps the schedule of a hold that changed while it was being swept', async () => {
    const { clock, org, events, holds, inventory } = await sweeperSetup();
    const stored = (await events.findOne({ _id: org.event.id }))!;
    const lines = [{ ticketType: org.general, quantity: 1 }];
    expect(await inventory.hold(stored, 'ord_first00000000000000000', lines)).toBe(true);
    clock.advance(MINUTE + 1);
    const [read] = await inventory.dueHolds(10);
    // Between the sweeper's read and its rescheduling, the order is paid: its hold becomes a sale.
    expect(await inventory.sell(stored, 'ord_first00000000000000000', lines)).toBe(true);
    expect(await inventory.reschedule(read!, clock.now().getTime() + 60 * MINUTE)).toBe(false);
    const sold = (await holds.findOne({ _id: 'ord_first00000000000000000' }))!;
    expect(sold).toMatchObject({ state: 'sold', due_at: new Date(clock.now().getTime() + 10 * MINUTE) });
    expect((await events.findOne({ _id: org.event.id }))!.inventory).toMatchObject({ held: 0, sold: 1, available: 9 });
  });

  it('moves a ledger an earlier version kept in the event document into hold documents once, and still releases its orphans', async () => {
    const { t, clock, org, owner, events, holds } = await sweeperSetup();
    const { order } = await t.services.orders.create(owner, { event: org.event.id, items: [{ ticket_type: org.general, quantity: 1 }], buyer: buyer() }, { ip: '10.0.0.1' });
    // As an earlier version left it: the live order's entry and an orphan (2 seats, its order never
    // written) inside the event document, with their counters and schedule; and no hold documents.
    const live = (await holds.findOne({ _id: order._id }))!.entry;
    await holds.deleteOne({ _id: order._id });
    const at = (clock.now().getTime() - 5 * MINUTE).toString(36);
    await events.updateOne(
      { _id: org.event.id },
      {
        $set: { [`inventory.holds.${order._id}`]: live, 'inventory.holds.ord_oldversion000000000000': `h:${at}:${org.general}=2`, 'inventory.ledger_seq': 2 },
        $inc: { 'inventory.available': -2, 'inventory.held': 2 },
        $min: { 'inventory.ledger_due_at': clock.now() },
      },
    );
    expect((await events.findOne({ _id: org.event.id }))!.inventory).toMatchObject({ held: 3, available: 7 });

    expect(await t.services.repair.migrateLedgers()).toBe(2);
    const inventory = (await events.findOne({ _id: org.event.id }))!.inventory;
    expect(inventory).toMatchObject({ held: 3, available: 7 });
    expect(inventory).not.toHaveProperty('holds');
    expect(inventory).not.toHaveProperty('ledger_due_at');
    expect((await holds.find({ event: org.event.id })).map((h) => [h._id, h.state]).sort()).toEqual([
      ...[
        [order._id, 'held'],
        ['ord_oldversion000000000000', 'held'],
      ].sort(),
    ]);
    expect(await t.services.repair.migrateLedgers()).toBe(0);

    // The orphan is released by the sweeper, once; the live order's seats by its cancel, once.
    clock.advance(1);
    expect((await t.services.repair.sweep()).released).toBe(1);
    expect((await t.services.repair.sweep()).released).toBe(0);
    await t.services.orders.cancel({ owner }, order._id);
    await t.services.orders.cancel({ owner }, order._id);
    expect((await events.findOne({ _id: org.event.id }))!.inventory).toMatchObject({ held: 0, available: 10 });
    expect(await holds.count({ event: org.event.id })).toBe(0);
  });
});
