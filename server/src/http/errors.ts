import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorBody, ErrorCode as WireErrorCode } from '@trendy-tickets/sdk';
import { AppError, type ErrorCode } from '../kernel/errors.js';
import type { Logger } from '../logger.js';
import type { Exact } from './schemas/common.js';

/**
 * The server's error codes are exactly the SDK's (`ErrorCode` in `sdk/src/types.ts`): a code
 * added on one side only fails to compile here, so a partner's typed client, and the widget's
 * message for each code, never meet a code they do not know.
 */
export const errorCodesMatchWireTypes: Exact<ErrorCode, WireErrorCode> = true;

/** The one code → HTTP status table. A code missing here fails to compile. */
export const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  VALIDATION_FAILED: 400,
  OTP_INVALID: 400,
  OTP_EXPIRED: 400,
  UNAUTHENTICATED: 401,
  PAYMENT_VERIFICATION_FAILED: 402,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  SOLD_OUT: 409,
  SALES_CLOSED: 409,
  // The organizer's setup, not the buyer's request: live sales wait for a connected payment account.
  PAYMENT_ACCOUNT_REQUIRED: 409,
  ORDER_NOT_PAYABLE: 409,
  HOLD_EXPIRED: 409,
  // The waiting list refuses: it is off or the event is not on sale, seats can be bought, or the email is in line already.
  WAITING_LIST_CLOSED: 409,
  SEATS_AVAILABLE: 409,
  ALREADY_WAITING: 409,
  // Not 502: Razorpay answered, and said no for a reason that stays true (balance, age), so
  // nothing should retry it by itself; a 5xx would be retried by the SDK and by proxies.
  REFUND_FAILED: 409,
  REFUND_EXCEEDS_REMAINING: 409,
  IDEMPOTENCY_IN_FLIGHT: 409,
  PAYLOAD_TOO_LARGE: 413,
  IDEMPOTENCY_MISMATCH: 422,
  // The request is well formed; the code it names cannot be used (details.reason says why).
  PROMO_CODE_INVALID: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UPSTREAM_UNAVAILABLE: 503,
};

/** Shapes an `AppError` into the response every error takes (docs/api-conventions.md#errors). */
export function errorResponse(c: Context, error: AppError): Response {
  const body: ErrorBody = {
    error: {
      code: error.code,
      message: error.message,
      request_id: c.get('requestId'),
      ...(error.details === undefined ? {} : { details: error.details }),
    },
  };
  if (error.retryAfterSeconds !== undefined) c.header('Retry-After', String(Math.ceil(error.retryAfterSeconds)));
  return c.json(body, STATUS[error.code]);
}

/**
 * The app's single `onError`: domain errors keep their code; framework errors
 * (malformed JSON, body limit) become coded 4xx; anything else is a 500 that
 * is logged with the request id and never shows internals to the caller.
 */
export function createErrorHandler(logger: Logger) {
  return function handleError(err: Error, c: Context): Response {
    if (err instanceof AppError) {
      if (STATUS[err.code] >= 500) logger.error('request failed', { request_id: c.get('requestId'), code: err.code, err });
      return errorResponse(c, err);
    }
    if (err instanceof HTTPException && err.status < 500) {
      return errorResponse(c, fromHttpException(err));
    }
    logger.error('unhandled error', { request_id: c.get('requestId'), method: c.req.method, path: c.req.path, err });
    return errorResponse(c, new AppError('INTERNAL', 'Something went wrong on our side. Quote the request id if you contact support.'));
  };
}

function fromHttpException(err: HTTPException): AppError {
  if (err.status === 413) return new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large.');
  if (err.status === 401) return new AppError('UNAUTHENTICATED', err.message || 'Authentication required.');
  if (err.status === 403) return new AppError('FORBIDDEN', err.message || 'Forbidden.');
  if (err.status === 404) return new AppError('NOT_FOUND', err.message || 'Not found.');
  // Hono's validators throw 400 for unparseable bodies ("Malformed JSON in request body").
  return new AppError('VALIDATION_FAILED', err.message || 'The request is malformed.');
}
