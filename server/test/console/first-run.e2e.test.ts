import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoSetup } from '../../src/demo.js';
import { ARTIFACTS_DIR, browserAvailable, launchBrowser, screenshot } from '../helpers/browser.js';
import { freePort, startServer, type ServerProcess } from '../helpers/server-process.js';

/**
 * An organizer's first five minutes, in a real Chromium against a development server started
 * on an empty data directory: the landing page, a browser's 404, the demo sign-in, the figures
 * with issued tickets labelled, the embed snippets' copy buttons and the checkout QR, and
 * axe-core over every console page.
 */

const DESKTOP = { width: 1280, height: 900 };
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let server: ServerProcess;
let browser: Browser;
let workDir: string;
let demo: DemoSetup;

beforeAll(async () => {
  if (!browserAvailable) return;
  workDir = await mkdtemp(join(tmpdir(), 'tts-first-run-'));
  const port = await freePort();
  // No NODE_ENV: a development server, which creates the demo organizer on its first start.
  server = await startServer({ PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, TTS_DATA_DIR: join(workDir, 'data') });
  demo = JSON.parse(await readFile(join(workDir, 'data', 'demo.json'), 'utf8')) as DemoSetup;
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

/** Signs in as the demo organizer with the login page's one-click button. */
async function demoSignIn(page: Page): Promise<void> {
  await page.goto(`${server.url}/console/login`);
  await page.getByRole('button', { name: 'Sign in as the demo organizer' }).click();
  await page.waitForURL(`${server.url}/console`);
}

/** axe-core's serious and critical findings on the page, each as `rule: target (summary)`. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  // A string, run in the page: the server's tsconfig has no DOM types.
  const results = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] })")) as { violations: unknown[] };
  return (results.violations as Array<{ id: string; impact: string; nodes: Array<{ target: string[]; failureSummary: string }> }>)
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} (${n.failureSummary.replace(/\s+/g, ' ')})`));
}

/** What the page's clipboard holds (the context was granted clipboard-read). */
async function readClipboard(page: Page): Promise<string> {
  return (await page.evaluate('navigator.clipboard.readText()')) as string;
}

describe.skipIf(!browserAvailable)('the first five minutes, in Chromium', () => {
  it('opens / on a landing page that links everything a newcomer needs, and shows a readable 404', async () => {
    const page = await browser.newPage({ viewport: DESKTOP });
    const landing = await page.goto(`${server.url}/`);
    expect(landing?.status()).toBe(200);
    expect(await page.locator('h1').textContent()).toBe('Trendy Ticket Service');
    for (const name of ['Console', 'API reference', 'Demo page', 'Mailbox']) expect(await page.getByRole('link', { name, exact: true }).count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'first-run-landing');

    const missing = await page.goto(`${server.url}/no-such-page`);
    expect(missing?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('Page not found');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'first-run-404');
    await page.getByRole('link', { name: 'Go to the start page' }).click();
    expect(page.url()).toBe(`${server.url}/`);

    // The API keeps its JSON error for the same browser.
    const api404 = await page.goto(`${server.url}/v1/nope`);
    expect(api404?.headers()['content-type']).toMatch(/^application\/json/);
    await page.close();
  });

  it('signs in as the demo organizer from the banner on the sign-in page', async () => {
    const page = await browser.newPage({ viewport: DESKTOP });
    await page.goto(`${server.url}/console/login`);
    expect(await page.locator('.demo-banner').textContent()).toContain(`${demo.email} / ${demo.password}`);
    await screenshot(page, 'first-run-login-demo-banner');
    await page.getByRole('button', { name: 'Sign in as the demo organizer' }).click();
    await page.waitForURL(`${server.url}/console`);
    expect(await page.locator('.topbar .email').textContent()).toBe(demo.email);
    await page.close();
  });

  it('labels comps and tickets paid elsewhere under the revenue instead of adding nothing', async () => {
    const event = await api('GET', `/v1/events/${demo.eventId}`, demo.secretKey);
    const general = event.body.ticket_types[0].id as string;
    const holder = { name: 'Guest', email: 'guest@example.com' };
    expect((await api('POST', '/v1/tickets', demo.secretKey, { event: demo.eventId, ticket_type: general, holder, send_email: false })).status).toBe(201);
    const paidElsewhere = { event: demo.eventId, ticket_type: general, quantity: 2, holder, external_reference: 'box-office-1', send_email: false };
    expect((await api('POST', '/v1/tickets', demo.secretKey, paidElsewhere)).status).toBe(201);
    const stats = await api('GET', `/v1/events/${demo.eventId}/stats`, demo.secretKey);
    expect(stats.body).toMatchObject({ revenue: 0, issued: { total: 3, comps: 1, paid_elsewhere: 2 } });

    const page = await browser.newPage({ viewport: DESKTOP });
    await demoSignIn(page);
    const expected = 'paid through checkout · issued: 3, of which comps: 1, paid elsewhere: 2';
    expect(await page.locator('#fig-revenue .note').textContent()).toBe(expected);
    await screenshot(page, 'first-run-dashboard-issued');
    await page.goto(`${server.url}/console/events/${demo.eventId}`);
    expect(await page.locator('#fig-revenue .note').textContent()).toBe(expected);
    await page.close();
  });

  it('copies an embed snippet with one click and shows the checkout link as a QR code', async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => (message.type() === 'error' ? problems.push(message.text()) : undefined));
    page.on('pageerror', (err) => problems.push(err.message));
    await demoSignIn(page);
    // The console remembers the demo's publishable key once it is pasted (decision 0011).
    await page.goto(`${server.url}/console/events/${demo.eventId}`);
    await page.getByLabel('Publishable key').fill(demo.publishableKey);
    await page.getByRole('button', { name: 'Use this key' }).click();
    await page.waitForURL(/#embed$/);

    const link = `${server.url}/checkout/${demo.eventId}?key=${demo.publishableKey}`;
    expect((await page.locator('#snippet-link').textContent())?.trim()).toBe(link);
    const copyLink = page.getByRole('button', { name: /^(Copy|Copied) the checkout link$/ });
    await copyLink.click();
    await expect.poll(() => copyLink.textContent(), { timeout: 5_000 }).toBe('Copied the checkout link');
    expect(await page.getByRole('status').last().textContent()).toBe('The checkout link is on the clipboard.');
    expect(await readClipboard(page)).toBe(link);
    await page.getByRole('button', { name: 'Copy the script tag' }).click();
    expect(await readClipboard(page)).toContain(`<tts-checkout event="${demo.eventId}" key="${demo.publishableKey}"></tts-checkout>`);

    const qr = page.locator('#checkout-qr svg');
    expect(await qr.getAttribute('aria-label')).toBe('QR code of the checkout link for Monsoon Jazz Night');
    expect((await qr.boundingBox())?.width).toBeGreaterThan(100);
    await screenshot(page, 'first-run-event-page');
    await page.locator('#embed').screenshot({ path: join(ARTIFACTS_DIR, 'screenshots', 'first-run-embed-panel.png') });
    // The panel with its copy buttons and QR (the axe test below sees it before a key is known).
    expect(await seriousViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('finds no serious or critical accessibility problem on any console page', async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    const findings: Record<string, string[]> = {};
    const check = async (name: string, path: string) => {
      const res = await page.goto(`${server.url}${path}`);
      expect(res?.status(), path).toBeLessThan(400);
      findings[name] = await seriousViolations(page);
    };
    await check('login', '/console/login');
    await check('signup', '/console/signup');
    await demoSignIn(page);
    const event = `/console/events/${demo.eventId}`;
    await check('dashboard', '/console');
    await check('events list', '/console/events');
    await check('event page', event);
    await check('event edit', `${event}/edit`);
    await check('new event', '/console/events/new');
    await check('attendees', `${event}/attendees`);
    await check('scanner', `${event}/scan`);
    await screenshot(page, 'first-run-scanner');
    await check('developers', '/console/developers');
    expect(findings).toEqual({
      login: [],
      signup: [],
      dashboard: [],
      'events list': [],
      'event page': [],
      'event edit': [],
      'new event': [],
      attendees: [],
      scanner: [],
      developers: [],
    });
    await context.close();
  });
});
