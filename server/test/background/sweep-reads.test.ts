import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/kernel/clock.js';
import type { EventDoc } from '../../src/domain/events.js';
import { createInventory } from '../../src/domain/inventory.js';
import { createEmbeddedStore } from '../../src/store/embedded.js';
import { buildTestApp } from '../helpers/app.js';
import { buyer, organizerWithEvent } from '../helpers/checkout.js';
import { countingStore } from '../helpers/counting-store.js';

/**
 * The sweeper's cost follows what is due, not history: it reads the events whose hold
 * ledger needs a look, found through an index, and no others.
 */

const MINUTE = 60_000;

async function sweeperSetup() {
  const clock = new ManualClock('2030-06-01T10:00:00.000Z');
  const counted = countingStore(await createEmbeddedStore({ now: () => clock.now() }));
  const t = await buildTestApp({ store: counted.store, clock });
  const org = await organizerWithEvent(t, { require_email_verification: false, capacity: 10, ticket_types: [{ name: 'General', price: 49_900 }] });
  const events = t.store.collection<EventDoc>('events');
  const inventory = createInventory({ events, clock });
  const owner = { account: (org.account as { id: string }).id, livemode: false };
  /** Sweeps until a round finds nothing left to do (each round takes a bounded batch). */
  const sweepAll = async () => {
    for (let round = 0; round < 20; round++) {
      counted.reset();
      const { released, forgotten } = await t.services.repair.sweep();
      if (released + forgotten === 0 && counted.read('events') === 0) return;
    }
    throw new Error('the sweeper never settled');
  };
  return { t, clock, counted, org, owner, events, inventory, sweepAll };
}

describe('the sweeper’s reads', () => {
  it('reads no event when none of 1,000 that once had holds is due, and still releases one that falls due', async () => {
    const { t, clock, counted, org, owner, events, inventory, sweepAll } = await sweeperSetup();
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
      const held = (await events.findOne({ _id: event._id }))!.inventory.holds![orderId]!;
      expect(await inventory.release(event._id, orderId, held)).toBe(true);
    }
    clock.advance(16 * MINUTE);
    expect(await t.services.orders.expireLapsedOrders()).toBe(5);
    clock.advance(2 * MINUTE);
    await sweepAll(); // the rounds right after the rush look at each event once

    counted.reset();
    expect(await t.services.repair.sweep()).toEqual({ fulfilled: 0, released: 0, forgotten: 0 });
    expect(counted.read('events')).toBe(0);
    expect(counted.read()).toBe(0);

    // A crash leaves one hold without its order: the next rounds read that one event.
    const victim = (await events.findOne({ _id: all[500]!._id }))!;
    expect(await inventory.hold(victim, 'ord_crashedbeforewrite0000', [{ ticketType: org.general, quantity: 2 }])).toBe(true);
    clock.advance(MINUTE + 1);
    counted.reset();
    expect((await t.services.repair.sweep()).released).toBe(1);
    expect(counted.read('events')).toBeLessThanOrEqual(2); // found as due, then read again by the conditional release
    expect(counted.read()).toBeLessThanOrEqual(3);
    expect((await events.findOne({ _id: victim._id }))!.inventory).toMatchObject({ held: 0, available: 10 });
  });

  it('looks at an event with a live hold once after its grace, then not again until the order’s hold could have lapsed', async () => {
    const { t, clock, counted, org, owner } = await sweeperSetup();
    const { order } = await t.services.orders.create(owner, { event: org.event.id, items: [{ ticket_type: org.general, quantity: 1 }], buyer: buyer() }, { ip: '10.0.0.1' });
    clock.advance(MINUTE + 1);
    counted.reset();
    await t.services.repair.sweep();
    expect(counted.read('events')).toBe(1);
    expect(counted.read('orders')).toBe(1);
    for (let minute = 0; minute < 13; minute++) {
      clock.advance(MINUTE);
      counted.reset();
      await t.services.repair.sweep();
      expect(counted.read('events'), `minute ${minute + 2}`).toBe(0);
    }
    // The expirer did not run (it crashed, say): once the hold has lapsed, the sweeper looks again.
    clock.advance(3 * MINUTE);
    counted.reset();
    await t.services.repair.sweep();
    expect(counted.read('events')).toBeGreaterThan(0);
    expect(await t.store.collection('orders').findOne({ _id: order._id })).toMatchObject({ status: 'awaiting_payment' });
  });

  it('keeps a hold written while it was sweeping the same event on its schedule', async () => {
    const { clock, org, events, inventory } = await sweeperSetup();
    const stored = (await events.findOne({ _id: org.event.id }))!;
    expect(await inventory.hold(stored, 'ord_first00000000000000000', [{ ticketType: org.general, quantity: 1 }])).toBe(true);
    clock.advance(MINUTE + 1);
    const [read] = await inventory.dueLedgers(10);
    // Between the sweeper's read and its rescheduling, a buyer holds seats on the same event.
    expect(await inventory.hold(read!, 'ord_second0000000000000000', [{ ticketType: org.general, quantity: 1 }])).toBe(true);
    expect(await inventory.reschedule(read!, clock.now().getTime() + 60 * MINUTE, false)).toBe(false);
    clock.advance(MINUTE + 1);
    expect((await inventory.dueLedgers(10)).map((e) => e._id)).toEqual([org.event.id]);
  });

  it('puts ledgers written before the schedule existed on it, so their orphaned holds are still released', async () => {
    const { t, clock, org, events } = await sweeperSetup();
    // As an earlier version left it: a held entry (2 seats) and no schedule.
    const at = (clock.now().getTime() - 5 * MINUTE).toString(36);
    await events.updateOne(
      { _id: org.event.id },
      { $set: { 'inventory.holds.ord_oldversion000000000000': `h:${at}:${org.general}=2` }, $inc: { 'inventory.available': -2, 'inventory.held': 2 } },
    );
    expect((await t.services.repair.sweep()).released).toBe(0);
    expect(await t.services.repair.scheduleUnscheduledLedgers()).toBe(1);
    clock.advance(1);
    expect((await t.services.repair.sweep()).released).toBe(1);
    expect((await events.findOne({ _id: org.event.id }))!.inventory).toMatchObject({ held: 0, available: 10 });
    expect(await t.services.repair.scheduleUnscheduledLedgers()).toBe(0);
  });
});
