// @vitest-environment node
import type { ErrorCode } from '@trendy-tickets/sdk';
import { describe, expect, it } from 'vitest';
import type { ClientErrorCode } from './api.js';
import { ERROR_MESSAGES, errorMessage, type WaitingListErrorCode } from './error-messages.js';
import { ENGLISH, i18n, registerMessages } from './i18n.js';
import { hi } from './locales/hi.js';

registerMessages('hi', hi);

/**
 * Every code, listed as a `Record` so a code added to the SDK's union (or the browser's own)
 * fails to compile here until this list, and so the test, covers it. The waiting list's are
 * its form's to word (waitlist.test.ts checks them).
 */
const EVERY_CODE: Record<Exclude<ErrorCode | ClientErrorCode, WaitingListErrorCode>, true> = {
  VALIDATION_FAILED: true,
  UNAUTHENTICATED: true,
  FORBIDDEN: true,
  NOT_FOUND: true,
  OTP_INVALID: true,
  OTP_EXPIRED: true,
  PAYMENT_VERIFICATION_FAILED: true,
  PAYLOAD_TOO_LARGE: true,
  CONFLICT: true,
  SOLD_OUT: true,
  SALES_CLOSED: true,
  PAYMENT_ACCOUNT_REQUIRED: true,
  ORDER_NOT_PAYABLE: true,
  HOLD_EXPIRED: true,
  IDEMPOTENCY_MISMATCH: true,
  REFUND_FAILED: true,
  REFUND_EXCEEDS_REMAINING: true,
  IDEMPOTENCY_IN_FLIGHT: true,
  RATE_LIMITED: true,
  UPSTREAM_UNAVAILABLE: true,
  PROMO_CODE_INVALID: true,
  INTERNAL: true,
  NETWORK_ERROR: true,
  PAYMENT_FAILED: true,
  GATEWAY_UNAVAILABLE: true,
  PART_UNAVAILABLE: true,
};
const codes = Object.keys(EVERY_CODE) as Array<keyof typeof EVERY_CODE>;

describe('error messages', () => {
  it('has a message of its own for every error code, in English and in Hindi', () => {
    expect(Object.keys(ERROR_MESSAGES).sort()).toEqual([...codes].sort());
    for (const locale of ['en', 'hi'] as const) {
      const i = i18n(locale);
      const generic = i.t('INTERNAL');
      for (const code of codes) {
        const words = i.t(errorMessage(code), { reason: 'declined', time: '0:30' });
        expect(words.trim(), `${locale} ${code}`).not.toBe('');
        if (code !== 'INTERNAL') expect(words, `${locale} ${code}`).not.toBe(generic);
      }
    }
  });

  it('tells the buyer to ask the site owner when the embed itself is wrong (key, event, origin)', () => {
    for (const code of ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND'] as const) expect(errorMessage(code)).toBe('SETUP');
    expect(ENGLISH.SETUP).toContain('site owner');
  });

  it('reads a code this script does not know (a newer server) as INTERNAL rather than failing', () => {
    expect(errorMessage('SOMETHING_NEW' as ErrorCode)).toBe('INTERNAL');
  });
});
