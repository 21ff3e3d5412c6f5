import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpMailer } from '../../src/delivery/mailer.js';
import { INVITATION_TTL_MS } from '../../src/domain/invitations.js';
import { ConsoleBrowser, PASSWORD, signIn, signUpInConsole, visibleText } from '../console/helpers.js';
import { startSmtpSink, type SmtpSink } from '../delivery/smtp-sink.js';
import { buildTestApp } from '../helpers/app.js';
import { mailWorker } from '../helpers/checkout.js';
import { addMember, invitationLinkFor, teamWithEvent } from './helpers.js';

let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(async () => {
  await smtp.stop();
});

async function invite(owner: ConsoleBrowser, email: string, role: string) {
  await owner.get('/console/team');
  return owner.post('/console/team/invitations', { email, role });
}

describe('team invitations', () => {
  it('mails a single-use link by SMTP; accepting it creates a member who signs in with their own password', async () => {
    const t = await buildTestApp();
    const owner = await signUpInConsole(t);
    const sent = await invite(owner.browser, 'ravi@crew.example.com', 'finance');
    expect(sent.status, sent.text.slice(0, 300)).toBe(303);

    const worker = mailWorker(t, createSmtpMailer({ url: smtp.url, from: 'Tickets <tickets@tts.test>' }));
    // The sign-up's email verification link and the invitation.
    expect((await worker.runOnce()).sent).toBe(2);
    const mail = (await smtp.parsed()).find((m) => m.subject?.startsWith('You are invited'));
    expect(mail?.subject).toBe('You are invited to Asha Events on Trendy Tickets');
    const link = mail?.text?.match(/http:\/\/tickets\.test(\/console\/invitations\/\S+)/)?.[1];
    expect(link).toMatch(/^\/console\/invitations\/tinv_[0-9A-Za-z]{22}\.[0-9A-Za-z]{43}$/);
    // Only the token's hash is kept; the mail job erased the token once sent.
    const stored = await t.store.collection<{ _id: string; token_hash: string }>('invitations').find({});
    expect(JSON.stringify(stored)).not.toContain(link!.split('/').at(-1)!);
    const jobs = await t.store.collection<{ _id: string; kind: string; payload: Record<string, unknown> }>('outbox').find({ kind: 'team_invitation' });
    expect(jobs[0]?.payload.token).toBeUndefined();

    const browser = new ConsoleBrowser(t);
    const form = await browser.get(link!);
    expect(visibleText(form.text)).toContain('You are invited as finance');
    const joined = await browser.post(link!, { name: 'Ravi Kumar', password: PASSWORD });
    expect(joined.status).toBe(303);
    expect((await browser.get('/console')).status).toBe(200);

    const again = await signIn(t, 'ravi@crew.example.com');
    const home = await again.get('/console');
    expect(visibleText(home.text)).toContain('ravi@crew.example.com finance');
    const team = await owner.browser.get('/console/team');
    expect(visibleText(team.text)).toContain('Ravi Kumar ravi@crew.example.com finance');
  });

  it('refuses a reused, a forged and an expired link, each with a page that says which', async () => {
    const { t, owner } = await teamWithEvent();
    const { link } = await addMember(t, owner.browser, 'door');

    const reused = await new ConsoleBrowser(t).get(link);
    expect(reused.status).toBe(410);
    expect(visibleText(reused.text)).toContain('This invitation was already accepted.');
    const repost = new ConsoleBrowser(t);
    await repost.get('/console/login');
    expect((await repost.post(link, { name: 'Intruder', password: PASSWORD })).status).toBe(410);

    const forged = `${link.slice(0, -4)}AAAA`;
    const forgedPage = await new ConsoleBrowser(t).get(forged);
    expect(forgedPage.status).toBe(404);
    expect(visibleText(forgedPage.text)).toContain('This invitation link is not valid.');
    expect((await new ConsoleBrowser(t).get('/console/invitations/not-a-token')).status).toBe(404);

    await invite(owner.browser, 'late@crew.example.com', 'admin');
    const late = await invitationLinkFor(t, 'late@crew.example.com');
    t.clock.advance(INVITATION_TTL_MS - 60_000);
    expect((await new ConsoleBrowser(t).get(late)).status).toBe(200);
    t.clock.advance(60_000);
    const expired = await new ConsoleBrowser(t).get(late);
    expect(expired.status).toBe(410);
    expect(visibleText(expired.text)).toContain('This invitation has expired');
    const lateBrowser = new ConsoleBrowser(t);
    await lateBrowser.get('/console/login');
    expect((await lateBrowser.post(late, { name: 'Late', password: PASSWORD })).status).toBe(410);
    expect(await t.store.collection('members').findOne({ email: 'late@crew.example.com' })).toBeNull();
  });

  it('refuses to invite an email that already signs in somewhere', async () => {
    const t = await buildTestApp();
    const owner = await signUpInConsole(t);
    const other = await signUpInConsole(t);
    const res = await invite(owner.browser, other.email, 'admin');
    expect(res.status).toBe(409);
    expect(visibleText(res.text)).toContain('This email already signs in to an account');
  });

  it('lets an admin invite admins but not owners', async () => {
    const { t, owner } = await teamWithEvent();
    const admin = await addMember(t, owner.browser, 'admin');
    const page = await admin.browser.get('/console/team');
    expect(page.text).not.toContain('<option value="owner"');
    const asOwner = await admin.browser.post('/console/team/invitations', { email: 'boss@crew.example.com', role: 'owner' });
    expect(asOwner.status).toBe(403);
    expect(visibleText(asOwner.text)).toContain('This needs the team:owners permission; your role (admin) does not have it.');
  });
});

describe('removing a member or changing their role', () => {
  it('ends the removed member’s open session at once', async () => {
    const { t, owner, event } = await teamWithEvent();
    const door = await addMember(t, owner.browser, 'door', [event.id]);
    expect((await door.browser.get(`/console/events/${event.id}/scan`)).status).toBe(200);

    await owner.browser.get('/console/team');
    const removed = await owner.browser.post(`/console/team/members/${door.member}/remove`, {});
    expect(removed.status).toBe(303);

    const after = await door.browser.get(`/console/events/${event.id}/scan`);
    expect(after.status).toBe(302);
    expect(after.location).toContain('/console/login');
    expect(await t.store.collection('sessions').count({ member: door.member })).toBe(0);
    const signInAgain = new ConsoleBrowser(t);
    await signInAgain.get('/console/login');
    expect((await signInAgain.post('/console/login', { email: door.email, password: PASSWORD })).status).toBe(401);
  });

  it('signs a member out when their role changes, and the new role applies at the next sign-in', async () => {
    const { t, owner, event } = await teamWithEvent();
    const finance = await addMember(t, owner.browser, 'finance');
    expect((await finance.browser.get('/console')).status).toBe(200);

    await owner.browser.get('/console/team');
    expect((await owner.browser.post(`/console/team/members/${finance.member}`, { role: 'door', events: event.id })).status).toBe(303);
    expect((await finance.browser.get('/console')).status).toBe(302);

    const door = await signIn(t, finance.email);
    const home = await door.get('/console');
    expect(home.location).toBe('/console/door');
    expect(visibleText((await door.get('/console/door')).text)).toContain('Monsoon Jazz Night');
  });

  it('does not let an admin change or remove an owner', async () => {
    const { t, owner } = await teamWithEvent();
    const admin = await addMember(t, owner.browser, 'admin');
    const firstOwner = `mem_${owner.account.replace(/^acct_/, '')}`;
    await admin.browser.get('/console/team');
    const res = await admin.browser.post(`/console/team/members/${firstOwner}/remove`, {});
    expect(res.status).toBe(403);
    expect(await t.store.collection('members').findOne({ _id: firstOwner })).not.toBeNull();
  });
});

describe('what a door member sees', () => {
  it('lists attendees of their event with links to their ticket pages', async () => {
    const { t, owner, event } = await teamWithEvent();
    const door = await addMember(t, owner.browser, 'door', [event.id]);
    await t.call('POST', '/v1/tickets', {
      key: owner.sk,
      body: { event: event.id, ticket_type: event.ticket_types[0]!.id, holder: { name: 'Meera Iyer', email: 'meera@example.com' }, send_email: false },
    });
    const list = await door.browser.get(`/console/events/${event.id}/attendees`);
    expect(list.status).toBe(200);
    expect(visibleText(list.text)).toContain('Meera Iyer');
    expect(list.text).toContain('href="/console/tickets/');
  });
});

describe('one email, one sign-in', () => {
  it('refuses a new account for the email of a team member', async () => {
    const { t, owner } = await teamWithEvent();
    const { email } = await addMember(t, owner.browser, 'finance');
    const res = await t.call('POST', '/v1/accounts', { body: { email, password: 'correct horse battery', name: 'Second' } });
    expect(res.status).toBe(409);
    expect((await signIn(t, email)).cookies.size).toBeGreaterThan(0);
  });
});
