/**
 * The slice of the Trendy Ticket Service API the checkout speaks, with the publishable key.
 * Types come from the SDK's wire contract (`import type` only: nothing of the SDK is bundled).
 */
import type { ErrorBody, ErrorCode, Order, PublicEvent, TestGatewayPayment } from '@trendy-tickets/sdk';

/** Problems that happen in the browser rather than on the server. */
export type ClientErrorCode = 'NETWORK_ERROR' | 'PAYMENT_FAILED' | 'GATEWAY_UNAVAILABLE';

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

/** The publishable-key calls of one checkout. */
export type CheckoutApi = ReturnType<typeof createApi>;

/**
 * Binds the API to a server and a publishable key. `fetch` is the page's own, read at call time.
 *
 * @example
 * const api = createApi('https://tickets.example.com', 'pk_test_…');
 * const event = await api.event('evt_…');
 */
export function createApi(base: string, key: string) {
  async function call<T>(method: 'GET' | 'POST', path: string, body?: object): Promise<T> {
    let res: Response;
    try {
      res = await fetch(base + path, {
        method,
        headers: body ? { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' } : { Authorization: `Bearer ${key}` },
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
  const order = (id: string, action: string, body: object) => call<Order>('POST', `/v1/orders/${id}/${action}`, body);

  return {
    event: (id: string) => call<PublicEvent>('GET', `/v1/public/events/${encodeURIComponent(id)}`),
    create: (body: { event: string; items?: Array<{ ticket_type: string; quantity: number }>; amount?: number; buyer: { name: string; email: string; phone?: string } }) =>
      call<Order>('POST', '/v1/orders', body),
    retrieve: (id: string, secret: string) => call<Order>('GET', `/v1/orders/${id}?client_secret=${encodeURIComponent(secret)}`),
    verify: (id: string, secret: string, code: string) => order(id, 'verify', { client_secret: secret, code }),
    resend: (id: string, secret: string) => order(id, 'resend-code', { client_secret: secret }),
    pay: (id: string, secret: string, p: { gateway_order_id: string; gateway_payment_id: string; signature: string }) => order(id, 'pay', { client_secret: secret, ...p }),
    testPay: (gatewayOrderId: string, outcome: 'success' | 'failure') =>
      call<TestGatewayPayment>('POST', '/v1/test-gateway/payments', { gateway_order_id: gatewayOrderId, outcome }),
  };
}
