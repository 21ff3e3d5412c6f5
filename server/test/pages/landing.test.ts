import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import type { AppDeps } from '../../src/http/context.js';
import { PAGE_CSP } from '../../src/pages/layout.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;

function appWith(overrides: Partial<AppDeps>) {
  const { config, store, clock, logger, services, mailbox } = t;
  return createApp({ config, store, clock, logger, services, mailer: mailbox, mailbox, ...overrides });
}

const HTML = { Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

beforeEach(async () => {
  t = await buildTestApp();
});

describe('landing page', () => {
  it('answers / with a page that says what the server is and links the docs, the console, the demo and the mailbox', async () => {
    const app = appWith({ demo: { eventId: 'evt_demo', publishableKey: 'pk_test_demo' } });
    const res = await app.request('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toMatch(/^text\/html/);
    expect(res.headers.get('Content-Security-Policy')).toBe(PAGE_CSP);
    const html = await res.text();
    expect(html).toContain('<h1>Trendy Ticket Service</h1>');
    for (const href of ['/docs', '/console', '/demo/', '/dev/mailbox', '/openapi.json']) expect(html).toContain(`href="${href}"`);
    expect(html).toContain('http://tickets.test/v1');
  });

  it('leaves out the demo and the mailbox where they do not exist', async () => {
    const production = Object.freeze({ ...t.config, env: 'production' as const });
    const res = await appWith({ config: production, mailbox: null, demo: null }).request('/');
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).not.toContain('href="/demo/"');
    expect(html).not.toContain('href="/dev/mailbox"');
    expect(html).toContain('href="/console"');
  });
});

describe('not found', () => {
  it('gives a browser an HTML page for an unknown address', async () => {
    const res = await t.app.request('/no-such-page', { headers: HTML });
    expect(res.status).toBe(404);
    expect(res.headers.get('Content-Type')).toMatch(/^text\/html/);
    expect(res.headers.get('Content-Security-Policy')).toBe(PAGE_CSP);
    const html = await res.text();
    expect(html).toContain('Page not found');
    expect(html).toContain('/no-such-page');
    expect(html).toContain('href="/"');
  });

  it('keeps the JSON error for API clients outside /v1', async () => {
    const res = await t.app.request('/no-such-page', { headers: { Accept: 'application/json' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND', message: 'No route for GET /no-such-page.' } });
  });

  it('always answers JSON under /v1, even to a browser', async () => {
    const res = await t.app.request('/v1/nope', { headers: HTML });
    expect(res.status).toBe(404);
    expect(res.headers.get('Content-Type')).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});
