/**
 * What the buyer reads for each error code, and which codes a retry can help with. DOM-free:
 * the checkout flow (checkout-flow.ts) uses it, and it is tested in plain Node.
 */
import type { ErrorCode } from '@trendy-tickets/sdk';
import type { CheckoutErrorCode } from './api.js';
import type { Key } from './i18n.js';

/**
 * The waiting list's refusals. Only its form (waitlist.ts, a part fetched apart) calls the
 * routes that give them, and it says them in its own words (locales/waitlist.ts), so the
 * script carries none of them.
 */
export type WaitingListErrorCode = Extract<ErrorCode, 'WAITING_LIST_CLOSED' | 'SEATS_AVAILABLE' | 'ALREADY_WAITING'>;

/**
 * The message for every code a step can fail with: the API's (the SDK's `ErrorCode`) and the
 * browser's own. A `Record` over the union, so a code added to the SDK does not compile until it
 * has its words here, and through `Record<Key, string>` in every locale. A key the site owner
 * must fix (key, event, origin) reads as `SETUP`: the buyer cannot act on it. The waiting
 * list's codes are its form's to word ({@link WaitingListErrorCode}).
 */
export const ERROR_MESSAGES: Readonly<Record<Exclude<CheckoutErrorCode, WaitingListErrorCode>, Key>> = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  UNAUTHENTICATED: 'SETUP',
  FORBIDDEN: 'SETUP',
  NOT_FOUND: 'SETUP',
  OTP_INVALID: 'OTP_INVALID',
  OTP_EXPIRED: 'OTP_EXPIRED',
  PAYMENT_VERIFICATION_FAILED: 'PAYMENT_VERIFICATION_FAILED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  CONFLICT: 'CONFLICT',
  SOLD_OUT: 'SOLD_OUT',
  SALES_CLOSED: 'SALES_CLOSED',
  // The organizer has not connected a payment account: nothing the buyer can do about it.
  PAYMENT_ACCOUNT_REQUIRED: 'SETUP',
  ORDER_NOT_PAYABLE: 'ORDER_NOT_PAYABLE',
  HOLD_EXPIRED: 'expired',
  IDEMPOTENCY_MISMATCH: 'IDEMPOTENCY_MISMATCH',
  // Refunds take a secret key, which a checkout never has: only a misbuilt page could meet it.
  REFUND_FAILED: 'SETUP',
  REFUND_EXCEEDS_REMAINING: 'SETUP',
  IDEMPOTENCY_IN_FLIGHT: 'IDEMPOTENCY_IN_FLIGHT',
  RATE_LIMITED: 'RATE_LIMITED',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  PROMO_CODE_INVALID: 'PROMO_CODE_INVALID',
  INTERNAL: 'INTERNAL',
  NETWORK_ERROR: 'NETWORK_ERROR',
  PAYMENT_FAILED: 'PAYMENT_FAILED',
  GATEWAY_UNAVAILABLE: 'GATEWAY_UNAVAILABLE',
  PART_UNAVAILABLE: 'PART_UNAVAILABLE',
};

/**
 * The message key for `code`. A code missing from the table can only come from a server newer
 * than this script (a page holding an old copy): it reads as `INTERNAL`.
 *
 * @example errorMessage('FORBIDDEN') // 'SETUP'
 */
export function errorMessage(code: CheckoutErrorCode): Key {
  return ERROR_MESSAGES[code as keyof typeof ERROR_MESSAGES] ?? 'INTERNAL';
}

/** Codes the buyer can simply try again after. */
export const RETRYABLE: readonly CheckoutErrorCode[] = [
  'NETWORK_ERROR',
  'GATEWAY_UNAVAILABLE',
  'PART_UNAVAILABLE',
  'UPSTREAM_UNAVAILABLE',
  'PAYMENT_VERIFICATION_FAILED',
  'RATE_LIMITED',
  'INTERNAL',
  'IDEMPOTENCY_IN_FLIGHT',
];
