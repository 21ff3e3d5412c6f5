import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchBrowser } from '../helpers/browser.js';
import { openPhone, scanAndRead, signDeviceIn, type DoorPhone } from '../helpers/door-phone.js';
import { freePort, startServer, type ServerProcess } from '../helpers/server-process.js';

/**
 * The offline scanner's gaps, in a real Chromium against the real server (docs/door.md): a
 * device scanning on a check-in list checks the list offline, an undo reaches the devices,
 * and the scanner reopens with no network.
 */

const PASSWORD = 'correct horse battery';

let server: ServerProcess;
let browser: Browser;
let workDir: string;

beforeAll(async () => {
  if (!browserAvailable) return;
  workDir = await mkdtemp(join(tmpdir(), 'tts-offline-lists-e2e-'));
  const port = await freePort();
  server = await startServer({ PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, TTS_DATA_DIR: join(workDir, 'data') });
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

async function api<T = any>(method: string, path: string, key: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

type Ticket = { id: string; code: string };

/** An organizer signed up on the phone, with an event of General and VIP tickets. */
async function organizerWithEvent(phone: DoorPhone, name: string) {
  await phone.page.goto(`${server.url}/console/signup`);
  await phone.page.getByLabel('Organization name').fill(name);
  await phone.page.getByLabel('Email').fill(`door-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`);
  await phone.page.getByLabel('Password').fill(PASSWORD);
  await phone.page.getByRole('button', { name: 'Create account' }).click();
  const sk = (await phone.page.locator('#secret-key').textContent())!.trim();
  const created = await api('POST', '/v1/events', sk, {
    name: `${name} Night`,
    starts_at: new Date(Date.now() + 86_400_000).toISOString(),
    ends_at: new Date(Date.now() + 90_000_000).toISOString(),
    capacity: 10,
    ticket_types: [
      { name: 'General', price: 0 },
      { name: 'VIP', price: 0 },
    ],
  });
  const eventId = created.body.id as string;
  const [general, vip] = created.body.ticket_types as Array<{ id: string }>;
  const issue = async (type: string, quantity: number) =>
    (
      await api('POST', '/v1/tickets', sk, {
        event: eventId,
        ticket_type: type,
        holder: { name: 'Asha Rao', email: `holder-${Date.now()}@example.com` },
        quantity,
        send_email: false,
      })
    ).body.data as Ticket[];
  return { sk, eventId, general: general!.id, vip: vip!.id, issue };
}

describe.skipIf(!browserAvailable)('the offline scanner on a check-in list, in Chromium', () => {
  it('checks the list’s ticket types and its own admissions offline, then uploads on the list', { timeout: 120_000 }, async () => {
    const phone = await openPhone(browser);
    const { sk, eventId, vip, general, issue } = await organizerWithEvent(phone, 'Lounge Lights');
    const [vipTicket] = await issue(vip, 1);
    const [generalTicket] = await issue(general, 1);
    const lounge = await api('POST', `/v1/events/${eventId}/checkin_lists`, sk, { name: 'VIP lounge', ticket_types: [vip] });
    expect(lounge.status).toBe(201);
    // Admitted at the main door first: the lounge is a list of its own.
    expect((await api('POST', '/v1/checkins', sk, { code: vipTicket!.code, event: eventId })).body.result).toBe('accepted');

    await signDeviceIn(phone.page, `${server.url}/console/events/${eventId}/scan?list=${lounge.body.id}`, 'Lounge door');
    expect(await phone.page.locator('#offline-status').textContent()).toMatch(/^Ready to admit offline on VIP lounge · last sync /);
    await phone.context.setOffline(true);
    await expect.poll(() => phone.page.locator('#offline-badge').isVisible()).toBe(true);
    const before = phone.requests.length;
    expect(await scanAndRead(phone.page, vipTicket!.code)).toEqual({ verdict: 'ADMITTED', reason: '' });
    expect(await scanAndRead(phone.page, generalTicket!.code)).toEqual({ verdict: 'REFUSED', reason: 'Ticket type not on this list' });
    expect(await scanAndRead(phone.page, vipTicket!.code)).toEqual({ verdict: 'REFUSED', reason: 'Already checked in' });
    expect(phone.requests.slice(before)).toEqual([]);

    await phone.context.setOffline(false);
    await expect.poll(() => phone.page.locator('#offline-status').textContent(), { timeout: 20_000 }).not.toContain('to upload');
    const onLounge = await api('GET', `/v1/events/${eventId}/checkins?list=${lounge.body.id}`, sk);
    expect(onLounge.body.data.map((c: { by: string; result: string }) => `${c.result} ${c.by}`)).toEqual(['accepted Lounge door (offline)']);
    expect((await api('GET', `/v1/events/${eventId}/checkin_lists/${lounge.body.id}`, sk)).body.admitted).toBe(1);
    expect(phone.problems).toEqual([]);
    await phone.context.close();
  });
});

describe.skipIf(!browserAvailable)('undone scans on an offline phone, in Chromium', () => {
  it('admits again a ticket whose admission was undone after the phone fetched it', { timeout: 120_000 }, async () => {
    const phone = await openPhone(browser);
    const { sk, eventId, general, issue } = await organizerWithEvent(phone, 'Second Chance');
    const [ticket] = await issue(general, 1);
    const scan = await api('POST', '/v1/checkins', sk, { code: ticket!.code, event: eventId });
    await signDeviceIn(phone.page, `${server.url}/console/events/${eventId}/scan`, 'Gate 1');
    // The door admitted the wrong person: the scan is undone, and the phone learns it at its next refresh.
    expect((await api('DELETE', `/v1/checkins/${scan.body.id}`, sk)).status).toBe(200);
    await phone.page.waitForResponse((res) => res.url().includes('/offline?') && res.url().includes('since=') && res.status() === 200, { timeout: 15_000 });
    await phone.context.setOffline(true);
    await expect.poll(() => phone.page.locator('#offline-badge').isVisible()).toBe(true);
    expect(await scanAndRead(phone.page, ticket!.code)).toEqual({ verdict: 'ADMITTED', reason: '' });
    expect(phone.problems).toEqual([]);
    await phone.context.close();
  });
});

describe.skipIf(!browserAvailable)('the offline scanner reloaded with no network, in Chromium', () => {
  it('reopens from the service worker and still admits', { timeout: 120_000 }, async () => {
    const phone = await openPhone(browser);
    const { sk, eventId, vip, issue } = await organizerWithEvent(phone, 'Reload Rally');
    const [ticket] = await issue(vip, 1);
    const lounge = await api('POST', `/v1/events/${eventId}/checkin_lists`, sk, { name: 'VIP lounge', ticket_types: [vip] });
    const scanner = `${server.url}/console/events/${eventId}/scan?list=${lounge.body.id}`;
    await signDeviceIn(phone.page, scanner, 'Lounge door');
    await phone.page.evaluate('navigator.serviceWorker.ready.then(() => undefined)');
    // Opened once under the worker, so it keeps the page.
    await phone.page.reload();
    await expect.poll(() => phone.page.locator('#offline-status').textContent(), { timeout: 15_000 }).toMatch(/^Ready to admit offline on VIP lounge/);
    await phone.context.setOffline(true);
    const reopened = await phone.page.reload();
    expect(reopened?.fromServiceWorker()).toBe(true);
    await expect.poll(() => phone.page.locator('#offline-status').textContent(), { timeout: 15_000 }).toMatch(/^Ready to admit offline on VIP lounge/);
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
    const phone = await openPhone(browser, WITHOUT_ED25519);
    const { eventId, general, issue } = await organizerWithEvent(phone, 'Old Phone');
    const [ticket] = await issue(general, 1);
    await signDeviceIn(phone.page, `${server.url}/console/events/${eventId}/scan`, 'Old phone');
    expect(phone.requests.some((r) => r.endsWith('/ed25519.js'))).toBe(true);
    await phone.context.setOffline(true);
    await expect.poll(() => phone.page.locator('#offline-badge').isVisible()).toBe(true);
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
    const phone = await openPhone(browser, STORAGE_FULL);
    const { sk, eventId, general, issue } = await organizerWithEvent(phone, 'Full Phone');
    const [ticket] = await issue(general, 1);
    await signDeviceIn(phone.page, `${server.url}/console/events/${eventId}/scan`, 'Full phone');
    await phone.context.setOffline(true);
    await expect.poll(() => phone.page.locator('#offline-badge').isVisible()).toBe(true);
    expect(await scanAndRead(phone.page, ticket!.code)).toEqual({ verdict: 'ADMITTED', reason: '' });
    expect(await scanAndRead(phone.page, ticket!.code)).toEqual({ verdict: 'REFUSED', reason: 'Already checked in' });
    expect(await phone.page.locator('#offline-status').textContent()).toContain('storage full: admissions kept only while this page is open');
    expect(await phone.page.locator('#offline-badge').textContent()).toContain('1 to upload');
    await phone.context.setOffline(false);
    await expect.poll(() => phone.page.locator('#offline-status').textContent(), { timeout: 20_000 }).not.toContain('to upload');
    const log = await api('GET', `/v1/events/${eventId}/checkins`, sk);
    expect(log.body.data.map((c: { result: string; by: string }) => `${c.result} ${c.by}`)).toEqual(['accepted Full phone (offline)']);
    expect(phone.problems).toEqual([]);
    await phone.context.close();
  });
});
