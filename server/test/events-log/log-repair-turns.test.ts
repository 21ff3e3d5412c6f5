import { describe, expect, it } from 'vitest';
import type { CheckinDoc } from '../../src/domain/checkins.js';
import { LOG_REPAIR_PAGE } from '../../src/domain/log-repair.js';
import { buildTestApp } from '../helpers/app.js';
import { organizerWithEvent } from '../helpers/checkout.js';
import { turnsDuring } from '../helpers/event-loop-turns.js';

const SCANS = 950;

describe('the events-log repair over many recent scans', () => {
  it('lets other requests in between the pages it reads', { timeout: 60_000 }, async () => {
    const t = await buildTestApp();
    const { event, account } = await organizerWithEvent(t);
    const at = new Date(t.clock.now().getTime() - 2 * 60_000);
    await t.store.collection<CheckinDoc>('checkins').insertMany(
      Array.from({ length: SCANS }, (_, i) => ({
        _id: `chk_recent${String(i).padStart(18, '0')}`,
        account: account.id,
        livemode: false,
        event: event.id,
        ticket: null,
        result: 'rejected' as const,
        reason: 'not_found' as const,
        first_checkin: null,
        at,
        by: 'Gate 1',
        nonce: null,
        undone_at: null,
        created_at: at,
      })),
    );
    // The first pass records the scans' entries, the second hands them to subscribers again
    // (written after its last pass). The third reads the same window again (its margin) and
    // finds every entry in place and announced, so it writes nothing that waits for a commit.
    expect(await t.services.repair.repairLog()).toEqual({ 'checkin.created': SCANS });
    t.clock.advance(2 * 60_000);
    expect(await t.services.repair.repairLog()).toEqual({});
    t.clock.advance(1_000);
    const { result, turns } = await turnsDuring(() => t.services.repair.repairLog());
    expect(result).toEqual({});
    // Ten pages of scans, nine boundaries between them (the marks written at the end wait for a commit or two, too few to pass).
    expect(turns).toBeGreaterThanOrEqual(Math.ceil(SCANS / LOG_REPAIR_PAGE) - 1);
  });
});
