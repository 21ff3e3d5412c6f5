import { Hono, type MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { describe, expect, it } from 'vitest';
import { SECURITY_HEADERS, securityHeaders } from './security-headers.js';

/** Responses of every shape a route or middleware of ours gives, behind `headers`. */
function appWith(headers: MiddlewareHandler) {
  const app = new Hono();
  app.onError((err, c) => c.json({ error: err.message }, 500));
  app.use('*', headers);
  app.get('/json', (c) => c.json({ ok: true }));
  app.get('/own', (c) => c.body('<svg/>', 200, { 'Content-Type': 'image/svg+xml', 'Cross-Origin-Resource-Policy': 'cross-origin' }));
  app.get('/set-first', (c) => {
    c.header('Referrer-Policy', 'no-referrer');
    return c.text('private');
  });
  app.get('/raw', () => new Response('raw', { headers: { 'X-Frame-Options': 'DENY', 'X-Powered-By': 'Something' } }));
  app.get('/empty', (c) => c.body(null, 204));
  app.use('/inner', async (c, next) => {
    await next();
    if (!c.res.headers.has('X-Frame-Options')) c.res.headers.set('X-Frame-Options', 'DENY');
  });
  app.get('/inner', (c) => c.html('<p>console</p>'));
  app.get('/throws', () => {
    throw new Error('boom');
  });
  return app;
}

const PATHS = ['/json', '/own', '/set-first', '/raw', '/empty', '/inner', '/throws', '/missing'];
const honos = appWith(secureHeaders({ referrerPolicy: 'strict-origin-when-cross-origin', overwrite: false }));
const ours = appWith(securityHeaders());
const headersOf = async (app: Hono, path: string) => [...(await app.request(path)).headers];

describe('securityHeaders', () => {
  it("answers every kind of response with exactly the headers Hono's secureHeaders({ overwrite: false }) gave", async () => {
    for (const path of PATHS) expect(await headersOf(ours, path), path).toEqual(await headersOf(honos, path));
  });

  it('puts all its headers on a plain response', async () => {
    const res = await ours.request('/json');
    for (const [name, value] of SECURITY_HEADERS) expect(res.headers.get(name), name).toBe(value);
  });

  it('keeps a header the handler or an inner middleware set, and drops X-Powered-By', async () => {
    expect((await ours.request('/own')).headers.get('Cross-Origin-Resource-Policy')).toBe('cross-origin');
    expect((await ours.request('/set-first')).headers.get('Referrer-Policy')).toBe('no-referrer');
    expect((await ours.request('/inner')).headers.get('X-Frame-Options')).toBe('DENY');
    const raw = await ours.request('/raw');
    expect(raw.headers.get('X-Frame-Options')).toBe('DENY');
    expect(raw.headers.has('X-Powered-By')).toBe(false);
  });
});
