import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { fillPartnerPage, PARTNER_SITE } from '../../src/http/routes/demo.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { organizerWithEvent } from '../helpers/checkout.js';

/** A secret key anywhere in a page: `sk_test_` or `sk_live_` followed by key characters. */
const SECRET_KEY = /sk_(test|live)_[0-9A-Za-z]{8,}/;

/** The app as `main.ts` builds it on a first run: with the demo's event and publishable key. */
async function withDemo(t: TestApp) {
  const org = await organizerWithEvent(t);
  const demo = { eventId: org.event.id as string, publishableKey: org.pk };
  const app = createApp({ config: t.config, store: t.store, clock: t.clock, logger: t.logger, services: t.services, mailer: t.mailbox, mailbox: t.mailbox, demo });
  return { app, demo, org };
}

describe('/demo (happy)', () => {
  it('serves the example partner page as a folder, with the demo event and publishable key filled in', async () => {
    const t = await buildTestApp();
    const { app, demo } = await withDemo(t);
    const redirect = await app.request('/demo');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('Location')).toBe('/demo/');
    const res = await app.request('/demo/');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain(`<tts-checkout event="${demo.eventId}" key="${demo.publishableKey}" label="Book tickets"></tts-checkout>`);
    expect(html).toContain('<script src="/widget/v1/tts-checkout.js" async></script>');
    expect(html).toContain('<h1>Monsoon Jazz Night</h1>');
    // Everything else is the example file as written.
    const example = await readFile(join(PARTNER_SITE, 'index.html'), 'utf8');
    expect(html).toBe(fillPartnerPage(example, demo));
    expect(example).toContain('<script src="http://localhost:8787/widget/v1/tts-checkout.js" async></script>');
  });

  it('serves the page’s stylesheet and script next to it', async () => {
    const t = await buildTestApp();
    const { app } = await withDemo(t);
    const css = await app.request('/demo/styles.css');
    expect(css.headers.get('Content-Type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).toBe(await readFile(join(PARTNER_SITE, 'styles.css'), 'utf8'));
    const js = await app.request('/demo/partner.js');
    expect(js.headers.get('Content-Type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toContain("addEventListener('tts-paid'");
  });
});

describe('/demo (errors)', () => {
  it('is a 404 page on a server without a demo (production, or a data directory that had accounts)', async () => {
    const t = await buildTestApp();
    const res = await t.app.request('/demo/');
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('No demo on this server');
    expect((await t.app.request('/demo/styles.css')).status).toBe(404);
  });

  it('serves no other file of the folder, and nothing outside it', async () => {
    const t = await buildTestApp();
    const { app } = await withDemo(t);
    for (const path of ['/demo/index.html', '/demo/..%2F..%2Fpackage.json', '/demo/%2E%2E/README.md', '/demo/secret.json']) {
      expect((await app.request(path)).status, path).toBe(404);
    }
  });
});

describe('/demo (security)', () => {
  it('runs under a strict policy: our script and API, Razorpay as its own plugins allow it, no inline script, no eval, no framing', async () => {
    const t = await buildTestApp();
    const { app } = await withDemo(t);
    const csp = (await app.request('/demo/')).headers.get('Content-Security-Policy') ?? '';
    const directives = Object.fromEntries(csp.split(/;\s*/).map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
    expect(directives['default-src']).toBe("'none'");
    expect(directives['script-src']).toBe("'self' https://checkout.razorpay.com https://cdn.razorpay.com");
    // Razorpay's checkout.js injects a <style> element into the page that opens it.
    expect(directives['style-src']).toBe("'self' 'unsafe-inline'");
    expect(directives['connect-src']).toBe("'self' http://tickets.test https://api.razorpay.com https://lumberjack.razorpay.com https://lumberjack-metrics.razorpay.com");
    expect(directives['img-src']).toContain('https://cdn.razorpay.com');
    expect(directives['frame-src']).toBe('https://api.razorpay.com https://checkout.razorpay.com');
    // The redirect flow (in-app browsers) posts a form from the page to Razorpay.
    expect(directives['form-action']).toBe("'self' https://api.razorpay.com");
    expect(directives['frame-ancestors']).toBe("'none'");
    expect(directives['script-src']).not.toMatch(/unsafe-(inline|eval)/);
    expect(csp).not.toMatch(/unsafe-eval/);
  });

  it('never shows a secret key, even though the demo organizer has one', async () => {
    const t = await buildTestApp();
    const { app, org } = await withDemo(t);
    const pages = await Promise.all(['/demo/', '/demo/styles.css', '/demo/partner.js'].map(async (p) => (await app.request(p)).text()));
    for (const page of pages) {
      expect(page).not.toMatch(SECRET_KEY);
      expect(page).not.toContain(org.sk);
    }
  });

  it('escapes what it fills into the page', () => {
    const html = fillPartnerPage('<tts-checkout event="evt_x" key="pk_x"></tts-checkout>', { eventId: 'evt_"><script>', publishableKey: 'pk_&<' });
    expect(html).toBe('<tts-checkout event="evt_&quot;&gt;&lt;script&gt;" key="pk_&amp;&lt;"></tts-checkout>');
  });
});
