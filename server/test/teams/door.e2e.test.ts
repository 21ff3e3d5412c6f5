import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchBrowser, screenshot } from '../helpers/browser.js';
import { freePort, startServer, type ServerProcess } from '../helpers/server-process.js';

/**
 * A door member in a real Chromium on a phone-sized page: invited by the owner, they join by
 * the mailed link, see only the scanner of the event they are assigned to, and admit a ticket;
 * the owner's audit log names them as the one who admitted it.
 */

const PASSWORD = 'correct horse battery';
const PHONE = { width: 375, height: 812 };

let server: ServerProcess;
let browser: Browser;
let workDir: string;

beforeAll(async () => {
  if (!browserAvailable) return;
  workDir = await mkdtemp(join(tmpdir(), 'tts-door-e2e-'));
  const port = await freePort();
  server = await startServer({ PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, TTS_DATA_DIR: join(workDir, 'data') });
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

async function api<T = any>(method: string, path: string, key: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function newEvent(sk: string, name: string) {
  const created = await api('POST', '/v1/events', sk, {
    name,
    starts_at: new Date(Date.now() + 86_400_000).toISOString(),
    ends_at: new Date(Date.now() + 90_000_000).toISOString(),
    capacity: 10,
    ticket_types: [{ name: 'General', price: 0 }],
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { id: string; ticket_types: Array<{ id: string }> };
}

/** The invitation link the server mailed to `email` (the development mailbox). */
async function invitationLink(email: string): Promise<string> {
  let link: string | undefined;
  await expect
    .poll(
      async () => {
        const mail = (await (await fetch(`${server.url}/dev/mailbox.json`)).json()) as Array<{ to: string; text: string }>;
        link = mail.find((m) => m.to === email)?.text.match(/(http:\/\/\S+\/console\/invitations\/\S+)/)?.[1];
        return link;
      },
      { timeout: 15_000, interval: 200 },
    )
    .toBeTruthy();
  return link!;
}

const navLinks = (page: Page) => page.locator('nav[aria-label="Console"] a').allTextContents();

describe.skipIf(!browserAvailable)('a door member in Chromium', () => {
  it('joins by the mailed link on a phone, sees only the scanner of their event, and admits a ticket that the audit log says they admitted', { timeout: 120_000 }, async () => {
    const owner = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const ownerPage = await owner.newPage();
    const ownerEmail = `door-owner-${Date.now()}@example.com`;
    await ownerPage.goto(`${server.url}/console/signup`);
    await ownerPage.getByLabel('Organization name').fill('Gate Crew');
    await ownerPage.getByLabel('Email').fill(ownerEmail);
    await ownerPage.getByLabel('Password').fill(PASSWORD);
    await ownerPage.getByRole('button', { name: 'Create account' }).click();
    const sk = (await ownerPage.locator('#secret-key').textContent())!.trim();
    const assigned = await newEvent(sk, 'Assigned Night');
    const other = await newEvent(sk, 'Other Night');
    const issued = await api('POST', '/v1/tickets', sk, {
      event: assigned.id,
      ticket_type: assigned.ticket_types[0]!.id,
      holder: { name: 'Asha Rao', email: `door-holder-${Date.now()}@example.com` },
      send_email: false,
    });
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    const ticket = issued.body.data[0] as { code: string };

    const doorEmail = `door-${Date.now()}@example.com`;
    await ownerPage.goto(`${server.url}/console/team`);
    await ownerPage.getByLabel('Email').fill(doorEmail);
    await ownerPage.locator('#f-role').selectOption('door');
    await ownerPage.locator(`form[action="/console/team/invitations"] input[name="events"][value="${assigned.id}"]`).check();
    await ownerPage.getByRole('button', { name: 'Send invitation' }).click();
    await expect.poll(() => ownerPage.locator('[data-invitation]').count()).toBe(1);

    const door = await browser.newContext({ viewport: PHONE });
    const page = await door.newPage();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(err.message));
    await page.goto(await invitationLink(doorEmail));
    await page.getByLabel('Your name').fill('Ravi at the gate');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Join and sign in' }).click();

    await expect.poll(() => new URL(page.url()).pathname).toBe('/console/door');
    expect(await navLinks(page)).toEqual(['Scanner']);
    expect(await page.getByText('Assigned Night').count()).toBe(1);
    expect(await page.getByText('Other Night').count()).toBe(0);
    await screenshot(page, 'team-door-events-375');

    await page.getByRole('link', { name: 'Open scanner' }).click();
    await page.locator('#code').focus();
    await page.keyboard.type(ticket.code);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#result-verdict').textContent()).toBe('ADMITTED');
    await screenshot(page, 'team-door-admitted-375');

    // The owner's audit log names the door member as the one who admitted the ticket.
    const log = await api<{ data: Array<{ actor: { type: string; id: string; label: string }; changes: Record<string, { after: unknown }> }> }>(
      'GET',
      '/v1/audit_logs?action=checkin.admitted',
      sk,
    );
    expect(log.status, JSON.stringify(log.body)).toBe(200);
    expect(log.body.data).toHaveLength(1);
    expect(log.body.data[0]?.actor).toMatchObject({ type: 'user', label: doorEmail });
    expect(log.body.data[0]?.actor.id).toMatch(/^mem_/);
    expect(log.body.data[0]?.changes.ticket?.after).toBe(issued.body.data[0].id);

    const elsewhere = await page.goto(`${server.url}/console/events/${other.id}/scan`);
    expect(elsewhere?.status()).toBe(403);
    const developers = await page.goto(`${server.url}/console/developers`);
    expect(developers?.status()).toBe(403);
    expect(problems).toEqual([]);
    await owner.close();
    await door.close();
  });
});
