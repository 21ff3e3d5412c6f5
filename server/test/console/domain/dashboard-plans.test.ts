import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/kernel/clock.js';
import { buildTestApp } from '../../helpers/app.js';
import { checkInAt, issueTickets, organizerWithEvent, payWithTestGateway, startOrder } from '../../helpers/checkout.js';
import { tracedStore } from '../../helpers/query-plans.js';

const closing: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closing.splice(0).map((close) => close()));
});

/** An organizer with an event, on an app whose store traces each statement's query plan. */
async function tracedOrganizer() {
  const clock = new ManualClock('2030-06-01T10:00:00.000Z');
  const traced = await tracedStore(clock);
  closing.push(() => traced.close());
  const t = await buildTestApp({ store: traced.store, clock });
  const org = await organizerWithEvent(t, { require_email_verification: false });
  return { clock, traced, t, org };
}

describe('dashboard reads', () => {
  it('reads the activity feed in index order, never sorting orders or scans, and never scans a table', async () => {
    const { clock, traced, t, org } = await tracedOrganizer();
    for (let i = 0; i < 3; i += 1) {
      const order = await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.general, quantity: 1 }]);
      expect((await payWithTestGateway(t, org.pk, order, order.payment.gateway_order_id)).status).toBe(200);
      clock.advance(60_000);
    }
    const [ticket] = await issueTickets(t, org.sk, org.event.id, org.general, { name: 'Door Guest', email: 'door@example.com' });
    const stored = await t.services.tickets.findById(ticket!.id);
    await checkInAt(t, { id: ticket!.id, code: stored!.code }, '2030-06-01T10:30:00.000Z');

    traced.reset();
    const summary = await t.services.dashboard.summary({ account: org.account.id, livemode: false }, { timezone: 'Asia/Kolkata' });
    // Three sales, the issued ticket's order and its scan.
    expect(summary.recent.map((a) => a.kind).sort()).toEqual(['order', 'order', 'order', 'order', 'scan']);
    const plans = (table: string) =>
      traced
        .plans(table)
        .map((s) => `${s.plan}\n  for ${s.sql.slice(0, 200)}`)
        .join('\n');
    // The feed's three lists stop after their first entries; the ticket look-up is by id.
    for (const table of ['orders', 'checkins', 'tickets']) expect(plans(table), table).not.toMatch(new RegExp(`SCAN ${table}\\b|TEMP B-TREE`));
    // Events are read through the account's index: the upcoming ones, and those started for the attendance rate.
    expect(plans('events')).not.toMatch(/SCAN events\b/);
  });

  it("looks up the recent scans' tickets by id, not through the account's index of every ticket it sold", async () => {
    const { traced, t, org } = await tracedOrganizer();
    // Several scans: SQLite takes the ids' index for one id, but with the account in the filter
    // may take the account's index for a list of ids (it did on a copy of 100,000 tickets:
    // 57 ms a look-up), which a store this small does not show; so the filter is ids alone.
    const issued = await issueTickets(t, org.sk, org.event.id, org.general, { name: 'Door Guest', email: 'door@example.com' }, 3);
    for (const [i, ticket] of issued.entries()) {
      const stored = await t.services.tickets.findById(ticket.id);
      await checkInAt(t, { id: ticket.id, code: stored!.code }, `2030-06-01T10:3${i}:00.000Z`);
    }

    traced.reset();
    const summary = await t.services.dashboard.summary({ account: org.account.id, livemode: false }, { timezone: 'Asia/Kolkata' });
    expect(summary.recent.filter((a) => a.kind === 'scan').map((a) => (a.kind === 'scan' ? a.holder_name : null))).toEqual(['Door Guest', 'Door Guest', 'Door Guest']);
    // A traced statement shows at most 32 characters of a bound string: the id's first 30 say which.
    const lookUps = traced.plans('tickets').filter((s) => s.sql.includes(`_id = '${issued[0]!.id.slice(0, 30)}`));
    expect(lookUps.length).toBe(1);
    expect(lookUps[0]?.sql).not.toContain(`'$."account"'`);
    expect(lookUps[0]?.plan).toMatch(/USING (INDEX sqlite_autoindex_tickets_1|PRIMARY KEY|INTEGER PRIMARY KEY) \(_id=\?\)/);
  });

  it("reads the started events' figures by their ids, not through the index of every event's figures", async () => {
    const { clock, traced, t, org } = await tracedOrganizer();
    await issueTickets(t, org.sk, org.event.id, org.general, { name: 'Door Guest', email: 'door@example.com' }, 2);
    clock.set('2031-01-01T00:00:00.000Z');

    traced.reset();
    const summary = await t.services.dashboard.summary({ account: org.account.id, livemode: false }, { timezone: 'Asia/Kolkata' });
    expect(summary.attendance.tickets).toBe(2);
    const lookUps = traced.plans('figures').filter((s) => s.sql.includes(`_id = '${org.event.id}'`));
    expect(lookUps.length).toBe(1);
    expect(lookUps[0]?.sql).not.toContain(`'$."kind"'`);
  });

  it('counts the events on sale from an index alone, reading no event, and still lists the upcoming ones in start order', async () => {
    const { traced, t, org } = await tracedOrganizer();
    traced.reset();
    const summary = await t.services.dashboard.summary({ account: org.account.id, livemode: false }, { timezone: 'Asia/Kolkata' });
    expect(summary.active_events).toBe(1);
    const active = traced.plans('events').filter((s) => s.sql.includes(`'$."ends_at"') >`));
    const count = active.filter((s) => s.sql.startsWith('SELECT count'));
    expect(count.length).toBe(1);
    expect(count[0]?.plan).toMatch(/USING COVERING INDEX/);
    const upcoming = active.filter((s) => s.sql.includes('ORDER BY'));
    expect(upcoming.length).toBe(1);
    expect(upcoming[0]?.plan).not.toMatch(/TEMP B-TREE/);
  });

  it('finds the events that have started by a range of their start time, not by reading every event of the account', async () => {
    const { traced, t, org } = await tracedOrganizer();
    traced.reset();
    await t.services.dashboard.summary({ account: org.account.id, livemode: false }, { timezone: 'Asia/Kolkata' });
    const started = traced.plans('events').filter((s) => s.sql.includes(`'$."starts_at"') <=`) && !s.sql.includes(`'$."status"'`));
    expect(started.length).toBe(1);
    // The search bounds the start time in the index: equality on account and mode, then a range.
    expect(started[0]?.plan).toMatch(/USING INDEX \S*starts_at\S* \(<expr>=\? AND <expr>=\? AND <expr>[<>]/);
  });
});
