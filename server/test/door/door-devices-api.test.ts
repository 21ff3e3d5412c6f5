import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app.js';
import { issueTickets, organizerWithEvent } from '../helpers/checkout.js';

/** Door devices through the API (docs/door.md): a restricted check-in key runs a scanner that admits offline. */

async function withCheckinKey() {
  const t = await buildTestApp();
  const org = await organizerWithEvent(t);
  const { raw: rk } = await t.services.accounts.createRestrictedKey(org.account.id, 'test', { name: 'Gate scanners', permissions: ['checkins:write'] });
  const tickets = await issueTickets(t, org.sk, org.event.id, org.general, { name: 'Kavya Menon', email: 'kavya@example.com' }, 2);
  return { t, ...org, rk, tickets };
}

describe('door devices through the API', () => {
  it('lets a restricted check-in key sign a device in, fetch its snapshot and upload offline admissions once', async () => {
    const { t, rk, event, tickets } = await withCheckinKey();
    const signed = await t.call('POST', `/v1/events/${event.id}/door_devices`, { key: rk, body: { name: 'Turnstile 1' } });
    expect(signed.status, JSON.stringify(signed.body)).toBe(201);
    expect(signed.body).toMatchObject({ object: 'door_device', event: event.id, name: 'Turnstile 1', last_sync_at: null, revoked_at: null });
    const device = signed.body.id as string;
    const snap = await t.call('GET', `/v1/events/${event.id}/door_devices/${device}/snapshot`, { key: rk });
    expect(snap.body).toMatchObject({ object: 'door_snapshot', full: true, checked_in: [], voided: [] });
    const body = { sent_at: t.clock.now().toISOString(), scans: [{ id: 'turnstile-0001', code: tickets[0]!.code, scanned_at: '2030-06-01T09:58:00.000Z' }] };
    const first = await t.call('POST', `/v1/events/${event.id}/door_devices/${device}/sync`, { key: rk, body });
    expect(first.body).toMatchObject({ object: 'door_sync', results: [{ id: 'turnstile-0001', outcome: 'admitted', ticket: tickets[0]!.id }] });
    const again = await t.call('POST', `/v1/events/${event.id}/door_devices/${device}/sync`, { key: rk, body });
    expect(again.body).toEqual(first.body);
    expect(await t.store.collection('checkins').count({ event: event.id, result: 'accepted' })).toBe(1);
  });

  it('keeps a scanner’s snapshot and upload on the check-in list it names', async () => {
    const { t, rk, event, tickets, account } = await withCheckinKey();
    const owner = { account: account.id, livemode: false };
    const lounge = await t.services.checkinLists.create(owner, event.id, { name: 'Lounge', reentry: true });
    const device = (await t.call('POST', `/v1/events/${event.id}/door_devices`, { key: rk, body: { name: 'Turnstile 2' } })).body.id as string;
    const snap = await t.call('GET', `/v1/events/${event.id}/door_devices/${device}/snapshot?list=${lounge._id}`, { key: rk });
    expect(snap.body).toMatchObject({ list: { id: lounge._id, name: 'Lounge', ticket_types: null, reentry: true }, on_list: null, checked_in: [], unchecked: [] });
    const scans = [0, 1].map((i) => ({ id: `lounge-move-${i}`, code: tickets[0]!.code, scanned_at: `2030-06-01T09:5${i}:00.000Z` }));
    const synced = await t.call('POST', `/v1/events/${event.id}/door_devices/${device}/sync`, { key: rk, body: { sent_at: t.clock.now().toISOString(), list: lounge._id, scans } });
    // On a re-entry list each scan is a move: in, then out.
    expect(synced.body.results.map((r: { outcome: string; list: string }) => `${r.outcome} ${r.list}`)).toEqual([`admitted ${lounge._id}`, `admitted ${lounge._id}`]);
    expect(await t.services.checkinLists.get(owner, event.id, lounge._id)).toMatchObject({ admitted: 1, inside: 0 });
    expect((await t.services.tickets.findById(tickets[0]!.id))?.status).toBe('valid');
  });

  it('refuses a key without checkins:write', async () => {
    const { t, event, account } = await withCheckinKey();
    const { raw } = await t.services.accounts.createRestrictedKey(account.id, 'test', { name: 'Reports', permissions: ['events:read'] });
    const res = await t.call('POST', `/v1/events/${event.id}/door_devices`, { key: raw, body: {} });
    expect(res.status).toBe(403);
  });
});
