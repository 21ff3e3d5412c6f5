/**
 * `<tts-checkout>` in real Chromium against the real server process: the built script served
 * at /widget/v1, the /demo partner page under its strict policy, the test gateway, and the code
 * read from the captured mailbox as a buyer reads their email. One server and one browser for
 * the file; each test has its own page (and buyer). Screenshots of every step land in
 * test-artifacts/screenshots/.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { rollup, type RollupOptions } from 'rollup';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ARTIFACTS_DIR, browserAvailable, launchBrowser, screenshot } from '../helpers/browser.js';
import { freePort, startServer, type ServerProcess } from '../helpers/server-process.js';
import { cspViolations, expectNoOverflow, focusedName, lowContrast, mailedCode, tabTo, watchCsp } from './e2e-helpers.js';

let dataDir: string;
let server: ServerProcess;
let browser: Browser;
let demo: { eventId: string; publishableKey: string };
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  if (!browserAvailable) return;
  dataDir = await mkdtemp(join(tmpdir(), 'tts-widget-e2e-'));
  const port = await freePort();
  // PUBLIC_URL as the browser reaches it, so ticket links and QR images are on this origin.
  [server, browser] = await Promise.all([startServer({ TTS_DATA_DIR: dataDir, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` }), launchBrowser()]);
  demo = JSON.parse(await readFile(join(dataDir, 'demo.json'), 'utf8')) as typeof demo;
}, 60_000);

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await server?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** A fresh page at this width, with CSP violations recorded. */
async function newPage(width: number, height = 900): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true });
  contexts.push(context);
  const page = await context.newPage();
  await watchCsp(page);
  return page;
}

let buyers = 0;
/** A buyer with an address of their own (the server limits codes per address): the data dir is fresh each run. */
const newBuyer = () => ({ name: 'Asha Rao', email: `asha.rao${++buyers === 1 ? '' : buyers}@example.com`, phone: '+91 98765 43210' });

/** The checkout's dialog, through the shadow root. */
const dialog = (page: Page) => page.locator('tts-checkout dialog');

describe.skipIf(!browserAvailable)('<tts-checkout> in Chromium', () => {
  it('buys two tickets on /demo with the mouse at 1280 px, under a strict CSP, and downloads a ticket PDF', async () => {
    const page = await newPage(1280);
    const who = newBuyer();
    await page.goto(`${server.url}/demo`);
    await expect.poll(() => page.url()).toBe(`${server.url}/demo/`);
    await page.getByRole('button', { name: 'Book tickets' }).waitFor();
    // No api-base on the page: the widget talks to the server its script came from.
    expect(await page.locator('tts-checkout').getAttribute('api-base')).toBeNull();
    await screenshot(page, 'widget-1280-0-partner-page');

    await page.getByRole('button', { name: 'Book tickets' }).click();
    await expect.poll(() => dialog(page).evaluate((d) => (d as unknown as { open: boolean }).open)).toBe(true);
    await page.getByRole('heading', { name: 'Choose tickets' }).waitFor();
    expect(await lowContrast(page)).toEqual([]);
    await page.getByRole('button', { name: 'Add one General admission' }).click();
    await page.getByText('₹1,998.00').waitFor();
    await screenshot(page, 'widget-1280-1-tickets');
    // The README's picture of the checkout: the dialog alone.
    await dialog(page).screenshot({ path: join(ARTIFACTS_DIR, 'screenshots', 'readme-widget-tickets.png') });
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.getByLabel('Full name').fill(who.name);
    await page.getByLabel('Email').fill(who.email);
    await page.getByLabel('Phone (optional)').fill(who.phone);
    expect(await lowContrast(page)).toEqual([]);
    await screenshot(page, 'widget-1280-2-details');
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    await page.getByText('Seats held for').waitFor();
    expect(await lowContrast(page)).toEqual([]);
    await screenshot(page, 'widget-1280-3-verify');
    await page.getByLabel('Code').fill(await mailedCode(server.url, who.email));

    await page.getByText('TEST MODE', { exact: true }).last().waitFor();
    await page.getByRole('button', { name: 'Pay ₹1,998.00' }).waitFor();
    expect(await lowContrast(page)).toEqual([]);
    await screenshot(page, 'widget-1280-4-pay');
    await page.getByRole('button', { name: 'Pay ₹1,998.00' }).click();

    await page.getByRole('heading', { name: 'You’re in!' }).waitFor();
    await expect.poll(() => page.locator('tts-checkout [part="qr"]').count()).toBe(2);
    await expect
      .poll(() =>
        page
          .locator('tts-checkout [part="qr"]')
          .evaluateAll((imgs) => (imgs as unknown as Array<{ complete: boolean; naturalWidth: number }>).every((i) => i.complete && i.naturalWidth > 0)),
      )
      .toBe(true);
    expect(await lowContrast(page)).toEqual([]);
    await screenshot(page, 'widget-1280-5-done');
    // The partner page heard tts-paid (examples/partner-site/partner.js).
    expect(await page.locator('#thanks').textContent()).toBe('Thank you, Asha Rao! 2 tickets booked. See you at the show.');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download PDF' }).first().click()]);
    const pdf = await readFile((await download.path())!);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(download.suggestedFilename()).toMatch(/^ticket-tkt_[0-9A-Za-z]+\.pdf$/);

    await page.getByRole('button', { name: 'Close', exact: true }).last().click();
    await expect.poll(() => dialog(page).evaluate((d) => (d as unknown as { open: boolean }).open)).toBe(false);
    expect(await cspViolations(page)).toEqual([]);
  });

  it('fetches the Hindi words only for locale="hi", and speaks Hindi once they arrive', async () => {
    const page = await newPage(1280, 800);
    const fetched: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('tts-checkout.hi.js')) fetched.push(request.url());
    });
    await page.goto(`${server.url}/demo/`);
    await page.getByRole('button', { name: 'Book tickets' }).waitFor();
    expect(fetched).toEqual([]);
    await page.locator('tts-checkout').evaluate((el) => el.setAttribute('locale', 'hi'));
    await page.locator('tts-checkout').evaluate((el) => (el as unknown as { open(): Promise<void> }).open());
    await page.getByRole('heading', { name: 'टिकट चुनें' }).waitFor();
    expect(fetched).toEqual([`${server.url}/widget/v1/tts-checkout.hi.js`]);
  });

  it('buys two tickets with the keyboard alone at 375 px: focus moves in, Esc closes and gives it back', async () => {
    const page = await newPage(375, 812);
    const who = newBuyer();
    await page.goto(`${server.url}/demo/`);
    await page.getByRole('button', { name: 'Book tickets' }).waitFor();
    await tabTo(page, 'Book tickets');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Choose tickets' }).waitFor();
    await expect.poll(() => focusedName(page)).toBe('Choose tickets');
    await screenshot(page, 'widget-375-1-tickets');

    // Esc asks to close; with no payment in flight it closes, and focus returns to the button.
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog(page).evaluate((d) => (d as unknown as { open: boolean }).open)).toBe(false);
    await expect.poll(() => focusedName(page)).toBe('Book tickets');
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedName(page)).toBe('Choose tickets');

    await tabTo(page, 'Add one General admission');
    await page.keyboard.press('Enter');
    await page.getByText('₹1,998.00').waitFor();
    await tabTo(page, 'Continue');
    await page.keyboard.press('Enter');

    await expect.poll(() => focusedName(page)).toBe('Your details');
    await tabTo(page, 'Full name');
    await page.keyboard.type(who.name);
    await page.keyboard.press('Tab');
    await page.keyboard.type(who.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(who.phone);
    await screenshot(page, 'widget-375-2-details');
    await page.keyboard.press('Enter');

    await expect.poll(() => focusedName(page)).toBe('Code');
    await screenshot(page, 'widget-375-3-verify');
    await page.keyboard.type(await mailedCode(server.url, who.email));

    await expect.poll(() => focusedName(page)).toBe('Pay');
    await screenshot(page, 'widget-375-4-pay');
    await tabTo(page, 'Pay ₹1,998.00');
    await page.keyboard.press('Enter');

    await expect.poll(() => focusedName(page)).toBe('You’re in!');
    await expect.poll(() => page.locator('tts-checkout [part="ticket"]').count()).toBe(2);
    await screenshot(page, 'widget-375-5-done');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'screenshots', 'readme-widget-phone-done.png') });
    await tabTo(page, 'Download PDF');
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    expect((await readFile((await download.path())!)).subarray(0, 5).toString()).toBe('%PDF-');
    await tabTo(page, 'Close');
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedName(page)).toBe('Book tickets');
    expect(await cspViolations(page)).toEqual([]);
  });

  it('fits a 320 px screen on every step: nothing wider than the phone', async () => {
    const page = await newPage(320, 640);
    const who = newBuyer();
    await page.goto(`${server.url}/demo/`);
    await expectNoOverflow(page, 'partner page');
    await page.getByRole('button', { name: 'Book tickets' }).click();
    await page.getByRole('heading', { name: 'Choose tickets' }).waitFor();
    await expectNoOverflow(page, 'tickets');
    await page.getByRole('button', { name: 'Add one Front rows' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Full name').fill(who.name);
    await page.getByLabel('Email').fill(who.email);
    await expectNoOverflow(page, 'details');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    await expectNoOverflow(page, 'verify');
    await page.getByLabel('Code').fill(await mailedCode(server.url, who.email));
    await page.getByRole('button', { name: /^Pay ₹/ }).waitFor();
    await expectNoOverflow(page, 'pay');
    await screenshot(page, 'widget-320-4-pay');
    await page.getByRole('button', { name: /^Pay ₹/ }).click();
    await page.getByRole('heading', { name: 'You’re in!' }).waitFor();
    await expectNoOverflow(page, 'done');
    await screenshot(page, 'widget-320-5-done');
  });

  it('runs the hosted checkout page in page mode, a failed payment retried, at 1280 and 375 px', async () => {
    for (const width of [1280, 375]) {
      const page = await newPage(width);
      const who = newBuyer();
      await page.goto(`${server.url}/checkout/${demo.eventId}?key=${demo.publishableKey}`);
      await page.getByRole('heading', { name: 'Choose tickets' }).waitFor();
      expect(await page.locator('tts-checkout dialog').count()).toBe(0);
      await screenshot(page, `hosted-${width}-1-tickets`);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByLabel('Full name').fill(who.name);
      await page.getByLabel('Email').fill(who.email);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByLabel('Code').fill(await mailedCode(server.url, who.email));
      await page.getByRole('button', { name: 'Fail the payment' }).click();
      await page.getByText('The payment did not go through').waitFor();
      expect(await lowContrast(page)).toEqual([]);
      await screenshot(page, `hosted-${width}-4-payment-failed`);
      await page.getByRole('button', { name: 'Pay ₹999.00' }).click();
      await page.getByRole('heading', { name: 'You’re in!' }).waitFor();
      await screenshot(page, `hosted-${width}-5-done`);
      expect(await cspViolations(page)).toEqual([]);
    }
  });

  it('catches a partner theme that drops text below 4.5:1 (the contrast check can fail)', async () => {
    const page = await newPage(1280);
    await page.goto(`${server.url}/checkout/${demo.eventId}?key=${demo.publishableKey}`);
    await page.getByRole('heading', { name: 'Choose tickets' }).waitFor();
    expect(await lowContrast(page)).toEqual([]);
    // The hosted page allows its own inline styles, so a test can play a careless partner here.
    await page.addStyleTag({ content: 'tts-checkout { --tts-muted: #a1a1aa; }' });
    expect((await lowContrast(page)).join('\n')).toMatch(/"₹999\.00" 2\.\d\d:1/);
  });

  it('honours the SDK loader’s contract: loadCheckout opens it, resolves on payment, removes it on close', async () => {
    // The SDK's browser entry, built by the repo's own rollup config (in memory), on a partner origin.
    const configs = (await import(fileURLToPath(new URL('../../../rollup.config.mjs', import.meta.url)))).default as RollupOptions[];
    const browserBuild = configs.find((c) => JSON.stringify(c.input).includes('browser.ts'))!;
    const bundle = await rollup({ ...browserBuild, onwarn: () => {} });
    const sdk = (await bundle.generate({ format: 'es' })).output[0].code;
    await bundle.close();
    const loader = `${sdk}
document.getElementById('buy').addEventListener('click', async () => {
  const checkout = await loadCheckout({ publishableKey: ${JSON.stringify(demo.publishableKey)}, baseUrl: ${JSON.stringify(server.url)} });
  window.__result = await checkout.open({ event: ${JSON.stringify(demo.eventId)}, prefill: { name: 'Meera Iyer', email: 'meera@example.com', phone: '+91 99887 76655' } });
});`;
    // A partner site on its own origin (another port of 127.0.0.1: Chrome lets loopback pages load loopback scripts).
    const site = createServer((req, res) => {
      if (req.url === '/loader.js') return void res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(loader);
      res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>Partner</title><button id="buy">Buy</button><script type="module" src="/loader.js"></script>');
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => site.close(() => resolve())));
    const page = await newPage(1280);
    await page.goto(`http://127.0.0.1:${(site.address() as AddressInfo).port}/`);
    await page.getByRole('button', { name: 'Buy' }).click();
    await page.getByRole('heading', { name: 'Choose tickets' }).waitFor();
    await page.getByRole('button', { name: 'Continue' }).click();
    expect(await page.getByLabel('Full name').inputValue()).toBe('Meera Iyer');
    expect(await page.getByLabel('Email').inputValue()).toBe('meera@example.com');
    expect(await page.getByLabel('Phone (optional)').inputValue()).toBe('+91 99887 76655');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Code').fill(await mailedCode(server.url, 'meera@example.com'));
    await page.getByRole('button', { name: 'Pay ₹999.00' }).click();
    await page.getByRole('heading', { name: 'You’re in!' }).waitFor();
    // Resolved at payment, while the buyer still looks at the tickets in the open modal.
    const result = await page.evaluate(
      () => (globalThis as unknown as { __result: { status: string; order: { status: string; client_secret?: string }; tickets: unknown[] } }).__result,
    );
    expect(result).toMatchObject({ status: 'paid', order: { status: 'paid' }, tickets: [expect.objectContaining({ object: 'ticket' })] });
    expect(result.order.client_secret).toBeUndefined();
    expect(await page.locator('tts-checkout').count()).toBe(1);
    await page.getByRole('button', { name: 'Close', exact: true }).last().click();
    await expect.poll(() => page.locator('tts-checkout').count()).toBe(0);
  });

  it('shows the no-script checkout when JavaScript is off', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 375, height: 700 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${server.url}/checkout/${demo.eventId}?key=${demo.publishableKey}`);
    await page.getByRole('link', { name: 'Use the simple checkout' }).click();
    await page.getByRole('heading', { name: 'Tickets' }).waitFor();
    expect(page.url()).toBe(`${server.url}/checkout/${demo.eventId}/basic?key=${demo.publishableKey}`);
  });
});
