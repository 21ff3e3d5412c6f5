/**
 * A live-mode waiting-list offer claimed from its mailed link and paid in Chromium: the claim
 * page (no script) hands the order to the hosted widget page (`/checkout/orders/:id/pay`), whose
 * first-party script keeps it for the widget, which opens at the pay step and pays through the
 * fake Razorpay Checkout. The server is the real process with live keys pointed at the fake.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeCheckoutScript, startFakeRazorpay, type FakeRazorpay } from '../fakes/fake-razorpay.js';
import { readyForLiveOverHttp } from '../helpers/account-security.js';
import { eventBody } from '../helpers/app.js';
import { browserAvailable, launchBrowser, screenshot } from '../helpers/browser.js';
import { freePort, startServer, type ServerProcess } from '../helpers/server-process.js';
import { cspViolations, mailedCode, watchCsp } from './e2e-helpers.js';

let dataDir: string;
let fake: FakeRazorpay;
let server: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  if (!browserAvailable) return;
  dataDir = await mkdtemp(join(tmpdir(), 'tts-waitlist-claim-'));
  fake = await startFakeRazorpay();
  const port = await freePort();
  [server, browser] = await Promise.all([
    startServer({
      TTS_DATA_DIR: dataDir,
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      RAZORPAY_KEY_ID: fake.keyId,
      RAZORPAY_KEY_SECRET: fake.keySecret,
      RAZORPAY_API_BASE: fake.apiBase,
      RAZORPAY_WEBHOOK_SECRET: 'whsec_waitlist_claim_0123456789abcdef',
      TTS_PLATFORM_COLLECTS: 'true',
    }),
    launchBrowser(),
  ]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await fake?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** A JSON call to the server; fails the test on anything but a 2xx. */
async function call(method: string, path: string, key: string | null, body?: unknown): Promise<Record<string, any>> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(key ? { Authorization: `Bearer ${key}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as Record<string, any>;
  expect(res.status, JSON.stringify(json)).toBeLessThan(300);
  return json;
}

/** The claim link in the offer mail to `email`, once the server's offer job has sent it. */
async function claimLink(email: string): Promise<string> {
  let link = '';
  await expect
    .poll(
      async () => {
        const mail = (await (await fetch(`${server.url}/dev/mailbox.json`)).json()) as Array<{ to: string; subject: string; text: string }>;
        link = mail.find((m) => m.to === email && /yours to claim/.test(m.subject))?.text.match(/https?:\/\/\S+\/waiting-list\/claim\/wlc_[0-9A-Za-z]+/)?.[0] ?? '';
        return link;
      },
      { timeout: 15_000, interval: 200 },
    )
    .not.toBe('');
  return link;
}

describe.skipIf(!browserAvailable)('a live waiting-list offer, in Chromium', () => {
  it('is claimed from its link and paid in the widget page through Razorpay Checkout, and its tickets are issued', async () => {
    const password = 'correct horse battery';
    const account = await call('POST', '/v1/accounts', null, { email: `wl-live-${Date.now()}@example.com`, password, name: 'Marine Drive Music Society' });
    await readyForLiveOverHttp(server.url, account.account.email, password);
    const sk = (await call('POST', '/v1/keys/roll', account.secret_key, { kind: 'secret', mode: 'live', password })).secret as string;
    const pk = (await call('POST', '/v1/keys/roll', sk, { kind: 'publishable' })).secret as string;
    const event = await call(
      'POST',
      '/v1/events',
      sk,
      eventBody({
        starts_at: '2031-01-10T14:00:00Z',
        ends_at: '2031-01-10T18:00:00Z',
        ticket_types: [
          { name: 'General', price: 49_900 },
          { name: 'VIP', price: 149_900, capacity: 1, max_per_order: 4 },
        ],
        waiting_list: { enabled: true },
      }),
    );
    const vip = event.ticket_types[1].id as string;

    // The one VIP seat is held by a first buyer; Meera joins the line and confirms her email.
    const first = await call('POST', '/v1/orders', pk, {
      event: event.id,
      items: [{ ticket_type: vip, quantity: 1 }],
      buyer: { name: 'Asha Rao', email: `asha-${Date.now()}@example.com` },
    });
    const email = `meera-${Date.now()}@example.com`;
    const entry = await call('POST', '/v1/waiting_list_entries', pk, { event: event.id, ticket_type: vip, quantity: 1, name: 'Meera Iyer', email });
    await call('POST', `/v1/waiting_list_entries/${entry.id}/verify`, pk, { client_secret: entry.client_secret, code: await mailedCode(server.url, email) });
    // The first buyer gives up: the seat goes to Meera, whose offer is mailed.
    await call('POST', `/v1/orders/${first.id}/cancel`, pk, { client_secret: first.client_secret });
    const link = await claimLink(email);

    const context = await browser.newContext({ viewport: { width: 420, height: 900 } });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    await watchCsp(page);
    await page.route('https://checkout.razorpay.com/v1/checkout.js', (route) => route.fulfill({ contentType: 'text/javascript; charset=utf-8', body: fakeCheckoutScript() }));
    await page.route('https://api.razorpay.com/**', async (route) => {
      const url = new URL(route.request().url());
      return route.fulfill({ response: await route.fetch({ url: `${fake.url}${url.pathname}${url.search}` }) });
    });

    await page.goto(link.replace(/^https?:\/\/[^/]+/, server.url));
    await page.getByRole('button', { name: 'Claim and pay' }).click();
    await page.getByRole('link', { name: 'Pay ₹1,499.00' }).click();
    await page.waitForURL(/\/checkout\/orders\/ord_[0-9A-Za-z]+\/pay\?key=/);
    await page.getByText('Paid securely through Razorpay.').waitFor();
    await screenshot(page, 'waitlist-claim-live-pay');
    await page.getByRole('button', { name: 'Pay ₹1,499.00' }).click();
    await page.getByRole('dialog', { name: 'Razorpay Checkout (fake)' }).getByRole('button', { name: 'Pay (fake)' }).click();
    await page.getByRole('heading', { name: 'You’re in!' }).waitFor();

    const claimed = await call('GET', `/v1/waiting_list_entries/${entry.id}`, sk);
    expect(claimed.status).toBe('claimed');
    const order = await call('GET', `/v1/orders/${claimed.order}`, sk);
    expect(order).toMatchObject({ status: 'paid', livemode: true, buyer: { email } });
    expect(order.tickets).toHaveLength(1);
    expect(await cspViolations(page)).toEqual([]);
    await context.close();
  }, 90_000);
});
