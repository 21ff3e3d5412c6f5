import { TtsError } from './errors.js';
import type { WebhookEvent } from './types.js';

/**
 * A webhook delivery whose `TTS-Signature` does not check out: missing, malformed, signed with
 * another secret, for another body, or older than the tolerance. Answer it with 400 and do not act on it.
 *
 * @example
 * catch (err) { if (err instanceof TtsSignatureVerificationError) res.writeHead(400).end(); }
 */
export class TtsSignatureVerificationError extends TtsError {
  override name = 'TtsSignatureVerificationError';
}

/** Options for {@link constructEvent}. */
export interface ConstructEventOptions {
  /** How old (or how far ahead) the signature's timestamp may be, in seconds (default 300). Stops replays of an old delivery. */
  toleranceSeconds?: number;
  /** The current time in milliseconds (default `Date.now()`); tests pass their own clock. */
  now?: () => number;
}

/** The default replay window: five minutes, as Stripe's libraries use. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** The slice of WebCrypto used here, typed structurally so consumers need no DOM library. */
interface Subtle {
  importKey(format: 'raw', key: Uint8Array, algorithm: { name: 'HMAC'; hash: 'SHA-256' }, extractable: false, usages: ['sign']): Promise<unknown>;
  sign(algorithm: 'HMAC', key: unknown, data: Uint8Array): Promise<ArrayBuffer>;
}

const subtle = (): Subtle | undefined => (globalThis as { crypto?: { subtle?: Subtle } }).crypto?.subtle;

function toHex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Compares two strings in time that depends only on their lengths, so a timing probe learns nothing of the expected signature. */
function equalConstantTime(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

function parseHeader(header: string): { timestamp: number; signatures: string[] } | null {
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1') signatures.push(value.toLowerCase());
  }
  return timestamp === null || signatures.length === 0 ? null : { timestamp, signatures };
}

/**
 * Checks a webhook delivery and returns its event, typed by `type`. Pass the body exactly as
 * received (before any JSON parsing: a re-serialised body does not match), the `TTS-Signature`
 * header and the endpoint's signing secret (`whsec_…`). The signature is
 * `HMAC-SHA256(secret, "<t>.<raw body>")` in hex; during a secret roll the header carries one
 * `v1=` per secret and any of them may match. It uses WebCrypto, so it runs in Node 20+,
 * browsers, Deno, Bun and edge runtimes, and is therefore async. Deliveries may repeat and
 * arrive out of order: skip an `id` you have already handled. docs/webhooks.md has receivers.
 *
 * @throws TtsSignatureVerificationError when the header is missing or malformed, no signature
 * matches, or the timestamp is outside `toleranceSeconds`.
 * @example
 * const event = await constructEvent(rawBody, req.headers['tts-signature'], process.env.TTS_WEBHOOK_SECRET);
 * if (event.type === 'order.paid') fulfil(event.data.object.id);
 */
export async function constructEvent(
  rawBody: string | Uint8Array,
  signatureHeader: string | null | undefined,
  secret: string,
  options: ConstructEventOptions = {},
): Promise<WebhookEvent> {
  if (typeof signatureHeader !== 'string' || signatureHeader === '')
    throw new TtsSignatureVerificationError('No TTS-Signature header: this request did not come from Trendy Tickets.');
  if (typeof secret !== 'string' || !secret.startsWith('whsec_')) throw new TtsError('secret must be the endpoint’s signing secret (whsec_…).');
  const parsed = parseHeader(signatureHeader);
  if (!parsed) throw new TtsSignatureVerificationError('The TTS-Signature header is malformed: expected t=<unix seconds>,v1=<hex>.');
  const webCrypto = subtle();
  if (!webCrypto) throw new TtsError('WebCrypto (crypto.subtle) is not available in this runtime.');

  const encoder = new TextEncoder();
  const body = typeof rawBody === 'string' ? encoder.encode(rawBody) : rawBody;
  const prefix = encoder.encode(`${parsed.timestamp}.`);
  const signed = new Uint8Array(prefix.length + body.length);
  signed.set(prefix);
  signed.set(body, prefix.length);
  const key = await webCrypto.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const expected = toHex(await webCrypto.sign('HMAC', key, signed));
  // Check every signature, not stopping at a match, so the time taken does not say which matched.
  let matched = false;
  for (const candidate of parsed.signatures) matched = equalConstantTime(candidate, expected) || matched;
  if (!matched) throw new TtsSignatureVerificationError('No signature in TTS-Signature matches this body and secret: check the secret, and pass the body exactly as received.');

  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  if (Math.abs(nowSeconds - parsed.timestamp) > tolerance) {
    throw new TtsSignatureVerificationError(`The signature's timestamp is more than ${tolerance} s from now: a replayed or delayed delivery (or a clock out of sync).`);
  }
  const text = typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody);
  return JSON.parse(text) as WebhookEvent;
}

/**
 * Webhook helpers, grouped as `webhooks.constructEvent(…)`.
 *
 * @example
 * import { webhooks } from '@trendy-tickets/sdk';
 * const event = await webhooks.constructEvent(rawBody, signature, secret, { toleranceSeconds: 300 });
 */
export const webhooks = { constructEvent } as const;
