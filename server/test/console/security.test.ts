import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { assetSizes, assetUrl } from '../../src/console/assets.js';
import { MAX_CONSOLE_BODY_BYTES } from '../../src/console/index.js';
import { CONSOLE_CSP } from '../../src/console/security.js';
import { eventBody } from '../helpers/app.js';
import { issueTickets } from '../helpers/checkout.js';
import { ConsoleBrowser, consoleWithOrganizer, signUpInConsole } from './helpers.js';

/** An organizer with an event and a ticket, signed in to the console. */
async function withEvent() {
  const setup = await consoleWithOrganizer();
  const created = await setup.t.call('POST', '/v1/events', { key: setup.sk, body: eventBody() });
  const [ticket] = await issueTickets(setup.t, setup.sk, created.body.id, created.body.ticket_types[0].id, { name: 'Kavya Menon', email: 'kavya@example.com' });
  await setup.browser.get(`/console/events/${created.body.id}`);
  return { ...setup, event: created.body as { id: string; name: string }, ticket: ticket! };
}

describe('cross-site requests', () => {
  it('refuses a POST from another origin with a plain 403 page, changing nothing', async () => {
    const { t, browser, event } = await withEvent();
    const res = await browser.post(`/console/events/${event.id}/cancel`, { confirm: 'on' }, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.headers.get('Content-Type')).toContain('text/html');
    expect(res.text).toContain('This request came from another website, so it was refused.');
    expect((await t.store.collection<{ _id: string; status: string }>('events').findOne({ _id: event.id }))?.status).toBe('published');
  });

  it('refuses a POST that the browser marks cross-site, or that carries no evidence at all', async () => {
    const { browser, event } = await withEvent();
    const crossSite = await browser.post(`/console/events/${event.id}/cancel`, { confirm: 'on' }, { origin: null, headers: { 'Sec-Fetch-Site': 'cross-site' } });
    expect(crossSite.status).toBe(403);
    const bare = await browser.post(`/console/events/${event.id}/cancel`, { confirm: 'on' }, { origin: null });
    expect(bare.status).toBe(403);
    const nullOrigin = await browser.post(`/console/events/${event.id}/cancel`, { confirm: 'on' }, { origin: 'null' });
    expect(nullOrigin.status).toBe(403);
    // Same-origin by Fetch Metadata alone is enough.
    const sameOrigin = await browser.post(`/console/events/${event.id}/cancel`, { confirm: 'on' }, { origin: null, headers: { 'Sec-Fetch-Site': 'same-origin' } });
    expect(sameOrigin.status).toBe(303);
  });

  it('refuses a POST without this session’s CSRF token, even from our own origin', async () => {
    const { t, browser, event } = await withEvent();
    const missing = await browser.post(`/console/events/${event.id}/cancel`, { confirm: 'on', _csrf: null });
    expect(missing.status).toBe(403);
    expect(missing.text).toContain('This page is out of date or was opened from another site');
    const wrong = await browser.post(`/console/events/${event.id}/cancel`, { confirm: 'on', _csrf: 'A'.repeat(43) });
    expect(wrong.status).toBe(403);
    // Another session's token (the attacker's own) does not fit this session.
    const other = await signUpInConsole(t);
    await other.browser.get('/console');
    const foreign = await browser.post(`/console/events/${event.id}/cancel`, { confirm: 'on', _csrf: other.browser.csrf });
    expect(foreign.status).toBe(403);
    expect((await t.store.collection<{ _id: string; status: string }>('events').findOne({ _id: event.id }))?.status).toBe('published');
  });

  it('requires the CSRF header on the scanner’s JSON posts', async () => {
    const { t, browser, event, ticket } = await withEvent();
    const res = await browser.postJson(`/console/events/${event.id}/scan`, { code: ticket.id }, { csrf: null });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.text).error.code).toBe('FORBIDDEN');
    expect(await t.store.collection('checkins').count({})).toBe(0);
  });

  it('refuses a sign-in posted without the form’s own token (login CSRF)', async () => {
    const { t, email } = await consoleWithOrganizer();
    const attacker = new ConsoleBrowser(t);
    const res = await attacker.post('/console/login', { email, password: 'correct horse battery', _csrf: null });
    expect(res.status).toBe(403);
    // A token minted for one browser's seed does not work with another seed.
    const victim = new ConsoleBrowser(t);
    await victim.get('/console/login');
    const stranger = new ConsoleBrowser(t);
    await stranger.get('/console/login');
    expect((await victim.post('/console/login', { email, password: 'correct horse battery', _csrf: stranger.csrf })).status).toBe(403);
  });

  it('refuses bodies larger than any console form', async () => {
    const { browser } = await consoleWithOrganizer();
    await browser.get('/console/events/new');
    const res = await browser.post('/console/events', { name: 'x'.repeat(MAX_CONSOLE_BODY_BYTES) });
    expect(res.status).toBe(413);
  });
});

describe('headers and scripts', () => {
  it('sends every console page with the strict CSP, no-store and no framing', async () => {
    const { browser, event, ticket } = await withEvent();
    const pages = [
      '/console',
      '/console/events',
      '/console/events/new',
      `/console/events/${event.id}`,
      `/console/events/${event.id}/edit`,
      `/console/events/${event.id}/attendees`,
      `/console/tickets/${ticket.id}`,
      `/console/developers`,
    ];
    for (const path of pages) {
      const res = await browser.get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('Content-Security-Policy'), path).toBe(CONSOLE_CSP);
      expect(res.headers.get('Cache-Control'), path).toBe('no-store');
      expect(res.headers.get('X-Frame-Options'), path).toBe('DENY');
      expect(res.headers.get('Permissions-Policy'), path).toContain('camera=()');
      expect(res.headers.get('Referrer-Policy'), path).toBe('same-origin');
      // No inline script, no inline handlers, no inline styles: all of it would break under the CSP.
      expect(res.text.match(/<script(?![^>]*\bsrc=)[^>]*>/g), path).toBeNull();
      expect(res.text, path).not.toMatch(/\son[a-z]+="/);
      expect(res.text, path).not.toMatch(/\sstyle="/);
    }
    const login = await new ConsoleBrowser(browser.t).get('/console/login');
    expect(login.headers.get('Content-Security-Policy')).toBe(CONSOLE_CSP);
    expect(login.headers.get('Cache-Control')).toBe('no-store');
  });

  it('lets the scanner page, and only it, use the camera, with its script from our origin', async () => {
    const { browser, event } = await withEvent();
    const res = await browser.get(`/console/events/${event.id}/scan`);
    expect(res.headers.get('Permissions-Policy')).toContain('camera=(self)');
    expect(res.headers.get('Content-Security-Policy')).toBe(CONSOLE_CSP);
    expect(res.text).toContain(`<script src="${assetUrl('scanner.js')}" defer=""></script>`);
    expect(res.text).toContain(`data-jsqr="${assetUrl('jsqr.js')}"`);
    expect(res.text).not.toContain('jsqr.js" defer'); // the decoder is fetched only when the camera needs it
  });

  it('serves assets compressed and cached for a year under their content hash', async () => {
    const { t } = await consoleWithOrganizer();
    for (const name of ['console.css', 'scanner.js', 'copy.js', 'jsqr.js']) {
      const url = assetUrl(name);
      expect(url).toMatch(new RegExp(`^/console/assets/[0-9a-f]{16}/${name.replace('.', '\\.')}$`));
      const br = await t.app.request(url, { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
      expect(br.status).toBe(200);
      expect(br.headers.get('Content-Encoding')).toBe('br');
      expect(br.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable');
      const body = brotliDecompressSync(Buffer.from(await br.arrayBuffer())).toString('utf8');
      const gz = await t.app.request(url, { headers: { 'Accept-Encoding': 'gzip' } });
      expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString('utf8')).toBe(body);
      const plain = await t.app.request(url);
      expect(await plain.text()).toBe(body);
      const again = await t.app.request(url, { headers: { 'If-None-Match': br.headers.get('ETag')! } });
      expect(again.status).toBe(304);
    }
    expect((await t.app.request(assetUrl('scanner.js').replace(/[0-9a-f]{16}/, '0000000000000000'))).headers.get('Cache-Control')).toBe('no-cache');
    expect((await t.app.request('/console/assets/0000000000000000/../../package.json')).status).toBe(404);
    expect((await t.app.request('/console/assets/0000000000000000/secret')).status).toBe(404);
    // The scanner and styles stay small; the decoder is big, which is why it loads only on demand.
    expect((await assetSizes())['scanner.js']!.brotli).toBeLessThan(8_000);
    expect((await assetSizes())['console.css']!.brotli).toBeLessThan(6_000);
    expect((await assetSizes())['copy.js']!.brotli).toBeLessThan(1_500);
  });

  it('answers unknown console paths with a page, not the API’s JSON', async () => {
    const { browser } = await consoleWithOrganizer();
    const res = await browser.get('/console/nothing/here');
    expect(res.status).toBe(404);
    expect(res.headers.get('Content-Type')).toContain('text/html');
    expect(res.text).toContain('There is no console page at this address.');
  });
});

describe('one organizer never sees another’s objects', () => {
  it('answers 404 for another account’s event, ticket and their actions', async () => {
    const { t, event, ticket } = await withEvent();
    const intruder = await signUpInConsole(t, 'Intruder');
    const b = intruder.browser;
    await b.get('/console');
    const gets = [
      `/console/events/${event.id}`,
      `/console/events/${event.id}/edit`,
      `/console/events/${event.id}/cancel`,
      `/console/events/${event.id}/attendees`,
      `/console/events/${event.id}/attendees.csv`,
      `/console/events/${event.id}/scan`,
      `/console/tickets/${ticket.id}`,
    ];
    for (const path of gets) {
      const res = await b.get(path);
      expect(res.status, path).toBe(404);
      expect(res.text, path).not.toContain('Kavya');
    }
    const posts = [
      `/console/events/${event.id}/edit`,
      `/console/events/${event.id}/cancel`,
      `/console/tickets/${ticket.id}/void`,
      `/console/tickets/${ticket.id}/resend`,
      `/console/tickets/${ticket.id}/undo`,
    ];
    for (const path of posts) expect((await b.post(path, { confirm: 'on', name: 'Mine now' })).status, path).toBe(404);
    expect((await b.postJson(`/console/events/${event.id}/scan`, { code: ticket.id })).status).toBe(404);
    // Scanning the other organizer's ticket at one's own door finds nothing either.
    const own = await t.call('POST', '/v1/events', { key: intruder.sk, body: eventBody() });
    await b.get(`/console/events/${own.body.id}/scan`);
    const scan = await b.postJson(`/console/events/${own.body.id}/scan`, { code: ticket.code });
    expect(JSON.parse(scan.text).scan).toMatchObject({ result: 'rejected', reason: 'invalid_code', holder: null });
    expect(await t.store.collection<{ _id: string; status: string; voided_at: Date | null }>('tickets').findOne({ _id: ticket.id })).toMatchObject({
      status: 'valid',
      voided_at: null,
    });
  });

  it('answers 404 for ids that are not ids at all', async () => {
    const { browser } = await consoleWithOrganizer();
    for (const path of ['/console/events/evt_%27%3Cscript%3E', '/console/events/not-an-event/attendees', '/console/tickets/not-a-ticket']) {
      expect((await browser.get(path)).status, path).toBe(404);
    }
  });
});
