import { describe, expect, it } from 'vitest';
import { RECOUNT_QUIET_MS } from '../../src/domain/figures.js';
import type { TicketDoc } from '../../src/domain/tickets.js';
import { createSqliteStore } from '../../src/store/sqlite.js';
import { buildTestApp } from '../helpers/app.js';
import { organizerWithEvent } from '../helpers/checkout.js';
import { counterWrites } from '../helpers/counter-writes.js';

const SCANS = 24;

async function door() {
  const counters = counterWrites(await createSqliteStore());
  const t = await buildTestApp({ store: counters.store });
  const org = await organizerWithEvent(t, { capacity: 100 });
  const owner = { account: org.account.id as string, livemode: false };
  const issued = await t.call('POST', '/v1/tickets', {
    key: org.sk,
    body: { event: org.event.id, ticket_type: org.general, quantity: SCANS + 1, holder: { name: 'Kavya Menon', email: 'kavya@example.com' }, send_email: false },
  });
  expect(issued.status, JSON.stringify(issued.body)).toBe(201);
  const tickets = await t.store.collection<TicketDoc>('tickets').find({ event: org.event.id }, { sort: { index: 1 } });
  const [warm, ...rest] = tickets;
  // The first scan warms the door's caches and marks the figures as moving, as a busy door's have been.
  expect((await t.services.checkins.scan(owner, { code: warm?.code as string, by: 'Gate 1' })).checkin.result).toBe('accepted');
  counters.reset();
  // Sent in one turn: the admissions share a commit, and their follow-ups continue together.
  const scanAll = () => Promise.allSettled(rest.map((ticket, n) => t.services.checkins.scan(owner, { code: ticket.code, by: `Gate ${n % 5}` })));
  return { t, org, owner, counters, scanAll };
}

describe('follow-ups of one account in one turn, applied together', () => {
  it('moves the counters of 24 admissions sent in one turn by exactly 24, writing each counter document once', async () => {
    const { t, org, owner, counters, scanAll } = await door();
    const results = await scanAll();
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.checkin.result : r.reason))).toEqual(Array(SCANS).fill('accepted'));

    // The event's and the account's totals, the event's day (with its hours) and the account's day in its zone.
    const sent = counters.sent();
    expect(Object.keys(sent), JSON.stringify(sent)).toHaveLength(4);
    expect(Object.values(sent), JSON.stringify(sent)).toEqual([1, 1, 1, 1]);

    const stats = (await t.call('GET', `/v1/events/${org.event.id}/stats`, { key: org.sk })).body;
    expect(stats).toMatchObject({ checked_in: SCANS + 1, not_checked_in: 0 });
    const hours = stats.checkins_by_hour as Array<{ hour: string; checkins: number }>;
    expect(hours.reduce((sum, h) => sum + h.checkins, 0)).toBe(SCANS + 1);
    expect((await t.services.figures.account(owner))?.checked_in).toBe(SCANS + 1);
    const accountDays = await t.services.figures.accountDays(owner, 'Asia/Kolkata', '2000-01-01');
    expect(accountDays.reduce((sum, d) => sum + (d.checkins ?? 0), 0)).toBe(SCANS + 1);
    const summary = await t.services.dashboard.summary(owner, { timezone: 'Asia/Kolkata' });
    expect(summary).toMatchObject({ tickets_sold: SCANS + 1 });
    // Nothing was left short for the recount to find.
    t.clock.advance(RECOUNT_QUIET_MS + 1);
    expect(await t.services.figures.recount(owner)).toEqual({ busy: false, drifts: [] });
  });

  it('tries the shared apply once and rejects every waiting admission when it fails; the recount then adds them all', async () => {
    const { t, org, owner, counters, scanAll } = await door();
    counters.refuse('the counters are unavailable');
    const results = await scanAll();
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'answered'))).toEqual(Array(SCANS).fill('the counters are unavailable'));
    // One attempt per counter document for all of them, not one per admission.
    expect(Object.values(counters.sent()), JSON.stringify(counters.sent())).toEqual([1, 1, 1, 1]);
    counters.refuse(null);

    // The admissions stand; only their count is missing, and the recount (once quiet) adds it once.
    expect(await t.store.collection<TicketDoc>('tickets').count({ event: org.event.id, status: 'checked_in' })).toBe(SCANS + 1);
    t.clock.advance(RECOUNT_QUIET_MS + 1);
    const repaired = await t.services.figures.recount(owner);
    expect(repaired.drifts).toContainEqual(expect.objectContaining({ collection: 'figures', id: org.event.id, field: 'checked_in', was: 1, now: SCANS + 1 }));
    const stats = (await t.call('GET', `/v1/events/${org.event.id}/stats`, { key: org.sk })).body;
    expect(stats).toMatchObject({ checked_in: SCANS + 1, not_checked_in: 0 });
  });
});
