import { describe, expect, it } from 'vitest';
import { browserAvailable, screenshot } from '../helpers/browser.js';
import { createFreeEvent, goOffline, goOnline, issueTickets, offlineStatus, openPhone, PASSWORD, scanAndRead, signDeviceIn, signUp, useDoorRig } from '../helpers/door-phone.js';

/**
 * Offline door scanning in a real Chromium against the real server (docs/door.md): two phones
 * signed in as door devices lose the network, check codes themselves with no request, and
 * after the network returns the server keeps one admission and records the other as a conflict.
 */

const rig = useDoorRig('offline');

function tamper(code: string): string {
  const last = code.at(-2) === 'A' ? 'B' : 'A';
  return `${code.slice(0, -2)}${last}${code.at(-1)}`;
}

describe.skipIf(!browserAvailable)('the door scanner offline, in Chromium', () => {
  it('admits and refuses with no network, then keeps one admission and one conflict after both phones sync', { timeout: 120_000 }, async () => {
    const { server, browser, api } = rig;
    const north = await openPhone(browser);
    const { email, sk } = await signUp(north.page, server.url, 'Harbour Lights', `door-owner-${Date.now()}@example.com`);
    const event = await createFreeEvent(api, sk, 'Harbour Lights Night');
    const eventId = event.id;
    const [valid, , voided] = await issueTickets(api, sk, eventId, event.ticketTypes[0]!, 3);
    expect((await api('POST', `/v1/tickets/${voided!.id}/void`, sk, {})).status).toBe(200);

    const scanner = `${server.url}/console/events/${eventId}/scan`;
    await signDeviceIn(north.page, scanner, 'North gate');
    expect(await offlineStatus(north.page)).toMatch(/^Ready to admit offline · last sync /);
    const south = await openPhone(browser);
    await south.page.goto(`${server.url}/console/login`);
    await south.page.getByLabel('Email').fill(email);
    await south.page.getByLabel('Password').fill(PASSWORD);
    await south.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await south.page.waitForURL(/\/console$/);
    await signDeviceIn(south.page, scanner, 'South gate');
    expect(await offlineStatus(south.page)).toMatch(/^Ready to admit offline · last sync /);

    // The Wi-Fi goes: both phones say so, and check codes themselves.
    await Promise.all([goOffline(north), goOffline(south)]);
    expect(await north.page.locator('#offline-badge').textContent()).toMatch(/^OFFLINE · last sync \d/);
    const before = north.requests.length;
    expect(await scanAndRead(north.page, valid!.code)).toEqual({ verdict: 'ADMITTED', reason: '' });
    expect(await scanAndRead(north.page, tamper(valid!.code))).toEqual({ verdict: 'REFUSED', reason: 'Not a valid ticket code' });
    expect(await scanAndRead(north.page, voided!.code)).toEqual({ verdict: 'REFUSED', reason: 'Ticket was voided' });
    expect(await scanAndRead(north.page, valid!.code)).toEqual({ verdict: 'REFUSED', reason: 'Already checked in' });
    expect(north.requests.slice(before)).toEqual([]);
    await screenshot(north.page, 'door-offline-375');
    // The south phone cannot know: it admits the same ticket.
    expect(await scanAndRead(south.page, valid!.code)).toEqual({ verdict: 'ADMITTED', reason: '' });
    expect(await south.page.locator('#offline-badge').textContent()).toContain('1 to upload');

    // The network is back: both upload, and the server keeps one admission.
    await Promise.all([goOnline(north), goOnline(south)]);
    const log = await api('GET', `/v1/events/${eventId}/checkins?limit=20`, sk);
    const ofValid = (log.body.data as Array<{ ticket: { id: string } | null; result: string; by: string }>).filter((c) => c.ticket?.id === valid!.id);
    expect(ofValid.map((c) => c.by).sort()).toEqual(['North gate (offline)', 'South gate (offline)']);

    await north.page.goto(`${server.url}/console/events/${eventId}/devices`);
    expect(await north.page.locator('#offline-stats').textContent()).toMatch(/1 admitted · 1 conflicts/);
    expect(await north.page.locator('#conflicts li').count()).toBe(1);
    expect(await north.page.locator('#conflicts li').textContent()).toContain(valid!.id);
    expect(await north.page.locator('#devices tbody tr').count()).toBe(2);
    await screenshot(north.page, 'door-devices-375');
    expect([...north.problems, ...south.problems]).toEqual([]);
    await north.context.close();
    await south.context.close();
  });
});
