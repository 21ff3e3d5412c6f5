import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildTestApp } from '../../server/test/helpers/app.js';
import { organizerWithEvent } from '../../server/test/helpers/checkout.js';
import { CheckoutError, createApi } from './api.js';
import { API, routeFetch } from './test-support/harness.js';

afterEach(() => vi.unstubAllGlobals());

describe('API client', () => {
  it('sends the publishable key as a bearer token and never cookies', async () => {
    const seen: RequestInit[] = [];
    const t = await buildTestApp();
    const org = await organizerWithEvent(t);
    routeFetch(t);
    const routed = globalThis.fetch;
    vi.stubGlobal('fetch', (url: string, init: RequestInit) => (seen.push(init), routed(url, init)));
    const event = await createApi(API, org.pk).event(org.event.id);
    expect(event.id).toBe(org.event.id);
    expect(seen[0]).toMatchObject({ method: 'GET', credentials: 'omit', headers: { Authorization: `Bearer ${org.pk}` } });
  });

  it('turns an API error body into a CheckoutError with its code, message, request id and details', async () => {
    const t = await buildTestApp();
    const org = await organizerWithEvent(t);
    routeFetch(t);
    const error = await createApi(API, org.pk)
      .create({ event: org.event.id, items: [{ ticket_type: org.vip, quantity: 9 }], buyer: { name: 'Asha', email: 'asha@example.com' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckoutError);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', requestId: expect.stringMatching(/^req_/), details: [{ field: 'items.0.quantity' }] });
  });

  it('reads Retry-After on a 429, and calls a refused connection NETWORK_ERROR', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ error: { code: 'RATE_LIMITED', message: 'Slow down.', request_id: 'req_1' } }), { status: 429, headers: { 'Retry-After': '42' } }));
    await expect(createApi(API, 'pk_test_x').event('evt_x')).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfter: 42, requestId: 'req_1' });
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(createApi(API, 'pk_test_x').event('evt_x')).rejects.toMatchObject({ code: 'NETWORK_ERROR', requestId: null });
    vi.stubGlobal('fetch', async () => new Response('<h1>502 Bad Gateway</h1>', { status: 502 }));
    await expect(createApi(API, 'pk_test_x').event('evt_x')).rejects.toMatchObject({ code: 'INTERNAL', message: 'HTTP 502' });
  });
});
