import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * One-time email codes (docs/domain-rules.md#email-verification): six digits, stored only as an HMAC keyed by
 * TTS_SECRET and bound to the order and to this particular code, so a database
 * reader cannot recover codes and a code for one order never works for another.
 */
export const CODE_TTL_MS = 10 * 60_000;
export const MAX_CODE_ATTEMPTS = 5;
export const MAX_SENDS_PER_EMAIL_PER_HOUR = 5;
export const MAX_SENDS_PER_IP_PER_HOUR = 30;

/** A uniformly random six-digit code, leading zeros kept. */
export function newCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

export function hashCode(secret: string, orderId: string, codeId: string, code: string): string {
  return createHmac('sha256', secret).update(`${orderId}:${codeId}:${code}`).digest('hex');
}

/** Constant-time comparison of two hex digests. */
export function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}
