import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/kernel/errors.js';
import { KEY_CACHE_MS } from '../../../src/domain/accounts.js';
import { SCAN_TIME_WINDOW } from '../../../src/domain/checkins.js';
import { buildTestApp } from '../../helpers/app.js';
import { issueTickets, organizerWithEvent } from '../../helpers/checkout.js';

/** Domain operations the console added to existing services: keys, a ticket's scans, door counts. */

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return (err as AppError).code;
}

describe('accounts: createKey and revokeKey', () => {
  it('creates another working key without retiring the first', async () => {
    const t = await buildTestApp();
    const { account, sk } = await t.signUp();
    const created = await t.services.accounts.createKey(account.id, 'secret', 'test');
    expect(created.raw).toMatch(/^sk_test_[0-9A-Za-z]{36}$/);
    expect(created.key.display).toBe(`sk_test_…${created.raw.slice(-4)}`);
    expect((await t.call('GET', '/v1/account', { key: created.raw })).status).toBe(200);
    expect((await t.call('GET', '/v1/account', { key: sk })).status).toBe(200);
    expect(await t.services.accounts.listKeys(account.id)).toHaveLength(3);
  });

  it('revokes one key at once, even one this server has cached', async () => {
    const t = await buildTestApp();
    const { account, sk, pk } = await t.signUp();
    expect((await t.call('GET', '/v1/account', { key: sk })).status).toBe(200); // now cached for KEY_CACHE_MS
    const keys = await t.services.accounts.listKeys(account.id);
    const secret = keys.find((k) => k.kind === 'secret')!;
    const revoked = await t.services.accounts.revokeKey(account.id, secret._id);
    expect(revoked.revoked_at).toEqual(t.clock.now());
    expect((await t.call('GET', '/v1/account', { key: sk })).status).toBe(401);
    expect((await t.call('GET', `/v1/public/events/evt_nothing_here_0000`, { key: pk })).status).toBe(404); // the other key still works
    expect((await t.services.accounts.listKeys(account.id)).map((k) => k.kind)).toEqual(['publishable']);
    t.clock.advance(KEY_CACHE_MS);
    // Revoking again changes nothing and says so by returning the same revocation time.
    expect((await t.services.accounts.revokeKey(account.id, secret._id)).revoked_at).toEqual(revoked.revoked_at);
  });

  it('does not revoke another account’s key', async () => {
    const t = await buildTestApp();
    const mine = await t.signUp();
    const theirs = await t.signUp();
    const [theirKey] = await t.services.accounts.listKeys(theirs.account.id);
    expect(await codeOf(t.services.accounts.revokeKey(mine.account.id, theirKey!._id))).toBe('NOT_FOUND');
    expect((await t.call('GET', '/v1/account', { key: theirs.sk })).status).toBe(200);
  });
});

describe('checkins: a ticket’s scans and its admission', () => {
  it('lists a ticket’s scans newest first and finds the admission an undo reverses', async () => {
    const t = await buildTestApp();
    const org = await organizerWithEvent(t);
    const owner = { account: org.account.id, livemode: false };
    const [ticket, other] = await issueTickets(t, org.sk, org.event.id, org.general, { name: 'Kavya Menon', email: 'kavya@example.com' }, 2);
    expect(await t.services.checkins.admissionOf(owner, ticket!.id)).toBeNull();

    const first = await t.services.checkins.scan(owner, { code: ticket!.code, by: 'Gate 1' });
    t.clock.advance(1000);
    await t.services.checkins.scan(owner, { code: ticket!.code, by: 'Gate 2' });
    await t.services.checkins.scan(owner, { code: other!.code, by: 'Gate 2' });
    const history = await t.services.checkins.listForTicket(owner, ticket!.id, 10);
    expect(history.map((c) => [c.by, c.result])).toEqual([
      ['Gate 2', 'rejected'],
      ['Gate 1', 'accepted'],
    ]);
    expect(await t.services.checkins.listForTicket(owner, ticket!.id, 1)).toHaveLength(1);

    const admission = await t.services.checkins.admissionOf(owner, ticket!.id);
    expect(admission?._id).toBe(first.checkin._id);
    await t.services.checkins.undo(owner, admission!._id, 'Box office');
    expect(await t.services.checkins.admissionOf(owner, ticket!.id)).toBeNull();

    // Readmitted later: the new admission is the one found, not the undone one.
    t.clock.advance(1000);
    const again = await t.services.checkins.scan(owner, { code: ticket!.code, by: 'Gate 3' });
    expect((await t.services.checkins.admissionOf(owner, ticket!.id))?._id).toBe(again.checkin._id);
  });

  it('answers NOT_FOUND for another account’s ticket', async () => {
    const t = await buildTestApp();
    const org = await organizerWithEvent(t);
    const [ticket] = await issueTickets(t, org.sk, org.event.id, org.general, { name: 'Kavya Menon', email: 'kavya@example.com' });
    const stranger = { account: (await t.signUp()).account.id, livemode: false };
    expect(await codeOf(t.services.checkins.listForTicket(stranger, ticket!.id, 10))).toBe('NOT_FOUND');
    expect(await codeOf(t.services.checkins.admissionOf(stranger, ticket!.id))).toBe('NOT_FOUND');
  });
});

describe('attendance: door counts', () => {
  it('counts checked-in and admitting tickets, leaving voided ones out', async () => {
    const t = await buildTestApp();
    const org = await organizerWithEvent(t);
    const owner = { account: org.account.id, livemode: false };
    expect(await t.services.attendance.doorCounts(owner, org.event.id)).toEqual({ checked_in: 0, total: 0 });
    const [a, b, c] = await issueTickets(t, org.sk, org.event.id, org.general, { name: 'Kavya Menon', email: 'kavya@example.com' }, 3);
    await t.services.checkins.scan(owner, { code: a!.code, by: 'Gate 1' });
    await t.services.checkins.scan(owner, { code: b!.code, by: 'Gate 1' });
    await t.services.tickets.void(owner, b!.id);
    const statuses = await t.services.tickets.byIds([a!.id, b!.id, c!.id]);
    expect([a, b, c].map((ticket) => statuses.get(ticket!.id)?.status)).toEqual(['checked_in', 'voided', 'valid']);
    // One checked in; the checked-in and the valid ticket admit, the voided one does not.
    expect(await t.services.attendance.doorCounts(owner, org.event.id)).toEqual({ checked_in: 1, total: 2 });
    const stranger = { account: (await t.signUp()).account.id, livemode: false };
    expect(await codeOf(t.services.attendance.doorCounts(stranger, org.event.id))).toBe('NOT_FOUND');
  });
});

describe('checkins: the scanner’s own scan time', () => {
  it('records a scan replayed from an offline queue at the time it was made, and names it as the first scan', async () => {
    const t = await buildTestApp();
    const org = await organizerWithEvent(t);
    const owner = { account: org.account.id, livemode: false };
    const [ticket] = await issueTickets(t, org.sk, org.event.id, org.general, { name: 'Kavya Menon', email: 'kavya@example.com' });
    const madeAt = new Date(t.clock.now().getTime() - 40 * 60_000);
    const replayed = await t.services.checkins.scan(owner, { code: ticket!.code, by: 'Gate 1', nonce: 'queued-scan-1', at: madeAt });
    expect(replayed.checkin).toMatchObject({ result: 'accepted', at: madeAt, created_at: t.clock.now() });
    expect(replayed.ticket?.checked_in_at).toEqual(madeAt);
    const again = await t.services.checkins.scan(owner, { code: ticket!.code, by: 'Gate 2' });
    expect(again.checkin.first_checkin).toEqual({ at: madeAt, by: 'Gate 1' });
    // The admission dated in the past is still the one an undo reverses.
    expect((await t.services.checkins.admissionOf(owner, ticket!.id))?._id).toBe(replayed.checkin._id);
    expect((await t.services.checkins.undo(owner, replayed.checkin._id, 'Box office')).ticket?.status).toBe('valid');
  });

  it('dates a scan now when its own time is in the future beyond the skew, or older than a day', async () => {
    const t = await buildTestApp();
    const org = await organizerWithEvent(t);
    const owner = { account: org.account.id, livemode: false };
    const now = t.clock.now().getTime();
    const scanAt = async (at: Date) => (await t.services.checkins.scan(owner, { code: 'garbage', by: 'Gate 1', at })).checkin.at.toISOString();
    expect(await scanAt(new Date(now + SCAN_TIME_WINDOW.maxSkewMs + 1000))).toBe(new Date(now).toISOString());
    expect(await scanAt(new Date(now - SCAN_TIME_WINDOW.maxAgeMs - 1000))).toBe(new Date(now).toISOString());
    expect(await scanAt(new Date(Number.NaN))).toBe(new Date(now).toISOString());
    // A phone a minute ahead is believed, but nothing is dated after now.
    expect(await scanAt(new Date(now + 60_000))).toBe(new Date(now).toISOString());
    expect(await scanAt(new Date(now - SCAN_TIME_WINDOW.maxAgeMs + 1000))).toBe(new Date(now - SCAN_TIME_WINDOW.maxAgeMs + 1000).toISOString());
  });

  it('judges validity as of the scan’s own time', async () => {
    const t = await buildTestApp();
    const org = await organizerWithEvent(t);
    const owner = { account: org.account.id, livemode: false };
    const [early, late] = await issueTickets(t, org.sk, org.event.id, org.general, { name: 'Kavya Menon', email: 'kavya@example.com' }, 2);
    const tickets = t.store.collection<{ _id: string }>('tickets');
    const until = new Date(t.clock.now().getTime() - 30 * 60_000);
    await tickets.updateOne({ _id: early!.id }, { $set: { valid_until: until } });
    await tickets.updateOne({ _id: late!.id }, { $set: { valid_until: until } });
    // Scanned while still valid, sent after it expired: admitted.
    const inTime = await t.services.checkins.scan(owner, { code: early!.code, by: 'Gate 1', at: new Date(until.getTime() - 60_000) });
    expect(inTime.checkin.result).toBe('accepted');
    const tooLate = await t.services.checkins.scan(owner, { code: late!.code, by: 'Gate 1' });
    expect(tooLate.checkin.reason).toBe('expired');
  });
});
