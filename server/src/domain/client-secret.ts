import { createHash, createHmac } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** 32 base62 characters: about 190 bits, the same shape secrets have always had. */
const SECRET_CHARS = 32;

/**
 * An order's client secret, `<order id>_secret_<32 base62>`, derived from the server secret and
 * the order id with HMAC-SHA256. Because the server can compute it again, nothing ever has to
 * store it: the order keeps only its hash, and a replayed `POST /v1/orders` (see the idempotency
 * middleware) gets it re-derived instead of reading it from a stored response. Without the
 * server secret, a secret for one order says nothing about another's.
 *
 * @example
 * const clientSecret = deriveClientSecret(config.secret, 'ord_4QpZ0x2bB8Lr6qXhS1mYtA');
 */
export function deriveClientSecret(serverSecret: string, orderId: string): string {
  // The label keeps this HMAC apart from every other use of the same server secret.
  let n = BigInt(`0x${createHmac('sha256', serverSecret).update(`tts:client-secret:${orderId}`).digest('hex')}`);
  let out = '';
  // The low 32 base62 digits of a uniform 256-bit number: the bias is below 2^-60.
  for (let i = 0; i < SECRET_CHARS; i++) {
    out += BASE62[Number(n % 62n)];
    n /= 62n;
  }
  return `${orderId}_secret_${out}`;
}

/** SHA-256 of a client secret, as the order stores it (hex). */
export function hashClientSecret(clientSecret: string): string {
  return createHash('sha256').update(clientSecret).digest('hex');
}
