import { describe, expect, it, vi } from 'vitest';
import { READINESS_TIMEOUT_MS } from '../../src/http/routes/health.js';
import { createEmbeddedStore } from '../../src/store/embedded.js';
import type { Store } from '../../src/store/port.js';
import { buildTestApp, eventBody } from '../helpers/app.js';

describe('operations endpoints', () => {
  it('answers /healthz', async () => {
    const t = await buildTestApp();
    const res = await t.call('GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('is ready while the store answers, and not after it is gone', async () => {
    const store = await createEmbeddedStore({});
    const t = await buildTestApp({ store });
    expect((await t.call('GET', '/readyz')).body).toEqual({ status: 'ready', store: 'embedded' });
    await store.close();
    const res = await t.call('GET', '/readyz');
    expect(res.status).toBe(503);
    expect(res.body.status).toBe('unavailable');
  });

  it('answers 503 within 2 s when the store never answers a ping, as an unreachable MongoDB does', async () => {
    const store = await createEmbeddedStore({});
    const unreachable: Store = { ...store, driver: 'mongodb', ping: () => new Promise<void>(() => undefined) };
    const t = await buildTestApp({ store: unreachable });
    expect(READINESS_TIMEOUT_MS).toBeLessThanOrEqual(2_000);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      let answered = false;
      const pending = t.call('GET', '/readyz').finally(() => (answered = true));
      await vi.advanceTimersByTimeAsync(READINESS_TIMEOUT_MS - 1);
      expect(answered).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      const res = await pending;
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ status: 'unavailable', store: 'mongodb' });
    } finally {
      vi.useRealTimers();
      await store.close();
    }
  });

  it('publishes an OpenAPI 3.1 document of every route', async () => {
    const t = await buildTestApp();
    const res = await t.call('GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths).sort()).toEqual(
      [
        '/healthz',
        '/readyz',
        '/v1/account',
        '/v1/account/payment_settings',
        '/v1/account/tax_profile',
        '/v1/accounts',
        '/v1/audit_logs',
        '/v1/audit_logs.csv',
        '/v1/checkins',
        '/v1/checkins/{id}',
        '/v1/events',
        '/v1/events/{id}',
        '/v1/events/{id}/attendees',
        '/v1/events/{id}/attendees.csv',
        '/v1/events/{id}/cancel',
        '/v1/events/{id}/checkin_lists',
        '/v1/events/{id}/checkin_lists/{list}',
        '/v1/events/{id}/checkin_lists/{list}/passes',
        '/v1/events/{id}/questions',
        '/v1/events/{id}/questions/{question_id}',
        '/v1/events/{id}/checkins',
        '/v1/events/{id}/door_devices',
        '/v1/events/{id}/door_devices/{device}/snapshot',
        '/v1/events/{id}/door_devices/{device}/sync',
        '/v1/events/{id}/promo_codes',
        '/v1/events/{id}/promo_codes/{code_id}',
        '/v1/events/{id}/stats',
        '/v1/events/{id}/verification-key',
        '/v1/events/{id}/waiting_list_entries',
        '/v1/events_log',
        '/v1/events_log/{id}',
        '/v1/gateway/razorpay/webhook',
        '/v1/gateway/razorpay/webhook/{account}',
        '/v1/invoices',
        '/v1/invoices/{id}',
        '/v1/invoices/{id}/pdf',
        '/v1/keys',
        '/v1/keys/roll',
        '/v1/orders',
        '/v1/orders/{id}',
        '/v1/orders/{id}/cancel',
        '/v1/orders/{id}/pay',
        '/v1/orders/{id}/refund',
        '/v1/orders/{id}/resend-code',
        '/v1/orders/{id}/verify',
        '/v1/public/events/{id}',
        '/v1/test-gateway/payments',
        '/v1/tickets',
        '/v1/tickets/{id}',
        '/v1/tickets/{id}/void',
        '/v1/waiting_list_entries',
        '/v1/waiting_list_entries/{id}',
        '/v1/waiting_list_entries/{id}/resend_code',
        '/v1/waiting_list_entries/{id}/verify',
        '/v1/webhook_endpoints',
        '/v1/webhook_endpoints/{id}',
        '/v1/webhook_endpoints/{id}/roll_secret',
      ].sort(),
    );
    expect(res.body.components.schemas.Event.properties.ticket_types).toBeDefined();
    expect(res.body.components.securitySchemes.bearerAuth.scheme).toBe('bearer');
  });

  it('renders the API reference at /docs from that document, under a strict CSP', async () => {
    const t = await buildTestApp();
    const res = await t.call('GET', '/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toMatch(/text\/html/);
    expect(res.headers.get('Content-Security-Policy')).toContain("default-src 'none'");
    expect(res.body).toContain('Trendy Ticket Service API');
    expect(res.body).toContain('/v1/events/{id}/cancel');
    expect(res.body).toContain('Capacity never goes below sold + held.');
    expect(res.body).not.toMatch(/<script/i);
  });
});

describe('request ids, errors and headers', () => {
  it('puts a request id on every response and in every error body', async () => {
    const t = await buildTestApp();
    const ok = await t.call('GET', '/healthz');
    const err = await t.call('GET', '/v1/account');
    expect(ok.headers.get('X-Request-Id')).toMatch(/^req_[0-9A-Za-z]{22}$/);
    expect(err.body.error.request_id).toBe(err.headers.get('X-Request-Id'));
    expect(ok.headers.get('X-Request-Id')).not.toBe(err.headers.get('X-Request-Id'));
  });

  it('ignores a request id sent by the client', async () => {
    const t = await buildTestApp();
    const res = await t.call('GET', '/healthz', { headers: { 'X-Request-Id': 'req_forged' } });
    expect(res.headers.get('X-Request-Id')).not.toBe('req_forged');
  });

  it('answers unknown routes with a coded 404', async () => {
    const t = await buildTestApp();
    const res = await t.call('GET', '/v1/nope');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'NOT_FOUND', message: 'No route for GET /v1/nope.' });
  });

  it('turns an unexpected failure into INTERNAL without leaking it, and logs it with the request id', async () => {
    const real = await createEmbeddedStore({});
    const failing: Store = {
      ...real,
      driver: real.driver,
      ensureIndexes: (specs) => real.ensureIndexes(specs),
      ping: () => real.ping(),
      close: () => real.close(),
      collection: (name) => {
        const collection = real.collection(name);
        if (name !== 'events') return collection as never;
        return {
          ...collection,
          name,
          find: async () => {
            throw new Error('disk on fire at /var/lib/secret');
          },
        } as never;
      },
    };
    const t = await buildTestApp({ store: failing });
    const { sk } = await t.signUp();
    const res = await t.call('GET', '/v1/events', { key: sk });
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('INTERNAL');
    expect(JSON.stringify(res.body)).not.toContain('disk on fire');
    const logged = t.logger.entries.find((e) => e.msg === 'unhandled error');
    expect(logged?.request_id).toBe(res.body.error.request_id);
  });

  it('refuses bodies over the limit with 413 PAYLOAD_TOO_LARGE', async () => {
    const t = await buildTestApp();
    const { sk } = await t.signUp();
    const res = await t.call('POST', '/v1/events', { key: sk, body: eventBody({ description: 'x'.repeat(200_000) }) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('sets security headers', async () => {
    const t = await buildTestApp();
    const res = await t.call('GET', '/healthz');
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(res.headers.get('X-Frame-Options')).toBe('SAMEORIGIN');
    expect(res.headers.get('Referrer-Policy')).toBe('strict-origin-when-cross-origin');
  });

  it('writes one structured access-log line per request', async () => {
    const t = await buildTestApp();
    const res = await t.call('GET', '/healthz');
    const line = t.logger.entries.find((e) => e.msg === 'request');
    expect(line).toMatchObject({ level: 'info', method: 'GET', path: '/healthz', status: 200, request_id: res.headers.get('X-Request-Id') });
  });
});
