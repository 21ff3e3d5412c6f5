/**
 * Live mode in real Chromium: a partner site on its own origin embeds the widget from the real
 * server process, which runs with live Razorpay keys pointed at the fake Razorpay. Requests for
 * Razorpay's `checkout.js` are routed to `fakeCheckoutScript()`, which completes (or fails)
 * payments against the fake Razorpay over HTTP, as the real Checkout would against Razorpay.
 * The partner page runs under the Content-Security-Policy that docs/widget.md asks partners for.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillPartnerPage, PARTNER_SITE } from '../../src/http/routes/demo.js';
import { RAZORPAY_CSP } from '../../src/http/routes/widget.js';
import { fakeCheckoutScript, startFakeRazorpay, type FakeRazorpay } from '../fakes/fake-razorpay.js';
import { browserAvailable, launchBrowser, screenshot } from '../helpers/browser.js';
import { eventBody } from '../helpers/app.js';
import { freePort, startServer, type ServerProcess } from '../helpers/server-process.js';
import { cspViolations, mailedCode, watchCsp } from './e2e-helpers.js';
import { readyForLiveOverHttp } from '../helpers/account-security.js';

const RAZORPAY_CHECKOUT_URL = 'https://checkout.razorpay.com/v1/checkout.js';

let dataDir: string;
let fake: FakeRazorpay;
let server: ServerProcess;
let browser: Browser;
let partner: Server;
let partnerUrl: string;
let live: { pk: string; eventId: string };
const WEBHOOK_SECRET = 'whsec_widget_live_0123456789abcdef';

/** The example partner page, edited as a partner would: their event, their key, our server. */
function servePartnerSite(tts: string): Promise<Server> {
  const csp = [
    "default-src 'none'",
    `script-src 'self' ${tts} ${RAZORPAY_CSP.script}`,
    `connect-src ${tts} ${RAZORPAY_CSP.connect}`,
    `img-src 'self' data: ${tts} ${RAZORPAY_CSP.img}`,
    `style-src 'self' ${RAZORPAY_CSP.style}`,
    `frame-src ${RAZORPAY_CSP.frame}`,
    `form-action 'self' ${RAZORPAY_CSP.form}`,
  ].join('; ');
  const site = createServer(async (req, res) => {
    const file = { '/': 'index.html', '/styles.css': 'styles.css', '/partner.js': 'partner.js' }[req.url ?? ''];
    if (!file) return void res.writeHead(404).end();
    let body = await readFile(join(PARTNER_SITE, file), 'utf8');
    if (file === 'index.html') body = fillPartnerPage(body, { eventId: live.eventId, publishableKey: live.pk }).replace('src="/widget/v1/', `src="${tts}/widget/v1/`);
    const type = { 'index.html': 'text/html', 'styles.css': 'text/css', 'partner.js': 'text/javascript' }[file];
    res.writeHead(200, { 'Content-Type': `${type}; charset=utf-8`, 'Content-Security-Policy': csp }).end(body);
  });
  return new Promise((resolve) => site.listen(0, '127.0.0.1', () => resolve(site)));
}

beforeAll(async () => {
  if (!browserAvailable) return;
  dataDir = await mkdtemp(join(tmpdir(), 'tts-widget-live-'));
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
      RAZORPAY_WEBHOOK_SECRET: WEBHOOK_SECRET,
      TTS_PLATFORM_COLLECTS: 'true',
    }),
    launchBrowser(),
  ]);
  partner = await servePartnerSite(server.url);
  partnerUrl = `http://127.0.0.1:${(partner.address() as AddressInfo).port}`;

  // An organizer's live keys (they need the password) and a live event sold from the partner's origin.
  const call = async (path: string, key: string | null, body: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(key ? { Authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, any>;
    expect(res.status, JSON.stringify(json)).toBeLessThan(300);
    return json;
  };
  const account = await call('/v1/accounts', null, { email: `live-${Date.now()}@example.com`, password: 'correct horse battery', name: 'Marine Drive Music Society' });
  // Live keys wait for a verified email and two-step sign-in (docs/account-security.md#before-live-mode).
  await readyForLiveOverHttp(server.url, account.account.email, 'correct horse battery');
  const sk = (await call('/v1/keys/roll', account.secret_key, { kind: 'secret', mode: 'live', password: 'correct horse battery' })).secret as string;
  const pk = (await call('/v1/keys/roll', sk, { kind: 'publishable' })).secret as string;
  const event = await call('/v1/events', sk, eventBody({ starts_at: '2031-01-10T14:00:00Z', ends_at: '2031-01-10T18:00:00Z', allowed_origins: [partnerUrl] }));
  expect(event.livemode).toBe(true);
  live = { pk, eventId: event.id as string };
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await fake?.close();
  await new Promise<void>((resolve) => (partner ? partner.close(() => resolve()) : resolve()));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Opens the partner page's checkout and walks a buyer to the pay step: one ticket, details, the mailed code. */
async function toPayStep(page: Page, who: { name: string; email: string }): Promise<void> {
  await page.goto(partnerUrl);
  await page.getByRole('button', { name: 'Book tickets' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Full name').fill(who.name);
  await page.getByLabel('Email').fill(who.email);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Code').fill(await mailedCode(server.url, who.email));
}

/** Routes Razorpay's script to the fake Checkout, and its API calls to the fake Razorpay; counts script loads. */
async function routeRazorpay(page: Page): Promise<{ scriptLoads: () => number }> {
  let loads = 0;
  await page.route(RAZORPAY_CHECKOUT_URL, (route) => {
    loads += 1;
    return route.fulfill({ contentType: 'text/javascript; charset=utf-8', body: fakeCheckoutScript() });
  });
  await page.route('https://api.razorpay.com/**', async (route) => {
    const url = new URL(route.request().url());
    const response = await route.fetch({ url: `${fake.url}${url.pathname}${url.search}` });
    return route.fulfill({ response });
  });
  return { scriptLoads: () => loads };
}

const dialogOpen = (page: Page) => page.locator('tts-checkout dialog').evaluate((d) => (d as unknown as { open: boolean }).open);

describe.skipIf(!browserAvailable)('<tts-checkout> in live mode, in Chromium', () => {
  it('embeds on another origin, loads Razorpay Checkout only at Pay, survives a failed payment and pays', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await watchCsp(page);
    const razorpay = await routeRazorpay(page);
    const who = { name: 'Asha Rao', email: `live-buyer-${Date.now()}@example.com`, phone: '+91 98765 43210' };

    await page.goto(partnerUrl);
    await page.getByRole('button', { name: 'Book tickets' }).click();
    await page.getByRole('heading', { name: 'Choose tickets' }).waitFor();
    expect(await page.locator('tts-checkout').getByText('TEST MODE').count()).toBe(0);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Full name').fill(who.name);
    await page.getByLabel('Email').fill(who.email);
    await page.getByLabel('Phone (optional)').fill(who.phone);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Code').fill(await mailedCode(server.url, who.email));

    await page.getByText('Paid securely through Razorpay.').waitFor();
    await screenshot(page, 'live-1280-4-pay');
    expect(razorpay.scriptLoads()).toBe(0);

    // First attempt fails inside Razorpay; closing its window brings our dialog back with the reason.
    await page.getByRole('button', { name: 'Pay ₹499.00' }).click();
    const checkout = page.getByRole('dialog', { name: 'Razorpay Checkout (fake)' });
    await checkout.waitFor();
    expect(razorpay.scriptLoads()).toBe(1);
    await expect.poll(() => dialogOpen(page)).toBe(false);
    await screenshot(page, 'live-1280-razorpay-window');
    const opened = await page.evaluate(() => (globalThis as unknown as { __razorpayOpened: Array<Record<string, any>> }).__razorpayOpened);
    expect(opened[0]).toMatchObject({
      key: fake.keyId,
      amount: 49_900,
      currency: 'INR',
      name: 'Monsoon Jazz Night',
      description: '1 × General',
      prefill: { name: who.name, email: who.email, contact: who.phone.replace(/[^\d+]/g, '') },
      theme: { color: '#9d174d' },
    });
    expect(fake.orders.get(opened[0]!.order_id)).toMatchObject({ amount: 49_900, status: 'created' });
    await checkout.getByRole('button', { name: 'Fail (fake)' }).click();
    await expect.poll(() => [...fake.payments.values()].some((p) => p.status === 'failed')).toBe(true);
    await checkout.getByRole('button', { name: 'Close (fake)' }).click();
    await expect.poll(() => dialogOpen(page)).toBe(true);
    await page.locator('tts-checkout').getByText('The payment did not go through: Payment was unsuccessful due to a temporary issue.').waitFor();
    await screenshot(page, 'live-1280-payment-failed');

    // Second attempt pays: the script is not loaded again, and the tickets appear.
    await page.getByRole('button', { name: 'Pay ₹499.00' }).click();
    await checkout.getByRole('button', { name: 'Pay (fake)' }).click();
    await page.getByRole('heading', { name: 'You’re in!' }).waitFor();
    expect(razorpay.scriptLoads()).toBe(1);
    await expect
      .poll(() => page.locator('tts-checkout [part="qr"]').evaluateAll((imgs) => imgs.length === 1 && (imgs[0] as unknown as { naturalWidth: number }).naturalWidth > 0))
      .toBe(true);
    const captured = [...fake.payments.values()].filter((p) => p.status === 'captured');
    expect(captured).toHaveLength(1);
    expect(captured[0]).toMatchObject({ order_id: opened[0]!.order_id, amount: 49_900 });
    expect(await page.locator('#thanks').textContent()).toBe('Thank you, Asha Rao! 1 ticket booked. See you at the show.');
    await screenshot(page, 'live-1280-5-done');
    expect(await cspViolations(page)).toEqual([]);
    await context.close();
  });

  it('resumes after the tab reloads while the buyer pays in a UPI app: confirming at once, then the tickets when Razorpay reports the payment', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await watchCsp(page);
    await routeRazorpay(page);
    const who = { name: 'Rohan Das', email: `upi-buyer-${Date.now()}@example.com` };

    await toPayStep(page, who);
    await page.getByRole('button', { name: 'Pay ₹499.00' }).click();
    await page.getByRole('dialog', { name: 'Razorpay Checkout (fake)' }).waitFor();
    const opened = await page.evaluate(() => (globalThis as unknown as { __razorpayOpened: Array<Record<string, any>> }).__razorpayOpened);
    const gatewayOrderId = opened[0]!.order_id as string;

    // The buyer approves in their UPI app, and Razorpay captures the payment; meanwhile the
    // phone reloads the tab, so Checkout's handler never runs and the page never calls /pay.
    const paid = fake.pay(gatewayOrderId, { capture: true });
    await page.reload();

    // The widget picks the order up at once and says it is confirming, with no Pay button to press twice.
    await page.locator('tts-checkout .confirming').getByText('Confirming your payment…').waitFor();
    expect(await dialogOpen(page)).toBe(true);
    expect(await page.getByRole('button', { name: 'Pay ₹499.00' }).getAttribute('aria-disabled')).toBe('true');
    await screenshot(page, 'live-390-upi-reload-confirming');

    // Razorpay's webhook arrives; the widget shows the tickets without the buyer doing anything.
    const delivered = await fake.sendWebhook(`${server.url}/v1/gateway/razorpay/webhook`, 'payment.captured', { paymentId: paid.paymentId }, { secret: WEBHOOK_SECRET });
    expect(delivered.status, delivered.responseBody).toBe(200);
    await page.getByRole('heading', { name: 'You’re in!' }).waitFor({ timeout: 15_000 });
    await expect.poll(() => page.locator('tts-checkout [part="ticket"]').count()).toBe(1);
    expect([...fake.payments.values()].filter((p) => p.order_id === gatewayOrderId && p.status === 'captured')).toHaveLength(1);
    await screenshot(page, 'live-390-upi-reload-tickets');
    expect(await cspViolations(page)).toEqual([]);
    await context.close();
  }, 45_000);

  it('pays through Razorpay’s redirect flow inside an in-app browser and lands on the order page with the tickets', async () => {
    const instagram =
      'Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/UQ1A.240205.004; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/122.0.6261.105 Mobile Safari/537.36 Instagram 321.0.0.32.112 Android';
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, userAgent: instagram });
    const page = await context.newPage();
    await watchCsp(page);
    await routeRazorpay(page);
    const who = { name: 'Kavya Menon', email: `inapp-buyer-${Date.now()}@example.com` };

    await toPayStep(page, who);
    await page.getByText('Paid securely through Razorpay.').waitFor();
    await page.getByRole('button', { name: 'Pay ₹499.00' }).click();
    const checkout = page.getByRole('dialog', { name: 'Razorpay Checkout (fake)' });
    await checkout.waitFor();
    const opened = await page.evaluate(() => (globalThis as unknown as { __razorpayOpened: Array<Record<string, any>> }).__razorpayOpened);
    expect(opened[0]).toMatchObject({ redirect: true, callback_url: expect.stringMatching(new RegExp(`^${server.url}/gateway/razorpay/callback/ord_\\w+\\?key=pk_live_`)) });
    expect(await cspViolations(page)).toEqual([]);

    // Razorpay's page posts the payment to the callback, which lands the buyer on the order's page.
    await checkout.getByRole('button', { name: 'Pay (fake)' }).click();
    await page.waitForURL(new RegExp(`^${server.url}/checkout/orders/ord_\\w+\\?key=pk_live_`));
    const captured = [...fake.payments.values()].filter((p) => p.order_id === opened[0]!.order_id && p.status === 'captured');
    expect(captured).toHaveLength(1);
    const ticketIds = async () =>
      new Set((await page.locator('a[href*="/tickets/tkt_"]').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''))).map((href) => /tkt_\w+/.exec(href)?.[0]));
    expect(await ticketIds()).toEqual(new Set([expect.stringMatching(/^tkt_/)]));
    await screenshot(page, 'live-390-inapp-order-page');
    await context.close();
  });
});
