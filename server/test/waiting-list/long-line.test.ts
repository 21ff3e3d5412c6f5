import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/kernel/clock.js';
import { LINE_PAGE } from '../../src/domain/waiting-list-offers.js';
import { WAITING_LIST_COLLECTION, type WaitingListEntryDoc } from '../../src/domain/waiting-list.js';
import { INDEXES } from '../../src/indexes.js';
import { createSqliteStore } from '../../src/store/sqlite.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { startOrder } from '../helpers/checkout.js';
import { countingStore } from '../helpers/counting-store.js';
import { turnsDuring } from '../helpers/event-loop-turns.js';
import { waitingListEvent } from './helpers.js';

const WAITING = 1_000;

/** An app on a store that counts what it hands back, with the VIP type's two seats held by orders. */
async function soldOutVip(overrides: Record<string, unknown> = {}) {
  const clock = new ManualClock('2030-06-01T10:00:00.000Z');
  const counted = countingStore(await createSqliteStore({ now: () => clock.now() }));
  await counted.store.ensureIndexes(INDEXES);
  const t = await buildTestApp({ store: counted.store, clock });
  const org = await waitingListEvent(t, 2, overrides);
  await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.vip, quantity: 2 }]);
  await waitInLine(t, org, WAITING);
  counted.reset();
  return { t, org, counted };
}

/** `count` confirmed VIP entries, written straight to the store: joining by mail one at a time would take minutes. */
async function waitInLine(t: TestApp, org: { event: { id: string }; vip: string; account: { id: string } }, count: number): Promise<void> {
  const now = t.clock.now();
  const entries = Array.from(
    { length: count },
    (_, i): WaitingListEntryDoc => ({
      _id: `wle_${String(i).padStart(16, '0')}`,
      account: org.account.id,
      livemode: false,
      event: org.event.id,
      ticket_type: org.vip,
      quantity: 1,
      name: `Guest ${i}`,
      email: `guest${i}@example.com`,
      status: 'waiting',
      live_key: `${org.event.id}:${org.vip}:guest${i}@example.com`,
      seq: i + 1,
      event_wide: false,
      client_secret_hash: 'x',
      verification: { code_id: null, code_hash: null, code_expires_at: null, attempts: 0, verified_at: now },
      order_id: null,
      offer_expires_at: null,
      claim_token_hash: null,
      created_at: now,
      updated_at: now,
    }),
  );
  await t.store.collection<WaitingListEntryDoc>(WAITING_LIST_COLLECTION).insertMany(entries);
}

describe('offering seats to a long waiting list', () => {
  it('walks a line of a thousand a page at a time, letting other requests in between pages', { timeout: 60_000 }, async () => {
    // General still has seats, so the event is not sold out and the whole VIP line is looked at.
    const { t, org, counted } = await soldOutVip();
    const { result, turns } = await turnsDuring(() => t.services.waitingOffers.offerFor(org.event.id));
    expect(result).toBe(0);
    expect(counted.read(WAITING_LIST_COLLECTION)).toBe(WAITING);
    // Five pages, four boundaries between them; one read of the whole line gives the loop no turn.
    expect(turns).toBeGreaterThanOrEqual(WAITING / LINE_PAGE - 1);
  });

  it('reads one page of the line when the event has no seat left for anyone in it', { timeout: 60_000 }, async () => {
    // The event's two seats are the VIP type's, both held.
    const { t, org, counted } = await soldOutVip({ capacity: 2 });
    expect(await t.services.waitingOffers.offerFor(org.event.id)).toBe(0);
    expect(counted.read(WAITING_LIST_COLLECTION)).toBe(LINE_PAGE);
  });
});
