/**
 * What {@link verifyTicketCode} found.
 *
 * @example
 * const { valid, ticketId, eventId }: TicketCodeVerification = await verifyTicketCode(code, publicKey);
 */
export interface TicketCodeVerification {
  /** True when the signature over `TTS1.<ticket>.<event>` checks out with the key. */
  valid: boolean;
  /** The ticket the code names (null when the code is not a `TTS1` code). */
  ticketId: string | null;
  /** The event the code admits to (null when the code is not a `TTS1` code). */
  eventId: string | null;
}

const PREFIX = 'TTS1';

/**
 * The slice of WebCrypto used here, typed structurally so the SDK compiles for consumers
 * without the DOM library (Node and edge projects).
 */
interface Subtle {
  importKey(format: 'raw', key: Uint8Array, algorithm: { name: 'Ed25519' }, extractable: false, usages: ['verify']): Promise<unknown>;
  verify(algorithm: { name: 'Ed25519' }, key: unknown, signature: Uint8Array, data: Uint8Array): Promise<boolean>;
}

const subtle = (): Subtle | undefined => (globalThis as { crypto?: { subtle?: Subtle } }).crypto?.subtle;
const keys = new Map<string, Promise<unknown>>();

/** base64url (RFC 4648 §5, unpadded) to bytes, without Node's Buffer; null when malformed. */
function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
    return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

function importKey(publicKey: string): Promise<unknown> {
  let key = keys.get(publicKey);
  if (!key) {
    const raw = fromBase64Url(publicKey);
    if (raw === null || raw.length !== 32) {
      return Promise.reject(new TypeError('publicKey must be the base64url raw 32-byte key from GET /v1/events/{id}/verification-key.'));
    }
    const webCrypto = subtle();
    if (!webCrypto) return Promise.reject(new TypeError('WebCrypto (crypto.subtle) is not available in this runtime.'));
    key = webCrypto.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify']);
    key.catch(() => keys.delete(publicKey));
    keys.set(publicKey, key);
  }
  return key;
}

/**
 * Checks a ticket code offline with the event's Ed25519 public key (WebCrypto, so it runs in
 * browsers, Node 20+, Deno, Bun and edge runtimes). The code is
 * `TTS1.<ticket id>.<event id>.<base64url signature of the text before the last dot>`
 * (docs/tickets.md). A valid signature proves the code is genuine, not that it is unused:
 * only the server knows that, so queue offline scans and send them with `checkins.create`
 * (with a `nonce`) when back online. Compare `eventId` with the event at your door.
 *
 * @example
 * const { public_key } = await tts.events.verificationKey(eventId); // while online
 * const { valid, ticketId, eventId: forEvent } = await verifyTicketCode(scannedText, public_key);
 * if (valid && forEvent === eventId) admit(ticketId);
 */
export async function verifyTicketCode(code: string, publicKey: string): Promise<TicketCodeVerification> {
  const key = await importKey(publicKey);
  const text = String(code).trim();
  const parts = text.split('.');
  if (parts.length !== 4 || parts[0] !== PREFIX || !parts[1] || !parts[2]) return { valid: false, ticketId: null, eventId: null };
  const [, ticketId, eventId, signatureText] = parts as [string, string, string, string];
  const signature = fromBase64Url(signatureText);
  if (signature === null || signature.length !== 64) return { valid: false, ticketId, eventId };
  const signed = new TextEncoder().encode(text.slice(0, text.lastIndexOf('.')));
  let valid = false;
  try {
    valid = await subtle()!.verify({ name: 'Ed25519' }, key, signature, signed);
  } catch {
    valid = false;
  }
  return { valid, ticketId, eventId };
}
