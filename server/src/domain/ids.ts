import { randomBytes } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Object kinds and their id prefixes (SPEC §4). */
export type IdPrefix = 'acct' | 'evt' | 'tt' | 'ord' | 'tkt' | 'chk' | 'whe' | 'req' | 'key' | 'pay' | 'mail' | 'sess';

/**
 * Encodes random bytes as base62 without modulo bias: each output character
 * comes from one byte, and bytes ≥ 248 (= 62 × 4) are discarded and redrawn.
 */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248) out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

/**
 * A new prefixed id with 22 base62 characters (≈131 bits of randomness), enough
 * that guessing any id is infeasible: ticket ids double as bearer links.
 *
 * @example newId('evt') // 'evt_4QpZ0x2bB8Lr6qXhS1mYtA'
 */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBase62(22)}`;
}

/** Matches any id of the given kind, for validating path parameters early. */
export function idPattern(prefix: IdPrefix): RegExp {
  return new RegExp(`^${prefix}_[0-9A-Za-z]{10,40}$`);
}
