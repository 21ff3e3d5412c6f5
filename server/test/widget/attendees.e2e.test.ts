/**
 * Attendee names and a question in real Chromium: a partner site on its own origin, under a
 * strict CSP that allows only our server, embeds the built script; three tickets are bought
 * with a name each and an answer, typed with the keyboard alone. The fields come from the
 * attendee part (`tts-checkout.attendees.js`), fetched on the details step.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventBody } from '../helpers/app.js';
import { browserAvailable, launchBrowser } from '../helpers/browser.js';
import { freePort, startServer, type ServerProcess } from '../helpers/server-process.js';
import { cspViolations, focusedName, tabTo, watchCsp } from './e2e-helpers.js';

const AXE = fileURLToPath(new URL('../../../node_modules/axe-core/axe.min.js', import.meta.url));

let dataDir: string;
let server: ServerProcess;
let browser: Browser;
let partner: Server;
let partnerUrl: string;
let axeSource: string;
let markup = '';

async function call(method: string, path: string, key: string | null, body?: unknown): Promise<any> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(key ? { Authorization: `Bearer ${key}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = await res.json();
  expect(res.status, JSON.stringify(json)).toBeLessThan(300);
  return json;
}

/** axe-core on the checkout (shadow DOM included): the serious and critical violations, named. */
async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(axeSource);
  const found = (await page.evaluate(async () => {
    const result = await (globalThis as any).axe.run((globalThis as any).document.querySelector('tts-checkout'), { resultTypes: ['violations'] });
    return result.violations.map((v: any) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n: any) => n.target.join(' ')) }));
  })) as Array<{ id: string; impact: string; nodes: string[] }>;
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}) at ${v.nodes.join(', ')}`);
}

beforeAll(async () => {
  if (!browserAvailable) return;
  dataDir = await mkdtemp(join(tmpdir(), 'tts-widget-attendees-'));
  const port = await freePort();
  [server, browser, axeSource] = await Promise.all([
    startServer({ TTS_DATA_DIR: dataDir, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` }),
    launchBrowser(),
    readFile(AXE, 'utf8'),
  ]);
  const tts = server.url;
  const csp = [`default-src 'none'`, `script-src 'self' ${tts}`, `connect-src ${tts}`, `img-src 'self' data: ${tts}`, `style-src 'self'`].join('; ');
  partner = createServer((_req, res) => {
    const body = `<!doctype html><html lang="en"><title>Partner</title><h1>Partner</h1>${markup}<script src="${tts}/widget/v1/tts-checkout.js" async></script></html>`;
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': csp }).end(body);
  });
  await new Promise<void>((resolve) => partner.listen(0, '127.0.0.1', () => resolve()));
  partnerUrl = `http://127.0.0.1:${(partner.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await new Promise<void>((resolve) => (partner ? partner.close(() => resolve()) : resolve()));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe.skipIf(!browserAvailable)('attendee names and questions in <tts-checkout>, in Chromium', () => {
  it('buys three tickets for three named attendees with the order’s answer, by keyboard, and the step passes axe', async () => {
    const account = await call('POST', '/v1/accounts', null, {
      email: `attendees-${Date.now()}@example.com`,
      password: 'correct horse battery',
      name: 'Marine Drive Music Society',
    });
    const sk = account.secret_key as string;
    const pk = (await call('POST', '/v1/keys/roll', sk, { kind: 'publishable' })).secret as string;
    const event = await call('POST', '/v1/events', sk, eventBody({ allowed_origins: [partnerUrl], require_email_verification: false, attendee_details: 'name' }));
    const company = await call('POST', `/v1/events/${event.id}/questions`, sk, { label: 'Company', kind: 'text', required: true });
    markup = `<tts-checkout event="${event.id}" key="${pk}" api-base="${server.url}" quantity="3"></tts-checkout>`;

    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await watchCsp(page);
    await page.goto(`${partnerUrl}/`);
    await page.getByRole('button', { name: 'Buy tickets' }).click();
    await page.getByRole('heading', { name: 'Choose tickets' }).waitFor();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('tts-checkout #name').fill('Asha Rao');
    await page.locator('tts-checkout #email').fill(`asha.attendees.${Date.now()}@example.com`);
    await page.getByText('Ticket 3 of 3: General').waitFor();
    expect(await axeViolations(page)).toEqual([]);

    // The keyboard alone: Tab to each name, type it, then the question; Enter continues.
    const names = ['Ravi Kumar', 'Meera Iyer', 'Kabir Shah'];
    await page.locator('tts-checkout #email').focus();
    for (const name of names) {
      await tabTo(page, /^Attendee name\s*\*$/);
      await page.keyboard.type(name);
    }
    await tabTo(page, /^Company\s*\*$/);
    await page.keyboard.type('Acme');
    expect(await focusedName(page)).toMatch(/^Company/);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: /Pay ₹/ }).click();
    await page.getByText('You’re in!').waitFor();

    const attendees = await call('GET', `/v1/events/${event.id}/attendees`, sk);
    const order = await call('GET', `/v1/orders/${attendees.data[0].order}`, sk);
    expect(order.status).toBe('paid');
    expect(order.answers).toEqual({ [company.id]: 'Acme' });
    expect(order.tickets.map((t: { holder: { name: string } }) => t.holder.name)).toEqual(names);
    expect(await cspViolations(page)).toEqual([]);
  }, 60_000);
});
