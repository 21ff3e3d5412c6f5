import { describe, expect, it } from 'vitest';
import { eventBody } from '../helpers/app.js';
import { issueTickets } from '../helpers/checkout.js';
import { AUDIT_LOG_COLLECTION } from '../../src/domain/audit-log.js';
import { consoleWithOrganizer, visibleText } from '../console/helpers.js';

/** Offline door devices (docs/door.md): sign-in, the snapshot they keep, and uploads kept exactly once. */

async function atTheDoor(quantity = 3) {
  const setup = await consoleWithOrganizer();
  const created = await setup.t.call('POST', '/v1/events', { key: setup.sk, body: eventBody() });
  const event = created.body as { id: string; ticket_types: Array<{ id: string }> };
  const tickets = await issueTickets(setup.t, setup.sk, event.id, event.ticket_types[0]!.id, { name: 'Kavya Menon', email: 'kavya@example.com' }, quantity);
  await setup.browser.get(`/console/events/${event.id}/scan`);
  const signIn = async (name: string) => {
    const res = await setup.browser.postJson(`/console/events/${event.id}/devices`, { name });
    expect(res.status, res.text).toBe(201);
    return JSON.parse(res.text).device.id as string;
  };
  const upload = async (device: string, scans: Array<{ id: string; code: string; scanned_at: string }>, sentAt = setup.t.clock.now().toISOString()) => {
    const res = await setup.browser.postJson(`/console/events/${event.id}/offline`, { device, sent_at: sentAt, scans });
    return { status: res.status, body: JSON.parse(res.text) };
  };
  const snapshot = async (device: string, since?: string) => {
    const res = await setup.browser.get(`/console/events/${event.id}/offline?device=${device}${since ? `&since=${encodeURIComponent(since)}` : ''}`, {
      headers: { Accept: 'application/json' },
    });
    return { status: res.status, body: JSON.parse(res.text) };
  };
  const admissions = () => setup.t.store.collection('checkins').count({ event: event.id, result: 'accepted', undone_at: null });
  return { ...setup, event, tickets, signIn, upload, snapshot, admissions };
}

describe('offline uploads', () => {
  it('admits an uploaded offline scan once, however often the upload is repeated', async () => {
    const { t, tickets, signIn, upload, admissions } = await atTheDoor();
    const device = await signIn('Gate 2 phone');
    const scan = { id: 'scan-0000001', code: tickets[0]!.code, scanned_at: '2030-06-01T09:55:00.000Z' };
    const first = await upload(device, [scan]);
    expect(first.status).toBe(200);
    expect(first.body.results[0]).toMatchObject({ id: 'scan-0000001', outcome: 'admitted', ticket: tickets[0]!.id, scanned_at: '2030-06-01T09:55:00.000Z' });
    t.clock.advance(60_000);
    const again = await upload(device, [scan]);
    expect(again.body.results[0]).toEqual(first.body.results[0]);
    expect(await admissions()).toBe(1);
    const ticket = await t.services.tickets.findById(tickets[0]!.id);
    expect(ticket?.checked_in_at?.toISOString()).toBe('2030-06-01T09:55:00.000Z');
  });

  it('resumes an upload cut off halfway without counting anything twice', async () => {
    const { tickets, signIn, upload, admissions } = await atTheDoor();
    const device = await signIn('Gate 1');
    const scans = tickets.map((tk, i) => ({ id: `scan-resume-${i}`, code: tk.code, scanned_at: `2030-06-01T09:5${i}:00.000Z` }));
    await upload(device, scans.slice(0, 2)); // the connection dropped after two
    const resumed = await upload(device, scans);
    expect(resumed.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(['admitted', 'admitted', 'admitted']);
    expect(await admissions()).toBe(3);
  });

  it('keeps the earlier scan by scan time as the admission and records the other as a conflict', async () => {
    const { t, tickets, signIn, upload, admissions, browser, event, owner } = await atTheDoor();
    const north = await signIn('North gate');
    const south = await signIn('South gate');
    const code = tickets[0]!.code;
    // North scanned later but uploads first; South's earlier scan arrives afterwards and wins.
    const late = await upload(north, [{ id: 'north-00000001', code, scanned_at: '2030-06-01T09:50:00.000Z' }]);
    expect(late.body.results[0].outcome).toBe('admitted');
    t.clock.advance(30_000);
    const early = await upload(south, [{ id: 'south-00000001', code, scanned_at: '2030-06-01T09:40:00.000Z' }]);
    expect(early.body.results[0].outcome).toBe('admitted');
    expect(await admissions()).toBe(1);
    const ticket = await t.services.tickets.findById(tickets[0]!.id);
    expect(ticket).toMatchObject({ status: 'checked_in', checked_in_by: 'South gate (offline)' });
    expect(ticket?.checked_in_at?.toISOString()).toBe('2030-06-01T09:40:00.000Z');
    expect(await t.services.offlineSync.stats(owner, event.id)).toEqual({ admitted: 1, conflict: 1, voided: 0, refused: 0 });
    // A third upload of the same ticket is a conflict naming the admission that holds it.
    const third = await upload(north, [{ id: 'north-00000002', code, scanned_at: '2030-06-01T09:45:00.000Z' }]);
    expect(third.body.results[0]).toMatchObject({ outcome: 'conflict', winner: { at: '2030-06-01T09:40:00.000Z', by: 'South gate (offline)' } });
    expect(await admissions()).toBe(1);
    expect((await t.services.attendance.doorCounts(owner, event.id)).checked_in).toBe(1);
    const page = visibleText((await browser.get(`/console/events/${event.id}/devices`)).text);
    expect(page).toContain('Offline scans: 1 admitted · 2 conflicts');
    expect(page).toContain('scanned by North gate');
    expect(page).toContain('admitted by South gate (offline)');
  });

  it('flags a ticket voided while the device was offline', async () => {
    const { t, tickets, signIn, upload, owner } = await atTheDoor();
    const device = await signIn('Gate 3');
    await t.services.tickets.void(owner, tickets[1]!.id);
    const res = await upload(device, [{ id: 'scan-voided-1', code: tickets[1]!.code, scanned_at: '2030-06-01T09:59:00.000Z' }]);
    expect(res.body.results[0]).toMatchObject({ outcome: 'voided', reason: 'voided' });
  });

  it('puts a device clock an hour fast back on the server clock, keeping both times', async () => {
    const { t, tickets, signIn, upload } = await atTheDoor();
    const device = await signIn('Fast phone');
    // The phone reads 11:00 when the server reads 10:00; it scanned at its 10:50, really 09:50.
    const res = await upload(device, [{ id: 'scan-fast-0001', code: tickets[0]!.code, scanned_at: '2030-06-01T10:50:00.000Z' }], '2030-06-01T11:00:00.000Z');
    expect(res.body.results[0]).toMatchObject({
      outcome: 'admitted',
      scanned_at: '2030-06-01T09:50:00.000Z',
      device_scanned_at: '2030-06-01T10:50:00.000Z',
      received_at: t.clock.now().toISOString(),
    });
  });
});

describe('door devices', () => {
  it('refuses the snapshot and uploads of a revoked device, and audits the sign-in and the revocation', async () => {
    const { t, tickets, signIn, upload, snapshot, browser, event } = await atTheDoor();
    const device = await signIn('Lost phone');
    expect((await snapshot(device)).status).toBe(200);
    const revoked = await browser.post(`/console/events/${event.id}/devices/${device}/revoke`);
    expect(revoked.status).toBe(303);
    expect((await snapshot(device)).status).toBe(403);
    const res = await upload(device, [{ id: 'scan-lost-0001', code: tickets[0]!.code, scanned_at: '2030-06-01T09:59:00.000Z' }]);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    expect(visibleText((await browser.get(`/console/events/${event.id}/devices`)).text)).toMatch(/Lost phone .* Revoked/);
    const audited = await t.store.collection<{ _id: string; action: string; target: { id: string } }>(AUDIT_LOG_COLLECTION).find({ 'target.id': device });
    expect(audited.map((e) => e.action).sort()).toEqual(['door_device.revoked', 'door_device.signed_in']);
  });

  it('sends the whole state first, then only what changed since the cursor, and marks the last sync', async () => {
    const { t, tickets, signIn, snapshot, browser, event, owner } = await atTheDoor();
    await t.services.checkins.scan(owner, { code: tickets[0]!.code, event: event.id, by: 'Gate 1' });
    await t.services.tickets.void(owner, tickets[1]!.id);
    const device = await signIn('Gate 4');
    t.clock.advance(60_000); // past the cursor's overlap, which re-reads a few seconds
    const full = await snapshot(device);
    expect(full.body).toMatchObject({ event: event.id, full: true, checked_in: [tickets[0]!.id.slice(4)], voided: [tickets[1]!.id.slice(4)] });
    expect(full.body.public_key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    t.clock.advance(60_000);
    await t.services.checkins.scan(owner, { code: tickets[2]!.code, event: event.id, by: 'Gate 1' });
    const next = await snapshot(device, full.body.cursor);
    expect(next.body).toMatchObject({ full: false, checked_in: [tickets[2]!.id.slice(4)], voided: [] });
    expect(visibleText((await browser.get(`/console/events/${event.id}/devices`)).text)).not.toContain('never');
  });
});

describe('undone scans on door devices', () => {
  it('names in the next snapshot a ticket whose admission was undone, and not one admitted again', async () => {
    const { t, tickets, signIn, snapshot, event, owner } = await atTheDoor();
    const first = await t.services.checkins.scan(owner, { code: tickets[0]!.code, event: event.id, by: 'Gate 1' });
    const second = await t.services.checkins.scan(owner, { code: tickets[1]!.code, event: event.id, by: 'Gate 1' });
    const device = await signIn('Gate 5');
    t.clock.advance(60_000);
    const full = await snapshot(device);
    expect(full.body).toMatchObject({ unchecked: [] });
    expect(full.body.checked_in.sort()).toEqual([tickets[0]!.id.slice(4), tickets[1]!.id.slice(4)].sort());
    t.clock.advance(60_000);
    await t.services.checkins.undo(owner, first.checkin._id, 'Gate 1');
    await t.services.checkins.undo(owner, second.checkin._id, 'Gate 1');
    await t.services.checkins.scan(owner, { code: tickets[1]!.code, event: event.id, by: 'Gate 2' });
    const next = await snapshot(device, full.body.cursor);
    expect(next.body).toMatchObject({ full: false, unchecked: [tickets[0]!.id.slice(4)], checked_in: [tickets[1]!.id.slice(4)] });
  });
});

describe('the scanner as an installable app', () => {
  it('serves its manifest and a service worker scoped to the console that caches only assets and scanner pages', async () => {
    const { browser } = await atTheDoor(1);
    const manifest = await browser.get('/console/scanner.webmanifest');
    expect(manifest.headers.get('Content-Type')).toBe('application/manifest+json');
    expect(JSON.parse(manifest.text)).toMatchObject({ scope: '/console/', start_url: '/console/door', display: 'standalone' });
    const worker = await browser.get('/console/scanner-sw.js');
    expect(worker.status).toBe(200);
    expect(worker.headers.get('Content-Type')).toMatch(/^text\/javascript/);
    // Only GETs of assets and of a scanner page without a query are answered by the worker.
    expect(worker.text).toContain("if (request.method !== 'GET') return;");
    expect(worker.text).toContain("url.pathname.indexOf('/console/assets/') === 0");
    expect(worker.text).toMatch(/SCANNER_PAGE = \/\^\\\/console\\\/events\\\/evt_\[0-9A-Za-z\]\{10,40\}\\\/scan\$\//);
  });
});
