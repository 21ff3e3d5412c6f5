import { describe, expect, it } from 'vitest';
import { READ_PAGE_SIZE } from '../../src/domain/read-pages.js';
import { buildTestApp } from '../helpers/app.js';
import { insertTickets } from '../helpers/bulk-tickets.js';
import { organizerWithEvent } from '../helpers/checkout.js';
import { turnsDuring } from '../helpers/event-loop-turns.js';

const VOIDED = 2_600;

describe('a door device’s full snapshot of a big event', () => {
  it('reads the voided tickets a page at a time, letting other requests in between pages, and still lists every one', { timeout: 60_000 }, async () => {
    const t = await buildTestApp();
    const { event, general, account } = await organizerWithEvent(t, { capacity: VOIDED });
    const owner = { account: account.id, livemode: false };
    const written = await insertTickets(t.store, {
      account: account.id,
      event: event.id,
      ticketType: general,
      count: VOIDED,
      at: t.clock.now(),
      shape: () => ({ status: 'voided', voided_at: t.clock.now(), counted: 'voided' }),
    });
    const device = await t.services.doorDevices.signIn(owner, event.id, { name: 'Gate 3', by: 'usr_door' });

    const { result, turns } = await turnsDuring(() => t.services.offlineSync.snapshot(owner, event.id, device._id, null));

    expect(new Set(result.voided)).toEqual(new Set(written.map((w) => w._id.slice(4))));
    expect(result.voided).toHaveLength(VOIDED);
    // Six pages, five boundaries between them; one read of them all gives the loop no turn.
    expect(turns).toBeGreaterThanOrEqual(Math.ceil(VOIDED / READ_PAGE_SIZE) - 1);
  });
});
