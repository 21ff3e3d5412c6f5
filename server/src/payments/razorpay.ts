/**
 * The Razorpay gateway: the port in `gateway.ts` on top of the official `razorpay` SDK.
 *
 * The SDK has no host option, so `apiBase` (config `RAZORPAY_API_BASE`, a test-only
 * setting) re-points the axios instance the SDK builds internally (`sdk.api.rq`); see
 * `pointSdkAt`. Tests run the real SDK against `test/fakes/fake-razorpay.ts` this way.
 * @see https://razorpay.com/docs/api/
 */
import type Razorpay from 'razorpay';
import { AppError } from '../kernel/errors.js';
import { loadOnFirstUse } from '../kernel/load-on-first-use.js';
import {
  assertOrderInput,
  GatewayError,
  type GatewayRefusal,
  type CreateGatewayOrderInput,
  type GatewayOrder,
  type GatewayPayment,
  type GatewayPaymentStatus,
  type GatewayRefund,
  type PaymentGateway,
  type RefundTags,
  verifyPaymentSignature,
  verifyWebhookSignature,
} from './gateway.js';
import { parseRazorpayWebhook } from './razorpay-webhook.js';

/** The SDK (and axios under it), loaded when a gateway is first made: most servers never make one at start. */
const razorpaySdk = loadOnFirstUse<typeof Razorpay>(import.meta.url, 'razorpay');

/** Razorpay's real API base, the default for `RAZORPAY_API_BASE`. */
export const RAZORPAY_API_BASE = 'https://api.razorpay.com/v1';

/** Settings for `createRazorpayGateway`; `loadConfig` supplies them from the environment. */
export interface RazorpayGatewayOptions {
  /** `rzp_test_…` or `rzp_live_…`; public, handed to the browser checkout. */
  keyId: string;
  keySecret: string;
  /**
   * The secrets Razorpay signs this account's webhooks with: the current one first, then one
   * being rotated out. Empty: every webhook is refused as unsigned.
   */
  webhookSecrets?: readonly string[];
  /** Test-only (`RAZORPAY_API_BASE`): where the API lives; must end in `/v1`. */
  apiBase?: string;
  /** Give up on a request after this long (default 15 s); the SDK itself never times out. */
  timeoutMs?: number;
}

/** Razorpay's error body: `{ error: { code, description, field, source, step, reason, metadata } }`. */
export interface RazorpayErrorBody {
  code?: string;
  description?: string;
  field?: string | null;
  source?: string;
  step?: string;
  reason?: string;
  metadata?: Record<string, unknown>;
}

/**
 * A `GatewayError` raised from a Razorpay answer. `upstream` keeps Razorpay's status and error
 * body for logs; only `message` is meant for the API caller.
 */
export class RazorpayGatewayError extends GatewayError {
  constructor(
    refusal: GatewayRefusal,
    message: string,
    readonly upstream: { status: number; error?: RazorpayErrorBody },
  ) {
    super(refusal, message);
  }
}

/** The slice of the SDK's private axios instance we touch; checked at runtime in `pointSdkAt`. */
interface SdkHttpClient {
  defaults: { baseURL?: string; timeout?: number };
  interceptors: { response: { use(onFulfilled: undefined, onRejected: (error: unknown) => unknown): number } };
}

/**
 * Creates the Razorpay gateway.
 *
 * @example
 * const gateway = createRazorpayGateway({ keyId: config.razorpayKeyId, keySecret: config.razorpayKeySecret });
 * const { gatewayOrderId } = await gateway.createOrder({ amount: 49900, currency: 'INR', receipt: order.id });
 */
export function createRazorpayGateway(options: RazorpayGatewayOptions): PaymentGateway {
  const { keyId, keySecret, webhookSecrets = [], apiBase = RAZORPAY_API_BASE, timeoutMs = 15_000 } = options;
  if (!keyId || !keySecret) throw new Error('Razorpay key id and key secret are both required');
  const sdk = new (razorpaySdk())({ key_id: keyId, key_secret: keySecret });
  pointSdkAt(sdk, apiBase, timeoutMs);
  const secrets = webhookSecrets.filter((s) => s !== '');

  return {
    name: 'razorpay',
    keyId,

    checkoutOptions: (order) => ({ key: keyId, order_id: order.gatewayOrderId, amount: order.amount, currency: order.currency }),

    // Checkout's `razorpay_signature`, made with this account's key secret.
    verifyPaymentCallback: ({ gatewayOrderId, paymentId, signature }) => verifyPaymentSignature({ gatewayOrderId, paymentId, signature, secret: keySecret }),

    verifyWebhook(rawBody, headers) {
      const signature = headers['x-razorpay-signature'];
      if (!secrets.some((secret) => verifyWebhookSignature(rawBody, signature, secret))) return { signed: false };
      return { signed: true, eventId: headers['x-razorpay-event-id'] ?? null, parsed: parseRazorpayWebhook(rawBody) };
    },

    async createOrder(input: CreateGatewayOrderInput): Promise<GatewayOrder> {
      assertOrderInput(input);
      const { amount, currency, receipt, notes } = input;
      const raw = await call('order', () => sdk.orders.create({ amount, currency, receipt, ...(notes ? { notes } : {}) }));
      const { receipt: _receipt, ...order } = toGatewayOrder(raw);
      if (order.amount !== amount) throw unexpectedAnswer();
      return order;
    },

    async findOrderByReceipt(receipt: string): Promise<GatewayOrder | null> {
      // GET /v1/orders?receipt=… lists the orders made with that receipt, newest first.
      // @see https://razorpay.com/docs/api/orders/fetch-all/
      const list = await call('order', () => sdk.orders.all({ receipt }));
      if (!Array.isArray(list?.items)) throw unexpectedAnswer();
      const mine = (list.items as unknown[]).map(toGatewayOrder).filter((o) => o.receipt === receipt);
      const first = mine[0];
      return first ? { gatewayOrderId: first.gatewayOrderId, amount: first.amount, currency: first.currency, status: first.status } : null;
    },

    async fetchPayment(paymentId: string): Promise<GatewayPayment> {
      assertId(paymentId, 'payment');
      return toGatewayPayment(await call('payment', () => sdk.payments.fetch(paymentId)));
    },

    async listOrderPayments(gatewayOrderId: string): Promise<GatewayPayment[]> {
      assertId(gatewayOrderId, 'order');
      const list = await call('order', () => sdk.orders.fetchPayments(gatewayOrderId));
      if (!Array.isArray(list?.items)) throw unexpectedAnswer();
      // Razorpay lists newest first; the reconciler wants the order things happened in.
      return list.items.map(toGatewayPayment).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    },

    async capturePayment(paymentId: string, amount: number, currency: string): Promise<GatewayPayment> {
      assertId(paymentId, 'payment');
      return toGatewayPayment(await call('payment', () => sdk.payments.capture(paymentId, amount, currency)));
    },

    async refundPayment(paymentId: string, amount?: number, tags?: RefundTags): Promise<GatewayRefund> {
      assertId(paymentId, 'payment');
      if (amount !== undefined && (!Number.isSafeInteger(amount) || amount <= 0)) {
        throw new AppError('VALIDATION_FAILED', 'refund amount must be a positive integer');
      }
      if (tags && (tags.receipt.length === 0 || tags.receipt.length > 40)) {
        throw new AppError('VALIDATION_FAILED', 'refund receipt must be 1 to 40 characters');
      }
      // @see https://razorpay.com/docs/api/refunds/create-normal/ — `receipt` is ours to find the refund by.
      const body = { ...(amount === undefined ? {} : { amount }), ...(tags ? { receipt: tags.receipt } : {}), ...(tags?.notes ? { notes: tags.notes } : {}) };
      return toGatewayRefund(await call('refund', () => sdk.payments.refund(paymentId, body)));
    },

    async fetchRefund(paymentId: string, refundId: string): Promise<GatewayRefund> {
      assertId(paymentId, 'payment');
      assertId(refundId, 'refund');
      return toGatewayRefund(await call('refund', () => sdk.payments.fetchRefund(paymentId, refundId)));
    },

    async listRefunds(paymentId: string): Promise<GatewayRefund[]> {
      assertId(paymentId, 'payment');
      // @see https://razorpay.com/docs/api/refunds/fetch-multiple-refund-payment/ — newest first, at most 100 a page.
      const found: GatewayRefund[] = [];
      for (let skip = 0; ; skip += REFUNDS_PAGE) {
        const page = await call('refund', () => sdk.payments.fetchMultipleRefund(paymentId, { count: REFUNDS_PAGE, skip }));
        if (!Array.isArray(page?.items)) throw unexpectedAnswer();
        found.push(...(page.items as unknown[]).map(toGatewayRefund));
        if (page.items.length < REFUNDS_PAGE) return found;
      }
    },
  };
}

/**
 * Checks a key id and secret with Razorpay before they are saved: the cheapest authenticated
 * call there is (the newest order, `GET /v1/orders?count=1`). Resolves when Razorpay accepts
 * them; rejects with the gateway's refusal (`auth_failed` for a wrong pair) otherwise.
 *
 * @example
 * await checkRazorpayKeys({ keyId: 'rzp_test_…', keySecret });
 */
export async function checkRazorpayKeys(options: RazorpayGatewayOptions): Promise<void> {
  const { keyId, keySecret, apiBase = RAZORPAY_API_BASE, timeoutMs = 15_000 } = options;
  const sdk = new (razorpaySdk())({ key_id: keyId, key_secret: keySecret });
  pointSdkAt(sdk, apiBase, timeoutMs);
  await call('key', () => sdk.orders.all({ count: 1 }));
}

/**
 * Re-points the SDK at `apiBase` and bounds its requests. The SDK (2.9, `dist/api.js`) builds
 * `this.api.rq = axios.create({ baseURL: 'https://api.razorpay.com', auth, … })` and requests
 * `/v1/<path>` on it, so the base URL is `apiBase` minus its `/v1`. It also turns an axios
 * error into `{ statusCode: err.response.status, error: err.response.data.error }`, which
 * throws a TypeError when there is no response (refused, reset, timed out); the interceptor
 * gives such errors a status-0 response first, so they arrive as a recognisable rejection.
 */
function pointSdkAt(sdk: Razorpay, apiBase: string, timeoutMs: number): void {
  const http = (sdk.api as unknown as { rq?: Partial<SdkHttpClient> }).rq;
  if (!http?.defaults || !http.interceptors) {
    throw new Error('razorpay SDK internals changed: `api.rq` is not an axios instance; check RAZORPAY_API_BASE support');
  }
  http.defaults.baseURL = hostUrlFor(apiBase);
  http.defaults.timeout = timeoutMs;
  http.interceptors.response.use(undefined, (error: unknown) => {
    const e = error as { response?: unknown; code?: unknown; message?: unknown } | null;
    if (e && typeof e === 'object' && e.response) return Promise.reject(error);
    const description = `${typeof e?.code === 'string' ? e.code : 'ERROR'}: ${String(e?.message ?? error)}`;
    return Promise.reject({ response: { status: 0, data: { error: { code: 'NETWORK_ERROR', description } } } });
  });
}

/** `https://api.razorpay.com/v1` → `https://api.razorpay.com` (the SDK appends `/v1` itself). */
function hostUrlFor(apiBase: string): string {
  const url = new URL(apiBase);
  const path = url.pathname.replace(/\/+$/, '');
  if (!path.endsWith('/v1')) throw new Error(`RAZORPAY_API_BASE must end in /v1, got '${apiBase}'`);
  url.pathname = path.slice(0, -'/v1'.length) || '/';
  return url.toString().replace(/\/$/, '');
}

/** Ids go into URL paths: refuse anything that is not a plain Razorpay-style id before sending. */
function assertId(id: string, what: string): void {
  if (typeof id !== 'string' || !/^[A-Za-z0-9_]{1,64}$/.test(id)) {
    throw new GatewayError('not_found', `Razorpay has no such ${what}`);
  }
}

async function call<T>(what: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (rejection) {
    throw mapRazorpayError(rejection, what);
  }
}

/**
 * Razorpay answers every refusal with 400 `BAD_REQUEST_ERROR`; only the description tells an
 * account short of balance from a payment refunded already. These patterns are Razorpay's
 * documented descriptions, matched loosely (case, punctuation) since wording drifts.
 * @see https://razorpay.com/docs/errors/
 * @see https://razorpay.com/docs/payments/refunds/errors/
 */
const DESCRIBED: readonly [RegExp, GatewayRefusal][] = [
  [/fully refunded already|already been fully refunded|total refund amount is greater/i, 'already_refunded'],
  [/already been captured|already captured/i, 'already_captured'],
  [/same receipt/i, 'receipt_taken'],
  [/(not|doesn't|does not) have (enough|sufficient) balance|insufficient (account )?balance/i, 'insufficient_balance'],
  [/more than 6 months old|older than (six|6) months/i, 'too_old'],
  [/in progress/i, 'in_progress'],
  [/does not exist|is not a valid id|requested url was not found/i, 'not_found'],
];

/**
 * Turns what the SDK rejects with (`{ statusCode, error }`, see `pointSdkAt`) into a
 * `GatewayError` whose `refusal` says exactly what happened: unreachable and 5xx →
 * `unavailable`, 429 → `rate_limited` (both worth retrying); 401/403 → `auth_failed` (our
 * keys); then Razorpay's documented descriptions (`DESCRIBED`); a refused field → `invalid`;
 * any other 4xx → `refused`.
 * @see https://razorpay.com/docs/errors/
 */
export function mapRazorpayError(rejection: unknown, what: string): AppError {
  const r = rejection as { statusCode?: unknown; error?: RazorpayErrorBody } | null;
  const status = typeof r?.statusCode === 'number' ? r.statusCode : Number(r?.statusCode ?? Number.NaN);
  const error = r && typeof r.error === 'object' && r.error !== null ? r.error : undefined;
  const upstream = error ? { status, error } : { status };
  const raise = (refusal: GatewayRefusal, message: string) => new RazorpayGatewayError(refusal, message, upstream);
  if (!Number.isInteger(status) || status === 0 || status >= 500) {
    return raise('unavailable', 'Razorpay is not reachable right now; please try again shortly');
  }
  if (status === 429) return raise('rate_limited', 'Razorpay asked us to slow down; please try again shortly');
  if (status === 401 || status === 403) return raise('auth_failed', 'Razorpay refused our API keys');
  const description = typeof error?.description === 'string' ? error.description : 'request refused';
  if (status === 404) return raise('not_found', `Razorpay has no such ${what}`);
  const described = DESCRIBED.find(([pattern]) => pattern.test(description))?.[1];
  if (described === 'not_found') return raise('not_found', `Razorpay has no such ${what}`);
  if (described) return raise(described, `Razorpay refused the ${what}: ${description}`);
  if (error?.field) return raise('invalid', `Razorpay refused the ${what}: ${description}`);
  return raise('refused', `Razorpay refused the ${what}: ${description}`);
}

/** Maps Razorpay's order entity. @see https://razorpay.com/docs/api/orders/entity/ */
function toGatewayOrder(raw: unknown): GatewayOrder & { receipt: string | null } {
  const o = raw as Record<string, unknown> | null;
  if (!o || typeof o.id !== 'string' || !Number.isSafeInteger(Number(o.amount))) throw unexpectedAnswer();
  return {
    gatewayOrderId: o.id,
    amount: Number(o.amount),
    currency: String(o.currency),
    status: o.status as GatewayOrder['status'],
    receipt: typeof o.receipt === 'string' ? o.receipt : null,
  };
}

/** Razorpay's largest page of a payment's refunds. */
const REFUNDS_PAGE = 100;

const REFUND_STATUSES: readonly GatewayRefund['status'][] = ['pending', 'processed', 'failed'];

/** Maps Razorpay's refund entity. @see https://razorpay.com/docs/api/refunds/entity/ */
function toGatewayRefund(raw: unknown): GatewayRefund {
  const r = raw as Record<string, unknown> | null;
  if (!r || typeof r.id !== 'string' || typeof r.payment_id !== 'string' || !REFUND_STATUSES.includes(r.status as GatewayRefund['status'])) {
    throw unexpectedAnswer();
  }
  return {
    refundId: r.id,
    paymentId: r.payment_id,
    amount: Number(r.amount),
    status: r.status as GatewayRefund['status'],
    receipt: typeof r.receipt === 'string' ? r.receipt : null,
  };
}

const PAYMENT_STATUSES: readonly GatewayPaymentStatus[] = ['created', 'authorized', 'captured', 'refunded', 'failed'];

/** Maps Razorpay's payment entity. @see https://razorpay.com/docs/api/payments/#payments-entity */
function toGatewayPayment(raw: unknown): GatewayPayment {
  const p = raw as Record<string, unknown> | null;
  if (!p || typeof p.id !== 'string' || !PAYMENT_STATUSES.includes(p.status as GatewayPaymentStatus)) {
    throw unexpectedAnswer();
  }
  const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
  return {
    id: p.id,
    orderId: text(p.order_id),
    amount: Number(p.amount),
    currency: String(p.currency),
    status: p.status as GatewayPaymentStatus,
    captured: p.captured === true,
    amountRefunded: Number(p.amount_refunded ?? 0),
    method: text(p.method),
    errorCode: text(p.error_code),
    errorDescription: text(p.error_description),
    createdAt: new Date(Number(p.created_at) * 1000),
  };
}

/** A 2xx whose body is not what Razorpay documents (a captive proxy, a truncated reply). */
function unexpectedAnswer(): AppError {
  return new RazorpayGatewayError('unavailable', 'Razorpay gave an unexpected answer; please try again shortly', {
    status: 200,
  });
}
