import { describe, expect, it } from 'vitest';
import { CHALLENGE_ATTEMPTS, RECOVERY_CODE_COUNT } from '../../src/domain/two-factor.js';
import { totpCode, totpStep } from '../../src/domain/totp.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { ConsoleBrowser, consoleWithOrganizer, fieldError, PASSWORD, signIn, visibleText } from './helpers.js';

const PAGE = '/console/account/security';
const STEP_MS = 30_000;

/** The code for a step relative to the test clock's. */
const codeAt = (t: TestApp, secret: string, offset = 0) => totpCode(secret, totpStep(t.clock.now()) + offset);

/** Enrols the signed-in organizer through the Account security page; returns the secret and the recovery codes. */
async function enrol(t: TestApp, browser: ConsoleBrowser) {
  await browser.get(PAGE);
  const started = await browser.post(`${PAGE}/two-factor/start`);
  expect(started.status).toBe(200);
  expect(started.text).toMatch(/<img src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+" alt="QR code for your authenticator app"/);
  const secret = /id="totp-secret">([A-Z2-7 ]+)</.exec(started.text)?.[1]?.replace(/ /g, '') ?? '';
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  const confirmed = await browser.post(`${PAGE}/two-factor/confirm`, { code: codeAt(t, secret) });
  expect(confirmed.status, visibleText(confirmed.text).slice(0, 300)).toBe(200);
  const recoveryCodes = [...confirmed.text.matchAll(/<li>([a-z0-9]{5}-[a-z0-9]{5})<\/li>/g)].map((m) => m[1]!);
  return { secret, recoveryCodes, page: confirmed };
}

/** Signs in with the password in a fresh browser, up to the code step. */
async function passwordStep(t: TestApp, email: string) {
  const browser = new ConsoleBrowser(t);
  await browser.get('/console/login');
  const res = await browser.post('/console/login', { email, password: PASSWORD, next: '/console/events' });
  return { browser, res };
}

/** Answers the code step; returns the reply. */
async function answer(browser: ConsoleBrowser, code: string) {
  await browser.get('/console/login/two-factor?next=%2Fconsole%2Fevents');
  return browser.post('/console/login/two-factor', { code, next: '/console/events' });
}

describe('two-step sign-in: enrolment (happy)', () => {
  it('shows a QR code and the key, turns on with a code from the app, and shows ten recovery codes once', async () => {
    const { t, browser, account } = await consoleWithOrganizer();
    const off = await browser.get(PAGE);
    expect(visibleText(off.text)).toContain('Off. Owners need it before switching to live mode.');
    const { secret, recoveryCodes, page } = await enrol(t, browser);
    expect(recoveryCodes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(recoveryCodes).size).toBe(RECOVERY_CODE_COUNT);
    expect(visibleText(page.text)).toContain('Recovery codes left: 10.');
    // Shown once: the next visit lists how many are left, not the codes.
    const later = await browser.get(PAGE);
    for (const code of recoveryCodes) expect(later.text).not.toContain(code);
    // At rest: the secret sealed, the recovery codes hashed.
    const stored = JSON.stringify(await t.store.collection('user_security').findOne({ _id: account }));
    expect(stored).not.toContain(secret);
    for (const code of recoveryCodes) expect(stored).not.toContain(code.replace('-', ''));
    expect(stored).toContain('"sealed":"v2.');
  });
});

describe('two-step sign-in: enrolment (errors)', () => {
  it('refuses a wrong first code and keeps the same key on screen', async () => {
    const { t, browser } = await consoleWithOrganizer();
    await browser.get(PAGE);
    const started = await browser.post(`${PAGE}/two-factor/start`);
    const secret = /id="totp-secret">([A-Z2-7 ]+)</.exec(started.text)?.[1]?.replace(/ /g, '') ?? '';
    const wrong = await browser.post(`${PAGE}/two-factor/confirm`, { code: codeAt(t, secret, 2) });
    expect(wrong.status).toBe(400);
    expect(fieldError(wrong.text, 'code')).toBe('That code is not right. Enter the 6-digit code your app shows now.');
    expect(wrong.text.replace(/\s/g, '')).toContain(`id="totp-secret">${secret}`);
    expect((await browser.post(`${PAGE}/two-factor/confirm`, { code: codeAt(t, secret) })).status).toBe(200);
  });
});

describe('two-step sign-in: signing in', () => {
  it('asks for the code after the password, and signs in only with it', async () => {
    const { t, browser, email } = await consoleWithOrganizer();
    const { secret } = await enrol(t, browser);
    t.clock.advance(STEP_MS);
    const { browser: laptop, res } = await passwordStep(t, email);
    expect(res.status).toBe(303);
    expect(res.location).toBe('/console/login/two-factor?next=%2Fconsole%2Fevents');
    expect(laptop.cookies.has('tts_session')).toBe(false);
    expect((await laptop.get('/console')).status).toBe(302);
    const signedIn = await answer(laptop, codeAt(t, secret));
    expect(signedIn.status).toBe(303);
    expect(signedIn.location).toBe('/console/events');
    expect((await laptop.get('/console/events')).status).toBe(200);
    expect(laptop.cookies.has('tts_2fa')).toBe(false);
  });

  it('refuses a code already used within its window', async () => {
    const { t, browser, email } = await consoleWithOrganizer();
    const { secret } = await enrol(t, browser);
    t.clock.advance(STEP_MS);
    const code = codeAt(t, secret);
    expect((await answer((await passwordStep(t, email)).browser, code)).status).toBe(303);
    const second = (await passwordStep(t, email)).browser;
    const replay = await answer(second, code);
    expect(replay.status).toBe(400);
    expect(fieldError(replay.text, 'code')).toContain('That code is not right, or was already used.');
    expect(second.cookies.has('tts_session')).toBe(false);
  });

  it('accepts a code one step early or late, and refuses one two steps off', async () => {
    const { t, browser, email } = await consoleWithOrganizer();
    const { secret } = await enrol(t, browser);
    t.clock.advance(10 * STEP_MS);
    const laptop = (await passwordStep(t, email)).browser;
    expect((await answer(laptop, codeAt(t, secret, -2))).status).toBe(400);
    expect((await answer(laptop, codeAt(t, secret, 2))).status).toBe(400);
    expect((await answer(laptop, codeAt(t, secret, -1))).status).toBe(303);
    expect((await answer((await passwordStep(t, email)).browser, codeAt(t, secret, 1))).status).toBe(303);
  });

  it('signs in once with each recovery code', async () => {
    const { t, browser, email } = await consoleWithOrganizer();
    const { recoveryCodes } = await enrol(t, browser);
    const [code] = recoveryCodes;
    const phoneLost = (await passwordStep(t, email)).browser;
    expect((await answer(phoneLost, code!.toUpperCase())).status).toBe(303);
    expect(visibleText((await phoneLost.get(PAGE)).text)).toContain('Recovery codes left: 9.');
    const again = await answer((await passwordStep(t, email)).browser, code!);
    expect(again.status).toBe(400);
  });

  it(`ends the code step after ${CHALLENGE_ATTEMPTS} wrong codes: the password must be typed again`, async () => {
    const { t, browser, email } = await consoleWithOrganizer();
    const { secret } = await enrol(t, browser);
    t.clock.advance(STEP_MS);
    const laptop = (await passwordStep(t, email)).browser;
    for (let i = 0; i < CHALLENGE_ATTEMPTS; i++) expect((await answer(laptop, '000000')).status).toBe(400);
    const over = await laptop.post('/console/login/two-factor', { code: codeAt(t, secret), next: '/console' });
    expect(over.status).toBe(303);
    expect(over.location).toBe('/console/login?notice=two_factor_over');
    expect(laptop.cookies.has('tts_session')).toBe(false);
  });

  it('ends the code step after ten minutes', async () => {
    const { t, browser, email } = await consoleWithOrganizer();
    const { secret } = await enrol(t, browser);
    const laptop = (await passwordStep(t, email)).browser;
    t.clock.advance(10 * 60_000);
    const late = await laptop.post('/console/login/two-factor', { code: codeAt(t, secret), next: '/console' });
    expect(late.location).toBe('/console/login?notice=two_factor_over');
  });
});

describe('two-step sign-in: a new password', () => {
  it('ends a sign-in that was waiting for its code', async () => {
    const { t, browser, email } = await consoleWithOrganizer();
    const { secret } = await enrol(t, browser);
    t.clock.advance(STEP_MS);
    const waiting = (await passwordStep(t, email)).browser;
    await t.services.passwordReset.request(email, { client: 'test' });
    const [job] = await t.store.collection<{ _id: string; payload: { token?: string } }>('outbox').find({ kind: 'password_reset' });
    await t.services.passwordReset.complete(job!.payload.token!, 'a brand new passphrase');
    const late = await waiting.post('/console/login/two-factor', { code: codeAt(t, secret), next: '/console' });
    expect(late.location).toBe('/console/login?notice=two_factor_over');
    expect(waiting.cookies.has('tts_session')).toBe(false);
  });
});

describe('two-step sign-in: turning it off', () => {
  it('needs the password and a code', async () => {
    const { t, browser, email } = await consoleWithOrganizer();
    const { secret } = await enrol(t, browser);
    t.clock.advance(STEP_MS);
    const noPassword = await browser.post(`${PAGE}/two-factor/disable`, { password: 'not my password', code: codeAt(t, secret) });
    expect(noPassword.status).toBe(403);
    expect(fieldError(noPassword.text, 'password')).toBe('that is not your password');
    const noCode = await browser.post(`${PAGE}/two-factor/disable`, { password: PASSWORD, code: '123456' });
    expect(noCode.status).toBe(400);
    const off = await browser.post(`${PAGE}/two-factor/disable`, { password: PASSWORD, code: codeAt(t, secret) });
    expect(off.status).toBe(303);
    expect(visibleText((await browser.follow(off)).text)).toContain('Two-step sign-in is off.');
    await signIn(t, email); // the password alone signs in again
  });
});

describe('two-step sign-in: racing codes', () => {
  it('lets exactly one of many simultaneous uses of a code through', async () => {
    const t = await buildTestApp();
    const { account } = await t.services.accounts.signUp({ email: 'race@example.com', password: PASSWORD, name: 'Race' });
    const { secret } = await t.services.twoFactor.startEnrolment(account._id, account.email);
    await t.services.twoFactor.confirmEnrolment(account._id, codeAt(t, secret));
    t.clock.advance(STEP_MS);
    const code = codeAt(t, secret);
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => t.services.twoFactor.verifyCode(account._id, code)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
  });
});
