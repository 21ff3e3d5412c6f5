import { describe, expect, it } from 'vitest';
import { RECOUNT_EVERY_MS, RECOUNT_QUIET_MS } from '../../src/domain/figures.js';
import type { TicketDoc } from '../../src/domain/tickets.js';
import type { Store } from '../../src/store/port.js';
import { createSqliteStore } from '../../src/store/sqlite.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { organizerWithEvent } from '../helpers/checkout.js';
import { counterWrites } from '../helpers/counter-writes.js';

/**
 * A real store whose counter collections stop taking writes once it "dies": the process died
 * right after the write that claimed a transition (an admission, an issue) was stored, before
 * the figures' counters moved.
 */
function dyingStore(inner: Store) {
  const counters = counterWrites(inner);
  return {
    store: counters.store,
    die: () => counters.refuse('the process died'),
    /** A new process on the same data: the dying one's memory (what it marked lately) is gone. */
    restart: async (clock: TestApp['clock']) => {
      counters.refuse(null);
      return buildTestApp({ store: inner, clock });
    },
  };
}

async function setUp() {
  const inner = await createSqliteStore();
  const dying = dyingStore(inner);
  const t = await buildTestApp({ store: dying.store });
  const org = await organizerWithEvent(t, { require_email_verification: false, capacity: 50 });
  const owner = { account: org.account.id as string, livemode: false };
  const issue = (app: TestApp, quantity: number) =>
    app.services.fulfilment.issue(owner, { event: org.event.id, ticket_type: org.general, quantity, holder: { name: 'Guest', email: 'guest@example.com' }, send_email: false });
  const stats = async (app: TestApp) => (await app.call('GET', `/v1/events/${org.event.id}/stats`, { key: org.sk })).body;
  return { t, org, owner, dying, issue, stats };
}

describe('writes that claim their own transition for the figures', () => {
  it('counts an admission the process died after exactly once: the recount adds it when quiet, and never again', async () => {
    const { t, org, owner, dying, issue, stats } = await setUp();
    await issue(t, 2);
    const [first, second] = await t.store.collection<TicketDoc>('tickets').find({ event: org.event.id }, { sort: { index: 1 } });
    expect((await t.call('POST', '/v1/checkins', { key: org.sk, body: { code: first?.code, by: 'Gate 1' } })).body.result).toBe('accepted');

    dying.die();
    await expect(t.services.checkins.scan(owner, { code: second?.code as string, by: 'Gate 1' })).rejects.toThrow('the process died');
    const restarted = await dying.restart(t.clock);
    // The admission stands (the ticket is in, and refuses a second scan); only its count is missing.
    const again = await restarted.call('POST', '/v1/checkins', { key: org.sk, body: { code: second?.code, by: 'Gate 2' } });
    expect(again.body).toMatchObject({ result: 'rejected', reason: 'already_checked_in' });
    expect((await stats(restarted)).checked_in).toBe(1);

    // Figures moved lately: the recount stands aside rather than race a follow-up in flight.
    expect(await restarted.services.figures.recount(owner)).toEqual({ busy: true, drifts: [] });
    restarted.clock.advance(RECOUNT_QUIET_MS + 1);
    const repaired = await restarted.services.figures.recount(owner);
    expect(repaired.busy).toBe(false);
    expect(repaired.drifts).toContainEqual(expect.objectContaining({ collection: 'figures', id: org.event.id, field: 'checked_in', was: 1, now: 2 }));
    expect(await stats(restarted)).toMatchObject({ checked_in: 2, not_checked_in: 0 });

    restarted.clock.advance(RECOUNT_EVERY_MS);
    expect(await restarted.services.figures.recount(owner)).toEqual({ busy: false, drifts: [] });
    expect((await stats(restarted)).checked_in).toBe(2);
  });

  it('counts tickets whose issue the process died after exactly once, through the recount', async () => {
    const { t, org, owner, dying, issue, stats } = await setUp();
    await issue(t, 1);
    dying.die();
    await expect(issue(t, 3)).rejects.toThrow('the process died');
    const restarted = await dying.restart(t.clock);
    // The tickets are stored and admit; the counters have not seen them yet.
    expect(await restarted.store.collection<TicketDoc>('tickets').count({ event: org.event.id, status: 'valid' })).toBe(4);
    expect((await stats(restarted)).not_checked_in).toBe(1);

    restarted.clock.advance(RECOUNT_QUIET_MS + 1);
    expect((await restarted.services.figures.recount(owner)).busy).toBe(false);
    expect(await stats(restarted)).toMatchObject({ not_checked_in: 4, checked_in: 0 });
    // The sweeper finds nothing left to settle: the inserts were the claims.
    expect(await restarted.services.figures.settleOverdue(100)).toBe(0);
    restarted.clock.advance(RECOUNT_EVERY_MS);
    expect(await restarted.services.figures.recount(owner)).toEqual({ busy: false, drifts: [] });
  });

  it('marks the figures as moving before an admission after a quiet spell, so a recount in progress stands aside', async () => {
    const { t, org, owner, issue } = await setUp();
    await issue(t, 1);
    const [ticket] = await t.store.collection<TicketDoc>('tickets').find({ event: org.event.id });
    t.clock.advance(RECOUNT_QUIET_MS + 1);
    const before = await t.services.figures.account(owner);
    expect((await t.call('POST', '/v1/checkins', { key: org.sk, body: { code: ticket?.code, by: 'Gate 1' } })).body.result).toBe('accepted');
    const after = await t.services.figures.account(owner);
    // Marked before the claim and again after the counters: a recount that read the ticket in between sees `seq` moved.
    expect((after?.seq ?? 0) - (before?.seq ?? 0)).toBe(2);
    expect(after?.updated_at).toEqual(t.clock.now());
  });
});
