import { beforeAll, describe, expect, it } from 'vitest';
import {
  TtsApiError,
  TtsAuthenticationError,
  TtsBadRequestError,
  TtsConflictError,
  TtsConnectionError,
  TtsError,
  TtsNotFoundError,
  TtsPaymentError,
  TtsPermissionError,
  TtsRateLimitError,
  TtsServerError,
  TtsTimeoutError,
  TtsUnprocessableError,
  type Event,
} from '../src/index.js';
import { buildTestApp, buyer, errorResponse, eventParams, organizer, readCode, scriptedFetch, sdkFor, type TestApp } from './helpers.js';

let t: TestApp;
let org: Awaited<ReturnType<typeof organizer>>;
let event: Event;

beforeAll(async () => {
  t = await buildTestApp();
  org = await organizer(t);
  event = await org.tts.events.create(eventParams({ capacity: 3, ticket_types: [{ name: 'General', price: 49_900 }] }));
});

describe('API errors from the real server, one class per status family', () => {
  it('400 VALIDATION_FAILED names the fields and carries the request id', async () => {
    const err = await org.tts.events.create({ ...eventParams(), name: '' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TtsBadRequestError);
    expect(err).toBeInstanceOf(TtsApiError);
    expect(err).toBeInstanceOf(TtsError);
    expect(err).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', name: 'TtsBadRequestError' });
    expect((err as TtsApiError).requestId).toMatch(/^req_/);
    expect((err as TtsApiError).details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'name' })]));
  });

  it('401 for an unknown key', async () => {
    const err = await sdkFor(t, 'sk_test_doesnotexist0000000000')
      .account.retrieve()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TtsAuthenticationError);
    expect(err).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it('402 for a payment whose signature does not check out', async () => {
    const order = await org.browser.orders.create({ event: event.id, items: [{ ticket_type: event.ticket_types[0]!.id, quantity: 1 }], buyer: buyer() });
    const verified = await org.browser.orders.verify(order.id, { client_secret: order.client_secret!, code: await readCode(t, order.buyer.email) });
    const err = await org.browser.orders
      .pay(order.id, { client_secret: order.client_secret!, gateway_order_id: verified.payment!.gateway_order_id!, gateway_payment_id: 'pay_forged', signature: 'f'.repeat(64) })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TtsPaymentError);
    expect(err).toMatchObject({ status: 402, code: 'PAYMENT_VERIFICATION_FAILED' });
    await org.browser.orders.cancel(order.id, { client_secret: order.client_secret! });
  });

  it('403 when a publishable key calls a secret-key endpoint', async () => {
    const err = await org.browser.events
      .list()
      .page()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TtsPermissionError);
    expect(err).toMatchObject({ status: 403, code: 'FORBIDDEN' });
  });

  it('404 for an event that does not exist', async () => {
    const err = await org.tts.events.retrieve('evt_0000000000000000000000').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TtsNotFoundError);
    expect(err).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('409 SOLD_OUT is thrown at once, never retried', async () => {
    const { fetch, sent } = scriptedFetch(t, []);
    const client = sdkFor(t, org.secret_key, { fetch });
    const err = await client.orders.create({ event: event.id, items: [{ ticket_type: event.ticket_types[0]!.id, quantity: 4 }], buyer: buyer() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TtsConflictError);
    expect(err).toMatchObject({ status: 409, code: 'SOLD_OUT' });
    expect(sent).toHaveLength(1);
  });

  it('422 when an idempotency key is reused for a different request', async () => {
    const options = { idempotencyKey: 'reused-key-1' };
    await org.tts.events.create(eventParams({ name: 'First' }), options);
    const err = await org.tts.events.create(eventParams({ name: 'Second' }), options).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TtsUnprocessableError);
    expect(err).toMatchObject({ status: 422, code: 'IDEMPOTENCY_MISMATCH' });
  });

  it('429 with retryAfter once the code resends run out (a long Retry-After is not waited out)', async () => {
    const order = await org.browser.orders.create({ event: event.id, items: [{ ticket_type: event.ticket_types[0]!.id, quantity: 1 }], buyer: buyer() });
    let err: unknown;
    for (let i = 0; i < 10 && err === undefined; i += 1) {
      err = await org.browser.orders.resendCode(order.id, { client_secret: order.client_secret! }).then(
        () => undefined,
        (e: unknown) => e,
      );
    }
    expect(err).toBeInstanceOf(TtsRateLimitError);
    expect(err).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect((err as TtsRateLimitError).retryAfter).toBeGreaterThan(60);
    await org.browser.orders.cancel(order.id, { client_secret: order.client_secret! });
  });

  it('5xx becomes TtsServerError after the retries', async () => {
    const { fetch, sent } = scriptedFetch(t, [errorResponse(500, 'INTERNAL'), errorResponse(503, 'UPSTREAM_UNAVAILABLE')]);
    const err = await sdkFor(t, org.secret_key, { fetch, maxRetries: 1 })
      .account.retrieve()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TtsServerError);
    expect(err).toMatchObject({ status: 503, code: 'UPSTREAM_UNAVAILABLE', requestId: 'req_injected' });
    expect(sent).toHaveLength(2);
  });
});

describe('transport errors', () => {
  it('a dropped connection is retried, then thrown as TtsConnectionError', async () => {
    const { fetch, sent } = scriptedFetch(t, ['network', 'network', 'network']);
    const err = await sdkFor(t, org.secret_key, { fetch })
      .account.retrieve()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TtsConnectionError);
    expect((err as Error).cause).toBeInstanceOf(TypeError);
    expect(sent).toHaveLength(3);
  });

  it('a request slower than `timeout` is TtsTimeoutError', async () => {
    const hang = (_: string, init: RequestInit) =>
      new Promise<Response>((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    const err = await sdkFor(t, org.secret_key, { fetch: hang, timeout: 20, maxRetries: 0 })
      .account.retrieve()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TtsTimeoutError);
    expect(err).toBeInstanceOf(TtsConnectionError);
  });

  it('a caller abort stops at once without retrying', async () => {
    const controller = new AbortController();
    const { fetch, sent } = scriptedFetch(t, []);
    controller.abort();
    const err = await sdkFor(t, org.secret_key, { fetch })
      .account.retrieve({ signal: controller.signal })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TtsError);
    expect(err).not.toBeInstanceOf(TtsConnectionError);
    expect(sent.length).toBeLessThanOrEqual(1);
  });
});
