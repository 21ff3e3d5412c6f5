import { describe, expect, it } from 'vitest';
import { TWO_FACTOR_FIRST, VERIFY_EMAIL_FIRST } from '../../src/domain/live-mode-gate.js';
import { EMAIL_VERIFICATION_MS } from '../../src/domain/email-verification.js';
import { totpCode, totpStep } from '../../src/domain/totp.js';
import { pendingVerificationToken } from '../helpers/account-security.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { deliverMail } from '../helpers/checkout.js';
import { ConsoleBrowser, consoleWithOrganizer, fieldError, PASSWORD, signIn, signUpInConsole, visibleText } from './helpers.js';

const PAGE = '/console/account/security';

/** The verification link in the newest mail to `email`, as a path. */
async function verificationLink(t: TestApp, email: string): Promise<string> {
  const mail = (await deliverMail(t)).find((m) => m.to === email && m.subject === 'Verify your email for Trendy Tickets');
  const link = /http:\/\/tickets\.test(\/console\/verify-email\?token=emv_[0-9A-Za-z]{43})/.exec(mail?.text ?? '')?.[1];
  expect(link, `a verification link mailed to ${email}`).toBeDefined();
  return link!;
}

/** Opens a verification link in a browser and presses its button. */
async function openLink(t: TestApp, link: string) {
  const browser = new ConsoleBrowser(t);
  const page = await browser.get(link);
  expect(page.status).toBe(200);
  return browser.post('/console/verify-email', { token: link.split('token=')[1]! });
}

/** Turns two-step sign-in on for an account through the domain, with a code for the test clock. */
async function enrolTwoFactor(t: TestApp, account: string) {
  const user = (await t.services.users.byId(account))!;
  const { secret } = await t.services.twoFactor.startEnrolment(user.id, user.email);
  await t.services.twoFactor.confirmEnrolment(user.id, totpCode(secret, totpStep(t.clock.now())));
}

describe('email verification', () => {
  it('mails a link at sign-up that verifies the address once', async () => {
    const { t, browser, email } = await consoleWithOrganizer();
    expect(visibleText((await browser.get(PAGE)).text)).toContain(`${email} · not verified yet`);
    const link = await verificationLink(t, email);
    const done = await openLink(t, link);
    expect(done.status).toBe(200);
    expect(visibleText(done.text)).toContain('Thank you: your email address is verified.');
    expect(visibleText((await browser.get(PAGE)).text)).toContain(`${email} · verified`);
    const again = await openLink(t, link);
    expect(again.status).toBe(404);
    expect(JSON.stringify(await t.store.collection('email_verifications').find({}))).not.toContain(link.split('token=')[1]);
  });

  it('mails a new link on request, for an account whose link has run out', async () => {
    const { t, email } = await consoleWithOrganizer();
    const first = await verificationLink(t, email);
    t.clock.advance(EMAIL_VERIFICATION_MS);
    expect((await openLink(t, first)).status).toBe(400);
    const browser = await signIn(t, email);
    await browser.get(PAGE);
    const asked = await browser.post(`${PAGE}/email`);
    expect(asked.location).toBe(`${PAGE}?notice=verification_sent`);
    const second = await verificationLink(t, email);
    expect(second).not.toBe(first);
    expect((await openLink(t, second)).status).toBe(200);
  });
});

describe('live mode waits for a verified email and, for owners, two-step sign-in', () => {
  it('refuses the console’s switch to live data, saying what is missing, until both are done', async () => {
    const { t, browser, account, email } = await consoleWithOrganizer();
    await browser.get('/console');
    const unverified = await browser.post('/console/mode', { mode: 'live', next: '/console' });
    expect(unverified.status).toBe(403);
    expect(visibleText(unverified.text)).toContain(VERIFY_EMAIL_FIRST);
    expect(unverified.text).toContain('href="/console/account/security"');

    await openLink(t, await verificationLink(t, email));
    const noTwoFactor = await browser.post('/console/mode', { mode: 'live', next: '/console' });
    expect(noTwoFactor.status).toBe(403);
    expect(visibleText(noTwoFactor.text)).toContain(TWO_FACTOR_FIRST);
    expect(visibleText((await browser.get('/console')).text)).toContain('Test data');

    await enrolTwoFactor(t, account);
    const live = await browser.post('/console/mode', { mode: 'live', next: '/console' });
    expect(live.status).toBe(303);
    expect(visibleText((await browser.get('/console')).text)).toContain('Live data: real orders and real money.');
    // Back to test data needs nothing.
    expect((await browser.post('/console/mode', { mode: 'test', next: '/console' })).status).toBe(303);
  });

  it('refuses live keys through the API until both are done', async () => {
    const t = await buildTestApp();
    const { sk, account } = await t.signUp();
    const toLive = { kind: 'secret', mode: 'live', password: 'correct horse battery' };
    const unverified = await t.call('POST', '/v1/keys/roll', { key: sk, body: toLive });
    expect(unverified.status).toBe(403);
    expect(unverified.body.error).toMatchObject({ code: 'FORBIDDEN', message: VERIFY_EMAIL_FIRST });
    await t.services.emailVerification.send(account.id);
    await t.services.emailVerification.confirm(await pendingVerificationToken(t, account.email));
    const noTwoFactor = await t.call('POST', '/v1/keys/roll', { key: sk, body: toLive });
    expect(noTwoFactor.body.error).toMatchObject({ code: 'FORBIDDEN', message: TWO_FACTOR_FIRST });
    expect(await t.store.collection('api_keys').count({ mode: 'live' })).toBe(0);
    await enrolTwoFactor(t, account.id);
    const live = await t.call('POST', '/v1/keys/roll', { key: sk, body: toLive });
    expect(live.status).toBe(201);
    expect(live.body.secret).toMatch(/^sk_live_/);
  });
});

describe('password change', () => {
  it('needs the current password, and signs out every other browser', async () => {
    const { t, browser, email } = await consoleWithOrganizer();
    const other = await signIn(t, email);
    await browser.get(PAGE);
    const wrong = await browser.post(`${PAGE}/password`, { current_password: 'not my password', new_password: 'a brand new passphrase' });
    expect(wrong.status).toBe(403);
    expect(fieldError(wrong.text, 'current_password')).toBe('that is not your password');
    const short = await browser.post(`${PAGE}/password`, { current_password: PASSWORD, new_password: 'short' });
    expect(fieldError(short.text, 'new_password')).toBe('must be at least 10 characters');
    const changed = await browser.post(`${PAGE}/password`, { current_password: PASSWORD, new_password: 'a brand new passphrase' });
    expect(changed.status).toBe(303);
    expect(visibleText((await browser.follow(changed)).text)).toContain('Password changed. Every other browser is signed out.');
    expect((await other.get('/console')).status).toBe(302);
    await signIn(t, email, 'a brand new passphrase');
  });
});

describe('active sessions', () => {
  it('lists each browser with its device, address and last use, and signs one out', async () => {
    const t = await buildTestApp({ env: { TTS_TRUST_PROXY: '1' } });
    const { browser, email } = await signUpInConsole(t);
    const phone = new ConsoleBrowser(t);
    const asPhone = { headers: { 'User-Agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)', 'X-Forwarded-For': '203.0.113.7' } };
    await phone.get('/console/login', asPhone);
    expect((await phone.post('/console/login', { email, password: PASSWORD }, asPhone)).status).toBe(303);
    t.clock.advance(5 * 60_000);
    await phone.get('/console', asPhone);

    const page = await browser.get(PAGE);
    const rows = [...page.text.matchAll(/<tr data-session="([0-9a-f]{24})">([\s\S]*?)<\/tr>/g)].map((m) => ({ ref: m[1]!, text: visibleText(m[2]!) }));
    expect(rows).toHaveLength(2);
    const phoneRow = rows.find((r) => r.text.includes('iPhone'));
    expect(phoneRow?.text).toContain('203.0.113.7');
    expect(phoneRow?.text).toMatch(/1 Jun 2030, 3:35/); // last seen: its latest page, in IST
    expect(rows.find((r) => r !== phoneRow)?.text).toContain('This browser');
    // The list never shows a session's stored id (the CSRF token is made from it).
    for (const stored of await t.store.collection('sessions').find({})) expect(page.text).not.toContain(stored._id);

    const ended = await browser.post(`${PAGE}/sessions/${phoneRow!.ref}/end`);
    expect(ended.status).toBe(303);
    expect((await phone.get('/console')).status).toBe(302);
    expect((await browser.get('/console')).status).toBe(200);
  });

  it('signs out everywhere else and keeps this browser', async () => {
    const { t, browser, email } = await consoleWithOrganizer();
    const others = [await signIn(t, email), await signIn(t, email)];
    await browser.get(PAGE);
    const res = await browser.post(`${PAGE}/sessions/end-others`);
    expect(res.location).toBe(`${PAGE}?notice=others_ended`);
    for (const other of others) expect((await other.get('/console')).status).toBe(302);
    const page = await browser.get(PAGE);
    expect(page.status).toBe(200);
    expect([...page.text.matchAll(/<tr data-session=/g)]).toHaveLength(1);
  });

  it('does not end another user’s session', async () => {
    const t = await buildTestApp();
    const mine = await signUpInConsole(t);
    const theirs = await signUpInConsole(t);
    const theirRef = /<tr data-session="([0-9a-f]{24})">/.exec((await theirs.browser.get(PAGE)).text)?.[1];
    await mine.browser.get(PAGE);
    expect((await mine.browser.post(`${PAGE}/sessions/${theirRef}/end`)).status).toBe(404);
    expect((await theirs.browser.get('/console')).status).toBe(200);
  });
});
