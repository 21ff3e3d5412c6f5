/**
 * A promo code in real Chromium: a partner site on its own origin, under a strict CSP that
 * allows only our server, embeds the built script; the attendee enters a code, the hidden type
 * it unlocks appears, and it is bought with the discount. The field comes from the extras
 * (`tts-checkout.extras.js`), which render with the script's own Lit.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventBody } from '../helpers/app.js';
import { browserAvailable, launchBrowser } from '../helpers/browser.js';
import { freePort, startServer, type ServerProcess } from '../helpers/server-process.js';
import { cspViolations, watchCsp } from './e2e-helpers.js';

let dataDir: string;
let server: ServerProcess;
let browser: Browser;
let partner: Server;
let partnerUrl: string;

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

let markup = '';

beforeAll(async () => {
  if (!browserAvailable) return;
  dataDir = await mkdtemp(join(tmpdir(), 'tts-widget-promo-'));
  const port = await freePort();
  [server, browser] = await Promise.all([startServer({ TTS_DATA_DIR: dataDir, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` }), launchBrowser()]);
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

/** An account selling General openly and a hidden type only the code BAND unlocks (₹100 off it). */
async function bandEvent(): Promise<{ event: any; sk: string; pk: string }> {
  const account = await call('POST', '/v1/accounts', null, { email: `promo-${Date.now()}@example.com`, password: 'correct horse battery', name: 'Marine Drive Music Society' });
  const sk = account.secret_key as string;
  const pk = (await call('POST', '/v1/keys/roll', sk, { kind: 'publishable' })).secret as string;
  const event = await call(
    'POST',
    '/v1/events',
    sk,
    eventBody({
      allowed_origins: [partnerUrl],
      require_email_verification: false,
      ticket_types: [
        { name: 'General', price: 49_900 },
        { name: 'Friends of the band', price: 29_900, hidden: true },
      ],
    }),
  );
  const friends = event.ticket_types[1].id as string;
  await call('POST', `/v1/events/${event.id}/promo_codes`, sk, { code: 'BAND', kind: 'fixed', value: 10_000, ticket_types: [friends], unlocks: [friends] });
  return { event, sk, pk };
}

describe.skipIf(!browserAvailable)('a promo code in <tts-checkout>, in Chromium', () => {
  it('shows the hidden type a code unlocks and sells it with the discount', async () => {
    const { event, sk, pk } = await bandEvent();
    markup = `<tts-checkout event="${event.id}" key="${pk}" api-base="${server.url}" quantity="0"></tts-checkout>`;

    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await watchCsp(page);
    await page.goto(`${partnerUrl}/`);
    await page.getByRole('button', { name: 'Buy tickets' }).click();
    await page.getByRole('heading', { name: 'Choose tickets' }).waitFor();
    expect(await page.getByText('Friends of the band').count()).toBe(0);
    await page.getByRole('button', { name: 'Have a code?' }).click();
    await page.getByLabel('Promo code').fill('band');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('BAND applied: ₹100.00 off each ticket on Friends of the band').waitFor();
    await page.getByRole('button', { name: 'Add one Friends of the band' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('tts-checkout #name').fill('Asha Rao');
    await page.locator('tts-checkout #email').fill(`asha.promo.${Date.now()}@example.com`);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('Discount (BAND)').waitFor();
    await page.getByRole('button', { name: 'Pay ₹199.00' }).click();
    await page.getByText('You’re in!').waitFor();

    const attendees = await call('GET', `/v1/events/${event.id}/attendees`, sk);
    expect(await call('GET', `/v1/orders/${attendees.data[0].order}`, sk)).toMatchObject({ status: 'paid', amount: 19_900, discount: { code: 'BAND', amount: 10_000 } });
    expect(await cspViolations(page)).toEqual([]);
  }, 60_000);

  it('applies the code of a `promo-code` attribute as the checkout opens, showing the type it unlocks', async () => {
    const { event, pk } = await bandEvent();
    markup = `<tts-checkout event="${event.id}" key="${pk}" api-base="${server.url}" quantity="0" promo-code="band"></tts-checkout>`;

    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await watchCsp(page);
    await page.goto(`${partnerUrl}/`);
    await page.getByRole('button', { name: 'Buy tickets' }).click();
    await page.getByText('BAND applied: ₹100.00 off each ticket on Friends of the band').waitFor();
    await page.getByRole('button', { name: 'Add one Friends of the band' }).waitFor();
    expect(await cspViolations(page)).toEqual([]);
  }, 60_000);
});
