import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { DEMO_EMAIL, DEMO_PASSWORD } from '../../src/demo.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { ConsoleBrowser, visibleText } from './helpers.js';

async function withDemo(): Promise<TestApp> {
  const t = await buildTestApp();
  await t.services.accounts.signUp({ email: DEMO_EMAIL, password: DEMO_PASSWORD, name: 'Demo Organizer' });
  return t;
}

/** The same app and store as `t`, but configured as production. */
function asProduction(t: TestApp): TestApp {
  const config = Object.freeze({ ...t.config, env: 'production' as const });
  const app = createApp({ config, store: t.store, clock: t.clock, logger: t.logger, services: t.services, mailer: t.mailbox, mailbox: null });
  return { ...t, app, config };
}

describe('demo sign-in (happy)', () => {
  it('shows the demo organizer on a development server’s sign-in page and signs in with one click', async () => {
    const t = await withDemo();
    const browser = new ConsoleBrowser(t);
    const page = await browser.get('/console/login?next=%2Fconsole%2Fevents');
    expect(page.status).toBe(200);
    expect(visibleText(page.text)).toContain(`A demo organizer with a test event is ready: ${DEMO_EMAIL} / ${DEMO_PASSWORD}`);
    expect(page.text).toContain('action="/console/login/demo"');

    const signedIn = await browser.post('/console/login/demo', { next: '/console/events' });
    expect(signedIn.status).toBe(303);
    expect(signedIn.location).toBe('/console/events');
    const events = await browser.follow(signedIn);
    expect(events.status).toBe(200);
    expect(visibleText(events.text)).toContain(DEMO_EMAIL);
  });
});

describe('demo sign-in (security)', () => {
  it('refuses the one-click sign-in without the sign-in form’s CSRF token', async () => {
    const t = await withDemo();
    const browser = new ConsoleBrowser(t);
    await browser.get('/console/login');
    const forged = await browser.post('/console/login/demo', { _csrf: 'forged' });
    expect(forged.status).toBe(403);
    expect(browser.cookies.has('tts_session')).toBe(false);
  });

  it('refuses it from another site', async () => {
    const t = await withDemo();
    const browser = new ConsoleBrowser(t);
    await browser.get('/console/login');
    const res = await browser.post('/console/login/demo', {}, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(browser.cookies.has('tts_session')).toBe(false);
  });

  it('shows no banner and answers 404 when the server has no demo organizer', async () => {
    const t = await buildTestApp();
    const browser = new ConsoleBrowser(t);
    const page = await browser.get('/console/login');
    expect(page.text).not.toContain('/console/login/demo');
    expect(page.text).not.toContain(DEMO_PASSWORD);
    expect((await browser.post('/console/login/demo')).status).toBe(404);
    expect(browser.cookies.has('tts_session')).toBe(false);
  });

  it('never offers or allows it in production, even where the demo account exists', async () => {
    const t = asProduction(await withDemo());
    const browser = new ConsoleBrowser(t);
    const page = await browser.get('/console/login');
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('/console/login/demo');
    expect(page.text).not.toContain(DEMO_PASSWORD);
    const res = await browser.post('/console/login/demo');
    expect(res.status).toBe(404);
    expect(browser.cookies.has('tts_session')).toBe(false);
  });
});
