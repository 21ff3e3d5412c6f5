import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchBrowser, screenshot } from '../helpers/browser.js';
import { freePort, startServer, type ServerProcess } from '../helpers/server-process.js';

/**
 * Offline door scanning in a real Chromium against the real server (docs/door.md): two phones
 * signed in as door devices lose the network, check codes themselves with no request, and
 * after the network returns the server keeps one admission and records the other as a conflict.
 */

const PASSWORD = 'correct horse battery';

let server: ServerProcess;
let browser: Browser;
let workDir: string;

beforeAll(async () => {
  if (!browserAvailable) return;
  workDir = await mkdtemp(join(tmpdir(), 'tts-offline-e2e-'));
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

/** A phone: a browser context of its own (its own storage), with every request it makes counted. */
async function phone(): Promise<{ context: BrowserContext; page: Page; requests: string[]; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 375, height: 812 } });
  const page = await context.newPage();
  const requests: string[] = [];
  const problems: string[] = [];
  page.on('request', (request) => requests.push(`${request.method()} ${request.url()}`));
  page.on('pageerror', (err) => problems.push(err.message));
  return { context, page, requests, problems };
}

async function wedgeScan(page: Page, code: string) {
  await page.locator('#code').focus();
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
}

/** Shows a verdict and waits for it, then dismisses it for the next scan. */
async function scanAndRead(page: Page, code: string): Promise<{ verdict: string; reason: string }> {
  await page.locator('#result-verdict').evaluate((el) => {
    el.textContent = '';
  });
  await wedgeScan(page, code);
  await expect.poll(() => page.locator('#result-verdict').textContent()).not.toBe('');
  const verdict = (await page.locator('#result-verdict').textContent())!;
  const reason = (await page.locator('#result-reason').textContent())!;
  await page.keyboard.press('Escape');
  return { verdict, reason };
}

/** Signs this phone in as a door device for the event and waits until it holds the event's data. */
async function signDeviceIn(page: Page, eventId: string, name: string) {
  await page.goto(`${server.url}/console/events/${eventId}/scan`);
  await page.locator('#offline-name').fill(name);
  await page.getByRole('button', { name: 'Scan offline on this device' }).click();
  await expect.poll(() => page.locator('#offline-status').textContent(), { timeout: 15_000 }).toMatch(/^Ready to admit offline · last sync /);
}

function tamper(code: string): string {
  const last = code.at(-2) === 'A' ? 'B' : 'A';
  return `${code.slice(0, -2)}${last}${code.at(-1)}`;
}

describe.skipIf(!browserAvailable)('the door scanner offline, in Chromium', () => {
  it('admits and refuses with no network, then keeps one admission and one conflict after both phones sync', { timeout: 120_000 }, async () => {
    const north = await phone();
    const email = `door-owner-${Date.now()}@example.com`;
    await north.page.goto(`${server.url}/console/signup`);
    await north.page.getByLabel('Organization name').fill('Harbour Lights');
    await north.page.getByLabel('Email').fill(email);
    await north.page.getByLabel('Password').fill(PASSWORD);
    await north.page.getByRole('button', { name: 'Create account' }).click();
    const sk = (await north.page.locator('#secret-key').textContent())!.trim();
    const created = await api('POST', '/v1/events', sk, {
      name: 'Harbour Lights Night',
      starts_at: new Date(Date.now() + 86_400_000).toISOString(),
      ends_at: new Date(Date.now() + 90_000_000).toISOString(),
      capacity: 10,
      ticket_types: [{ name: 'General', price: 0 }],
    });
    const eventId = created.body.id as string;
    const issued = await api('POST', '/v1/tickets', sk, {
      event: eventId,
      ticket_type: created.body.ticket_types[0].id,
      holder: { name: 'Asha Rao', email: `holder-${Date.now()}@example.com` },
      quantity: 3,
      send_email: false,
    });
    const [valid, , voided] = issued.body.data as Array<{ id: string; code: string }>;
    expect((await api('POST', `/v1/tickets/${voided!.id}/void`, sk, {})).status).toBe(200);

    await signDeviceIn(north.page, eventId, 'North gate');
    const south = await phone();
    await south.page.goto(`${server.url}/console/login`);
    await south.page.getByLabel('Email').fill(email);
    await south.page.getByLabel('Password').fill(PASSWORD);
    await south.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await south.page.waitForURL(/\/console$/);
    await signDeviceIn(south.page, eventId, 'South gate');

    // The Wi-Fi goes: both phones say so, and check codes themselves.
    await north.context.setOffline(true);
    await south.context.setOffline(true);
    await expect.poll(() => north.page.locator('#offline-badge').isVisible()).toBe(true);
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
    await north.context.setOffline(false);
    await south.context.setOffline(false);
    for (const p of [north, south]) {
      await expect.poll(() => p.page.locator('#offline-status').textContent(), { timeout: 20_000 }).not.toContain('to upload');
    }
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
