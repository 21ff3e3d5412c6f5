/**
 * The paths that used to strand a buyer, in real Chromium against the real server process:
 * seats held by others, a reload mid-checkout and after payment, a locked email code, Esc
 * while paying, and finding lost tickets. Every checkout step is checked with axe-core (no
 * serious or critical violation) and photographed into test-artifacts/screenshots/.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchBrowser, screenshot } from '../helpers/browser.js';
import { freePort, startServer, type ServerProcess } from '../helpers/server-process.js';
import { mailedCode } from './e2e-helpers.js';

// The callbacks given to `page.evaluate` run in the page, not in Node.
declare const document: any;

const AXE = fileURLToPath(new URL('../../../node_modules/axe-core/axe.min.js', import.meta.url));

let dataDir: string;
let server: ServerProcess;
let browser: Browser;
let keys: { sk: string; pk: string };
let axeSource: string;
const contexts: BrowserContext[] = [];

async function api<T = any>(method: string, path: string, key: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as T };
}

beforeAll(async () => {
  if (!browserAvailable) return;
  dataDir = await mkdtemp(join(tmpdir(), 'tts-stranded-e2e-'));
  const port = await freePort();
  [server, browser, axeSource] = await Promise.all([
    startServer({ TTS_DATA_DIR: dataDir, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` }),
    launchBrowser(),
    readFile(AXE, 'utf8'),
  ]);
  const res = await fetch(`${server.url}/v1/accounts`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'organizer@example.com', password: 'correct horse battery', name: 'Stranded Tests' }),
  });
  const account = (await res.json()) as { secret_key: string; publishable_key: string };
  keys = { sk: account.secret_key, pk: account.publishable_key };
}, 60_000);

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await server?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** A published test event of our own, on sale now. */
async function newEvent(overrides: Record<string, unknown> = {}): Promise<{ id: string; general: string }> {
  const res = await api('POST', '/v1/events', keys.sk, {
    name: 'Monsoon Jazz Night',
    venue: 'NCPA, Mumbai',
    starts_at: '2027-03-01T14:00:00Z',
    ends_at: '2027-03-01T18:00:00Z',
    capacity: 50,
    ticket_types: [{ name: 'General', price: 49_900 }],
    ...overrides,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.id, general: res.body.ticket_types[0].id };
}

/** Seats held (not sold) of the event, as its organizer sees them. */
async function held(eventId: string): Promise<number> {
  return (await api('GET', `/v1/events/${eventId}`, keys.sk)).body.held;
}

async function newPage(width = 1280, height = 900): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height } });
  contexts.push(context);
  return context.newPage();
}

/** The /demo partner page with its checkout pointed at `event` (our own key and event). */
async function partnerPage(page: Page, event: string): Promise<void> {
  await page.goto(`${server.url}/demo/`);
  await page.locator('tts-checkout').waitFor({ state: 'attached' });
  await page.evaluate(
    ([id, key]: string[]) => {
      const el = document.querySelector('tts-checkout');
      el.setAttribute('key', key);
      el.setAttribute('event', id);
    },
    [event, keys.pk],
  );
}

let buyers = 0;
const newBuyer = () => ({ name: 'Asha Rao', email: `asha.stranded${++buyers}@example.com` });

const dialogOpen = (page: Page) => page.locator('tts-checkout dialog').evaluate((d) => (d as unknown as { open: boolean }).open);

/** axe-core on the checkout (shadow DOM included): the serious and critical violations, named. */
async function axeViolations(page: Page, where: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(axeSource);
  const found = (await page.evaluate(async () => {
    const result = await (globalThis as any).axe.run(document.querySelector('tts-checkout'), { resultTypes: ['violations'] });
    return result.violations.map((v: any) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n: any) => n.target.join(' ')) }));
  })) as Array<{ id: string; impact: string; nodes: string[] }>;
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${where}: ${v.id} (${v.impact}) at ${v.nodes.join(', ')}`);
}

/** The step the indicator marks as current. */
const currentStep = (page: Page) => page.locator('tts-checkout [aria-current="step"]').textContent();

async function fillDetails(page: Page, who: { name: string; email: string }): Promise<void> {
  await page.getByLabel('Full name').fill(who.name);
  await page.getByLabel('Email').fill(who.email);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: 'Check your email' }).waitFor();
}

describe.skipIf(!browserAvailable)('no buyer is stranded (Chromium)', () => {
  it('shows where the buyer is at every step, keeps one modal height, itemises the payment, and passes axe', async () => {
    const page = await newPage();
    const event = await newEvent();
    const who = newBuyer();
    await partnerPage(page, event.id);
    await page.getByRole('button', { name: 'Book tickets' }).click();
    const heights: number[] = [];
    const violations: string[] = [];
    const at = async (step: string, name: string) => {
      await expect.poll(() => currentStep(page)).toBe(step);
      heights.push(Math.round((await page.locator('tts-checkout dialog').boundingBox())!.height));
      violations.push(...(await axeViolations(page, step)));
      await screenshot(page, `stranded-steps-${name}`);
    };

    await page.getByRole('heading', { name: 'Choose tickets' }).waitFor();
    await page.getByRole('button', { name: 'Add one General' }).click();
    await at('Tickets', '1-tickets');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Full name').waitFor();
    await at('Details', '2-details');
    await fillDetails(page, who);
    await at('Code', '3-code');
    await page.getByLabel('Code').fill(await mailedCode(server.url, who.email));
    await page.getByRole('button', { name: 'Pay ₹998.00' }).waitFor();
    await at('Pay', '4-pay');
    const summary = (await page.locator('tts-checkout [part="summary"]').innerText()).replace(/\s+/g, ' ').trim();
    expect(summary).toBe('2 × General ₹998.00 Total ₹998.00');
    await page.getByRole('button', { name: 'Pay ₹998.00' }).click();
    await page.getByRole('heading', { name: 'You’re in!' }).waitFor();
    await at('Done', '5-done');

    expect(violations).toEqual([]);
    expect(new Set(heights).size, `dialog heights per step: ${heights.join(', ')}`).toBe(1);
  });

  it('says seats held by others are held, not sold, with when they may free up, and offers them by itself once they do', async () => {
    const page = await newPage();
    const event = await newEvent({ capacity: 2, require_email_verification: false, hold_minutes: 10 });
    const other = await api('POST', '/v1/orders', keys.pk, {
      event: event.id,
      items: [{ ticket_type: event.general, quantity: 2 }],
      buyer: { name: 'Ravi Kumar', email: 'ravi@example.com' },
    });
    expect(other.status).toBe(201);
    await partnerPage(page, event.id);
    await page.getByRole('button', { name: 'Book tickets' }).click();
    await page.getByText('Every seat left is held by buyers who have not paid yet.').waitFor();
    expect(await page.locator('tts-checkout [part="notice"]').innerText()).toMatch(/Some may free up at \d{1,2}:\d\d [ap]m; this list updates by itself\./);
    expect(await page.locator('tts-checkout').innerText()).not.toContain('All tickets are sold');
    expect(await axeViolations(page, 'held')).toEqual([]);
    await screenshot(page, 'stranded-held-seats');

    // The other buyer gives up: within one poll (15 s) the seats are on offer, with no reload.
    const requests: string[] = [];
    page.on('request', (r) => r.url().includes('/v1/public/events/') && requests.push(r.url()));
    expect((await api('POST', `/v1/orders/${other.body.id}/cancel`, keys.pk, { client_secret: other.body.client_secret })).status).toBe(200);
    await page.getByRole('button', { name: 'Add one General' }).waitFor({ timeout: 20_000 });
    expect(requests.length).toBeLessThanOrEqual(2);
    await screenshot(page, 'stranded-held-seats-freed');
  }, 45_000);

  it('resumes the open order after a reload, holds no second set, and shows the tickets again after payment', async () => {
    const page = await newPage(375, 812);
    const event = await newEvent();
    const who = newBuyer();
    await partnerPage(page, event.id);
    await page.getByRole('button', { name: 'Book tickets' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await fillDetails(page, who);
    expect(await held(event.id)).toBe(1);

    await page.reload();
    await partnerPage(page, event.id);
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    expect(await dialogOpen(page)).toBe(true);
    await page.getByText(/Seats held for 1[45]:\d\d/).waitFor();
    expect(await held(event.id)).toBe(1);
    expect(await axeViolations(page, 'resumed')).toEqual([]);
    await screenshot(page, 'stranded-reload-resumed-code');

    await page.getByLabel('Code').fill(await mailedCode(server.url, who.email));
    await page.getByRole('button', { name: 'Pay ₹499.00' }).click();
    await page.getByRole('heading', { name: 'You’re in!' }).waitFor();
    await page.reload();
    await partnerPage(page, event.id);
    await page.getByRole('heading', { name: 'You’re in!' }).waitFor();
    await expect.poll(() => page.locator('tts-checkout [part="ticket"]').count()).toBe(1);
    expect(await held(event.id)).toBe(0);
    await screenshot(page, 'stranded-reload-after-payment');
  });

  it('cancels the held order when the buyer starts again, so the seats come back', async () => {
    const page = await newPage();
    const event = await newEvent();
    await partnerPage(page, event.id);
    await page.getByRole('button', { name: 'Book tickets' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await fillDetails(page, newBuyer());
    expect(await held(event.id)).toBe(1);
    await page.getByRole('button', { name: 'Start again' }).click();
    await page.getByRole('heading', { name: 'Choose tickets' }).waitFor();
    await expect.poll(() => held(event.id)).toBe(0);
  });

  it('locks the code field after five wrong codes and offers a new code at once', async () => {
    const page = await newPage();
    const event = await newEvent();
    const who = newBuyer();
    await partnerPage(page, event.id);
    await page.getByRole('button', { name: 'Book tickets' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await fillDetails(page, who);
    const first = await mailedCode(server.url, who.email);
    const wrong = first === '000000' ? '111111' : '000000';
    for (let left = 4; left >= 0; left--) {
      await page.getByLabel('Code').fill(wrong);
      await page.getByText(`Tries left: ${left}`).waitFor();
    }
    await page.getByText('Too many wrong codes. Ask for a new one.').waitFor();
    expect(await page.getByLabel('Code').isDisabled()).toBe(true);
    const resend = page.getByRole('button', { name: 'Send a new code' });
    expect(await resend.getAttribute('aria-disabled')).toBe('false');
    expect(await axeViolations(page, 'locked')).toEqual([]);
    await screenshot(page, 'stranded-code-locked');

    await resend.click();
    await page.getByText('Tries left: 5').waitFor();
    await page.getByLabel('Code').fill(await mailedCode(server.url, who.email, [first]));
    await page.getByRole('button', { name: 'Pay ₹499.00' }).waitFor();
  });

  it('clears the close prompt when a payment lands while it is asked (Esc while paying)', async () => {
    const page = await newPage();
    const event = await newEvent();
    const who = newBuyer();
    await partnerPage(page, event.id);
    await page.getByRole('button', { name: 'Book tickets' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await fillDetails(page, who);
    await page.getByLabel('Code').fill(await mailedCode(server.url, who.email));
    // The test gateway answers only when the test says so: a payment in flight.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    await page.route('**/v1/test-gateway/payments', async (route) => {
      await gate;
      await route.continue();
    });
    await page.getByRole('button', { name: 'Pay ₹499.00' }).click();
    await page.keyboard.press('Escape');
    await page.getByText('A payment is in progress. Close anyway?').waitFor();
    await screenshot(page, 'stranded-esc-while-paying');
    release();
    await page.getByRole('heading', { name: 'You’re in!' }).waitFor();
    expect(await page.locator('tts-checkout').innerText()).not.toContain('Close anyway?');
    expect(await dialogOpen(page)).toBe(true);
    expect(await axeViolations(page, 'paid after Esc')).toEqual([]);
    await screenshot(page, 'stranded-esc-then-paid');
  });

  it('finds lost tickets: the done step links the page, which mails every upcoming ticket, marked TEST', async () => {
    const page = await newPage();
    const event = await newEvent();
    const who = newBuyer();
    await partnerPage(page, event.id);
    await page.getByRole('button', { name: 'Book tickets' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await fillDetails(page, who);
    await page.getByLabel('Code').fill(await mailedCode(server.url, who.email));
    await page.getByRole('button', { name: 'Pay ₹499.00' }).click();
    await page.getByRole('heading', { name: 'You’re in!' }).waitFor();
    const link = page.getByRole('link', { name: 'Lost them later? Find my tickets' });
    expect(await link.getAttribute('href')).toBe(`${server.url}/tickets/find`);

    // The ticket page says TEST and links the same page.
    const ticketUrl = (await page.getByRole('link', { name: 'Open ticket' }).getAttribute('href'))!;
    const ticketPage = await newPage(375, 812);
    await ticketPage.goto(ticketUrl);
    await ticketPage.getByText('made in test mode, not valid for entry').waitFor();
    await screenshot(ticketPage, 'stranded-ticket-page-test-mark');
    // Its PDF says TEST too, and prints the price with the rupee sign.
    const pdf = new Uint8Array(await (await fetch(`${ticketUrl}.pdf`)).arrayBuffer());
    const pdfText = execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf, encoding: 'utf8' });
    expect(pdfText).toContain('TEST TICKET - NOT VALID FOR ENTRY');
    expect(pdfText).toContain('₹499.00');
    await ticketPage.getByRole('link', { name: 'Find all my tickets' }).click();
    await ticketPage.getByRole('heading', { name: 'Find my tickets' }).waitFor();
    await ticketPage.getByLabel('Email').fill(who.email);
    await ticketPage.getByRole('button', { name: 'Email me my tickets' }).click();
    await ticketPage.getByText('If this address holds tickets for upcoming events, we have sent it one email').waitFor();
    await screenshot(ticketPage, 'stranded-find-my-tickets-sent');
    await expect
      .poll(
        async () => {
          const mail = (await (await fetch(`${server.url}/dev/mailbox.json`)).json()) as Array<{ to: string; subject: string; text: string }>;
          return mail.find((m) => m.to === who.email && m.subject === 'Your ticket')?.text ?? '';
        },
        { timeout: 15_000 },
      )
      .toContain(ticketUrl);
  });
});
