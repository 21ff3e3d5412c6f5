import { expect } from 'vitest';
import type { Role } from '../../src/domain/permissions.js';
import { ConsoleBrowser, PASSWORD, signUpInConsole } from '../console/helpers.js';
import { buildTestApp, eventBody, type TestApp } from '../helpers/app.js';
import { deliverMail } from '../helpers/checkout.js';

/** The invitation link in the newest invitation mail to `email`, as a path. */
export async function invitationLinkFor(t: TestApp, email: string): Promise<string> {
  const mail = (await deliverMail(t)).find((m) => m.to === email && /invited/i.test(m.subject));
  const link = mail?.text.match(/http:\/\/tickets\.test(\/console\/invitations\/\S+)/)?.[1];
  expect(link, `an invitation mailed to ${email}`).toBeDefined();
  return link!;
}

let members = 0;

/**
 * Invites a member through the owner's Team page and accepts the mailed link in a new
 * browser, which ends signed in as that member.
 */
export async function addMember(t: TestApp, inviter: ConsoleBrowser, role: Role, events: string[] = []) {
  members += 1;
  const email = `${role}${members}@crew.example.com`;
  await inviter.get('/console/team');
  const form = new URLSearchParams({ _csrf: inviter.csrf, email, role });
  for (const e of events) form.append('events', e);
  const sent = await t.app.request('/console/team/invitations', {
    method: 'POST',
    headers: { Cookie: inviter.cookieHeader(), Origin: 'http://tickets.test', 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  expect(sent.status, await sent.text()).toBe(303);
  const link = await invitationLinkFor(t, email);
  const browser = new ConsoleBrowser(t);
  const page = await browser.get(link);
  expect(page.status, page.text.slice(0, 300)).toBe(200);
  const joined = await browser.post(link, { name: `${role} person`, password: PASSWORD });
  expect(joined.status, joined.text.slice(0, 300)).toBe(303);
  const member = (await t.store.collection<{ _id: string; email: string }>('members').findOne({ email }))!;
  return { browser, email, link, member: member._id };
}

/** A test app with an owner signed in to the console, their keys, and one published test event. */
export async function teamWithEvent() {
  const t = await buildTestApp();
  const owner = await signUpInConsole(t);
  const created = await t.call('POST', '/v1/events', { key: owner.sk, body: eventBody() });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { t, owner, event: created.body as { id: string; ticket_types: Array<{ id: string }> } };
}
