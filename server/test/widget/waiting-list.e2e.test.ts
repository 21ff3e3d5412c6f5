/**
 * The waiting list end to end in real Chromium: a partner site under a strict CSP embeds the
 * built script for an event whose only type (2 seats) is taken; three people join its waiting
 * list through the widget's form (`tts-checkout.waitlist.js`), each with the code from the
 * captured mail. Two seats come free, the first two get offers, a buyer still finds the type
 * sold out; the second claims and pays on the claim page; the first lets the offer lapse and
 * the third gets it. The app runs in this process behind a real HTTP server, so the test
 * holds its clock and runs its offer jobs.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, eventBody, type TestApp } from '../helpers/app.js';
import { browserAvailable, launchBrowser } from '../helpers/browser.js';
import { buyer as someone, readCode, startOrder } from '../helpers/checkout.js';
import { freePort } from '../helpers/server-process.js';
import { claimTokenFor } from '../waiting-list/helpers.js';
import { cspViolations, watchCsp } from './e2e-helpers.js';

const AXE = fileURLToPath(new URL('../../../node_modules/axe-core/axe.min.js', import.meta.url));

let t: TestApp;
let tts: Server;
let base: string;
let browser: Browser;
let partner: Server;
let partnerUrl: string;
let axeSource: string;
let markup = '';

/** axe-core on the checkout (shadow DOM included): the serious and critical violations, named. */
async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(axeSource);
  const found = (await page.evaluate(async () => {
    const g = globalThis as any;
    const result = await g.axe.run(g.document.querySelector('tts-checkout'), { resultTypes: ['violations'] });
    return result.violations.map((v: any) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n: any) => n.target.join(' ')) }));
  })) as Array<{ id: string; impact: string; nodes: string[] }>;
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}) at ${v.nodes.join(', ')}`);
}

beforeAll(async () => {
  if (!browserAvailable) return;
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // PUBLIC_URL is where the browser finds us: the claim page checks a form's Origin against it.
  [t, browser, axeSource] = await Promise.all([buildTestApp({ env: { PUBLIC_URL: base } }), launchBrowser(), readFile(AXE, 'utf8')]);
  const app = t.app;
  tts = await new Promise<Server>((resolve) => {
    const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve(server as Server));
  });
  const csp = [`default-src 'none'`, `script-src 'self' ${base}`, `connect-src ${base}`, `img-src 'self' data: ${base}`, `style-src 'self'`].join('; ');
  partner = createServer((_req, res) => {
    const body = `<!doctype html><html lang="en"><title>Partner</title><h1>Partner</h1>${markup}<script src="${base}/widget/v1/tts-checkout.js" async></script></html>`;
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': csp }).end(body);
  });
  await new Promise<void>((resolve) => partner.listen(0, '127.0.0.1', () => resolve()));
  partnerUrl = `http://127.0.0.1:${(partner.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  tts?.closeAllConnections();
  await new Promise<void>((resolve) => (tts ? tts.close(() => resolve()) : resolve()));
  await new Promise<void>((resolve) => (partner ? partner.close(() => resolve()) : resolve()));
});

/** Opens the partner page's checkout on the tickets step. */
async function openCheckout(): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await watchCsp(page);
  await page.goto(`${partnerUrl}/`);
  await page.getByRole('button', { name: 'Buy tickets' }).click();
  await page.getByRole('heading', { name: 'Choose tickets' }).waitFor();
  return page;
}

describe.skipIf(!browserAvailable)('the waiting list through <tts-checkout>, in Chromium', () => {
  it('puts three people in line through the widget, offers freed seats in turn, and the second claims and pays', async () => {
    const { sk, pk } = await t.signUp('Marine Drive Music Society');
    const created = await t.call('POST', '/v1/events', {
      key: sk,
      body: eventBody({
        allowed_origins: [partnerUrl],
        require_email_verification: false,
        ticket_types: [{ name: 'General', price: 49_900, capacity: 2, max_per_order: 2 }],
        waiting_list: { enabled: true },
      }),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const event = created.body;
    const general = event.ticket_types[0].id as string;
    // Both seats taken by two orders.
    const orders = [];
    for (const name of ['Early One', 'Early Two']) {
      orders.push(await startOrder(t, pk, event.id, [{ ticket_type: general, quantity: 1 }], someone(name)));
    }
    markup = `<tts-checkout event="${event.id}" key="${pk}" api-base="${base}"></tts-checkout>`;

    // Three people join through the widget, each confirming the code from their mail.
    const people = ['Asha Rao', 'Ravi Kumar', 'Meera Iyer'].map((name, n) => ({ name, email: `line${n + 1}.${Date.now()}@example.com` }));
    for (const [n, who] of people.entries()) {
      const page = await openCheckout();
      await page.getByRole('button', { name: 'Join the waiting list' }).click();
      await page.getByRole('heading', { name: 'Waiting list: General' }).waitFor();
      if (n === 0) expect(await axeViolations(page)).toEqual([]);
      await page.getByLabel('Full name').fill(who.name);
      await page.getByLabel('Email').fill(who.email);
      await page.getByRole('button', { name: 'Join the waiting list' }).click();
      await page.getByText(`Enter the 6-digit code we sent to ${who.email}.`).waitFor();
      await page.getByLabel('Code').fill(await readCode(t, who.email));
      await page.getByText(`You’re number ${n + 1} in line for General.`).waitFor();
      expect(await cspViolations(page)).toEqual([]);
      await page.context().close();
    }

    // Two seats come free: the first two in line get offers holding them.
    for (const order of orders) {
      const cancelled = await t.call('POST', `/v1/orders/${order.id}/cancel`, { key: pk, body: { client_secret: order.client_secret } });
      expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    }
    expect(await t.services.waitingOffers.offerDue()).toBe(2);
    const tokens = await Promise.all(people.map((who) => claimTokenFor(t, who.email)));
    expect(tokens[0]).toBeDefined();
    expect(tokens[1]).toBeDefined();
    expect(tokens[2]).toBeUndefined();

    // Another buyer finds the type still sold out and has nothing to buy.
    const buyer = await openCheckout();
    // The offered seats are held for those two: the type reads as held, with the waiting list to join.
    await buyer.getByRole('button', { name: 'Join the waiting list' }).waitFor();
    expect(await buyer.locator('tts-checkout [part="ticket-type"]').innerText()).toMatch(/General[\s\S]*Held/);
    expect(await buyer.getByRole('button', { name: 'Add one General' }).count()).toBe(0);
    expect(await buyer.getByRole('button', { name: 'Continue' }).isDisabled()).toBe(true);
    await buyer.context().close();

    // The second opens the claim link: the page shows the offer with their name filled in. They
    // claim and pay (test mode) with the page's own buttons; the page then shows the order paid.
    const claim = await (await browser.newContext()).newPage();
    await claim.goto(`${base}/waiting-list/claim/${tokens[1]}`);
    await claim.getByText('1 × General').waitFor();
    expect(await claim.getByLabel('Name').inputValue()).toBe(people[1]!.name);
    await claim.getByRole('button', { name: 'Claim and pay' }).click();
    await claim.getByRole('button', { name: 'Pay (test mode)' }).click();
    await claim.getByText('Paid.').waitFor();
    await claim.context().close();
    const line = await t.call('GET', `/v1/events/${event.id}/waiting_list_entries`, { key: sk });
    const second = line.body.data.find((e: { email: string }) => e.email === people[1]!.email);
    expect(second).toMatchObject({ status: 'claimed' });
    const paid = await t.call('GET', `/v1/orders/${second.order}`, { key: sk });
    expect(paid.body).toMatchObject({ status: 'paid', buyer: { email: people[1]!.email } });
    expect(paid.body.tickets).toHaveLength(1);

    // The first lets the offer lapse: the third in line gets it.
    t.clock.advance(24 * 60 * 60_000 + 1);
    expect(await t.services.waitingOffers.lapseExpired()).toBe(1);
    expect(await claimTokenFor(t, people[2]!.email)).toBeDefined();
    const after = await t.call('GET', `/v1/events/${event.id}/waiting_list_entries`, { key: sk });
    const status = Object.fromEntries(after.body.data.map((e: { email: string; status: string }) => [e.email, e.status]));
    expect(status).toEqual({ [people[0]!.email]: 'lapsed', [people[1]!.email]: 'claimed', [people[2]!.email]: 'offered' });
  }, 120_000);
});
