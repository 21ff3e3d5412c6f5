import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { widgetRoutes, WIDGET_DIST } from '../../src/http/routes/widget.js';
import { createMemoryLogger } from '../../src/logger.js';
import { buildTestApp } from '../helpers/app.js';

/** The bundle global-setup.ts built from source for this run. */
const built = (file: string) => readFile(join(WIDGET_DIST, file));

describe('GET /widget/v1/tts-checkout.js (happy)', () => {
  it('serves the built script-tag bundle as JavaScript that any site may load', async () => {
    const t = await buildTestApp();
    const res = await t.app.request('/widget/v1/tts-checkout.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('Cross-Origin-Resource-Policy')).toBe('cross-origin');
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*');
    expect(res.headers.get('Cache-Control')).toBe('public, max-age=300');
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(res.headers.get('Vary')).toBe('Accept-Encoding');
    expect(Buffer.from(await res.arrayBuffer()).equals(await built('tts-checkout.js'))).toBe(true);
  });

  it('serves the ES module build at .mjs', async () => {
    const t = await buildTestApp();
    const res = await t.app.request('/widget/v1/tts-checkout.mjs');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('text/javascript; charset=utf-8');
    expect(Buffer.from(await res.arrayBuffer()).equals(await built('tts-checkout.mjs'))).toBe(true);
  });

  it('compresses with brotli or gzip as the browser accepts, each with its own strong ETag', async () => {
    const t = await buildTestApp();
    const original = await built('tts-checkout.js');
    const tag = createHash('sha256').update(original).digest('base64url').slice(0, 22);
    const br = await t.app.request('/widget/v1/tts-checkout.js', { headers: { 'Accept-Encoding': 'gzip, deflate, br, zstd' } });
    expect(br.headers.get('Content-Encoding')).toBe('br');
    expect(br.headers.get('ETag')).toBe(`"${tag}-br"`);
    expect(brotliDecompressSync(Buffer.from(await br.arrayBuffer())).equals(original)).toBe(true);
    const gz = await t.app.request('/widget/v1/tts-checkout.js', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(gz.headers.get('Content-Encoding')).toBe('gzip');
    expect(gz.headers.get('ETag')).toBe(`"${tag}-gzip"`);
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).equals(original)).toBe(true);
    const refused = await t.app.request('/widget/v1/tts-checkout.js', { headers: { 'Accept-Encoding': 'br;q=0, gzip;q=0' } });
    expect(refused.headers.get('Content-Encoding')).toBeNull();
    expect(refused.headers.get('ETag')).toBe(`"${tag}"`);
  });

  it('answers a revalidation with 304 and no body when the ETag still matches', async () => {
    const t = await buildTestApp();
    const first = await t.app.request('/widget/v1/tts-checkout.js', { headers: { 'Accept-Encoding': 'br' } });
    const etag = first.headers.get('ETag') ?? '';
    const again = await t.app.request('/widget/v1/tts-checkout.js', { headers: { 'Accept-Encoding': 'br', 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('ETag')).toBe(etag);
    expect(again.headers.get('Cache-Control')).toBe('public, max-age=300');
    const stale = await t.app.request('/widget/v1/tts-checkout.js', { headers: { 'If-None-Match': '"not-this-one"' } });
    expect(stale.status).toBe(200);
  });
});

describe('GET /widget/v1/* (errors)', () => {
  it('says how to build the widget when it was never built, logs that once, and never answers 5xx', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tts-no-widget-'));
    try {
      const logger = createMemoryLogger();
      const app = new Hono().route('/', widgetRoutes({ dir, logger }));
      for (let i = 0; i < 3; i += 1) {
        const res = await app.request('/widget/v1/tts-checkout.js');
        expect(res.status).toBe(404);
        expect(res.headers.get('Cache-Control')).toBe('no-store');
        expect(await res.text()).toContain('Run `npm run build`');
      }
      expect(logger.entries.filter((e) => e.level === 'warn')).toEqual([expect.objectContaining({ msg: expect.stringContaining('widget not built'), dir })]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('serves the Hindi words as a module any site may import, kept out of the script-tag bundle', async () => {
    const t = await buildTestApp();
    const res = await t.app.request('/widget/v1/tts-checkout.hi.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*');
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.equals(await built('tts-checkout.hi.js'))).toBe(true);
    expect(body.toString('utf8')).toContain('टिकट चुनें');
    expect((await built('tts-checkout.js')).toString('utf8')).not.toContain('टिकट चुनें');
  });

  it('serves the extras next to the script with the same caching and cross-origin headers', async () => {
    const t = await buildTestApp();
    const script = await t.app.request('/widget/v1/tts-checkout.js');
    const res = await t.app.request('/widget/v1/tts-checkout.extras.js');
    expect(res.status).toBe(200);
    for (const header of ['Content-Type', 'Cache-Control', 'Cross-Origin-Resource-Policy', 'Access-Control-Allow-Origin', 'X-Content-Type-Options', 'Vary']) {
      expect(res.headers.get(header), header).toBe(script.headers.get(header));
    }
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.equals(await built('tts-checkout.extras.js'))).toBe(true);
    expect(body.toString('utf8')).toContain('Promo code');
    expect((await built('tts-checkout.js')).toString('utf8')).not.toContain('Promo code');
  });

  it('serves the attendee part next to the script with the same caching and cross-origin headers', async () => {
    const t = await buildTestApp();
    const script = await t.app.request('/widget/v1/tts-checkout.js');
    const res = await t.app.request('/widget/v1/tts-checkout.attendees.js');
    expect(res.status).toBe(200);
    for (const header of ['Content-Type', 'Cache-Control', 'Cross-Origin-Resource-Policy', 'Access-Control-Allow-Origin', 'X-Content-Type-Options', 'Vary']) {
      expect(res.headers.get(header), header).toBe(script.headers.get(header));
    }
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.equals(await built('tts-checkout.attendees.js'))).toBe(true);
    expect(body.toString('utf8')).toContain('Attendee name');
    for (const other of ['tts-checkout.js', 'tts-checkout.extras.js']) expect((await built(other)).toString('utf8'), other).not.toContain('Attendee name');
  });

  it('serves the waiting-list part next to the script with the same caching and cross-origin headers', async () => {
    const t = await buildTestApp();
    const script = await t.app.request('/widget/v1/tts-checkout.js');
    const res = await t.app.request('/widget/v1/tts-checkout.waitlist.js');
    expect(res.status).toBe(200);
    for (const header of ['Content-Type', 'Cache-Control', 'Cross-Origin-Resource-Policy', 'Access-Control-Allow-Origin', 'X-Content-Type-Options', 'Vary']) {
      expect(res.headers.get(header), header).toBe(script.headers.get(header));
    }
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.equals(await built('tts-checkout.waitlist.js'))).toBe(true);
    expect(body.toString('utf8')).toContain('Tickets wanted');
    for (const other of ['tts-checkout.js', 'tts-checkout.extras.js']) expect((await built(other)).toString('utf8'), other).not.toContain('Tickets wanted');
  });

  it('serves nothing but the built bundles from the folder', async () => {
    const t = await buildTestApp();
    for (const path of ['/widget/v1/index.js', '/widget/v1/..%2F..%2Fpackage.json', '/widget/v1/tts-checkout.d.ts', '/widget/v2/tts-checkout.js']) {
      expect((await t.app.request(path)).status, path).toBe(404);
    }
  });

  it('compresses a script off the event loop, so other requests are served meanwhile', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tts-big-widget-'));
    try {
      // A big script: at brotli's highest quality it takes a good part of a second to compress.
      const lines = Array.from({ length: 6_000 }, (_, i) => `const v${i} = ${JSON.stringify(createHash('sha256').update(String(i)).digest('hex'))};`);
      await writeFile(join(dir, 'tts-checkout.js'), lines.join('\n'));
      const app = new Hono().route('/', widgetRoutes({ dir, logger: createMemoryLogger() }));
      let turns = 0;
      let answered = false;
      const turn = () => {
        turns += 1;
        if (!answered) setImmediate(turn);
      };
      setImmediate(turn);
      const res = await app.request('/widget/v1/tts-checkout.js', { headers: { 'Accept-Encoding': 'br' } });
      answered = true;
      expect(res.headers.get('Content-Encoding')).toBe('br');
      // Reading the file takes a few turns; compressing on the event loop would add none.
      expect(turns).toBeGreaterThan(50);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
