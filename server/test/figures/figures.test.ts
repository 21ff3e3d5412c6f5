import type { EventStats } from '@trendy-tickets/sdk';
import { describe, expect, it } from 'vitest';
import { backgroundJobs, createBackgroundRunner } from '../../src/background.js';
import { RECOUNT_QUIET_MS, SETTLE_GRACE_MS, type FiguresDoc } from '../../src/domain/figures.js';
import type { Owner } from '../../src/domain/events.js';
import type { TicketDoc } from '../../src/domain/tickets.js';
import { instantToZonedWallTime, zonedDateKey } from '../../src/kernel/zoned-time.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { countingStore } from '../helpers/counting-store.js';
import { createEmbeddedStore } from '../../src/store/embedded.js';
import { organizerWithEvent, payWithTestGateway, startOrder } from '../helpers/checkout.js';

/** A small seeded generator (mulberry32), so a failing sequence can be replayed. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

async function statsOf(t: TestApp, sk: string, eventId: string): Promise<EventStats> {
  const res = await t.call('GET', `/v1/events/${eventId}/stats`, { key: sk });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** The figures recomputed the slow way, from every ticket of the event, as the stats used to be. */
async function recountEvent(t: TestApp, eventId: string, zone: string) {
  const all = await t.store.collection<TicketDoc>('tickets').find({ event: eventId });
  const attending = all.filter((x) => x.status !== 'voided');
  const checkedIn = attending.filter((x) => x.status === 'checked_in');
  const days = new Map<string, { date: string; tickets: number; revenue: number }>();
  for (const x of attending) {
    const date = zonedDateKey(x.created_at, zone);
    const day = days.get(date) ?? { date, tickets: 0, revenue: 0 };
    day.tickets += 1;
    day.revenue += x.price;
    days.set(date, day);
  }
  const hours = new Map<string, number>();
  for (const x of checkedIn) {
    const hour = `${instantToZonedWallTime(x.checked_in_at!, zone).slice(0, 13)}:00`;
    hours.set(hour, (hours.get(hour) ?? 0) + 1);
  }
  return {
    revenue: attending.reduce((sum, x) => sum + x.price, 0),
    checked_in: checkedIn.length,
    not_checked_in: attending.length - checkedIn.length,
    sales_by_day: [...days.values()].sort((a, b) => a.date.localeCompare(b.date)),
    checkins_by_hour: [...hours.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([hour, checkins]) => ({ hour, checkins })),
  };
}

/** The figures job of one server, ticked by hand. */
function figuresJob(t: TestApp) {
  const runner = createBackgroundRunner(backgroundJobs(t.services, t.logger), { leases: t.services.leases, logger: t.logger });
  return () => runner.tick('figures');
}

async function organizer(t: TestApp, overrides: Record<string, unknown> = {}) {
  const org = await organizerWithEvent(t, { require_email_verification: false, capacity: 500, ...overrides });
  const owner: Owner = { account: org.account.id, livemode: false };
  return { ...org, owner };
}

describe('figures kept as counters', () => {
  it.each([20301, 7, 4242])('equal a recount of the tickets after many random sales, refunds, voids, check-ins and undos (seed %i)', async (seed) => {
    const t = await buildTestApp();
    const org = await organizer(t, { timezone: 'Asia/Kolkata' });
    const next = random(seed);
    const orders: string[] = [];
    const admissions: string[] = [];
    for (let step = 0; step < 70; step++) {
      // Between steps time moves by up to two hours: across a few Mumbai midnights, before sales close.
      t.clock.advance(Math.floor(next() * 2 * 60 * 60_000));
      const roll = next();
      const tickets = await t.store.collection<TicketDoc>('tickets').find({ event: org.event.id });
      const pick = <T>(list: readonly T[]): T | undefined => list[Math.floor(next() * list.length)];
      if (roll < 0.15) {
        const type = next() < 0.5 ? org.general : org.vip;
        const order = await startOrder(t, org.pk, org.event.id, [{ ticket_type: type, quantity: 1 + Math.floor(next() * 2) }]);
        expect((await payWithTestGateway(t, org.pk, order, order.payment.gateway_order_id)).status).toBe(200);
        orders.push(order.id);
      } else if (roll < 0.3) {
        const issued = await t.services.fulfilment.issue(org.owner, {
          event: org.event.id,
          ticket_type: org.general,
          quantity: 1 + Math.floor(next() * 3),
          holder: { name: 'Guest', email: 'guest@example.com' },
          send_email: false,
        });
        orders.push(issued._id);
      } else if (roll < 0.55) {
        const ticket = pick(tickets.filter((x) => x.status === 'valid'));
        if (ticket) {
          const { checkin } = await t.services.checkins.scan(org.owner, { code: ticket.code, by: 'Gate 1' });
          if (checkin.result === 'accepted') admissions.push(checkin._id);
        }
      } else if (roll < 0.7) {
        const admission = pick(admissions);
        if (admission) await t.services.checkins.undo(org.owner, admission, 'Box office').catch(() => undefined); // undone or voided since: refused
      } else if (roll < 0.85) {
        const ticket = pick(tickets);
        if (ticket) await t.services.tickets.void(org.owner, ticket._id);
      } else {
        const order = pick(orders);
        if (order) await t.services.fulfilment.refund(org.owner, order).catch(() => undefined); // refunded already: refused
      }
    }

    const stats = await statsOf(t, org.sk, org.event.id);
    const expected = await recountEvent(t, org.event.id, 'Asia/Kolkata');
    expect(expected.sales_by_day.length).toBeGreaterThan(1); // the sequence crossed midnight in Mumbai
    expect(expected.checked_in).toBeGreaterThan(0);
    expect(stats).toMatchObject(expected);
    const summary = await t.services.dashboard.summary(org.owner, { timezone: 'Asia/Kolkata' });
    expect({ tickets: summary.tickets_sold, revenue: summary.revenue }).toEqual({
      tickets: expected.checked_in + expected.not_checked_in,
      revenue: expected.revenue,
    });
    // And a recount by the repair job finds nothing to fix.
    t.clock.advance(RECOUNT_QUIET_MS + 1);
    expect((await t.services.figures.recount(org.owner)).drifts).toEqual([]);
  });

  it('repairs a drifted counter in the figures job and logs what it fixed', async () => {
    const t = await buildTestApp();
    const org = await organizer(t);
    const order = await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.vip, quantity: 2 }]);
    expect((await payWithTestGateway(t, org.pk, order, order.payment.gateway_order_id)).status).toBe(200);
    const right = await statsOf(t, org.sk, org.event.id);
    expect(right.revenue).toBe(2 * 149_900);

    // A counter drifts (a follow-up cut short between its claim and its increments, or a hand edit).
    await t.store.collection<FiguresDoc>('figures').updateOne({ _id: org.event.id }, { $inc: { revenue: 500, 'types.x.tickets': 0 } });
    expect((await statsOf(t, org.sk, org.event.id)).revenue).toBe(2 * 149_900 + 500);

    // While sales are moving the account's figures, the job leaves them alone.
    const tick = figuresJob(t);
    expect(await tick()).toBe('ran');
    expect((await statsOf(t, org.sk, org.event.id)).revenue).toBe(2 * 149_900 + 500);

    t.clock.advance(RECOUNT_QUIET_MS + 1);
    expect(await tick()).toBe('ran');
    expect(await statsOf(t, org.sk, org.event.id)).toMatchObject({ revenue: right.revenue, by_ticket_type: right.by_ticket_type });
    const logged = t.logger.entries.find((e) => e.msg === 'figures repaired');
    expect(logged?.level).toBe('warn');
    expect(logged?.drifts).toContainEqual(expect.objectContaining({ collection: 'figures', id: org.event.id, field: 'revenue', was: 2 * 149_900 + 500, now: 2 * 149_900 }));
  });

  it('recounts an account at most once an hour, however often the figures job runs', async () => {
    const counted = countingStore(await createEmbeddedStore());
    const t = await buildTestApp({ store: counted.store });
    const org = await organizer(t);
    await t.services.fulfilment.issue(org.owner, {
      event: org.event.id,
      ticket_type: org.general,
      quantity: 5,
      holder: { name: 'Guest', email: 'guest@example.com' },
      send_email: false,
    });
    t.clock.advance(RECOUNT_QUIET_MS + 1);
    const tick = figuresJob(t);
    counted.reset();
    expect(await tick()).toBe('ran');
    expect(counted.read('tickets')).toBe(5);

    // The next rounds within the hour leave the account's tickets alone.
    const recounted = t.clock.now().getTime();
    for (const minutes of [1, 30, 59]) {
      t.clock.set(new Date(recounted + minutes * 60_000).toISOString());
      counted.reset();
      expect(await tick()).toBe('ran');
      expect(counted.read('tickets'), `${minutes} min later`).toBe(0);
    }
    t.clock.set(new Date(recounted + 60 * 60_000).toISOString());
    counted.reset();
    expect(await tick()).toBe('ran');
    expect(counted.read('tickets')).toBe(5);
  });

  it("repairs a crash between a ticket's write and its counters' update", async () => {
    const t = await buildTestApp();
    const org = await organizer(t);
    const order = await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.general, quantity: 3 }]);
    const paid = await payWithTestGateway(t, org.pk, order, order.payment.gateway_order_id);
    const [kept, voided, admitted] = paid.body.tickets as Array<{ id: string }>;
    const tickets = t.store.collection<TicketDoc>('tickets');

    // Only the first write of each transition happens: the process dies before the figures follow.
    t.clock.advance(60_000);
    await tickets.updateOne({ _id: voided!.id }, { $set: { status: 'voided', voided_at: t.clock.now(), tally_due_at: t.clock.now() } });
    await tickets.updateOne({ _id: admitted!.id }, { $set: { status: 'checked_in', checked_in_at: t.clock.now(), checked_in_by: 'Gate 1', tally_due_at: t.clock.now() } });
    const unsettled = await statsOf(t, org.sk, org.event.id);
    expect({ revenue: unsettled.revenue, checked_in: unsettled.checked_in }).toEqual({ revenue: 3 * 49_900, checked_in: 0 });

    // The job settles transitions left behind once their own request has surely gone.
    const tick = figuresJob(t);
    await tick();
    expect((await statsOf(t, org.sk, org.event.id)).checked_in).toBe(0);
    t.clock.advance(SETTLE_GRACE_MS + 1);
    await tick();
    const stats = await statsOf(t, org.sk, org.event.id);
    expect(stats).toMatchObject(await recountEvent(t, org.event.id, 'Asia/Kolkata'));
    expect({ revenue: stats.revenue, checked_in: stats.checked_in, not_checked_in: stats.not_checked_in }).toEqual({
      revenue: 2 * 49_900,
      checked_in: 1,
      not_checked_in: 1,
    });
    expect((await tickets.findOne({ _id: kept!.id }))?.counted).toBe('valid');
    // Settling again counts nothing twice.
    await t.services.figures.settle((await tickets.findOne({ _id: admitted!.id }))!);
    expect((await statsOf(t, org.sk, org.event.id)).checked_in).toBe(1);
  });

  it('buckets sales by the New York day across a DST change and midnights, and check-ins by local hour', async () => {
    const t = await buildTestApp();
    const org = await organizer(t, { timezone: 'America/New_York', starts_at: '2030-11-03T04:00:00Z', ends_at: '2030-11-03T12:00:00Z' });
    const issueAt = async (at: string, quantity = 1) => {
      t.clock.set(at);
      const order = await t.services.fulfilment.issue(org.owner, {
        event: org.event.id,
        ticket_type: org.general,
        quantity,
        holder: { name: 'Guest', email: 'guest@example.com' },
        send_email: false,
      });
      return t.services.tickets.listForOrder(order._id);
    };
    //                                                      New York
    await issueAt('2030-03-10T04:59:00Z'); //               03-09 23:59 EST (−05:00)
    await issueAt('2030-03-10T05:00:00Z'); //               03-10 00:00 EST
    await issueAt('2030-03-10T06:59:00Z'); //               03-10 01:59 EST, the last minute before the clocks jump
    await issueAt('2030-03-10T07:00:00Z', 2); //            03-10 03:00 EDT (−04:00)
    await issueAt('2030-03-11T03:59:00Z'); //               03-10 23:59 EDT
    await issueAt('2030-03-11T04:00:00Z'); //               03-11 00:00 EDT: in EST this would still be 03-10
    const [early] = await issueAt('2030-11-03T05:30:00Z'); // 11-03 01:30 EDT, first time round
    const [late] = await issueAt('2030-11-03T06:30:00Z'); //  11-03 01:30 EST, second time round
    const [morning] = await issueAt('2030-11-03T04:10:00Z'); // 11-03 00:10 EDT

    const scanAt = async (ticket: TicketDoc, at: string) => {
      t.clock.set(at);
      expect((await t.services.checkins.scan(org.owner, { code: ticket.code, by: 'Gate 1' })).checkin.result).toBe('accepted');
    };
    await scanAt(morning!, '2030-11-03T04:20:00Z'); // 00:20 EDT
    await scanAt(early!, '2030-11-03T05:40:00Z'); // 01:40 EDT
    await scanAt(late!, '2030-11-03T06:40:00Z'); // 01:40 EST: the same wall hour, again

    const stats = await statsOf(t, org.sk, org.event.id);
    expect(stats.sales_by_day).toEqual([
      { date: '2030-03-09', tickets: 1, revenue: 0 },
      { date: '2030-03-10', tickets: 5, revenue: 0 },
      { date: '2030-03-11', tickets: 1, revenue: 0 },
      { date: '2030-11-03', tickets: 3, revenue: 0 },
    ]);
    expect(stats.checkins_by_hour).toEqual([
      { hour: '2030-11-03T00:00', checkins: 1 },
      { hour: '2030-11-03T01:00', checkins: 2 },
    ]);
    expect(stats).toMatchObject(await recountEvent(t, org.event.id, 'America/New_York'));
  });

  it('reads stats, door counts and the dashboard without reading a single ticket', async () => {
    const counted = countingStore(await createEmbeddedStore());
    const t = await buildTestApp({ store: counted.store });
    const org = await organizer(t);
    for (let day = 0; day < 3; day++) {
      t.clock.advance(24 * 60 * 60_000);
      await t.services.fulfilment.issue(org.owner, {
        event: org.event.id,
        ticket_type: org.general,
        quantity: 100,
        holder: { name: 'Guest', email: 'guest@example.com' },
        send_email: false,
      });
    }
    counted.reset();
    const stats = await statsOf(t, org.sk, org.event.id);
    expect(await t.services.attendance.doorCounts(org.owner, org.event.id)).toEqual({ checked_in: 0, total: 300 });
    const summary = await t.services.dashboard.summary(org.owner, { timezone: 'Asia/Kolkata' });
    expect(stats.sales_by_day.map((d) => d.tickets)).toEqual([100, 100, 100]);
    expect(summary.tickets_sold).toBe(300);
    expect(counted.read('tickets')).toBe(0);
    // The event's and the account's totals, and their days: not one document per ticket.
    expect(counted.read('figures') + counted.read('figure_days')).toBeLessThan(20);
  });

  it("settles an order's tickets with one write per counter document, however many tickets it has", async () => {
    const counted = countingStore(await createEmbeddedStore());
    const t = await buildTestApp({ store: counted.store });
    const org = await organizer(t);
    const issue = (quantity: number) =>
      t.services.fulfilment.issue(org.owner, { event: org.event.id, ticket_type: org.general, quantity, holder: { name: 'Guest', email: 'guest@example.com' }, send_email: false });
    await issue(1);
    counted.reset();
    await issue(1);
    const forOne = counted.updates('figures') + counted.updates('figure_days');
    counted.reset();
    await issue(10);
    const forTen = counted.updates('figures') + counted.updates('figure_days');
    expect(forTen).toBe(forOne);
    // The event's and the account's totals and their days; the account's totals carry the mark
    // after the claims, and the mark before them is the previous sale's, made a moment ago.
    expect(forOne).toBe(4);
    // Each ticket is stored counted: its insert is its claim, with no update of its own.
    expect(counted.updates('tickets')).toBe(0);
    const stats = await statsOf(t, org.sk, org.event.id);
    expect(stats.not_checked_in).toBe(12);
  });
});
