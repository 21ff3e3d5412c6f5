import type { WaitingListEntry } from '@trendy-tickets/sdk';
import { expect } from 'vitest';
import { INDEXES } from '../../src/indexes.js';
import { ManualClock } from '../../src/kernel/clock.js';
import { createEmbeddedStore } from '../../src/store/embedded.js';
import { createSqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/port.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buyer, deliverMail, organizerWithEvent, readCode } from '../helpers/checkout.js';

/** Both store drivers, for the tests whose counters and filters matter on each. */
export const DRIVERS: ReadonlyArray<[string, (clock: ManualClock) => Promise<Store>]> = [
  ['SQLite', (clock) => createSqliteStore({ now: () => clock.now() })],
  ['embedded', async () => createEmbeddedStore({})],
];

/** A test app on the given driver. */
export async function appOn(driver: (clock: ManualClock) => Promise<Store>): Promise<TestApp> {
  const clock = new ManualClock('2030-06-01T10:00:00.000Z');
  const store = await driver(clock);
  await store.ensureIndexes(INDEXES);
  return buildTestApp({ store, clock });
}

/** An event with the waiting list on, whose VIP type has `vipSeats` seats. */
export async function waitingListEvent(t: TestApp, vipSeats: number, overrides: Record<string, unknown> = {}) {
  return organizerWithEvent(t, {
    ticket_types: [
      { name: 'General', price: 49_900 },
      { name: 'VIP', price: 149_900, capacity: vipSeats, max_per_order: 4 },
    ],
    waiting_list: { enabled: true },
    ...overrides,
  });
}

/** Joins the type's line and confirms the code: the entry is waiting. */
export async function joinLine(t: TestApp, pk: string, event: string, ticketType: string, quantity = 1, who = buyer()): Promise<WaitingListEntry & { client_secret: string }> {
  const created = await t.call('POST', '/v1/waiting_list_entries', { key: pk, body: { event, ticket_type: ticketType, quantity, name: who.name, email: who.email } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const code = await readCode(t, who.email);
  const verified = await t.call('POST', `/v1/waiting_list_entries/${created.body.id}/verify`, { key: pk, body: { code, client_secret: created.body.client_secret } });
  expect(verified.status, JSON.stringify(verified.body)).toBe(200);
  return { ...verified.body, client_secret: created.body.client_secret };
}

/** The claim token in the newest offer mail to `email`, or undefined when there is none. */
export async function claimTokenFor(t: TestApp, email: string): Promise<string | undefined> {
  const mail = (await deliverMail(t)).find((m) => m.to === email && /yours to claim/.test(m.subject));
  return mail?.text.match(/\/waiting-list\/claim\/(wlc_[0-9A-Za-z]+)/)?.[1];
}

/** The event's seat counters of one type, as stored. */
export async function countersOf(t: TestApp, eventId: string, typeId: string) {
  const event = await t.services.events.findById(eventId);
  const type = event!.inventory.types[typeId]!;
  return { available: type.available, held: type.held, sold: type.sold, waiting: type.waiting ?? 0 };
}
