import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { AppError } from '../kernel/errors.js';
import { randomBase62 } from '../kernel/ids.js';
import { op, type Collection } from '../store/port.js';
import type { RateLimiter } from './rate-limit.js';

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

/**
 * Counts one code send against the hourly limits, per address and per network, or throws
 * RATE_LIMITED: every flow that mails a code (orders, the waiting list) shares these counters.
 */
export async function countCodeSend(limiter: RateLimiter, email: string, ip: string): Promise<void> {
  const hour = { windowSeconds: 3600 };
  await limiter.assertAllowed(`otp:email:${email}`, { ...hour, limit: MAX_SENDS_PER_EMAIL_PER_HOUR }, 'Too many codes were sent to this email address; try again later.');
  await limiter.assertAllowed(`otp:ip:${ip}`, { ...hour, limit: MAX_SENDS_PER_IP_PER_HOUR }, 'Too many codes were requested from this network; try again later.');
}

/**
 * A fresh code for the document `id`, and the `verification.*` fields that store it in place
 * of the last one (which stops working): only its HMAC is stored, with a fresh attempt count.
 *
 * @example
 * const { code, codeId, fields } = freshCode(secret, order._id, clock.now());
 * await orders.findOneAndUpdate({ _id: order._id, status: 'awaiting_verification' }, { $set: { ...fields, updated_at: now } });
 */
export function freshCode(secret: string, id: string, now: Date): { code: string; codeId: string; fields: Record<string, unknown> } {
  const code = newCode();
  const codeId = randomBase62(12);
  return {
    code,
    codeId,
    fields: {
      'verification.code_id': codeId,
      'verification.code_hash': hashCode(secret, id, codeId, code),
      'verification.code_expires_at': new Date(now.getTime() + CODE_TTL_MS),
      'verification.attempts': 0,
    },
  };
}

/** The code fields a document awaiting verification keeps under `verification`. */
export interface CodeFields {
  code_id: string | null;
  code_hash: string | null;
  code_expires_at: Date | null;
  attempts: number;
}

/**
 * Checks `code` against the document's current code, spending one attempt by one conditional
 * `$inc` (so racing guesses never get more than MAX_CODE_ATTEMPTS between them). Returns the
 * code's id, which the caller's move out of `awaiting_verification` must match.
 * @throws AppError OTP_EXPIRED (no live code), OTP_INVALID (wrong, or locked: `details.reason`)
 */
export async function spendCodeAttempt<T extends { _id: string; status: string; verification: CodeFields }>(
  docs: Collection<T>,
  doc: T,
  { secret, code, now }: { secret: string; code: string; now: Date },
): Promise<string> {
  const v = doc.verification;
  if (!v.code_hash || !v.code_id || !v.code_expires_at || now >= v.code_expires_at) throw new AppError('OTP_EXPIRED', 'The code has expired; ask for a new one.');
  const claimed = await docs.findOneAndUpdate(
    { _id: doc._id, status: 'awaiting_verification', 'verification.code_id': v.code_id, 'verification.attempts': op.lt(MAX_CODE_ATTEMPTS) },
    { $inc: { 'verification.attempts': 1 } },
  );
  // `reason: 'locked'` tells a checkout that no code, not even the right one, will pass until a
  // new one is sent, so it can stop sending and offer a new code at once.
  if (!claimed) throw new AppError('OTP_INVALID', 'Too many wrong codes; ask for a new one.', { attempts_left: 0, reason: 'locked' });
  if (!sameDigest(hashCode(secret, doc._id, v.code_id, code), v.code_hash)) {
    const left = MAX_CODE_ATTEMPTS - claimed.verification.attempts;
    throw new AppError('OTP_INVALID', left > 0 ? 'That code is not right.' : 'Too many wrong codes; ask for a new one.', {
      attempts_left: left,
      reason: left > 0 ? 'wrong_code' : 'locked',
    });
  }
  return v.code_id;
}
