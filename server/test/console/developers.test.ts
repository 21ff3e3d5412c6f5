import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { PASSWORD_FAILURE_LIMIT } from '../../src/domain/password-guard.js';
import { ConsoleBrowser, consoleWithOrganizer, fieldError, PASSWORD, visibleText } from './helpers.js';
import { readyForLiveBySession } from '../helpers/account-security.js';

const revealed = (html: string) => /<p class="secret mono" id="revealed-key">([^<]+)<\/p>/.exec(html)?.[1];

describe('API keys (test mode)', () => {
  it('lists the account’s test keys by their last four characters only', async () => {
    const { browser, sk, pk } = await consoleWithOrganizer();
    const page = await browser.get('/console/developers');
    const text = visibleText(page.text);
    expect(text).toContain(`sk_test_…${sk.slice(-4)}`);
    expect(text).toContain(`pk_test_…${pk.slice(-4)}`);
    expect(page.text).not.toContain(sk);
    expect(page.text).not.toContain(pk);
    expect(text).toContain(`curl http://tickets.test/v1/events \\ -H "Authorization: Bearer sk_test_…${sk.slice(-4)}"`);
  });

  it('says the SDK and the widget are not on the registry yet, and how to install them from this server', async () => {
    const { browser } = await consoleWithOrganizer();
    const text = visibleText((await browser.get('/console/developers')).text);
    expect(text).toContain('are not on the npm registry yet. Until they are, install them from this server:');
    expect(text).toContain('npm install http://tickets.test/packages/trendy-tickets-sdk-latest.tgz');
    expect(text).toContain('npm install http://tickets.test/packages/trendy-tickets-widget-latest.tgz');
  });

  it('creates another secret key, shown once, working beside the first', async () => {
    const { t, browser, sk } = await consoleWithOrganizer();
    await browser.get('/console/developers');
    const res = await browser.post('/console/developers/keys', { action: 'create:secret' });
    expect(res.status).toBe(200);
    const raw = revealed(res.text)!;
    expect(raw).toMatch(/^sk_test_[0-9A-Za-z]{36}$/);
    expect(visibleText(res.text)).toContain('Copy it now: it is shown only this once.');
    expect(visibleText(res.text)).toContain(`Bearer ${raw}`); // the sample call uses it while it is on screen
    expect((await t.call('GET', '/v1/account', { key: raw })).status).toBe(200);
    expect((await t.call('GET', '/v1/account', { key: sk })).status).toBe(200);
    expect((await browser.get('/console/developers')).text).not.toContain(raw);
  });

  it('rolls publishable keys: the old one stops, and the Embed panel gets the new one', async () => {
    const { t, browser, pk, sk } = await consoleWithOrganizer();
    const event = await t.call('POST', '/v1/events', {
      key: sk,
      body: { name: 'Gig', starts_at: '2030-07-01T14:00:00Z', ends_at: '2030-07-01T18:00:00Z', capacity: 5, ticket_types: [{ name: 'GA', price: 0 }] },
    });
    await browser.get('/console/developers');
    const res = await browser.post('/console/developers/keys', { action: 'roll:publishable' });
    const raw = revealed(res.text)!;
    expect(raw).toMatch(/^pk_test_/);
    expect(visibleText(res.text)).toContain('(the old one has stopped working)');
    expect((await t.call('GET', `/v1/public/events/${event.body.id}`, { key: pk })).status).toBe(401);
    expect((await t.call('GET', `/v1/public/events/${event.body.id}`, { key: raw })).status).toBe(200);
    expect(visibleText((await browser.get(`/console/events/${event.body.id}`)).text)).toContain(`key="${raw}"`);
  });

  it('revokes a key after confirmation', async () => {
    const { t, browser, sk, account } = await consoleWithOrganizer();
    const secret = (await t.services.accounts.listKeys(account)).find((k) => k.kind === 'secret')!;
    const confirm = await browser.get(`/console/developers/keys/${secret._id}/revoke`);
    expect(visibleText(confirm.text)).toContain(`Revoke ${secret.display}?`);
    const unconfirmed = await browser.post(`/console/developers/keys/${secret._id}/revoke`, {});
    expect(unconfirmed.status).toBe(400);
    expect((await t.call('GET', '/v1/account', { key: sk })).status).toBe(200);
    const res = await browser.post(`/console/developers/keys/${secret._id}/revoke`, { confirm: 'on' });
    expect(res.location).toBe('/console/developers?notice=revoked');
    expect((await t.call('GET', '/v1/account', { key: sk })).status).toBe(401);
    const page = await browser.get(res.location!);
    expect(visibleText(page.text)).toContain('Key revoked');
    expect(page.text).not.toContain(secret.display);
  });

  it('does not revoke another account’s key', async () => {
    const { t, browser } = await consoleWithOrganizer();
    const other = await t.signUp();
    const [theirs] = await t.services.accounts.listKeys(other.account.id);
    expect((await browser.get(`/console/developers/keys/${theirs!._id}/revoke`)).status).toBe(404);
    await browser.get('/console/developers');
    expect((await browser.post(`/console/developers/keys/${theirs!._id}/revoke`, { confirm: 'on' })).status).toBe(404);
    expect((await t.call('GET', '/v1/account', { key: other.sk })).status).toBe(200);
  });
});

describe('API keys (live mode)', () => {
  it('needs the account password, as the API does', async () => {
    const { t, browser } = await consoleWithOrganizer();
    await readyForLiveBySession(t, browser.cookies.get('tts_session'));
    await browser.get('/console');
    await browser.post('/console/mode', { mode: 'live', next: '/console/developers' });
    const page = await browser.get('/console/developers');
    expect(visibleText(page.text)).toContain('No active live keys');
    expect(page.text).toContain('name="password" type="password"');

    const missing = await browser.post('/console/developers/keys', { action: 'create:secret' });
    expect(missing.status).toBe(400);
    expect(fieldError(missing.text, 'password')).toBe('enter your password to change live keys');
    const wrong = await browser.post('/console/developers/keys', { action: 'create:secret', password: 'not my password' });
    expect(wrong.status).toBe(403);
    expect(fieldError(wrong.text, 'password')).toBe('that is not your password');
    expect(revealed(wrong.text)).toBeUndefined();

    const ok = await browser.post('/console/developers/keys', { action: 'create:secret', password: PASSWORD });
    const raw = revealed(ok.text)!;
    expect(raw).toMatch(/^sk_live_[0-9A-Za-z]{36}$/);
    expect((await t.call('GET', '/v1/account', { key: raw })).status).toBe(200);
    const live = (await t.services.accounts.listKeys((await t.call('GET', '/v1/account', { key: raw })).body.id)).find((k) => k.mode === 'live')!;
    const revoke = await browser.post(`/console/developers/keys/${live._id}/revoke`, { confirm: 'on' });
    expect(revoke.status).toBe(400);
    expect(fieldError(revoke.text, 'password')).toBe('enter your password to change live keys');
  });

  it('counts wrong passwords here toward the sign-in lockout', async () => {
    const { t, browser, email } = await consoleWithOrganizer();
    await readyForLiveBySession(t, browser.cookies.get('tts_session'));
    await browser.get('/console');
    await browser.post('/console/mode', { mode: 'live', next: '/console/developers' });
    await browser.get('/console/developers');
    for (let i = 0; i < PASSWORD_FAILURE_LIMIT; i++) await browser.post('/console/developers/keys', { action: 'create:secret', password: `guess ${i}` });
    const locked = await browser.post('/console/developers/keys', { action: 'create:secret', password: PASSWORD });
    expect(locked.status).toBe(429);
    expect(locked.headers.get('Retry-After')).toBe('900');
    expect(visibleText(locked.text)).toContain('Too many wrong passwords for this email address. Try again in 15 minutes');
    // The same lock, not a page-local one: signing in from a new browser is refused too.
    const elsewhere = new ConsoleBrowser(t);
    await elsewhere.get('/console/login');
    expect((await elsewhere.post('/console/login', { email, password: PASSWORD })).status).toBe(429);
  });
});

describe('the rest of the Developers page', () => {
  it('links to the captured mailbox outside production, and not when there is none', async () => {
    const { t, browser } = await consoleWithOrganizer();
    expect((await browser.get('/console/developers')).text).toContain('href="http://tickets.test/dev/mailbox"');
    const smtp = createApp({ config: t.config, store: t.store, clock: t.clock, logger: t.logger, services: t.services, mailer: t.mailbox, mailbox: null });
    const viaSmtp = new ConsoleBrowser({ ...t, app: smtp });
    for (const [name, value] of browser.cookies) viaSmtp.cookies.set(name, value);
    const page = await viaSmtp.get('/console/developers');
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('/dev/mailbox');
  });

  it('refuses an unknown key action', async () => {
    const { browser } = await consoleWithOrganizer();
    await browser.get('/console/developers');
    const res = await browser.post('/console/developers/keys', { action: 'delete:everything' });
    expect(res.status).toBe(400);
    expect(visibleText(res.text)).toContain('Choose what to do with your keys.');
  });
});
