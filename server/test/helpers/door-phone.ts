import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { browserAvailable, launchBrowser } from './browser.js';
import { freePort, startServer, type ServerProcess } from './server-process.js';

/** A password every organizer and door member in these tests signs up with. */
export const PASSWORD = 'correct horse battery';

/** A call to the server's API with a secret key: the status and the parsed JSON body. */
export type ApiCall = <T = any>(method: string, path: string, key: string, body?: unknown) => Promise<{ status: number; body: T }>;

/**
 * The real server in a child process, with its own data directory, and one Chromium: what
 * every door test starts once in `beforeAll`.
 */
export interface DoorRig {
  server: ServerProcess;
  browser: Browser;
  api: ApiCall;
  /** Closes the browser, stops the server and removes its data directory. */
  stop(): Promise<void>;
}

/**
 * Starts the server and Chromium (with the flags of `launchBrowser`); most test files want
 * {@link useDoorRig}, which calls it.
 *
 * @example
 * const rig = await startDoorRig('offline');
 */
export async function startDoorRig(name: string): Promise<DoorRig> {
  const workDir = await mkdtemp(join(tmpdir(), `tts-${name}-e2e-`));
  const port = await freePort();
  const server = await startServer({ PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, TTS_DATA_DIR: join(workDir, 'data') });
  const browser = await launchBrowser();
  const api: ApiCall = async <T>(method: string, path: string, key: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  return {
    server,
    browser,
    api,
    async stop() {
      await browser.close();
      await server.stop();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts the rig once for the calling test file (in `beforeAll`, when Chromium is available:
 * under CI `browserAvailable` fails instead) and stops it after the file's last test. Read
 * its fields inside tests, once `beforeAll` has filled them in.
 *
 * @example
 * const rig = useDoorRig('offline');
 * it('admits offline', async () => { const phone = await openPhone(rig.browser); … });
 */
export function useDoorRig(name: string): DoorRig {
  const rig = {} as DoorRig;
  beforeAll(async () => {
    if (browserAvailable) Object.assign(rig, await startDoorRig(name));
  }, 60_000);
  afterAll(async () => {
    await rig.stop?.();
  });
  return rig;
}

/**
 * Signs a new organization up in the console on `page` and returns its owner's email and the
 * secret key the console shows once.
 */
export async function signUp(
  page: Page,
  serverUrl: string,
  organization: string,
  email = `door-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`,
): Promise<{ email: string; sk: string }> {
  await page.goto(`${serverUrl}/console/signup`);
  await page.getByLabel('Organization name').fill(organization);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  const sk = (await page.locator('#secret-key').textContent())!.trim();
  return { email, sk };
}

/** A free event starting tomorrow with ten places and one free ticket type per name given. */
export async function createFreeEvent(api: ApiCall, sk: string, name: string, typeNames: readonly string[] = ['General']): Promise<{ id: string; ticketTypes: string[] }> {
  const created = await api('POST', '/v1/events', sk, {
    name,
    starts_at: new Date(Date.now() + 86_400_000).toISOString(),
    ends_at: new Date(Date.now() + 90_000_000).toISOString(),
    capacity: 10,
    ticket_types: typeNames.map((typeName) => ({ name: typeName, price: 0 })),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { id: created.body.id, ticketTypes: (created.body.ticket_types as Array<{ id: string }>).map((t) => t.id) };
}

/** Issues `quantity` tickets of a type to one holder, without mailing them. */
export async function issueTickets(api: ApiCall, sk: string, event: string, ticketType: string, quantity = 1): Promise<Array<{ id: string; code: string }>> {
  const issued = await api('POST', '/v1/tickets', sk, {
    event,
    ticket_type: ticketType,
    holder: { name: 'Asha Rao', email: `holder-${Date.now()}@example.com` },
    quantity,
    send_email: false,
  });
  expect(issued.status, JSON.stringify(issued.body)).toBe(201);
  return issued.body.data;
}

/**
 * A door phone in Chromium for the door's browser tests (docs/door.md): its own
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

/** Types a code into the scanner page as a hardware (keyboard wedge) scanner does. */
export async function scan(page: Page, code: string): Promise<void> {
  await page.locator('#code').focus();
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
}

/** Scans a code, waits for the verdict, reads it and dismisses it for the next scan. */
export async function scanAndRead(page: Page, code: string): Promise<{ verdict: string; reason: string }> {
  await page.locator('#result-verdict').evaluate((el) => {
    el.textContent = '';
  });
  await scan(page, code);
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

/** The scanner's offline status line (`Ready to admit offline · last sync …`, `… 1 to upload`). */
export async function offlineStatus(page: Page): Promise<string> {
  return (await page.locator('#offline-status').textContent()) ?? '';
}

/** Takes the phone's network away and waits until the scanner shows its offline badge. */
export async function goOffline(phone: DoorPhone): Promise<void> {
  await phone.context.setOffline(true);
  await expect.poll(() => phone.page.locator('#offline-badge').isVisible()).toBe(true);
}

/** Gives the phone its network back and waits until the scanner has uploaded every admission it kept. */
export async function goOnline(phone: DoorPhone): Promise<void> {
  await phone.context.setOffline(false);
  await expect.poll(() => offlineStatus(phone.page), { timeout: 20_000 }).not.toContain('to upload');
}
