import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable, screenshot } from '../helpers/browser.js';
import { createFreeEvent, issueTickets, openPhone, PASSWORD, scan, signUp, useDoorRig } from '../helpers/door-phone.js';

/**
 * A door member in a real Chromium on a phone-sized page: invited by the owner, they join by
 * the mailed link, see only the scanner of the event they are assigned to, and admit a ticket;
 * the owner's audit log names them as the one who admitted it.
 */

const rig = useDoorRig('door');

/** The invitation link the server mailed to `email` (the development mailbox). */
async function invitationLink(email: string): Promise<string> {
  let link: string | undefined;
  await expect
    .poll(
      async () => {
        const mail = (await (await fetch(`${rig.server.url}/dev/mailbox.json`)).json()) as Array<{ to: string; text: string }>;
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
    const { server, browser, api } = rig;
    const owner = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const ownerPage = await owner.newPage();
    const { sk } = await signUp(ownerPage, server.url, 'Gate Crew', `door-owner-${Date.now()}@example.com`);
    const assigned = await createFreeEvent(api, sk, 'Assigned Night');
    const other = await createFreeEvent(api, sk, 'Other Night');
    const [ticket] = await issueTickets(api, sk, assigned.id, assigned.ticketTypes[0]!);

    const doorEmail = `door-${Date.now()}@example.com`;
    await ownerPage.goto(`${server.url}/console/team`);
    await ownerPage.getByLabel('Email').fill(doorEmail);
    await ownerPage.locator('#f-role').selectOption('door');
    await ownerPage.locator(`form[action="/console/team/invitations"] input[name="events"][value="${assigned.id}"]`).check();
    await ownerPage.getByRole('button', { name: 'Send invitation' }).click();
    await expect.poll(() => ownerPage.locator('[data-invitation]').count()).toBe(1);

    const door = await openPhone(browser);
    const { page, problems } = door;
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
    await scan(page, ticket!.code);
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
    expect(log.body.data[0]?.changes.ticket?.after).toBe(ticket!.id);

    const elsewhere = await page.goto(`${server.url}/console/events/${other.id}/scan`);
    expect(elsewhere?.status()).toBe(403);
    const developers = await page.goto(`${server.url}/console/developers`);
    expect(developers?.status()).toBe(403);
    expect(problems).toEqual([]);
    await owner.close();
    await door.context.close();
  });
});
