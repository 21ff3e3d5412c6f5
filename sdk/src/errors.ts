import type { ErrorBody, FieldIssue } from './types.js';

/**
 * The base of every error the SDK throws: catch it to handle them all.
 *
 * @example
 * try {
 *   await client.events.retrieve('evt_missing');
 * } catch (err) {
 *   if (err instanceof TtsError) console.error(err.message);
 * }
 */
export class TtsError extends Error {
  override name = 'TtsError';
}

/**
 * What the API said about a failed request.
 *
 * @example
 * new TtsApiError({ status: 409, code: 'SOLD_OUT', message: 'Sold out', requestId: 'req_…' });
 */
export interface TtsApiErrorInit {
  status: number;
  code: string;
  message: string;
  requestId: string | null;
  details?: FieldIssue[] | Record<string, unknown> | undefined;
  headers?: Headers | undefined;
}

/**
 * The API answered with an error (`{"error":{code,message,request_id,details}}`, docs/api-conventions.md#errors).
 * Quote `requestId` to support. Subclasses name the status family.
 *
 * @example
 * try {
 *   await client.orders.create({ event, items: [{ ticket_type, quantity: 500 }], buyer });
 * } catch (err) {
 *   if (err instanceof TtsApiError && err.code === 'SOLD_OUT') showSoldOut();
 * }
 */
export class TtsApiError extends TtsError {
  override name = 'TtsApiError';
  /** The HTTP status. */
  readonly status: number;
  /** The API's error code, e.g. `SOLD_OUT` (see `ErrorCode`); `UNKNOWN` for a body that is not the API's. */
  readonly code: string;
  /** The request id (`req_…`) from the body, or else from `X-Request-Id`. */
  readonly requestId: string | null;
  /** Field problems for `VALIDATION_FAILED`, or extra facts for some codes. */
  readonly details: FieldIssue[] | Record<string, unknown> | undefined;
  /** The response headers. */
  readonly headers: Headers | undefined;

  constructor(init: TtsApiErrorInit) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.details = init.details;
    this.headers = init.headers;
  }
}

/**
 * 400: the request was malformed (`VALIDATION_FAILED`, with `details` naming the fields) or a
 * code was wrong (`OTP_INVALID`, `OTP_EXPIRED`). An `OTP_INVALID`'s `details` is an
 * `OtpInvalidDetails`: `reason: 'locked'` means no code passes until a new one is sent.
 *
 * @example
 * if (err instanceof TtsBadRequestError) console.table(err.details);
 * if (err instanceof TtsBadRequestError && err.code === 'OTP_INVALID' && (err.details as OtpInvalidDetails).reason === 'locked') await resend();
 */
export class TtsBadRequestError extends TtsApiError {
  override name = 'TtsBadRequestError';
}

/**
 * 401: the key is missing, unknown or rolled.
 *
 * @example
 * if (err instanceof TtsAuthenticationError) alert('Check TTS_API_KEY');
 */
export class TtsAuthenticationError extends TtsApiError {
  override name = 'TtsAuthenticationError';
}

/**
 * 402: the payment could not be verified (`PAYMENT_VERIFICATION_FAILED`).
 *
 * @example
 * if (err instanceof TtsPaymentError) askToPayAgain();
 */
export class TtsPaymentError extends TtsApiError {
  override name = 'TtsPaymentError';
}

/**
 * 403: the wrong kind of key, a secret key from a browser, or an origin the event does not allow.
 *
 * @example
 * if (err instanceof TtsPermissionError) console.error(err.message);
 */
export class TtsPermissionError extends TtsApiError {
  override name = 'TtsPermissionError';
}

/**
 * 404: no such object for this account (other accounts' objects are 404 too).
 *
 * @example
 * const event = await client.events.retrieve(id).catch((e) => (e instanceof TtsNotFoundError ? null : Promise.reject(e)));
 */
export class TtsNotFoundError extends TtsApiError {
  override name = 'TtsNotFoundError';
}

/**
 * 409: the state forbids it: `SOLD_OUT`, `SALES_CLOSED`, `PAYMENT_ACCOUNT_REQUIRED`, `ORDER_NOT_PAYABLE`, `HOLD_EXPIRED`, `CONFLICT`,
 * or Razorpay refused a refund: `REFUND_FAILED`, with `RefundFailedDetails` in `details`, or a refund
 * asked for more than remains: `REFUND_EXCEEDS_REMAINING`, with `RefundExceedsRemainingDetails`.
 *
 * @example
 * if (err instanceof TtsConflictError && err.code === 'SOLD_OUT') showSoldOut();
 */
export class TtsConflictError extends TtsApiError {
  override name = 'TtsConflictError';
}

/**
 * 422: an `Idempotency-Key` was reused with a different request (`IDEMPOTENCY_MISMATCH`).
 *
 * @example
 * if (err instanceof TtsUnprocessableError) retryWithANewKey();
 */
export class TtsUnprocessableError extends TtsApiError {
  override name = 'TtsUnprocessableError';
}

/**
 * 429: too many requests; `retryAfter` is the server's `Retry-After` in seconds.
 *
 * @example
 * if (err instanceof TtsRateLimitError) setTimeout(retry, (err.retryAfter ?? 1) * 1000);
 */
export class TtsRateLimitError extends TtsApiError {
  override name = 'TtsRateLimitError';
  /** Seconds to wait before trying again, when the server said. */
  readonly retryAfter: number | null;

  constructor(init: TtsApiErrorInit) {
    super(init);
    this.retryAfter = retryAfterSeconds(init.headers);
  }
}

/**
 * 5xx: the server or an upstream (Razorpay) failed; retried automatically before it is thrown.
 *
 * @example
 * if (err instanceof TtsServerError) console.error('Try later, quote', err.requestId);
 */
export class TtsServerError extends TtsApiError {
  override name = 'TtsServerError';
}

/**
 * The request never got an answer: DNS, refused connection, reset. Retried automatically first.
 *
 * @example
 * if (err instanceof TtsConnectionError) console.error('Is the server up?', err.cause);
 */
export class TtsConnectionError extends TtsError {
  override name = 'TtsConnectionError';
  constructor(message = 'Could not reach the Trendy Ticket Service.', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * The request took longer than `timeout` (default 30 s). Retried automatically first.
 *
 * @example
 * const client = new TrendyTickets({ apiKey, timeout: 5_000 });
 * // … catch (err) { if (err instanceof TtsTimeoutError) … }
 */
export class TtsTimeoutError extends TtsConnectionError {
  override name = 'TtsTimeoutError';
  constructor(message = 'The request timed out.', options?: { cause?: unknown }) {
    super(message, options);
  }
}

const BY_STATUS: Record<number, typeof TtsApiError> = {
  400: TtsBadRequestError,
  401: TtsAuthenticationError,
  402: TtsPaymentError,
  403: TtsPermissionError,
  404: TtsNotFoundError,
  409: TtsConflictError,
  422: TtsUnprocessableError,
  429: TtsRateLimitError,
};

/**
 * Builds the right error class for a failed response from its status and parsed body.
 *
 * @example
 * throw makeApiError(res.status, await res.json().catch(() => null), res.headers);
 */
export function makeApiError(status: number, body: unknown, headers?: Headers): TtsApiError {
  const error = (body as Partial<ErrorBody> | null)?.error;
  const init: TtsApiErrorInit = {
    status,
    code: typeof error?.code === 'string' ? error.code : 'UNKNOWN',
    message: typeof error?.message === 'string' ? error.message : `The server answered ${status}.`,
    requestId: error?.request_id ?? headers?.get('X-Request-Id') ?? null,
    details: error?.details,
    headers,
  };
  const Class = BY_STATUS[status] ?? (status >= 500 ? TtsServerError : TtsApiError);
  return new Class(init);
}

/**
 * `Retry-After` in seconds: a number of seconds or an HTTP date (RFC 9110 §10.2.3); null when absent.
 *
 * @example
 * retryAfterSeconds(new Headers({ 'Retry-After': '2' })); // 2
 */
export function retryAfterSeconds(headers: Headers | undefined, now = Date.now()): number | null {
  const value = headers?.get('Retry-After');
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, (at - now) / 1000);
}
