/**
 * Time-based one-time passwords (RFC 6238) over HMAC-based ones (RFC 4226), with node:crypto
 * only: what authenticator apps (Google Authenticator, 1Password, Authy…) compute from the
 * secret in the enrolment QR code. SHA-1, 6 digits and 30-second steps, because those are the
 * only settings every app honours (many ignore `algorithm` and `digits` in the otpauth URL).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6238
 * @see https://www.rfc-editor.org/rfc/rfc4226#section-5.3
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Seconds per time step. */
export const TOTP_STEP_SECONDS = 30;
/** Digits of a code. */
export const TOTP_DIGITS = 6;
/** Steps either side of now a code may come from: a phone clock off by up to 30 s still works. */
export const TOTP_DRIFT_STEPS = 1;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * Base32 (RFC 4648, no padding): how authenticator apps take a secret.
 *
 * @example
 * base32Encode(Buffer.from('12345678901234567890')); // 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'
 */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/**
 * Decodes base32 as people type it: case, spaces and padding do not matter.
 * @throws TypeError for a character outside the alphabet
 *
 * @example
 * base32Decode('gezd gnbv gy3t qojq gezd gnbv gy3t qojq').toString(); // '12345678901234567890'
 */
export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=-]/g, '').toUpperCase();
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of clean) {
    const index = BASE32.indexOf(char);
    if (index < 0) throw new TypeError(`not a base32 character: ${char}`);
    value = ((value << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/**
 * A new secret: 20 random bytes (160 bits, the HMAC-SHA-1 key length RFC 4226 recommends), in base32.
 *
 * @example
 * const secret = newTotpSecret(); // 'JBSWY3DPEHPK3PXP…' (32 characters)
 */
export function newTotpSecret(): string {
  return base32Encode(randomBytes(20));
}

/**
 * The time step an instant falls in (RFC 6238 `T`, with `T0` = 0).
 *
 * @example
 * totpStep(new Date(59_000)); // 1
 */
export function totpStep(at: Date): number {
  return Math.floor(at.getTime() / 1000 / TOTP_STEP_SECONDS);
}

/**
 * The HOTP value of a key and counter (RFC 4226 §5.3), `digits` long with leading zeros.
 *
 * @example
 * hotp(Buffer.from('12345678901234567890'), 0); // '755224'
 */
export function hotp(key: Uint8Array, counter: number, digits = TOTP_DIGITS): string {
  const message = Buffer.alloc(8);
  // Counters here stay far below 2^53; split so the high word is written exactly.
  message.writeUInt32BE(Math.floor(counter / 2 ** 32), 0);
  message.writeUInt32BE(counter % 2 ** 32, 4);
  const mac = createHmac('sha1', key).update(message).digest();
  const offset = (mac[mac.length - 1] as number) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/**
 * The code for a base32 secret at a time step.
 *
 * @example
 * totpCode(secret, totpStep(clock.now())); // '492039'
 */
export function totpCode(secret: string, step: number, digits = TOTP_DIGITS): string {
  return hotp(base32Decode(secret), step, digits);
}

/**
 * The step whose code this is, looking {@link TOTP_DRIFT_STEPS} either side of now and only
 * at steps after `lastUsedStep` (so a code, once accepted, is refused for the rest of its
 * window: RFC 6238 §5.2); null when none matches. Each candidate is compared in constant time.
 *
 * @example
 * const step = matchTotp(secret, '492039', clock.now(), record.last_step); // 63_443_221 or null
 */
export function matchTotp(secret: string, code: string, at: Date, lastUsedStep = -1): number | null {
  const typed = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(typed)) return null;
  const key = base32Decode(secret);
  const now = totpStep(at);
  let found: number | null = null;
  for (let step = now - TOTP_DRIFT_STEPS; step <= now + TOTP_DRIFT_STEPS; step++) {
    // Every candidate is computed and compared, so the time taken does not say which matched.
    const same = timingSafeEqual(Buffer.from(hotp(key, step)), Buffer.from(typed));
    if (same && step > lastUsedStep && found === null) found = step;
  }
  return found;
}

/**
 * The `otpauth://` URL an authenticator app reads from the QR code.
 * @see https://github.com/google/google-authenticator/wiki/Key-Uri-Format
 *
 * @example
 * otpauthUrl({ secret, account: 'asha@example.com', issuer: 'Trendy Tickets' });
 * // 'otpauth://totp/Trendy%20Tickets:asha%40example.com?secret=…&issuer=Trendy%20Tickets&algorithm=SHA1&digits=6&period=30'
 */
export function otpauthUrl({ secret, account, issuer }: { secret: string; account: string; issuer: string }): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const query = `secret=${secret}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=${TOTP_DIGITS}&period=${TOTP_STEP_SECONDS}`;
  return `otpauth://totp/${label}?${query}`;
}
