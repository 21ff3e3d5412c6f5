import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/kernel/clock.js';
import { notFound } from '../../src/kernel/errors.js';
import { RATE_LIMIT_INDEXES } from '../../src/domain/rate-limit.js';
import { clientIp, type ClientIpOptions } from '../../src/http/client-ip.js';
import { rateLimit } from '../../src/http/middleware/rate-limit.js';
import type { Store } from '../../src/store/port.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';

// The embedded store's TTL sweep uses the real time: the manual clock starts after it, so
// counters expire only when this clock says so. 10:00:00 is a window boundary.
const START = '2030-01-01T10:00:00.000Z';

/** The real app with test routes limited to 3 calls a minute: per IP, and per `X-User` header. */
async function setup(options: { store?: Store; clock?: ManualClock } = {}) {
  const t = await buildTestApp({ clock: options.clock ?? new ManualClock(START), ...(options.store ? { store: options.store } : {}) });
  await t.store.ensureIndexes(RATE_LIMIT_INDEXES);
  t.app.use('/v1/test/by-ip/*', rateLimit({ name: 'test-ip', limit: 3, windowSeconds: 60 }));
  t.app.use('/v1/test/by-user', rateLimit({ name: 'test-user', limit: 1, windowSeconds: 60, key: (c) => c.req.header('X-User') ?? '', message: 'One a minute per user.' }));
  t.app.get('/v1/test/by-ip/ok', (c) => c.json({ ok: true }));
  t.app.get('/v1/test/by-ip/missing', () => {
    throw notFound('thing', 'x_1');
  });
  t.app.get('/v1/test/by-ip/raw', () => new Response('raw'));
  t.app.get('/v1/test/by-user', (c) => c.json({ ok: true }));
  return t;
}

const get = (t: TestApp, path: string, headers: Record<string, string> = {}) => t.call('GET', path, { headers });

describe('rateLimit middleware', () => {
  it('lets calls through up to the limit, with RateLimit headers on each', async () => {
    const t = await setup();
    const first = await get(t, '/v1/test/by-ip/ok');
    expect(first.status).toBe(200);
    expect(first.headers.get('RateLimit-Limit')).toBe('3');
    expect(first.headers.get('RateLimit-Remaining')).toBe('2');
    expect(first.headers.get('RateLimit-Reset')).toBe('60');
    const raw = await get(t, '/v1/test/by-ip/raw');
    expect(raw.headers.get('RateLimit-Remaining')).toBe('1');
    const missing = await get(t, '/v1/test/by-ip/missing');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('RateLimit-Remaining')).toBe('0');
  });

  it('refuses the next call with 429 RATE_LIMITED in the API error body, and Retry-After', async () => {
    const t = await setup();
    for (let i = 0; i < 3; i += 1) await get(t, '/v1/test/by-ip/ok');
    t.clock.advance(15_500);
    const refused = await get(t, '/v1/test/by-ip/ok');
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({
      error: { code: 'RATE_LIMITED', message: expect.stringContaining('Retry-After'), request_id: refused.headers.get('X-Request-Id') },
    });
    expect(refused.headers.get('Retry-After')).toBe('45');
    expect(refused.headers.get('RateLimit-Reset')).toBe('45');
    expect(refused.headers.get('RateLimit-Remaining')).toBe('0');
  });

  it('lets calls through again when the window rolls over', async () => {
    const t = await setup();
    for (let i = 0; i < 4; i += 1) await get(t, '/v1/test/by-ip/ok');
    t.clock.advance(60_000);
    const res = await get(t, '/v1/test/by-ip/ok');
    expect(res.status).toBe(200);
    expect(res.headers.get('RateLimit-Remaining')).toBe('2');
  });

  it('allows exactly the limit when many calls arrive at once', async () => {
    const t = await setup();
    const statuses = await Promise.all(Array.from({ length: 30 }, () => get(t, '/v1/test/by-ip/ok').then((res) => res.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(27);
  });

  it('counts by a custom key, with its own message', async () => {
    const t = await setup();
    expect((await get(t, '/v1/test/by-user', { 'X-User': 'asha' })).status).toBe(200);
    expect((await get(t, '/v1/test/by-user', { 'X-User': 'ravi' })).status).toBe(200);
    const refused = await get(t, '/v1/test/by-user', { 'X-User': 'asha' });
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toBe('One a minute per user.');
    // A different limit name on the same client keeps its own count.
    expect((await get(t, '/v1/test/by-ip/ok')).status).toBe(200);
  });

  it('shares counts between two servers on one store', async () => {
    const clock = new ManualClock(START);
    const one = await setup({ clock });
    const two = await setup({ clock, store: one.store });
    await get(one, '/v1/test/by-ip/ok');
    await get(two, '/v1/test/by-ip/ok');
    await get(one, '/v1/test/by-ip/ok');
    expect((await get(two, '/v1/test/by-ip/ok')).status).toBe(429);
  });

  it('refuses a rule that is not positive whole numbers when it is built', () => {
    expect(() => rateLimit({ name: 'x', limit: 0, windowSeconds: 60 })).toThrow(TypeError);
    expect(() => rateLimit({ name: '', limit: 1, windowSeconds: 60 })).toThrow(TypeError);
  });
});

describe('rateLimit default key: IPv6 clients count per /64', () => {
  it('puts two addresses of one /64 in one bucket and another /64 in its own', async () => {
    const t = await setup();
    const from = async (address: string) => (await t.app.request('/v1/test/by-ip/ok', {}, { incoming: { socket: { remoteAddress: address } } })).status;
    expect([await from('2001:db8:0:1::1'), await from('2001:db8:0:1:ffff::2'), await from('2001:0db8:0000:0001::3')]).toEqual([200, 200, 200]);
    expect(await from('2001:db8:0:1:abcd::9')).toBe(429);
    expect(await from('2001:db8:0:2::1')).toBe(200);
    expect(await from('203.0.113.7')).toBe(200);
  });
});

describe('clientIp', () => {
  const ipOf = async (options: ClientIpOptions, headers: Record<string, string> = {}, remoteAddress?: string) => {
    const app = new Hono().get('/', (c) => c.text(clientIp(c, options)));
    const env = remoteAddress === undefined ? undefined : { incoming: { socket: { remoteAddress } } };
    return (await app.request('/', { headers }, env)).text();
  };

  it("is 'unknown' under app.request(), which has no socket", async () => {
    expect(await ipOf({})).toBe('unknown');
  });

  it('is the socket address, with IPv4-mapped IPv6 reported as IPv4', async () => {
    expect(await ipOf({}, {}, '::ffff:198.51.100.4')).toBe('198.51.100.4');
    expect(await ipOf({}, {}, '2001:DB8::1')).toBe('2001:db8::1');
  });

  it('ignores X-Forwarded-For unless trustProxy is set', async () => {
    expect(await ipOf({}, { 'X-Forwarded-For': '192.0.2.1' }, '10.0.0.2')).toBe('10.0.0.2');
    expect(await ipOf({ trustProxy: false }, { 'X-Forwarded-For': '192.0.2.1' }, '10.0.0.2')).toBe('10.0.0.2');
  });

  it('takes the hop the trusted proxies appended, not what the client wrote on the left', async () => {
    const spoofed = { 'X-Forwarded-For': '6.6.6.6, 192.0.2.1' };
    expect(await ipOf({ trustProxy: true }, spoofed, '10.0.0.2')).toBe('192.0.2.1');
    expect(await ipOf({ trustProxy: 2 }, { 'X-Forwarded-For': '6.6.6.6, 192.0.2.1, 10.0.0.9' }, '10.0.0.2')).toBe('192.0.2.1');
    expect(await ipOf({ trustProxy: 1 }, { 'X-Forwarded-For': '[2001:db8::5]:443' }, '10.0.0.2')).toBe('2001:db8::5');
    expect(await ipOf({ trustProxy: 1 }, { 'X-Forwarded-For': '192.0.2.1:5123' }, '10.0.0.2')).toBe('192.0.2.1');
  });

  it('falls back to the socket when the header is missing, too short or not an IP', async () => {
    expect(await ipOf({ trustProxy: true }, {}, '10.0.0.2')).toBe('10.0.0.2');
    expect(await ipOf({ trustProxy: 2 }, { 'X-Forwarded-For': '192.0.2.1' }, '10.0.0.2')).toBe('10.0.0.2');
    expect(await ipOf({ trustProxy: true }, { 'X-Forwarded-For': 'not-an-ip' }, '10.0.0.2')).toBe('10.0.0.2');
  });
});
