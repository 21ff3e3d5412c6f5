import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpMailer, type Mailer } from '../../src/delivery/mailer.js';
import { PASSWORD_FAILURE_LIMIT } from '../../src/domain/password-guard.js';
import { PASSWORD_RESET_MS, RESET_REQUESTS_PER_EMAIL } from '../../src/domain/password-reset.js';
import { RESET_REQUESTED } from '../../src/console/pages/account-recovery.js';
import { startSmtpSink, type SmtpSink } from '../delivery/smtp-sink.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { mailWorker } from '../helpers/checkout.js';
import { ConsoleBrowser, PASSWORD, signIn, signUpInConsole, visibleText } from './helpers.js';

const NEW_PASSWORD = 'a brand new passphrase';

let smtp: SmtpSink;
let mailer: Mailer;
beforeAll(async () => {
  smtp = await startSmtpSink();
  mailer = createSmtpMailer({ url: smtp.url, from: 'Trendy Tickets <tickets@tts.test>' });
});
afterAll(async () => {
  await mailer.close();
  await smtp.stop();
});

/** Sends the queued mail through the SMTP server and returns what arrived for `to` since `before` messages. */
async function mailTo(t: TestApp, to: string, before: number) {
  await mailWorker(t, mailer).runOnce();
  const arrived = (await smtp.parsed()).slice(before);
  return arrived.filter((m) => (m.to && 'text' in m.to ? m.to.text : '') === to);
}

/** Asks for a reset in a fresh browser; returns the page shown. */
async function requestReset(t: TestApp, email: string) {
  const browser = new ConsoleBrowser(t);
  const login = await browser.get('/console/login');
  expect(login.text).toContain('href="/console/forgot-password"');
  await browser.get('/console/forgot-password');
  const res = await browser.post('/console/forgot-password', { email });
  return { browser, res };
}

const resetLink = (text: string | undefined) => /http:\/\/tickets\.test(\/console\/reset-password\?token=pwr_[0-9A-Za-z]{43})/.exec(text ?? '')?.[1];

describe('password reset by email (happy)', () => {
  it('mails a single-use link that sets a new password and signs every browser out', async () => {
    const t = await buildTestApp();
    const { email, browser: signedIn } = await signUpInConsole(t);
    const other = await signIn(t, email);
    const before = smtp.received.length;

    const { browser, res } = await requestReset(t, email);
    expect(res.status).toBe(200);
    expect(visibleText(res.text)).toContain(RESET_REQUESTED);

    const [mail] = (await mailTo(t, email, before)).filter((m) => m.subject === 'Reset your Trendy Tickets password');
    expect(mail?.text).toContain('works once, for 30 minutes');
    const link = resetLink(mail?.text);
    expect(link).toBeDefined();
    expect(mail?.html).toContain(`href="http://tickets.test${link!.replace(/&/g, '&#38;')}"`);
    // Only the token's hash is kept.
    const token = link!.split('token=')[1]!;
    expect(JSON.stringify(await t.store.collection('password_resets').find({}))).not.toContain(token);

    const form = await browser.get(link!);
    expect(form.status).toBe(200);
    expect(visibleText(form.text)).toContain(`For ${email}`);
    const done = await browser.post('/console/reset-password', { token, password: NEW_PASSWORD });
    expect(done.status).toBe(303);
    expect(done.location).toBe('/console/login?notice=password_reset');

    // Every session of the account ended; the old password is refused, the new one works.
    expect((await signedIn.get('/console')).status).toBe(302);
    expect((await other.get('/console')).status).toBe(302);
    const old = new ConsoleBrowser(t);
    await old.get('/console/login');
    expect((await old.post('/console/login', { email, password: PASSWORD })).status).toBe(401);
    await signIn(t, email, NEW_PASSWORD);

    // The link worked once.
    const again = await browser.get(link!);
    expect(again.status).toBe(404);
    expect(visibleText(again.text)).toContain('This reset link has been used, replaced or is not valid.');
    const reuse = await browser.post('/console/reset-password', { token, password: 'yet another passphrase' });
    expect(reuse.status).toBe(404);
    await signIn(t, email, NEW_PASSWORD);
  });

  it('ends every other pending link of the user when one of them sets the password', async () => {
    const t = await buildTestApp();
    const { email } = await signUpInConsole(t);
    const before = smtp.received.length;
    await requestReset(t, email);
    await requestReset(t, email);
    const links = (await mailTo(t, email, before)).map((m) => resetLink(m.text)).filter(Boolean) as string[];
    expect(links).toHaveLength(2);
    const browser = new ConsoleBrowser(t);
    await browser.get(links[0]!);
    expect((await browser.post('/console/reset-password', { token: links[0]!.split('token=')[1]!, password: NEW_PASSWORD })).status).toBe(303);
    expect((await browser.get(links[1]!)).status).toBe(404);
  });

  it('lifts the lock of an address locked by wrong passwords, so the owner signs in with the new one at once', async () => {
    const t = await buildTestApp();
    const { email } = await signUpInConsole(t);
    const guesser = new ConsoleBrowser(t);
    await guesser.get('/console/login');
    for (let i = 0; i < PASSWORD_FAILURE_LIMIT; i++) expect((await guesser.post('/console/login', { email, password: `wrong guess ${i}` })).status).toBe(401);
    const locked = await guesser.post('/console/login', { email, password: PASSWORD });
    expect(locked.status).toBe(429);

    const before = smtp.received.length;
    const { browser } = await requestReset(t, email);
    const link = (await mailTo(t, email, before)).map((m) => resetLink(m.text)).find(Boolean);
    await browser.get(link!);
    expect((await browser.post('/console/reset-password', { token: link!.split('token=')[1]!, password: NEW_PASSWORD })).status).toBe(303);

    // No clock advance: the lock would still hold for its full 15 minutes.
    await signIn(t, email, NEW_PASSWORD);
  });
});

describe('password reset by email (errors)', () => {
  it('refuses a link after 30 minutes', async () => {
    const t = await buildTestApp();
    const { email } = await signUpInConsole(t);
    const before = smtp.received.length;
    const { browser } = await requestReset(t, email);
    const link = (await mailTo(t, email, before)).map((m) => resetLink(m.text)).find(Boolean)!;
    t.clock.advance(PASSWORD_RESET_MS);
    const late = await browser.get(link);
    expect(late.status).toBe(400);
    expect(visibleText(late.text)).toContain('This reset link has expired: links work for 30 minutes.');
    const posted = await browser.post('/console/reset-password', { token: link.split('token=')[1]!, password: NEW_PASSWORD });
    expect(posted.status).toBe(400);
    await signIn(t, email); // the old password still works
  });

  it('keeps the sign-up rules for the new password', async () => {
    const t = await buildTestApp();
    const { email } = await signUpInConsole(t);
    const before = smtp.received.length;
    const { browser } = await requestReset(t, email);
    const link = (await mailTo(t, email, before)).map((m) => resetLink(m.text)).find(Boolean)!;
    await browser.get(link);
    const short = await browser.post('/console/reset-password', { token: link.split('token=')[1]!, password: 'short' });
    expect(short.status).toBe(400);
    expect(short.text).toContain('must be at least 10 characters');
    // A refused password does not spend the link.
    expect((await browser.post('/console/reset-password', { token: link.split('token=')[1]!, password: NEW_PASSWORD })).status).toBe(303);
  });

  it('limits requests per address, saying so the same way for unknown addresses', async () => {
    const t = await buildTestApp();
    const { email } = await signUpInConsole(t);
    const statuses = async (who: string) => {
      const out: number[] = [];
      for (let i = 0; i <= RESET_REQUESTS_PER_EMAIL.limit; i++) out.push((await requestReset(t, who)).res.status);
      return out;
    };
    const known = await statuses(email);
    expect(known).toEqual([...Array(RESET_REQUESTS_PER_EMAIL.limit).fill(200), 429]);
    expect(await statuses('nobody-here@example.com')).toEqual(known);
  });
});

describe('password reset by email (security)', () => {
  it('answers an unknown address exactly as a known one, and tells only the mailbox', async () => {
    const t = await buildTestApp();
    const { email } = await signUpInConsole(t);
    const unknown = 'nobody@example.com';
    const before = smtp.received.length;
    const known = await requestReset(t, email);
    const stranger = await requestReset(t, unknown);
    const shown = (r: typeof known) => ({ status: r.res.status, page: visibleText(r.res.text), cookies: [...r.browser.cookies.keys()].sort() });
    expect(shown(stranger)).toEqual(shown(known));
    // The same work behind both answers: one reset record and one queued mail each.
    expect(await t.store.collection('password_resets').count({})).toBe(2);
    expect(await t.store.collection('outbox').count({ kind: 'password_reset' })).toBe(1);
    expect(await t.store.collection('outbox').count({ kind: 'password_reset_unknown' })).toBe(1);
    const [note] = await mailTo(t, unknown, before);
    expect(note?.subject).toBe('Your Trendy Tickets password reset request');
    expect(note?.text).toContain('no account uses it');
    expect(note?.text).not.toContain('token=');
  });

  it('refuses tokens it never issued', async () => {
    const t = await buildTestApp();
    const browser = new ConsoleBrowser(t);
    for (const token of ['', 'pwr_short', `pwr_${'A'.repeat(43)}`, '../../etc/passwd']) {
      expect((await browser.get(`/console/reset-password?token=${encodeURIComponent(token)}`)).status, token).toBe(404);
    }
  });
});
