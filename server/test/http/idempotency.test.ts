import { createRoute, z } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/kernel/clock.js';
import { AppError } from '../../src/kernel/errors.js';
import { IDEMPOTENCY_COLLECTION } from '../../src/http/middleware/idempotency.js';
import type { Store } from '../../src/store/port.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';

// The embedded store's TTL sweep uses the real time: the manual clock starts after it, so
// records expire only when this clock says so.
const START = '2030-01-01T10:00:00.000Z';
const DAY_MS = 24 * 3600 * 1000;

type Deferred = { promise: Promise<void>; resolve: () => void };
const deferred = (): Deferred => {
  let resolve!: () => void;
  return { promise: new Promise<void>((r) => (resolve = r)), resolve };
};

const TestOrderBody = z.object({ amount: z.number().int(), mode: z.enum(['wait', 'sold_out', 'crash', 'rate', 'empty']).optional() });
const testOrder = createRoute({
  method: 'post',
  path: '/v1/test/orders',
  request: { body: { required: true, content: { 'application/json': { schema: TestOrderBody } } } },
  responses: {
    201: { description: 'created', content: { 'application/json': { schema: z.object({ id: z.string(), amount: z.number() }) } } },
    204: { description: 'nothing' },
  },
});

/** The real app (which puts every /v1 POST behind `idempotency()`), plus a validated test route that counts its runs. */
async function setup(options: { store?: Store; clock?: ManualClock } = {}) {
  const t = await buildTestApp({ clock: options.clock ?? new ManualClock(START), ...(options.store ? { store: options.store } : {}) });
  const gates = { entered: new Map<number, Deferred>(), released: new Map<number, Deferred>() };
  const gate = (kind: keyof typeof gates, n: number): Deferred => {
    if (!gates[kind].has(n)) gates[kind].set(n, deferred());
    return gates[kind].get(n) as Deferred;
  };
  const state = {
    calls: 0,
    /** Resolves once the handler has been entered `n` times. */
    entered: (n: number): Promise<void> => gate('entered', n).promise,
    /** Lets the `n`-th run of the handler (in `wait` mode) finish. */
    release: (n: number): void => gate('released', n).resolve(),
  };
  t.app.openapi(testOrder, async (c) => {
    state.calls += 1;
    const call = state.calls;
    const { amount, mode } = c.req.valid('json');
    gate('entered', call).resolve();
    if (mode === 'wait') await gate('released', call).promise;
    if (mode === 'sold_out') throw new AppError('SOLD_OUT', `only 0 left (call ${call})`);
    if (mode === 'crash') throw new Error('database on fire');
    if (mode === 'rate') throw new AppError('RATE_LIMITED', 'slow down', undefined, 5);
    if (mode === 'empty') return c.body(null, 204);
    return c.json({ id: `ord_${call}`, amount }, 201);
  });
  t.app.get('/v1/test/orders', (c) => c.json({ calls: state.calls }));
  return { t, state };
}

async function post(t: TestApp, body: unknown, headers: Record<string, string> = {}, path = '/v1/test/orders') {
  const init = { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers } };
  const res = await t.app.request(path, { ...init, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, text, json: text ? JSON.parse(text) : null, headers: res.headers };
}

describe('idempotency: happy path', () => {
  it('replays the identical status and body for the same key and body, running the handler once', async () => {
    const { t, state } = await setup();
    const first = await post(t, { amount: 100 }, { 'Idempotency-Key': 'k-1' });
    const again = await post(t, { amount: 100 }, { 'Idempotency-Key': 'k-1' });
    expect(first.status).toBe(201);
    expect(first.json).toEqual({ id: 'ord_1', amount: 100 });
    expect(again.status).toBe(201);
    expect(again.text).toBe(first.text);
    expect(again.headers.get('Content-Type')).toBe(first.headers.get('Content-Type'));
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(first.headers.get('Idempotent-Replayed')).toBeNull();
    expect(again.headers.get('X-Request-Id')).not.toBe(first.headers.get('X-Request-Id'));
    expect(state.calls).toBe(1);
  });

  it('leaves requests without the header, and non-POST requests, untouched', async () => {
    const { t, state } = await setup();
    await post(t, { amount: 1 });
    await post(t, { amount: 1 });
    expect(state.calls).toBe(2);
    const res = await t.app.request('/v1/test/orders', { headers: { 'Idempotency-Key': '%%%\u00e9' } });
    expect(res.status).toBe(200);
    expect(await t.store.collection(IDEMPOTENCY_COLLECTION).count({})).toBe(0);
  });

  it('replays a 4xx answer instead of running the handler again', async () => {
    const { t, state } = await setup();
    const first = await post(t, { amount: 1, mode: 'sold_out' }, { 'Idempotency-Key': 'k-4xx' });
    const again = await post(t, { amount: 1, mode: 'sold_out' }, { 'Idempotency-Key': 'k-4xx' });
    expect(first.status).toBe(409);
    expect(first.json.error).toMatchObject({ code: 'SOLD_OUT', message: 'only 0 left (call 1)' });
    expect(again.status).toBe(409);
    expect(again.text).toBe(first.text);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(state.calls).toBe(1);
  });

  it('replays a body the route validator refused, and the validator still reads the cached body', async () => {
    const { t, state } = await setup();
    const ok = await post(t, { amount: 7 }, { 'Idempotency-Key': 'k-valid' });
    expect(ok.json).toEqual({ id: 'ord_1', amount: 7 });
    const bad = await post(t, { amount: 'seven' }, { 'Idempotency-Key': 'k-invalid' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details).toEqual([{ field: 'amount', message: expect.any(String) }]);
    expect((await post(t, { amount: 'seven' }, { 'Idempotency-Key': 'k-invalid' })).headers.get('Idempotent-Replayed')).toBe('true');
    expect(state.calls).toBe(1);
  });

  it('replays a 204 without a body', async () => {
    const { t, state } = await setup();
    expect((await post(t, { amount: 1, mode: 'empty' }, { 'Idempotency-Key': 'k-204' })).status).toBe(204);
    const again = await post(t, { amount: 1, mode: 'empty' }, { 'Idempotency-Key': 'k-204' });
    expect(again).toMatchObject({ status: 204, text: '' });
    expect(state.calls).toBe(1);
  });
});

describe('idempotency: errors', () => {
  it('refuses the same key with a different body or path with 422 IDEMPOTENCY_MISMATCH', async () => {
    const { t, state } = await setup();
    await post(t, { amount: 100 }, { 'Idempotency-Key': 'k-2' });
    const otherBody = await post(t, { amount: 999 }, { 'Idempotency-Key': 'k-2' });
    const sameJsonOtherBytes = await post(t, '{"amount":100 }', { 'Idempotency-Key': 'k-2' });
    const otherPath = await post(t, { amount: 100 }, { 'Idempotency-Key': 'k-2' }, '/v1/test/orders?again=1');
    for (const res of [otherBody, sameJsonOtherBytes, otherPath]) {
      expect(res.status).toBe(422);
      expect(res.json.error.code).toBe('IDEMPOTENCY_MISMATCH');
    }
    expect(state.calls).toBe(1);
  });

  it('answers 409 IDEMPOTENCY_IN_FLIGHT with Retry-After: 1 while the first request runs, then replays it', async () => {
    const { t, state } = await setup();
    const first = post(t, { amount: 5, mode: 'wait' }, { 'Idempotency-Key': 'k-3' });
    await state.entered(1);
    const duplicate = await post(t, { amount: 5, mode: 'wait' }, { 'Idempotency-Key': 'k-3' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.json.error.code).toBe('IDEMPOTENCY_IN_FLIGHT');
    expect(duplicate.headers.get('Retry-After')).toBe('1');
    state.release(1);
    expect((await first).status).toBe(201);
    const replayed = await post(t, { amount: 5, mode: 'wait' }, { 'Idempotency-Key': 'k-3' });
    expect(replayed.json).toEqual({ id: 'ord_1', amount: 5 });
    expect(state.calls).toBe(1);
  });

  it('runs the handler once when ten duplicates arrive together', async () => {
    const { t, state } = await setup();
    const refused = deferred();
    const statuses: number[] = [];
    const all = Array.from({ length: 10 }, () =>
      post(t, { amount: 5, mode: 'wait' }, { 'Idempotency-Key': 'k-burst' }).then((res) => {
        statuses.push(res.status);
        if (statuses.length === 9) refused.resolve();
      }),
    );
    await refused.promise; // nine answered while the tenth still holds the key
    state.release(1);
    await Promise.all(all);
    expect(statuses.sort()).toEqual([201, ...Array(9).fill(409)]);
    expect(state.calls).toBe(1);
  });

  it('does not store a 5xx or a 429: the retry runs the handler again', async () => {
    const { t, state } = await setup();
    const crash = await post(t, { amount: 1, mode: 'crash' }, { 'Idempotency-Key': 'k-5xx' });
    expect(crash.status).toBe(500);
    expect(await t.store.collection(IDEMPOTENCY_COLLECTION).count({})).toBe(0);
    expect((await post(t, { amount: 1, mode: 'crash' }, { 'Idempotency-Key': 'k-5xx' })).headers.get('Idempotent-Replayed')).toBeNull();
    const limited = await post(t, { amount: 1, mode: 'rate' }, { 'Idempotency-Key': 'k-429' });
    expect(limited.status).toBe(429);
    expect((await post(t, { amount: 1, mode: 'rate' }, { 'Idempotency-Key': 'k-429' })).status).toBe(429);
    expect(state.calls).toBe(4);
  });

  it('refuses a malformed key with 400 naming the header', async () => {
    const { t, state } = await setup();
    for (const key of ['x'.repeat(256), 'caf\u00e9', '']) {
      const res = await post(t, { amount: 1 }, { 'Idempotency-Key': key });
      expect(res.status).toBe(400);
      expect(res.json.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'Idempotency-Key', message: expect.any(String) }] });
    }
    expect((await post(t, { amount: 1 }, { 'Idempotency-Key': `~ ${'x'.repeat(253)}` })).status).toBe(201);
    expect(state.calls).toBe(1);
  });
});

describe('idempotency: scope, expiry and servers', () => {
  it('keeps the same key under two Authorization headers apart, and stores neither in clear', async () => {
    const { t, state } = await setup();
    // Real keys: a replay is answered only while the key that made the request still works.
    const alice = `Bearer ${(await t.signUp('Alice')).sk}`;
    const bob = `Bearer ${(await t.signUp('Bob')).sk}`;
    const a = await post(t, { amount: 1 }, { 'Idempotency-Key': 'shared', Authorization: alice });
    const b = await post(t, { amount: 1 }, { 'Idempotency-Key': 'shared', Authorization: bob });
    const anonymous = await post(t, { amount: 2 }, { 'Idempotency-Key': 'shared' });
    expect([a.json.id, b.json.id, anonymous.json.id]).toEqual(['ord_1', 'ord_2', 'ord_3']);
    expect((await post(t, { amount: 1 }, { 'Idempotency-Key': 'shared', Authorization: bob })).json.id).toBe('ord_2');
    const stored = JSON.stringify(await t.store.collection(IDEMPOTENCY_COLLECTION).find({}));
    expect(stored).not.toContain('sk_test_');
    expect(stored).not.toContain('shared');
    expect(state.calls).toBe(3);
  });

  it('replays for 24 hours and runs the request afresh after, even before the TTL sweep', async () => {
    const clock = new ManualClock(START);
    const { t } = await setup({ clock });
    await post(t, { amount: 1 }, { 'Idempotency-Key': 'k-ttl' });
    clock.advance(DAY_MS - 1);
    expect((await post(t, { amount: 1 }, { 'Idempotency-Key': 'k-ttl' })).json.id).toBe('ord_1');
    clock.advance(1);
    const fresh = await post(t, { amount: 1 }, { 'Idempotency-Key': 'k-ttl' });
    expect(fresh.json.id).toBe('ord_2');
    expect(fresh.headers.get('Idempotent-Replayed')).toBeNull();
    expect((await post(t, { amount: 1 }, { 'Idempotency-Key': 'k-ttl' })).json.id).toBe('ord_2');
  });

  it('lets a request take over a key whose holder outlived its lease, and ignores the stale holder', async () => {
    const clock = new ManualClock(START);
    const { t, state } = await setup({ clock });
    const stale = post(t, { amount: 9, mode: 'wait' }, { 'Idempotency-Key': 'k-lease' });
    await state.entered(1);
    clock.advance(60_000);
    // Two takers at once: the conditional update on the old owner lets only one of them in.
    const takers = [1, 2].map(() => post(t, { amount: 9, mode: 'wait' }, { 'Idempotency-Key': 'k-lease' }));
    await state.entered(2);
    state.release(2);
    const outcomes = await Promise.all(takers);
    expect(outcomes.map((res) => res.status).sort()).toEqual([201, 409]);
    expect(outcomes.find((res) => res.status === 201)?.json.id).toBe('ord_2');
    state.release(1);
    expect((await stale).json.id).toBe('ord_1');
    // The record belongs to the taker; the stale holder's later result did not overwrite it.
    expect((await post(t, { amount: 9, mode: 'wait' }, { 'Idempotency-Key': 'k-lease' })).json.id).toBe('ord_2');
    expect(state.calls).toBe(2);
  });

  it('shares records between two servers on one store', async () => {
    const clock = new ManualClock(START);
    const one = await setup({ clock });
    const two = await setup({ clock, store: one.t.store });
    const first = post(one.t, { amount: 3, mode: 'wait' }, { 'Idempotency-Key': 'k-multi' });
    await one.state.entered(1);
    expect((await post(two.t, { amount: 3, mode: 'wait' }, { 'Idempotency-Key': 'k-multi' })).status).toBe(409);
    one.state.release(1);
    await first;
    const replay = await post(two.t, { amount: 3, mode: 'wait' }, { 'Idempotency-Key': 'k-multi' });
    expect(replay.json).toEqual({ id: 'ord_1', amount: 3 });
    expect(two.state.calls).toBe(0);
  });
});
