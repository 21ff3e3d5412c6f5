import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildTestApp } from '../../server/test/helpers/app.js';
import { organizerWithEvent } from '../../server/test/helpers/checkout.js';
import { CheckoutError, createApi, newIdempotencyKey } from './api.js';
import { API, routeFetch } from './test-support/harness.js';

afterEach(() => vi.unstubAllGlobals());

describe('API client', () => {
  it('sends the publishable key as a bearer token and never cookies', async () => {
    const seen: RequestInit[] = [];
    const t = await buildTestApp();
    const org = await organizerWithEvent(t);
    routeFetch(t);
    const routed = globalThis.fetch;
    vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
      seen.push(init);
      return routed(url, init);
    });
    const event = await createApi(API, org.pk).event(org.event.id);
    expect(event.id).toBe(org.event.id);
    expect(seen[0]).toMatchObject({ method: 'GET', credentials: 'omit', headers: { Authorization: `Bearer ${org.pk}` } });
  });

  it('turns an API error body into a CheckoutError with its code, message, request id and details', async () => {
    const t = await buildTestApp();
    const org = await organizerWithEvent(t);
    routeFetch(t);
    const error = await createApi(API, org.pk)
      .create({ event: org.event.id, items: [{ ticket_type: org.vip, quantity: 9 }], buyer: { name: 'Asha', email: 'asha@example.com' } }, { key: newIdempotencyKey() })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckoutError);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', requestId: expect.stringMatching(/^req_/), details: [{ field: 'items.0.quantity' }] });
  });

  it('reads Retry-After on a 429, and calls a refused connection NETWORK_ERROR', async () => {
    vi.stubGlobal(
      'fetch',
      async () => new Response(JSON.stringify({ error: { code: 'RATE_LIMITED', message: 'Slow down.', request_id: 'req_1' } }), { status: 429, headers: { 'Retry-After': '42' } }),
    );
    await expect(createApi(API, 'pk_test_x').event('evt_x')).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfter: 42, requestId: 'req_1' });
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(createApi(API, 'pk_test_x').event('evt_x')).rejects.toMatchObject({ code: 'NETWORK_ERROR', requestId: null });
    vi.stubGlobal('fetch', async () => new Response('<h1>502 Bad Gateway</h1>', { status: 502 }));
    await expect(createApi(API, 'pk_test_x').event('evt_x')).rejects.toMatchObject({ code: 'INTERNAL', message: 'HTTP 502' });
  });

  it('gets the order already made when a keyed request is sent again after its answer was lost', async () => {
    const t = await buildTestApp();
    const org = await organizerWithEvent(t);
    const route = routeFetch(t);
    const api = createApi(API, org.pk);
    const body = { event: org.event.id, items: [{ ticket_type: org.general, quantity: 2 }], buyer: { name: 'Asha', email: 'asha@example.com' } };
    const attempt = { key: newIdempotencyKey() };
    const lost = route.drop(/^\/v1\/orders$/);
    await expect(api.create(body, attempt)).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
    const made = (await (await lost.handled).json()) as { id: string; client_secret: string };
    const again = await api.create(body, attempt);
    expect(again).toMatchObject({ id: made.id, client_secret: made.client_secret });
    expect(await t.store.collection('orders').count({ event: org.event.id })).toBe(1);
    // The server replayed the order without keeping its secret, and the secret it gave back works.
    expect(JSON.stringify(await t.store.collection('idempotency_keys').find({}))).not.toContain(made.client_secret);
    expect(await api.retrieve(made.id, again.client_secret!)).toMatchObject({ id: made.id, status: again.status });
  });

  it('replaces a key the server knows with another body, and the request goes through under the new one', async () => {
    const t = await buildTestApp();
    const org = await organizerWithEvent(t);
    routeFetch(t);
    const attempt = { key: newIdempotencyKey() };
    const first = await t.call('POST', '/v1/orders', {
      key: org.pk,
      headers: { 'Idempotency-Key': attempt.key },
      body: { event: org.event.id, items: [{ ticket_type: org.general, quantity: 1 }], buyer: { name: 'Ravi', email: 'ravi@example.com' } },
    });
    expect(first.status).toBe(201);
    const used = attempt.key;
    const order = await createApi(API, org.pk).create(
      { event: org.event.id, items: [{ ticket_type: org.vip, quantity: 2 }], buyer: { name: 'Asha', email: 'asha@example.com' } },
      attempt,
    );
    expect(order).toMatchObject({ quantity: 2, buyer: { name: 'Asha' } });
    expect(order.id).not.toBe(first.body.id);
    expect(attempt.key).not.toBe(used);
  });

  it('makes version 4 UUIDs from getRandomValues where the browser has no randomUUID (plain-http pages)', () => {
    const { getRandomValues } = crypto;
    vi.stubGlobal('crypto', { getRandomValues: getRandomValues.bind(crypto) });
    const keys = Array.from({ length: 50 }, () => newIdempotencyKey());
    for (const key of keys) expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(keys).size).toBe(50);
  });
});
