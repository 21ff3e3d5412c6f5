import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * A door phone in Chromium for the offline scanner's browser tests (docs/door.md): its own
 * browser context (its own storage and service worker), every request it makes counted, and
 * the steps door staff take.
 */
export interface DoorPhone {
  context: BrowserContext;
  page: Page;
  requests: string[];
  problems: string[];
}

/**
 * Opens a phone, optionally with a script run before every page's own (to take a browser
 * feature away, say).
 *
 * @example
 * const gate = await openPhone(browser);
 */
export async function openPhone(browser: Browser, initScript?: string): Promise<DoorPhone> {
  const context = await browser.newContext({ viewport: { width: 375, height: 812 } });
  if (initScript) await context.addInitScript(initScript);
  const page = await context.newPage();
  const requests: string[] = [];
  const problems: string[] = [];
  page.on('request', (request) => requests.push(`${request.method()} ${request.url()}`));
  page.on('pageerror', (err) => problems.push(err.message));
  return { context, page, requests, problems };
}

/** Types a code as a hardware scanner does, shows the verdict, reads it and dismisses it. */
export async function scanAndRead(page: Page, code: string): Promise<{ verdict: string; reason: string }> {
  await page.locator('#result-verdict').evaluate((el) => {
    el.textContent = '';
  });
  await page.locator('#code').focus();
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
  await expect.poll(() => page.locator('#result-verdict').textContent()).not.toBe('');
  const verdict = (await page.locator('#result-verdict').textContent())!;
  const reason = (await page.locator('#result-reason').textContent())!;
  await page.keyboard.press('Escape');
  return { verdict, reason };
}

/** Signs the phone in as a door device on a scanner page and waits until it holds the event's data. */
export async function signDeviceIn(page: Page, scannerUrl: string, name: string): Promise<void> {
  await page.goto(scannerUrl);
  await page.locator('#offline-name').fill(name);
  await page.getByRole('button', { name: 'Scan offline on this device' }).click();
  await expect.poll(() => page.locator('#offline-status').textContent(), { timeout: 15_000 }).toMatch(/^Ready to admit offline/);
}
