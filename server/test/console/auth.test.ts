import { describe, expect, it } from 'vitest';
import { SESSION_IDLE_MS } from '../../src/domain/sessions.js';
import { PASSWORD_FAILURE_LIMIT } from '../../src/domain/password-guard.js';
import { SIGNUPS_PER_HOUR } from '../../src/app.js';
import { SIGNUP_RULE } from '../../src/console/routes/auth.js';
import { readyForLiveBySession } from '../helpers/account-security.js';
import { buildTestApp } from '../helpers/app.js';
import { ConsoleBrowser, consoleWithOrganizer, PASSWORD, signIn, signUpInConsole, visibleText } from './helpers.js';

/** The banner a sign-in page shows (its first `banner bad`). */
const banner = (html: string) => /<div class="banner bad" role="alert">([^<]*)/.exec(html)?.[1]?.trim();

describe('sign-up (happy)', () => {
  it('creates the account, signs in, and shows the test keys once', async () => {
    const t = await buildTestApp();
    const { browser, sk, pk, welcome, email } = await signUpInConsole(t, 'Kala Ghoda Arts');
    expect(sk).toMatch(/^sk_test_[0-9A-Za-z]{36}$/);
    expect(pk).toMatch(/^pk_test_[0-9A-Za-z]{36}$/);
    expect(visibleText(welcome.text)).toContain('Copy the secret key now: it is shown only this once.');
    // The keys work against the API, and the account is the one signed in.
    expect((await t.call('GET', '/v1/account', { key: sk })).body).toMatchObject({ email, name: 'Kala Ghoda Arts' });
    const dashboard = await browser.get('/console');
    expect(dashboard.status).toBe(200);
    expect(visibleText(dashboard.text)).toContain('Kala Ghoda Arts · test data');
    // Only hashes are stored: the welcome page was the one chance to copy them.
    expect(JSON.stringify(await t.store.collection('api_keys').find({}))).not.toContain(sk);
    expect((await browser.get('/console/developers')).text).not.toContain(sk);
  });
});

describe('sign-up (errors)', () => {
  it('names each bad field under its input, with the API’s rules', async () => {
    const t = await buildTestApp();
    const browser = new ConsoleBrowser(t);
    await browser.get('/console/signup');
    const res = await browser.post('/console/signup', { name: '', email: 'not-an-email', password: 'short' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('<p class="field-error" id="f-email-error">must be an email address</p>');
    expect(res.text).toContain('<p class="field-error" id="f-password-error">must be at least 10 characters</p>');
    expect(res.text).toContain('<p class="field-error" id="f-name-error">must not be empty</p>');
    expect(res.text).toContain('value="not-an-email"');
    expect(res.text).not.toContain('value="short"'); // a password is never echoed
    expect(await t.store.collection('accounts').count({})).toBe(0);
  });

  it('refuses an email that already has an account, as the API does', async () => {
    const t = await buildTestApp();
    const { email } = await signUpInConsole(t);
    const browser = new ConsoleBrowser(t);
    await browser.get('/console/signup');
    const res = await browser.post('/console/signup', { name: 'Again', email: email.toUpperCase(), password: PASSWORD });
    expect(res.status).toBe(409);
    expect(res.text).toContain('An account with this email already exists.');
    expect(browser.cookies.has('tts_session')).toBe(false);
  });

  it('shares the API’s per-address sign-up limit', async () => {
    expect(SIGNUP_RULE).toEqual({ limit: SIGNUPS_PER_HOUR, windowSeconds: 3600 });
    const t = await buildTestApp();
    for (let i = 0; i < SIGNUPS_PER_HOUR; i++) {
      const res = await t.call('POST', '/v1/accounts', { body: { email: `api${i}@example.com`, password: PASSWORD, name: 'Org' } });
      expect(res.status).toBe(201);
    }
    const browser = new ConsoleBrowser(t);
    await browser.get('/console/signup');
    const res = await browser.post('/console/signup', { name: 'Org', email: 'one-more@example.com', password: PASSWORD });
    expect(res.status).toBe(429);
    expect(res.headers.get('Retry-After')).toMatch(/^\d+$/);
    expect(await t.store.collection('accounts').count({ email: 'one-more@example.com' })).toBe(0);
  });
});

describe('sign-in and sign-out', () => {
  it('signs in and goes to the page it was sent from', async () => {
    const t = await buildTestApp();
    const { email } = await signUpInConsole(t);
    const browser = new ConsoleBrowser(t);
    const bounced = await browser.get('/console/events?cursor=x');
    expect(bounced.status).toBe(302);
    expect(bounced.location).toBe('/console/login?next=%2Fconsole%2Fevents%3Fcursor%3Dx');
    const form = await browser.follow(bounced);
    expect(form.text).toContain('name="next" value="/console/events?cursor=x"');
    const res = await browser.post('/console/login', { email, password: PASSWORD, next: '/console/events?cursor=x' });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/console/events?cursor=x');
  });

  it('rotates the session at sign-in: a token from before it is worthless after', async () => {
    const t = await buildTestApp();
    const { email, browser: first } = await signUpInConsole(t);
    const planted = first.cookies.get('tts_session')!;
    const browser = new ConsoleBrowser(t);
    await browser.get('/console/login');
    browser.cookies.set('tts_session', planted); // e.g. fixed by an attacker before the victim signs in
    expect((await browser.post('/console/login', { email, password: PASSWORD })).status).toBe(303);
    const fresh = browser.cookies.get('tts_session')!;
    expect(fresh).toMatch(/^sess_[0-9A-Za-z]{43}$/);
    expect(fresh).not.toBe(planted);
    expect((await browser.get('/console')).status).toBe(200);
    expect((await first.get('/console')).status).toBe(302); // the planted token was ended
  });

  it('signs out: the session ends in the store, not just in the browser', async () => {
    const { t, browser } = await consoleWithOrganizer();
    const token = browser.cookies.get('tts_session')!;
    await browser.get('/console');
    const res = await browser.post('/console/logout');
    expect(res.status).toBe(303);
    expect(res.location).toBe('/console/login?notice=signed_out');
    expect(res.setCookies.join('\n')).toMatch(/tts_session=;.*Max-Age=0/);
    const replay = new ConsoleBrowser(t);
    replay.cookies.set('tts_session', token);
    expect((await replay.get('/console')).status).toBe(302);
    expect(await t.store.collection('sessions').count({})).toBe(0);
  });

  it('sends a signed-in visitor of the sign-in page on to the console', async () => {
    const { browser } = await consoleWithOrganizer();
    const res = await browser.get('/console/login?next=/console/developers');
    expect(res.status).toBe(302);
    expect(res.location).toBe('/console/developers');
  });
});

describe('session expiry', () => {
  it('ends a session unused for 12 hours, and keeps one in use alive', async () => {
    const { t, browser } = await consoleWithOrganizer();
    t.clock.advance(SESSION_IDLE_MS - 60_000);
    expect((await browser.get('/console')).status).toBe(200); // used: 12 more hours from now
    t.clock.advance(SESSION_IDLE_MS - 60_000);
    expect((await browser.get('/console/events')).status).toBe(200);
    t.clock.advance(SESSION_IDLE_MS);
    const expired = await browser.get('/console/events');
    expect(expired.status).toBe(302);
    expect(expired.location).toBe('/console/login?next=%2Fconsole%2Fevents');
  });

  it('answers the scanner’s script with 401 once the session has ended', async () => {
    const { t, browser } = await consoleWithOrganizer();
    t.clock.advance(SESSION_IDLE_MS);
    const res = await browser.postJson('/console/events/evt_0000000000000000000000/scan', { code: 'x' });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.text).error.code).toBe('UNAUTHENTICATED');
  });
});

describe('session cookie', () => {
  it('is HttpOnly, SameSite=Lax, scoped to /console and Secure on an https server', async () => {
    const t = await buildTestApp({ env: { PUBLIC_URL: 'https://tickets.example.com' } });
    const browser = new ConsoleBrowser(t);
    await browser.get('/console/signup');
    const res = await browser.post('/console/signup', { name: 'Org', email: 'org@example.com', password: PASSWORD }, { origin: 'https://tickets.example.com' });
    const cookie = res.setCookies.find((line) => line.startsWith('tts_session='))!;
    expect(cookie).toMatch(/^tts_session=sess_[0-9A-Za-z]{43}; /);
    for (const attribute of ['HttpOnly', 'SameSite=Lax', 'Path=/console', 'Secure']) expect(cookie).toContain(attribute);
    expect(cookie).not.toMatch(/Max-Age|Expires/); // ends with the browser; the store decides sooner
  });

  it('drops Secure only on plain http to this machine', async () => {
    for (const url of ['http://localhost:8787', 'http://127.0.0.1:8787']) {
      const t = await buildTestApp({ env: { PUBLIC_URL: url } });
      const browser = new ConsoleBrowser(t);
      await browser.get('/console/signup');
      const res = await browser.post('/console/signup', { name: 'Org', email: 'org@example.com', password: PASSWORD }, { origin: url });
      const cookie = res.setCookies.find((line) => line.startsWith('tts_session='))!;
      expect(cookie, url).toContain('HttpOnly');
      expect(cookie, url).not.toContain('Secure');
    }
    const lan = await buildTestApp({ env: { PUBLIC_URL: 'http://tickets.test' } });
    const browser = new ConsoleBrowser(lan);
    const page = await browser.get('/console/login');
    expect(page.setCookies[0]).toContain('Secure');
  });
});

describe('no account enumeration', () => {
  it('answers an unknown email exactly as a wrong password', async () => {
    const t = await buildTestApp();
    const { email } = await signUpInConsole(t);
    const attempt = async (who: string) => {
      const browser = new ConsoleBrowser(t);
      await browser.get('/console/login');
      const res = await browser.post('/console/login', { email: who, password: 'not the password' });
      return { status: res.status, message: banner(res.text), page: visibleText(res.text).replace(who, 'EMAIL'), cookies: [...browser.cookies.keys()].sort() };
    };
    const wrong = await attempt(email);
    const unknown = await attempt('nobody@example.com');
    expect(wrong.status).toBe(401);
    expect(wrong.message).toBe('The email or password is not right.');
    expect(unknown).toEqual(wrong);
  });

  it('locks an email after ten failures, saying so the same way whether or not it has an account', async () => {
    const t = await buildTestApp();
    const { email } = await signUpInConsole(t);
    const lockOut = async (who: string) => {
      const browser = new ConsoleBrowser(t);
      await browser.get('/console/login');
      for (let i = 0; i < PASSWORD_FAILURE_LIMIT; i++) expect((await browser.post('/console/login', { email: who, password: `guess ${i}` })).status).toBe(401);
      // Now even the right password is refused, before it is checked.
      const locked = await browser.post('/console/login', { email: who, password: PASSWORD });
      return { status: locked.status, retryAfter: locked.headers.get('Retry-After'), message: banner(locked.text), signedIn: browser.cookies.has('tts_session') };
    };
    const real = await lockOut(email);
    expect(real).toEqual({
      status: 429,
      retryAfter: '900',
      message: 'Too many wrong passwords for this email address. Try again in 15 minutes, or from a browser that signed in to this account before.',
      signedIn: false,
    });
    expect(await lockOut('nobody@example.com')).toEqual(real);
    t.clock.advance(15 * 60_000);
    await signIn(t, email);
  });
});

describe('password guessing by strangers', () => {
  it('does not stop the owner’s known browser from signing in, or from changing live keys, while another address hammers the account', async () => {
    const t = await buildTestApp({ env: { TTS_TRUST_PROXY: '1' } });
    const { email, sk } = await signUpInConsole(t);
    const owner = { headers: { 'X-Forwarded-For': '203.0.113.7' } };
    const attacker = { headers: { 'X-Forwarded-For': '198.51.100.66' } };
    const browser = new ConsoleBrowser(t);
    await browser.get('/console/login', owner);
    expect((await browser.post('/console/login', { email, password: PASSWORD }, owner)).status).toBe(303);
    const device = browser.cookies.get('tts_device');
    expect(device).toBeTruthy();
    await browser.get('/console', owner);
    await browser.post('/console/logout', {}, owner);
    expect(browser.cookies.get('tts_device')).toBe(device); // signing out keeps the browser known

    // The attacker holds a leaked test key and guesses through the API and the console.
    for (let i = 0; i < 20; i++) await t.call('POST', '/v1/keys/roll', { key: sk, body: { kind: 'secret', mode: 'live', password: `guess ${i}` }, headers: attacker.headers });
    const stranger = new ConsoleBrowser(t);
    await stranger.get('/console/login', attacker);
    for (let i = 0; i < 20; i++) expect((await stranger.post('/console/login', { email, password: `again ${i}` }, attacker)).status).toBe(429);

    // The owner's browser still signs in, from any network, and may still change live keys.
    await browser.get('/console/login', owner);
    expect((await browser.post('/console/login', { email, password: PASSWORD }, { headers: { 'X-Forwarded-For': '192.0.2.44' } })).status).toBe(303);
    await browser.get('/console', owner);
    await readyForLiveBySession(t, browser.cookies.get('tts_session'));
    await browser.post('/console/mode', { mode: 'live', next: '/console/developers' }, owner);
    await browser.get('/console/developers', owner);
    const live = await browser.post('/console/developers/keys', { action: 'create:secret', password: PASSWORD }, owner);
    expect(live.status).toBe(200);
    expect(live.text).toMatch(/sk_live_[0-9A-Za-z]{36}/);

    // A browser the account has not seen is refused, even on the owner's network.
    const newLaptop = new ConsoleBrowser(t);
    await newLaptop.get('/console/login', owner);
    const refused = await newLaptop.post('/console/login', { email, password: PASSWORD }, owner);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThan(0);
  });

  it('keeps the known-device cookie HttpOnly, scoped to /console, for 90 days', async () => {
    const t = await buildTestApp({ env: { PUBLIC_URL: 'https://tickets.example.com' } });
    const email = 'org@example.com';
    await t.services.accounts.signUp({ email, password: PASSWORD, name: 'Org' });
    const browser = new ConsoleBrowser(t);
    await browser.get('/console/login');
    const res = await browser.post('/console/login', { email, password: PASSWORD }, { origin: 'https://tickets.example.com' });
    const cookie = res.setCookies.find((line) => line.startsWith('tts_device='))!;
    for (const attribute of ['HttpOnly', 'SameSite=Lax', 'Path=/console', 'Secure', `Max-Age=${90 * 24 * 60 * 60}`]) expect(cookie).toContain(attribute);
  });
});

describe('open redirects', () => {
  it('only ever sends a signed-in organizer to a console page', async () => {
    const t = await buildTestApp();
    const { email } = await signUpInConsole(t);
    const cases: Array<[string, string]> = [
      ['https://evil.example/', '/console'],
      ['//evil.example/console', '/console'],
      ['/\\evil.example', '/console'],
      ['/console\\..\\..\\evil', '/console'],
      ['/console/../v1/account', '/console'],
      ['/console/%2e%2e/v1/account', '/console'],
      ['javascript:alert(1)', '/console'],
      ['/consolex', '/console'],
      ['/console/events\r\nSet-Cookie: x=1', '/console'],
      ['/console/events/evt_1?tab=embed', '/console/events/evt_1?tab=embed'],
    ];
    for (const [next, expected] of cases) {
      const browser = new ConsoleBrowser(t);
      await browser.get('/console/login');
      const res = await browser.post('/console/login', { email, password: PASSWORD, next });
      expect(res.status, next).toBe(303);
      expect(res.location, next).toBe(expected);
    }
  });
});

describe('test and live data', () => {
  it('switches the whole console between test and live data, visibly', async () => {
    const { t, browser, owner } = await consoleWithOrganizer();
    await t.services.events.create(
      { ...owner, livemode: true },
      { name: 'Live gig', starts_at: new Date('2030-07-01T14:00:00Z'), ends_at: new Date('2030-07-01T18:00:00Z'), capacity: 10, ticket_types: [{ name: 'GA', price: 100 }] },
    );
    const test = await browser.get('/console/events');
    expect(visibleText(test.text)).toContain('Test data: nothing here moves real money.');
    expect(test.text).not.toContain('Live gig');
    await readyForLiveBySession(t, browser.cookies.get('tts_session'));
    const switched = await browser.post('/console/mode', { mode: 'live', next: '/console/events/evt_whatever' });
    expect(switched.status).toBe(303);
    expect(switched.location).toBe('/console/events'); // an object page may not exist in the other mode
    const live = await browser.get('/console/events');
    expect(visibleText(live.text)).toContain('Live data: real orders and real money.');
    expect(live.text).toContain('Live gig');
    await browser.post('/console/mode', { mode: 'test', next: '/console' });
    expect((await browser.get('/console/events')).text).not.toContain('Live gig');
  });
});
