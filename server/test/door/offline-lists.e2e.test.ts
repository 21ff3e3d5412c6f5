import { describe, expect, it } from 'vitest';
import { browserAvailable } from '../helpers/browser.js';
import {
  createFreeEvent,
  type DoorPhone,
  goOffline,
  goOnline,
  issueTickets,
  offlineStatus,
  openPhone,
  scanAndRead,
  signDeviceIn,
  signUp,
  useDoorRig,
} from '../helpers/door-phone.js';

/**
 * The offline scanner's gaps, in a real Chromium against the real server (docs/door.md): a
 * device scanning on a check-in list checks the list offline, an undo reaches the devices,
 * and the scanner reopens with no network.
 */

const rig = useDoorRig('offline-lists');

/** An organizer signed up on the phone, with an event of General and VIP tickets. */
async function organizerWithEvent(phone: DoorPhone, name: string) {
  const { api, server } = rig;
  const { sk } = await signUp(phone.page, server.url, name);
  const event = await createFreeEvent(api, sk, `${name} Night`, ['General', 'VIP']);
  const [general, vip] = event.ticketTypes;
  const issue = (type: string, quantity: number) => issueTickets(api, sk, event.id, type, quantity);
  return { sk, eventId: event.id, general: general!, vip: vip!, issue };
}

describe.skipIf(!browserAvailable)('the offline scanner on a check-in list, in Chromium', () => {
  it('checks the list’s ticket types and its own admissions offline, then uploads on the list', { timeout: 120_000 }, async () => {
    const phone = await openPhone(rig.browser);
    const { sk, eventId, vip, general, issue } = await organizerWithEvent(phone, 'Lounge Lights');
    const [vipTicket] = await issue(vip, 1);
    const [generalTicket] = await issue(general, 1);
    const lounge = await rig.api('POST', `/v1/events/${eventId}/checkin_lists`, sk, { name: 'VIP lounge', ticket_types: [vip] });
    expect(lounge.status).toBe(201);
    // Admitted at the main door first: the lounge is a list of its own.
    expect((await rig.api('POST', '/v1/checkins', sk, { code: vipTicket!.code, event: eventId })).body.result).toBe('accepted');

    await signDeviceIn(phone.page, `${rig.server.url}/console/events/${eventId}/scan?list=${lounge.body.id}`, 'Lounge door');
    expect(await offlineStatus(phone.page)).toMatch(/^Ready to admit offline on VIP lounge · last sync /);
    await goOffline(phone);
    const before = phone.requests.length;
    expect(await scanAndRead(phone.page, vipTicket!.code)).toEqual({ verdict: 'ADMITTED', reason: '' });
    expect(await scanAndRead(phone.page, generalTicket!.code)).toEqual({ verdict: 'REFUSED', reason: 'Ticket type not on this list' });
    expect(await scanAndRead(phone.page, vipTicket!.code)).toEqual({ verdict: 'REFUSED', reason: 'Already checked in' });
    expect(phone.requests.slice(before)).toEqual([]);

    await goOnline(phone);
    const onLounge = await rig.api('GET', `/v1/events/${eventId}/checkins?list=${lounge.body.id}`, sk);
    expect(onLounge.body.data.map((c: { by: string; result: string }) => `${c.result} ${c.by}`)).toEqual(['accepted Lounge door (offline)']);
    expect((await rig.api('GET', `/v1/events/${eventId}/checkin_lists/${lounge.body.id}`, sk)).body.admitted).toBe(1);
    expect(phone.problems).toEqual([]);
    await phone.context.close();
  });
});

describe.skipIf(!browserAvailable)('undone scans on an offline phone, in Chromium', () => {
  it('admits again a ticket whose admission was undone after the phone fetched it', { timeout: 120_000 }, async () => {
    const phone = await openPhone(rig.browser);
    const { sk, eventId, general, issue } = await organizerWithEvent(phone, 'Second Chance');
    const [ticket] = await issue(general, 1);
    const scan = await rig.api('POST', '/v1/checkins', sk, { code: ticket!.code, event: eventId });
    await signDeviceIn(phone.page, `${rig.server.url}/console/events/${eventId}/scan`, 'Gate 1');
    // The door admitted the wrong person: the scan is undone, and the phone learns it at its next refresh.
    expect((await rig.api('DELETE', `/v1/checkins/${scan.body.id}`, sk)).status).toBe(200);
    await phone.page.waitForResponse((res) => res.url().includes('/offline?') && res.url().includes('since=') && res.status() === 200, { timeout: 15_000 });
    await goOffline(phone);
    expect(await scanAndRead(phone.page, ticket!.code)).toEqual({ verdict: 'ADMITTED', reason: '' });
    expect(phone.problems).toEqual([]);
    await phone.context.close();
  });
});

describe.skipIf(!browserAvailable)('the offline scanner reloaded with no network, in Chromium', () => {
  it('reopens from the service worker and still admits', { timeout: 120_000 }, async () => {
    const phone = await openPhone(rig.browser);
    const { sk, eventId, vip, issue } = await organizerWithEvent(phone, 'Reload Rally');
    const [ticket] = await issue(vip, 1);
    const lounge = await rig.api('POST', `/v1/events/${eventId}/checkin_lists`, sk, { name: 'VIP lounge', ticket_types: [vip] });
    const scanner = `${rig.server.url}/console/events/${eventId}/scan?list=${lounge.body.id}`;
    await signDeviceIn(phone.page, scanner, 'Lounge door');
    await phone.page.evaluate('navigator.serviceWorker.ready.then(() => undefined)');
    // Opened once under the worker, so it keeps the page.
    await phone.page.reload();
    await expect.poll(() => offlineStatus(phone.page), { timeout: 15_000 }).toMatch(/^Ready to admit offline on VIP lounge/);
    await phone.context.setOffline(true);
    const reopened = await phone.page.reload();
    expect(reopened?.fromServiceWorker()).toBe(true);
    await expect.poll(() => offlineStatus(phone.page), { timeout: 15_000 }).toMatch(/^Ready to admit offline on VIP lounge/);
    expect(await scanAndRead(phone.page, ticket!.code)).toEqual({ verdict: 'ADMITTED', reason: '' });
    expect(await phone.page.locator('#offline-badge').textContent()).toContain('1 to upload');
    expect(phone.problems).toEqual([]);
    await phone.context.close();
  });
});

/** Takes Ed25519 away from WebCrypto, as on a browser from before it had it. */
const WITHOUT_ED25519 = `(() => {
  const subtle = crypto.subtle;
  const importKey = subtle.importKey.bind(subtle);
  subtle.importKey = (format, key, algorithm, ...rest) =>
    (typeof algorithm === 'string' ? algorithm : algorithm && algorithm.name) === 'Ed25519'
      ? Promise.reject(new DOMException('Unrecognized name', 'NotSupportedError'))
      : importKey(format, key, algorithm, ...rest);
})();`;

describe.skipIf(!browserAvailable)('the offline scanner on a browser without WebCrypto Ed25519, in Chromium', () => {
  it('checks codes offline with the bundled @noble/ed25519', { timeout: 120_000 }, async () => {
    const phone = await openPhone(rig.browser, WITHOUT_ED25519);
    const { eventId, general, issue } = await organizerWithEvent(phone, 'Old Phone');
    const [ticket] = await issue(general, 1);
    await signDeviceIn(phone.page, `${rig.server.url}/console/events/${eventId}/scan`, 'Old phone');
    expect(phone.requests.some((r) => r.endsWith('/ed25519.js'))).toBe(true);
    await goOffline(phone);
    const forged = `${ticket!.code.slice(0, -2)}${ticket!.code.at(-2) === 'A' ? 'B' : 'A'}${ticket!.code.at(-1)}`;
    expect(await scanAndRead(phone.page, forged)).toEqual({ verdict: 'REFUSED', reason: 'Not a valid ticket code' });
    expect(await scanAndRead(phone.page, ticket!.code)).toEqual({ verdict: 'ADMITTED', reason: '' });
    expect(phone.problems).toEqual([]);
    await phone.context.close();
  });
});

/** A phone whose storage is full: IndexedDB refuses every admission it is asked to keep. */
const STORAGE_FULL = `(() => {
  const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (value, key) {
    if (this.name === 'admissions') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    return key === undefined ? put.call(this, value) : put.call(this, value, key);
  };
})();`;

describe.skipIf(!browserAvailable)('the offline scanner with its storage full, in Chromium', () => {
  it('keeps admitting from memory, says so, and uploads when the network is back', { timeout: 120_000 }, async () => {
    const phone = await openPhone(rig.browser, STORAGE_FULL);
    const { sk, eventId, general, issue } = await organizerWithEvent(phone, 'Full Phone');
    const [ticket] = await issue(general, 1);
    await signDeviceIn(phone.page, `${rig.server.url}/console/events/${eventId}/scan`, 'Full phone');
    await goOffline(phone);
    expect(await scanAndRead(phone.page, ticket!.code)).toEqual({ verdict: 'ADMITTED', reason: '' });
    expect(await scanAndRead(phone.page, ticket!.code)).toEqual({ verdict: 'REFUSED', reason: 'Already checked in' });
    expect(await offlineStatus(phone.page)).toContain('storage full: admissions kept only while this page is open');
    expect(await phone.page.locator('#offline-badge').textContent()).toContain('1 to upload');
    await goOnline(phone);
    const log = await rig.api('GET', `/v1/events/${eventId}/checkins`, sk);
    expect(log.body.data.map((c: { result: string; by: string }) => `${c.result} ${c.by}`)).toEqual(['accepted Full phone (offline)']);
    expect(phone.problems).toEqual([]);
    await phone.context.close();
  });
});
