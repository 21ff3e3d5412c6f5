/**
 * The attributes partners set up `<tts-checkout>` with, in real Chromium: a partner site on its
 * own origin embeds the built script from the real server; tickets chosen in advance, the
 * ticket types shown, the buyer filled in, the campaign from the page's `utm_*` and the
 * `tracking` attribute (kept on the order, counted in the stats), inline mode, and `open()`
 * with the same options. The part that reads them is fetched only by pages that use them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchBrowser } from '../helpers/browser.js';
import { eventBody } from '../helpers/app.js';
import { freePort, startServer, type ServerProcess } from '../helpers/server-process.js';
import { cspViolations, watchCsp } from './e2e-helpers.js';

// Callbacks given to `page.evaluate` run in the page; the server's program has no DOM types.
declare const document: any;

let dataDir: string;
let server: ServerProcess;
let browser: Browser;
let partner: Server;
let partnerUrl: string;
let org: { sk: string; pk: string; eventId: string; general: string; vip: string };
/** The checkout markup of each partner page, by path. */
const pages = new Map<string, string>();

/** The partner's site: each page is one `<tts-checkout>` under a strict policy that allows our server. */
function servePartnerSite(tts: string): Promise<Server> {
  const csp = [`default-src 'none'`, `script-src 'self' ${tts}`, `connect-src ${tts}`, `img-src 'self' data: ${tts}`, `style-src 'self'`].join('; ');
  const site = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const markup = pages.get(path);
    if (!markup) return void res.writeHead(404).end();
    const body = `<!doctype html><html lang="en"><title>Partner</title><h1>Partner</h1>${markup}<script src="${tts}/widget/v1/tts-checkout.js" async></script></html>`;
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': csp }).end(body);
  });
  return new Promise((resolve) => site.listen(0, '127.0.0.1', () => resolve(site)));
}

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

beforeAll(async () => {
  if (!browserAvailable) return;
  dataDir = await mkdtemp(join(tmpdir(), 'tts-widget-attrs-'));
  const port = await freePort();
  [server, browser] = await Promise.all([startServer({ TTS_DATA_DIR: dataDir, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` }), launchBrowser()]);
  partner = await servePartnerSite(server.url);
  partnerUrl = `http://127.0.0.1:${(partner.address() as AddressInfo).port}`;
  const account = await call('POST', '/v1/accounts', null, { email: `attrs-${Date.now()}@example.com`, password: 'correct horse battery', name: 'Marine Drive Music Society' });
  const sk = account.secret_key as string;
  const pk = (await call('POST', '/v1/keys/roll', sk, { kind: 'publishable' })).secret as string;
  const event = await call(
    'POST',
    '/v1/events',
    sk,
    eventBody({ starts_at: '2031-01-10T14:00:00Z', ends_at: '2031-01-10T18:00:00Z', allowed_origins: [partnerUrl], require_email_verification: false }),
  );
  org = { sk, pk, eventId: event.id, general: event.ticket_types[0].id, vip: event.ticket_types[1].id };
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await new Promise<void>((resolve) => (partner ? partner.close(() => resolve()) : resolve()));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** A fresh page that records which of the checkout's parts it fetched. */
async function newPage(): Promise<{ page: Page; fetched: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await watchCsp(page);
  const fetched: string[] = [];
  page.on('request', (request) => {
    const part = request.url().match(/tts-checkout\.(options|razorpay|hi)\.js/)?.[1];
    if (part) fetched.push(part);
  });
  return { page, fetched };
}

/** Each ticket row's name and chosen count, as the buyer sees them. */
function rows(page: Page): Promise<Array<[string, string]>> {
  return page
    .locator('tts-checkout [part="ticket-type"]')
    .evaluateAll((els: any[]) => els.map((el) => [el.querySelector('b').textContent, el.querySelector('output')?.textContent ?? '']));
}

const checkoutAttrs = () => `event="${org.eventId}" key="${org.pk}" api-base="${server.url}"`;

describe.skipIf(!browserAvailable)('<tts-checkout> attributes in Chromium', () => {
  it('opens with the chosen tickets of the listed types and the buyer filled in, and sends the campaign with the order', async () => {
    pages.set(
      '/tickets',
      `<tts-checkout ${checkoutAttrs()} items="${org.vip}:2,${org.general}:5" ticket-types="${org.vip}" buyer-name="Asha Rao" buyer-email="asha.attrs@example.com" prefill-phone="+91 98765 43210" tracking="campaign=diwali&amp;medium=email"></tts-checkout>`,
    );
    const { page, fetched } = await newPage();
    await page.goto(`${partnerUrl}/tickets?utm_source=newsletter&utm_campaign=spring`);
    await page.getByRole('button', { name: 'Buy tickets' }).click();
    await page.getByRole('heading', { name: 'Choose tickets' }).waitFor();
    // Only VIP shows (General was chosen too, but is not a listed type), with the two chosen.
    expect(await rows(page)).toEqual([['VIP', '2']]);
    await page.getByText('₹2,998.00').first().waitFor();
    await page.getByRole('button', { name: 'Continue' }).click();
    const field = (id: string) => page.locator(`tts-checkout #${id}`).inputValue();
    expect([await field('name'), await field('email'), await field('phone')]).toEqual(['Asha Rao', 'asha.attrs@example.com', '+91 98765 43210']);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: /^Pay ₹/ }).click();
    await page.getByText('You’re in!').waitFor();

    const attendees = await call('GET', `/v1/events/${org.eventId}/attendees`, org.sk);
    expect(attendees.data.map((t: { campaign: string | null }) => t.campaign)).toEqual(['diwali', 'diwali']);
    const order = await call('GET', `/v1/orders/${attendees.data[0].order}`, org.sk);
    // The page's utm_source stays; the attribute's campaign and medium win over the page's.
    expect(order.tracking).toEqual({ source: 'newsletter', medium: 'email', campaign: 'diwali' });
    expect((await call('GET', `/v1/events/${org.eventId}/stats`, org.sk)).by_campaign).toEqual([{ campaign: 'diwali', tickets: 2, revenue: 2 * 149_900 }]);
    expect(fetched).toEqual(['options']);
    expect(await cspViolations(page)).toEqual([]);
  });

  it('renders inline without a button or dialog, fetches nothing extra until open() is given options, then applies them', async () => {
    pages.set('/inline', `<tts-checkout ${checkoutAttrs()} mode="inline"></tts-checkout>`);
    const { page, fetched } = await newPage();
    await page.goto(`${partnerUrl}/inline`);
    await page.getByRole('heading', { name: 'Choose tickets' }).waitFor();
    expect(await page.locator('tts-checkout dialog').count()).toBe(0);
    expect(await page.locator('tts-checkout [part="button"]').count()).toBe(0);
    // Without options the first type on sale starts at one, as before, and nothing more is fetched.
    expect(await rows(page)).toEqual([
      ['General', '1'],
      ['VIP', '0'],
    ]);
    expect(fetched).toEqual([]);

    await page.evaluate(
      ({ vip }) =>
        document
          .querySelector('tts-checkout')
          .open({ items: { [vip]: 3 }, buyer: { name: 'Ravi Kumar', email: 'ravi.attrs@example.com' }, tracking: { campaign: 'instagram-reel' } }),
      { vip: org.vip },
    );
    await expect
      .poll(() => rows(page))
      .toEqual([
        ['General', '0'],
        ['VIP', '3'],
      ]);
    await page.getByRole('button', { name: 'Continue' }).click();
    expect(await page.locator('tts-checkout #email').inputValue()).toBe('ravi.attrs@example.com');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: /^Pay ₹/ }).click();
    await page.getByText('You’re in!').waitFor();
    const stats = await call('GET', `/v1/events/${org.eventId}/stats`, org.sk);
    expect(stats.by_campaign).toContainEqual({ campaign: 'instagram-reel', tickets: 3, revenue: 3 * 149_900 });
    expect(fetched).toEqual(['options']);
    expect(await cspViolations(page)).toEqual([]);
  });
});
