import { describe, expect, it } from 'vitest';
import { eventBody } from '../helpers/app.js';
import { issueTickets } from '../helpers/checkout.js';
import { consoleWithOrganizer } from '../console/helpers.js';

/**
 * Offline door devices on check-in lists (docs/door.md#check-in-lists-offline): the snapshot a
 * device keeps is the list's own (its rules, its admissions, the tickets it admits), uploads
 * name the list, and conflicts are settled per list.
 */

async function atTheLounge() {
  const setup = await consoleWithOrganizer();
  const created = await setup.t.call('POST', '/v1/events', { key: setup.sk, body: eventBody() });
  const event = created.body as { id: string; ticket_types: Array<{ id: string }> };
  const [general, vip] = event.ticket_types as [{ id: string }, { id: string }];
  const holder = { name: 'Kavya Menon', email: 'kavya@example.com' };
  const generalTickets = await issueTickets(setup.t, setup.sk, event.id, general.id, holder, 1);
  const vipTickets = await issueTickets(setup.t, setup.sk, event.id, vip.id, holder, 2);
  const lounge = await setup.t.services.checkinLists.create(setup.owner, event.id, {
    name: 'VIP lounge',
    ticket_types: [vip.id],
    window: { opens_at: new Date('2030-06-01T09:00:00Z'), closes_at: null },
  });
  await setup.browser.get(`/console/events/${event.id}/scan`);
  const res = await setup.browser.postJson(`/console/events/${event.id}/devices`, { name: 'Lounge door' });
  const device = JSON.parse(res.text).device.id as string;
  const upload = async (list: string | undefined, scans: Array<{ id: string; code: string; scanned_at: string }>) => {
    const sent = await setup.browser.postJson(`/console/events/${event.id}/offline`, { device, sent_at: setup.t.clock.now().toISOString(), scans, ...(list ? { list } : {}) });
    expect(sent.status, sent.text).toBe(200);
    return JSON.parse(sent.text).results as Array<{ outcome: string; list: string | null; winner: { by: string | null } | null }>;
  };
  const snapshot = async (list?: string, since?: string) => {
    const query = `device=${device}${list ? `&list=${list}` : ''}${since ? `&since=${encodeURIComponent(since)}` : ''}`;
    const got = await setup.browser.get(`/console/events/${event.id}/offline?${query}`, { headers: { Accept: 'application/json' } });
    expect(got.status, got.text).toBe(200);
    return JSON.parse(got.text);
  };
  return { ...setup, event, generalTickets, vipTickets, lounge, device, upload, snapshot };
}

const bare = (id: string) => id.slice(4);

describe('offline snapshots of a check-in list', () => {
  it('carries the list’s rules, its own admissions and the tickets of its types', async () => {
    const { t, owner, event, lounge, vipTickets, generalTickets, snapshot } = await atTheLounge();
    await t.services.checkins.scan(owner, { code: generalTickets[0]!.code, event: event.id, by: 'Main door' });
    await t.services.checkins.scan(owner, { code: vipTickets[0]!.code, event: event.id, by: 'Lounge', list: lounge._id, at: new Date('2030-06-01T09:30:00Z') });
    t.clock.advance(60_000);
    const snap = await snapshot(lounge._id);
    expect(snap.list).toEqual({ id: lounge._id, name: 'VIP lounge', ticket_types: lounge.ticket_types, opens_at: '2030-06-01T09:00:00.000Z', closes_at: null, reentry: false });
    expect(snap.checked_in).toEqual([bare(vipTickets[0]!.id)]);
    expect([...snap.on_list].sort()).toEqual(vipTickets.map((tk) => bare(tk.id)).sort());
    // The main door's snapshot knows nothing of the lounge.
    const main = await snapshot();
    expect(main).toMatchObject({ list: null, on_list: null, checked_in: [bare(generalTickets[0]!.id)] });
  });
});

describe('offline uploads on a check-in list', () => {
  it('admits on the list a ticket already admitted at the main door, and settles conflicts on the list alone', async () => {
    const { t, owner, event, lounge, vipTickets, upload } = await atTheLounge();
    const code = vipTickets[0]!.code;
    await t.services.checkins.scan(owner, { code, event: event.id, by: 'Main door' });
    const late = await upload(lounge._id, [{ id: 'lounge-000001', code, scanned_at: '2030-06-01T09:50:00.000Z' }]);
    expect(late[0]).toMatchObject({ outcome: 'admitted', list: lounge._id });
    // An earlier lounge scan from another phone takes the lounge admission; the main door's stays.
    const early = await upload(lounge._id, [{ id: 'lounge-000002', code, scanned_at: '2030-06-01T09:40:00.000Z' }]);
    expect(early[0]).toMatchObject({ outcome: 'admitted', list: lounge._id });
    const again = await upload(lounge._id, [{ id: 'lounge-000003', code, scanned_at: '2030-06-01T09:45:00.000Z' }]);
    expect(again[0]).toMatchObject({ outcome: 'conflict', winner: { by: 'Lounge door (offline)' } });
    const pass = await t.store.collection<{ _id: string; first_at: Date }>('checkin_passes').findOne({ _id: `${lounge._id}:${vipTickets[0]!.id}` });
    expect(pass?.first_at.toISOString()).toBe('2030-06-01T09:40:00.000Z');
    expect((await t.services.checkinLists.get(owner, event.id, lounge._id)).admitted).toBe(1);
    expect((await t.services.tickets.findById(vipTickets[0]!.id))?.checked_in_by).toBe('Main door');
  });

  it('refuses on the list a ticket of a type the list does not admit', async () => {
    const { lounge, generalTickets, upload } = await atTheLounge();
    const res = await upload(lounge._id, [{ id: 'lounge-general', code: generalTickets[0]!.code, scanned_at: '2030-06-01T09:50:00.000Z' }]);
    expect(res[0]).toMatchObject({ outcome: 'refused', list: lounge._id });
  });
});
