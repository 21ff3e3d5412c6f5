/**
 * The slice of the Trendy Ticket Service API the checkout speaks, with the publishable key.
 * Types come from the SDK's wire contract (`import type` only: nothing of the SDK is bundled), request
 * bodies included, so a body the server would refuse does not compile.
 */
import type {
  ClientSecretParams,
  CreateOrderParams,
  ErrorBody,
  ErrorCode,
  Order,
  PayOrderParams,
  PublicEvent,
  TestGatewayPayParams,
  TestGatewayPayment,
  VerifyOrderParams,
} from '@trendy-tickets/sdk';

/** Problems that happen in the browser rather than on the server. */
export type ClientErrorCode = 'NETWORK_ERROR' | 'PAYMENT_FAILED' | 'GATEWAY_UNAVAILABLE' | 'PART_UNAVAILABLE';

/** Every code a `tts-error` can carry: the API's codes and the browser's own. */
export type CheckoutErrorCode = ErrorCode | ClientErrorCode;

/**
 * A failed step: the API's error body (`code`, `message`, `request_id`, `details`) or a
 * browser-side problem, plus `Retry-After` for `RATE_LIMITED`.
 *
 * @example
 * try { await api.verify(order.id, secret, code); } catch (e) { if (e instanceof CheckoutError && e.code === 'OTP_INVALID') … }
 */
export class CheckoutError extends Error {
  constructor(
    readonly code: CheckoutErrorCode,
    message: string,
    readonly requestId: string | null = null,
    readonly details?: unknown,
    /** Seconds to wait before trying again (from `Retry-After`). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

/**
 * A request's `Idempotency-Key`, held by the caller so that every retry of that request (the
 * buyer's "Try again" included) sends the same key. The client replaces `key` itself after an
 * `IDEMPOTENCY_MISMATCH`, so the caller's next retry goes out with the replacement.
 */
export interface IdempotencyKey {
  key: string;
}

/**
 * A fresh idempotency key: `crypto.randomUUID()` where the browser has it, else a version 4
 * UUID from `crypto.getRandomValues`. `randomUUID` exists only in secure contexts (a partner
 * page served over plain http has none) and in Safari from 15.4; `getRandomValues` is everywhere.
 *
 * @example
 * const attempt = { key: newIdempotencyKey() };
 * await api.create(body, attempt); // a retry passes the same `attempt`
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  // RFC 9562 §5.4: version 4 in the high nibble of byte 6, the variant in the top bits of byte 8.
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Sends of one keyed request, counting the first, before a conflict on its key is handed to the buyer. */
const KEYED_TRIES = 4;

/** The publishable-key calls of one checkout. */
export type CheckoutApi = ReturnType<typeof createApi>;

/**
 * Binds the API to a server and a publishable key. `fetch` is the page's own, read at call time.
 *
 * Calls given an {@link IdempotencyKey} send it as `Idempotency-Key` (docs/api-conventions.md#idempotency): the server runs
 * the request once and replays its answer to the same key and body for 24 hours. While the
 * first request still runs (409 `IDEMPOTENCY_IN_FLIGHT`), the call waits the `Retry-After` and
 * sends again; a key the server knows with another body (422 `IDEMPOTENCY_MISMATCH`) is
 * replaced and the request sent again, as nothing ran under the new key yet.
 *
 * @example
 * const api = createApi('https://tickets.example.com', 'pk_test_…');
 * const event = await api.event('evt_…');
 */
export function createApi(base: string, key: string) {
  async function send<T>(method: 'GET' | 'POST', path: string, body?: object, idempotencyKey?: string): Promise<T> {
    const headers: Record<string, string> = { Authorization: `Bearer ${key}` };
    if (body) headers['Content-Type'] = 'application/json';
    if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
    let res: Response;
    try {
      res = await fetch(base + path, {
        method,
        headers,
        body: body && JSON.stringify(body),
        // The key and the client secret are bearer credentials: no cookies, ever.
        credentials: 'omit',
      });
    } catch (err) {
      throw new CheckoutError('NETWORK_ERROR', String(err));
    }
    const data = (await res.json().catch(() => null)) as (T & Partial<ErrorBody>) | null;
    if (res.ok && data) return data;
    const e = data?.error;
    const wait = Number(res.headers.get('Retry-After'));
    throw new CheckoutError(
      e?.code ?? (res.status >= 500 ? 'INTERNAL' : 'NETWORK_ERROR'),
      e?.message ?? `HTTP ${res.status}`,
      e?.request_id ?? res.headers.get('X-Request-Id'),
      e?.details,
      wait > 0 ? wait : undefined,
    );
  }

  async function call<T>(method: 'GET' | 'POST', path: string, body?: object, idempotency?: IdempotencyKey): Promise<T> {
    for (let tries = 1; ; tries += 1) {
      try {
        return await send<T>(method, path, body, idempotency?.key);
      } catch (err) {
        if (!idempotency || !(err instanceof CheckoutError) || tries >= KEYED_TRIES) throw err;
        if (err.code === 'IDEMPOTENCY_MISMATCH') idempotency.key = newIdempotencyKey();
        else if (err.code === 'IDEMPOTENCY_IN_FLIGHT') await new Promise((r) => setTimeout(r, (err.retryAfter ?? 1) * 1000));
        else throw err;
      }
    }
  }
  const order = <B extends ClientSecretParams>(id: string, action: string, body: B, idempotency?: IdempotencyKey) =>
    call<Order>('POST', `/v1/orders/${id}/${action}`, body, idempotency);

  return {
    /** Any call of the API with this key: for the parts fetched apart (waitlist.ts), so the script carries no paths of theirs. */
    call,
    /** With a promo code, the hidden types it unlocks are listed and `promo` says what it takes off. */
    event: (id: string, promo = '') => call<PublicEvent>('GET', `/v1/public/events/${encodeURIComponent(id)}${promo && `?promo_code=${encodeURIComponent(promo)}`}`),
    /** Holds seats. Keyed: a retry after a lost answer gets the order already made, not a second hold. */
    create: (body: CreateOrderParams, idempotency: IdempotencyKey) => call<Order>('POST', '/v1/orders', body, idempotency),
    /** The API takes the client secret in this call's query (docs/api-conventions.md#keys); its access log records the path only. */
    retrieve: (id: string, secret: string) => call<Order>('GET', `/v1/orders/${id}?client_secret=${encodeURIComponent(secret)}`),
    // No key: the order's state makes a repeat harmless. A verified order answers a second
    // verify with itself, and a paid order answers the same payment again with itself.
    verify: (id: string, secret: string, code: string) => order(id, 'verify', { client_secret: secret, code } satisfies VerifyOrderParams),
    // Keyed per click: each send replaces the code and counts against the address's five an
    // hour, so a retry after a lost answer must replay it, not mail a code that voids the first.
    resend: (id: string, secret: string, idempotency: IdempotencyKey) => order(id, 'resend-code', { client_secret: secret }, idempotency),
    /** Gives the seats back: the buyer started again (no key: cancelling twice is harmless). */
    cancel: (id: string, secret: string) => order(id, 'cancel', { client_secret: secret }),
    pay: (id: string, secret: string, p: Omit<PayOrderParams, 'client_secret'>) => order(id, 'pay', { client_secret: secret, ...p } satisfies PayOrderParams),
    // Keyed per click: a retry after a lost answer replays the simulated payment rather than
    // making a second one that nobody confirms.
    testPay: (gatewayOrderId: string, outcome: 'success' | 'failure', idempotency: IdempotencyKey) =>
      call<TestGatewayPayment>('POST', '/v1/test-gateway/payments', { gateway_order_id: gatewayOrderId, outcome } satisfies TestGatewayPayParams, idempotency),
  };
}
