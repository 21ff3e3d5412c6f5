import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchBrowser, screenshot } from '../helpers/browser.js';
import { freePort, startServer, type ServerProcess } from '../helpers/server-process.js';

/**
 * The console in a real Chromium against the real server process: sign up, create an event in
 * the form, buy through the API, then admit at the door through the hardware-scanner field,
 * refuse the second scan, ride out a network drop, and read a QR code with the camera.
 */

const PASSWORD = 'correct horse battery';
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 375, height: 812 };

let server: ServerProcess;
let browser: Browser;
let workDir: string;

beforeAll(async () => {
  if (!browserAvailable) return;
  workDir = await mkdtemp(join(tmpdir(), 'tts-console-e2e-'));
  const port = await freePort();
  // The public URL is the address the browser uses, so the Origin check sees our own origin.
  server = await startServer({ PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, TTS_DATA_DIR: join(workDir, 'data') });
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

/** A fresh browser context that records what the CSP refused and any script error. */
async function openContext(): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    // A fetch refused while the test has the browser offline is the point of that step, not a fault.
    if (message.type() === 'error' && !message.text().includes('ERR_INTERNET_DISCONNECTED')) problems.push(message.text());
  });
  page.on('pageerror', (err) => problems.push(err.message));
  return { context, page, problems };
}

async function api<T = any>(method: string, path: string, key: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** Buys `quantity` tickets through the API exactly as a partner page would: order, email code, test payment. */
async function buyTickets(pk: string, event: string, ticketType: string, quantity: number, email: string) {
  const order = await api('POST', '/v1/orders', pk, { event, items: [{ ticket_type: ticketType, quantity }], buyer: { name: 'Asha Rao', email } });
  expect(order.status, JSON.stringify(order.body)).toBe(201);
  // The outbox worker mails the code within a second or so.
  let code: string | undefined;
  await expect
    .poll(
      async () => {
        const mail = (await (await fetch(`${server.url}/dev/mailbox.json`)).json()) as Array<{ to: string; text: string }>;
        code = mail.find((m) => m.to === email)?.text.match(/\b(\d{6})\b/)?.[1];
        return code;
      },
      { timeout: 15_000, interval: 200 },
    )
    .toMatch(/^\d{6}$/);
  const verified = await api('POST', `/v1/orders/${order.body.id}/verify`, pk, { client_secret: order.body.client_secret, code });
  expect(verified.status, JSON.stringify(verified.body)).toBe(200);
  const gatewayOrder = verified.body.payment.gateway_order_id as string;
  const simulated = await api('POST', '/v1/test-gateway/payments', pk, { gateway_order_id: gatewayOrder, outcome: 'success' });
  const paid = await api('POST', `/v1/orders/${order.body.id}/pay`, pk, {
    client_secret: order.body.client_secret,
    gateway_order_id: gatewayOrder,
    gateway_payment_id: simulated.body.gateway_payment_id,
    signature: simulated.body.signature,
  });
  expect(paid.status, JSON.stringify(paid.body)).toBe(200);
  return paid.body.tickets as Array<{ id: string; code: string }>;
}

/** `YYYY-MM-DDTHH:mm` in India, `days` from now: what a datetime-local input takes. */
function indiaWallTime(days: number, hour: number): string {
  const date = new Date(Date.now() + days * 24 * 60 * 60_000 + 5.5 * 60 * 60_000).toISOString().slice(0, 10);
  return `${date}T${String(hour).padStart(2, '0')}:00`;
}

/** Types a code into the scanner field as a hardware scanner does: characters, then Enter. */
/**
 * Signs up in the console as a new organizer and issues free tickets through the API for a
 * new event, so a scanner test starts with tickets to scan.
 */
async function organizerWithFreeTickets(
  page: Page,
  org: string,
  quantity: number,
): Promise<{ sk: string; email: string; eventId: string; tickets: Array<{ id: string; code: string }> }> {
  const slug = org.toLowerCase().replace(/\W+/g, '-');
  const email = `${slug}-${Date.now()}@example.com`;
  await page.goto(`${server.url}/console/signup`);
  await page.getByLabel('Organization name').fill(org);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  const sk = (await page.locator('#secret-key').textContent())!.trim();
  const created = await api('POST', '/v1/events', sk, {
    name: `${org} Night`,
    starts_at: new Date(Date.now() + 86_400_000).toISOString(),
    ends_at: new Date(Date.now() + 90_000_000).toISOString(),
    capacity: 10,
    ticket_types: [{ name: 'General', price: 0 }],
  });
  const issued = await api('POST', '/v1/tickets', sk, {
    event: created.body.id,
    ticket_type: created.body.ticket_types[0].id,
    holder: { name: 'Asha Rao', email: `${slug}-holder-${Date.now()}@example.com` },
    quantity,
    send_email: false,
  });
  expect(issued.status, JSON.stringify(issued.body)).toBe(201);
  return { sk, email, eventId: created.body.id, tickets: issued.body.data };
}

async function wedgeScan(page: Page, code: string) {
  await page.locator('#code').focus();
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
}

const verdict = (page: Page) => page.locator('#result-verdict').textContent();

describe.skipIf(!browserAvailable)('the console in Chromium', () => {
  it('signs up, creates an event, admits a bought ticket once at the door and counts it', { timeout: 120_000 }, async () => {
    const { context, page, problems } = await openContext();
    const email = `owner-${Date.now()}@example.com`;

    // Sign up: the keys are shown once.
    await page.goto(`${server.url}/console/signup`);
    await page.getByLabel('Organization name').fill('Sea Breeze Events');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    const sk = (await page.locator('#secret-key').textContent())!.trim();
    const pk = (await page.locator('#publishable-key').textContent())!.trim();
    expect(sk).toMatch(/^sk_test_/);
    expect(pk).toMatch(/^pk_test_/);

    // Create an event through the form.
    await page.getByRole('link', { name: 'Create your first event' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Sunset Sessions');
    await page.getByLabel('Venue').fill('Carter Road Amphitheatre, Mumbai');
    await page.getByLabel('Starts').fill(indiaWallTime(2, 18));
    await page.getByLabel('Ends').fill(indiaWallTime(2, 22));
    await page.getByLabel('Capacity').fill('200');
    await page.locator('#f-ticket_types-0-name').fill('General');
    await page.locator('#f-ticket_types-0-price').fill('799');
    await page.getByRole('button', { name: 'Create event' }).click();
    await page.waitForURL(/\/console\/events\/evt_[0-9A-Za-z]+\?notice=created$/);
    const eventId = /evt_[0-9A-Za-z]+/.exec(page.url())![0];
    // The Embed panel carries the publishable key this browser was shown at sign-up.
    expect(await page.locator('#snippet-script').textContent()).toContain(`<tts-checkout event="${eventId}" key="${pk}"></tts-checkout>`);
    const event = await api('GET', `/v1/events/${eventId}`, sk);
    expect(event.body).toMatchObject({ name: 'Sunset Sessions', capacity: 200, timezone: 'Asia/Kolkata' });
    expect(event.body.ticket_types[0]).toMatchObject({ name: 'General', price: 79_900 });

    // A buyer pays for three tickets through the API.
    const [first, second, third] = await buyTickets(pk, eventId, event.body.ticket_types[0].id, 3, `buyer-${Date.now()}@example.com`);
    expect([first, second, third].every(Boolean)).toBe(true);

    // The door: the hardware scanner types the QR content and Enter.
    await page.goto(`${server.url}/console/events/${eventId}/scan`);
    await expect.poll(() => page.locator('#count-total').textContent()).toBe('3');
    await wedgeScan(page, first!.code);
    await expect.poll(() => verdict(page)).toBe('ADMITTED');
    expect(await page.locator('#result').isVisible()).toBe(true);
    expect(await page.locator('#result-holder').textContent()).toBe('Asha Rao');
    expect(await page.locator('#result-type').textContent()).toBe('General');
    expect(await page.locator('#count-in').textContent()).toBe('1');
    await screenshot(page, 'console-scanner-admitted-1280');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'console-scanner-admitted-375');
    await page.setViewportSize(DESKTOP);

    // The same ticket again: refused, naming when (and by whom) it was first scanned.
    await wedgeScan(page, first!.code);
    await expect.poll(() => verdict(page)).toBe('REFUSED');
    expect(await page.locator('#result-reason').textContent()).toBe('Already checked in');
    const detail = (await page.locator('#result-detail').textContent())!;
    expect(detail).toMatch(new RegExp(`^First scanned \\d{1,2} \\w{3} \\d{4}, \\d{1,2}:\\d{2} [ap]m IST by ${email.replace(/[.]/g, '\\.')}$`));
    const log = await api('GET', `/v1/events/${eventId}/checkins`, sk);
    const admission = log.body.data.find((c: { result: string }) => c.result === 'accepted');
    expect(detail).toContain(new Intl.DateTimeFormat('en-IN', { timeZone: 'Asia/Kolkata', hour: 'numeric', minute: '2-digit' }).format(new Date(admission.at)));
    expect(await page.locator('#count-in').textContent()).toBe('1');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'console-scanner-refused-375');
    await page.setViewportSize(DESKTOP);
    await screenshot(page, 'console-scanner-refused-1280');
    // The recent scans list keeps both, newest first.
    await expect.poll(() => page.locator('#recent li .verdict').allTextContents()).toEqual(['REFUSED', 'ADMITTED']);

    // Brief network loss: scans wait in the queue, each with its nonce, and go out in order, once each,
    // when the network is back. The codes of the scans the server answered, in the order sent:
    const answered: string[] = [];
    page.on('response', (response) => {
      const request = response.request();
      if (request.method() === 'POST' && request.url().endsWith(`/console/events/${eventId}/scan`)) answered.push(JSON.parse(request.postData()!).code);
    });
    await page.keyboard.press('Escape');
    await context.setOffline(true);
    await wedgeScan(page, second!.id);
    await expect.poll(() => page.locator('#queued').textContent()).toBe('1 queued');
    expect(await page.locator('#queued').isVisible()).toBe(true);
    await expect.poll(() => verdict(page)).toBe('QUEUED');
    await wedgeScan(page, third!.code);
    await expect.poll(() => page.locator('#queued').textContent()).toBe('2 queued');
    await expect.poll(() => page.locator('#result-detail').textContent()).toBe(`${third!.code.slice(0, 40)}…`);
    await page.setViewportSize(PHONE);
    await screenshot(page, 'console-scanner-queued-375');
    await page.setViewportSize(DESKTOP);
    await context.setOffline(false);
    await expect.poll(() => page.locator('#queued').isVisible(), { timeout: 15_000 }).toBe(false);
    await expect.poll(() => verdict(page)).toBe('ADMITTED');
    expect(await page.locator('#count-in').textContent()).toBe('3');
    // Sent in the order they were scanned, each once.
    expect(answered).toEqual([second!.id, third!.code]);
    const afterReplay = await api('GET', `/v1/events/${eventId}/checkins?limit=10`, sk);
    expect(afterReplay.body.data).toHaveLength(4);
    const accepted = afterReplay.body.data.filter((c: { result: string }) => c.result === 'accepted');
    const admittedAt = new Map<string, number>(accepted.map((c: { ticket: { id: string }; at: string }) => [c.ticket.id, Date.parse(c.at)]));
    expect([...admittedAt.keys()].sort()).toEqual([first!.id, second!.id, third!.id].sort());
    // Each is recorded when it was scanned (the queue's own time), so the later scan is the later check-in.
    expect(admittedAt.get(second!.id)!).toBeLessThan(admittedAt.get(third!.id)!);

    // The dashboard counts the check-ins.
    await page.goto(`${server.url}/console`);
    expect(await page.locator('#fig-checkins .value').textContent()).toBe('3');
    expect(await page.locator('#fig-sold .value').textContent()).toBe('3');
    expect(await page.locator('#fig-revenue .value').textContent()).toBe('₹2,397.00');
    expect(await page.locator('#activity').textContent()).toContain('Already checked in');
    await screenshot(page, 'console-dashboard-1280');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'console-dashboard-375');

    await page.goto(`${server.url}/console/events/${eventId}`);
    expect(await page.locator('#fig-checked-in .value').textContent()).toBe('3 / 3');
    await screenshot(page, 'console-event-375');
    await page.setViewportSize(DESKTOP);
    await screenshot(page, 'console-event-1280');

    await page.goto(`${server.url}/console/events/${eventId}/attendees`);
    expect(await page.locator('tbody tr').count()).toBe(3);
    await page.getByLabel('Show').selectOption('missed');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.locator('tbody tr').count()).toBe(0);
    expect(await page.getByText('Nobody matches').isVisible()).toBe(true);
    await page.getByLabel('Show').selectOption('attended');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.locator('tbody tr').count()).toBe(3);
    await page.getByLabel('Show').selectOption('all');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.locator('tbody tr').count()).toBe(3);
    await screenshot(page, 'console-attendees-1280');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'console-attendees-375');

    expect(problems).toEqual([]);
    await context.close();
  });

  it('keeps scans queued through a Wi-Fi sign-in page and full storage, then sends each once, dated when scanned', { timeout: 120_000 }, async () => {
    const { context, page, problems } = await openContext();
    const { sk, eventId, tickets } = await organizerWithFreeTickets(page, 'Portal Check', 2);
    const [full, portal] = tickets;
    expect(portal).toBeDefined();
    const endpoint = `${server.url}/console/events/${eventId}/scan`;
    const sent: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url() === endpoint) sent.push(JSON.parse(request.postData()!).nonce);
    });

    // Storage full for the first write only: the scan must still go out once, not again and again.
    await page.addInitScript({
      content: `
        (() => {
          const setItem = Storage.prototype.setItem;
          let failures = 1;
          Storage.prototype.setItem = function (key, value) {
            if (String(key).startsWith('tts-scan-queue:') && failures > 0) {
              failures -= 1;
              throw new DOMException('full', 'QuotaExceededError');
            }
            return setItem.call(this, key, value);
          };
        })();`,
    });
    await page.goto(`${server.url}/console/events/${eventId}/scan`);
    await wedgeScan(page, full!.id);
    await expect.poll(() => verdict(page)).toBe('ADMITTED');
    expect(await page.locator('#queued').isVisible()).toBe(false);
    await page.keyboard.press('Escape');

    // A captive portal: fetch follows the redirect to a 200 HTML page. The scan stays queued.
    await page.route(endpoint, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Sign in to Wi-Fi</title>' }));
    await wedgeScan(page, portal!.code);
    await expect.poll(() => verdict(page)).toBe('QUEUED');
    await expect.poll(() => page.locator('#scanner-alert').textContent()).toContain('Wi-Fi sign-in page');
    expect(await page.locator('#queued').textContent()).toBe('1 queued');
    const scannedBefore = Date.now();
    await page.unroute(endpoint);
    await expect.poll(() => verdict(page), { timeout: 15_000 }).toBe('ADMITTED');
    expect(await page.locator('#result-holder').textContent()).toBe('Asha Rao');
    expect(await page.locator('#scanner-alert').isVisible()).toBe(false);
    expect(await page.locator('#queued').isVisible()).toBe(false);
    expect(await page.locator('#count-in').textContent()).toBe('2');

    // One request for the first scan; the second was retried until the real endpoint answered.
    expect(sent.filter((nonce) => nonce === sent[0])).toHaveLength(1);
    expect(new Set(sent).size).toBe(2);
    const log = await api('GET', `/v1/events/${eventId}/checkins`, sk);
    expect(log.body.data).toHaveLength(2);
    const portalScan = log.body.data.find((c: { ticket: { id: string } }) => c.ticket.id === portal!.id);
    expect(Date.parse(portalScan.at)).toBeLessThan(scannedBefore); // recorded when scanned, not when the portal let it through
    expect(problems).toEqual([]);
    await context.close();
  });

  it('reads a ticket’s QR code with the camera, loading jsQR only then', { timeout: 120_000 }, async () => {
    const { context, page, problems } = await openContext();
    const { sk, eventId, tickets, email } = await organizerWithFreeTickets(page, 'Camera Check', 1);
    const [ticket] = tickets;

    // A camera that films the ticket's QR code: a canvas stream standing in for getUserMedia. This
    // Chromium has no BarcodeDetector, so the page must fall back to jsQR.
    // (A string, because it runs in the page: the test's own TypeScript has no DOM.)
    await page.addInitScript({
      content: `
        delete window.BarcodeDetector;
        navigator.mediaDevices.getUserMedia = async () => {
          const canvas = document.createElement('canvas');
          canvas.width = 480;
          canvas.height = 480;
          const ctx = canvas.getContext('2d');
          const image = new Image();
          image.src = ${JSON.stringify(`/tickets/${ticket!.id}/qr.svg`)};
          await image.decode();
          const draw = () => {
            ctx.fillStyle = '#fff';
            ctx.fillRect(0, 0, 480, 480);
            ctx.drawImage(image, 40, 40, 400, 400);
          };
          draw();
          setInterval(draw, 100);
          return canvas.captureStream(10);
        };`,
    });
    const decoderRequests: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/jsqr.js')) decoderRequests.push(request.url());
    });

    await page.goto(`${server.url}/console/events/${eventId}/scan`);
    expect(decoderRequests).toEqual([]); // not fetched until the camera needs it
    await page.getByRole('button', { name: 'Scan with the camera' }).click();
    await expect.poll(() => verdict(page), { timeout: 20_000 }).toBe('ADMITTED');
    expect(decoderRequests).toHaveLength(1);
    expect(await page.locator('#result-holder').textContent()).toBe('Asha Rao');
    await page.getByRole('button', { name: 'Stop the camera' }).click();
    const log = await api('GET', `/v1/events/${eventId}/checkins`, sk);
    expect(log.body.data.map((c: { result: string; by: string }) => [c.result, c.by])).toEqual([['accepted', email]]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
