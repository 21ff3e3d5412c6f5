/**
 * Domain errors. Services throw `AppError` with a code from this list; the HTTP
 * layer maps codes to statuses through one exhaustive table (`http/errors.ts`),
 * so adding a code here without a status fails to compile.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'OTP_INVALID',
  'OTP_EXPIRED',
  'PAYMENT_VERIFICATION_FAILED',
  'PAYLOAD_TOO_LARGE',
  'CONFLICT',
  'SOLD_OUT',
  'SALES_CLOSED',
  'PAYMENT_ACCOUNT_REQUIRED',
  'ORDER_NOT_PAYABLE',
  'HOLD_EXPIRED',
  'PROMO_CODE_INVALID',
  'WAITING_LIST_CLOSED',
  'SEATS_AVAILABLE',
  'ALREADY_WAITING',
  'REFUND_FAILED',
  'REFUND_EXCEEDS_REMAINING',
  'IDEMPOTENCY_MISMATCH',
  'IDEMPOTENCY_IN_FLIGHT',
  'RATE_LIMITED',
  'UPSTREAM_UNAVAILABLE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** One problem with one input field, in the shape the API reports it. */
export interface FieldIssue {
  /** Dotted path into the request, e.g. `ticket_types.0.price`. */
  field: string;
  message: string;
}

export type ErrorDetails = Record<string, unknown> | FieldIssue[];

/**
 * An error whose message is safe to show to the API caller.
 *
 * @example
 * throw new AppError('SOLD_OUT', `only ${left} left`, { ticket_type: 'tt_123', available: left });
 */
export class AppError extends Error {
  override readonly name = 'AppError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetails,
    /** Seconds the caller should wait before trying again (RATE_LIMITED, IDEMPOTENCY_IN_FLIGHT). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** The uniform 404: also used for objects that exist but belong to another account. */
export function notFound(what: string, id: string): AppError {
  return new AppError('NOT_FOUND', `No such ${what}: '${id}'`);
}
