import { describe, expect, it } from 'vitest';
import { MOVING_FRESH_MS } from '../../src/domain/figures.js';
import { op } from '../../src/store/port.js';
import { createSqliteStore } from '../../src/store/sqlite.js';
import { buildTestApp } from '../helpers/app.js';
import { organizerWithEvent } from '../helpers/checkout.js';
import { writeRounds } from './write-rounds.js';

/**
 * A door scan's cost in store calls and in commits waited for one after another: at a busy door
 * each round of writes waits for every other scan of that turn, so the rounds set the latency
 * (docs/decisions/0037-write-paths.md, 0048-door-and-issuance-at-a-million.md).
 */
async function door() {
  const counted = writeRounds(await createSqliteStore());
  const t = await buildTestApp({ store: counted.store });
  const org = await organizerWithEvent(t);
  const issued = await t.call('POST', '/v1/tickets', {
    key: org.sk,
    body: { event: org.event.id, ticket_type: org.general, quantity: 3, holder: { name: 'Kavya Menon', email: 'kavya@example.com' }, send_email: false },
  });
  expect(issued.status).toBe(201);
  const codes = (issued.body.data as Array<{ code: string }>).map((x) => x.code);
  const scan = (code: string) => t.call('POST', '/v1/checkins', { key: org.sk, body: { code, event: org.event.id, by: 'Gate 2' } });
  // The first scan of the event warms the per-process caches (key, event) as a door's first scan does.
  expect((await scan(codes[2] as string)).body.result).toBe('accepted');
  counted.reset();
  return { t, org, codes, scan, counted };
}

describe('the cost of a scan', () => {
  it('admits a ticket at a busy door in two rounds of writes: the admission claims its count, then its log, event, audit entry and counters together', async () => {
    const { scan, codes, counted } = await door();
    expect((await scan(codes[0] as string)).body.result).toBe('accepted');
    expect(counted.rounds(), JSON.stringify(counted.byCollection())).toBeLessThanOrEqual(2);
    // The ticket is written once: the admission, which also claims the check-in for the figures.
    expect(counted.writes('tickets'), JSON.stringify(counted.byCollection())).toBe(1);
  });

  it('marks the figures as moving before the first admission after a quiet spell, in one round more', async () => {
    const { t, scan, codes, counted } = await door();
    t.clock.advance(MOVING_FRESH_MS);
    expect((await scan(codes[0] as string)).body.result).toBe('accepted');
    expect(counted.rounds(), JSON.stringify(counted.byCollection())).toBeLessThanOrEqual(3);
    expect(counted.writes('figures'), JSON.stringify(counted.byCollection())).toBe(3);
  });

  it('reads no event for the figures: the door already has it', async () => {
    const { scan, codes, counted } = await door();
    await scan(codes[0] as string);
    expect(counted.reads('events'), JSON.stringify(counted.byCollection())).toBe(0);
  });

  it('still records the admission everywhere: the scan log, its event, the audit log and the door count', async () => {
    const { t, org, scan, codes } = await door();
    const res = await scan(codes[0] as string);
    const id = res.body.id as string;
    expect(await t.store.collection('checkins').findOne({ _id: id })).toMatchObject({ result: 'accepted', by: 'Gate 2' });
    expect(await t.store.collection('domain_events').findOne({ type: 'checkin.created', object_id: id })).not.toBeNull();
    expect(await t.store.collection('audit_log').findOne({ action: 'checkin.admitted', 'target.id': id })).not.toBeNull();
    const stats = await t.call('GET', `/v1/events/${org.event.id}/stats`, { key: org.sk });
    expect(stats.body.checked_in).toBe(2);
    expect(await t.store.collection('tickets').count({ tally_due_at: op.exists(true) })).toBe(0);
  });

  it('refuses a second scan in one round of writes: its log entry with its event', async () => {
    const { scan, codes, counted } = await door();
    expect((await scan(codes[2] as string)).body.reason).toBe('already_checked_in');
    expect(counted.rounds(), JSON.stringify(counted.byCollection())).toBe(1);
  });
});
