import { createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, generateKeyPairSync, hkdfSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { DuplicateKeyError, type Store } from '../store/port.js';
import type { Clock } from '../kernel/clock.js';

/**
 * Signed ticket codes: what a ticket's QR code carries.
 *
 * Format (documented for offline scanners in docs/tickets.md):
 *
 *     TTS1.<ticket id>.<event id>.<signature>
 *
 * where `<signature>` is the base64url Ed25519 signature (RFC 8032) of the
 * ASCII text `TTS1.<ticket id>.<event id>` by the organizer account's key. Ids
 * carry ≥ 128 random bits and the signature makes a code unforgeable, so
 * neither guessing nor editing a code yields one that scans.
 */
export const CODE_VERSION = 'TTS1';
const CODE_PATTERN = /^TTS1\.(tkt_[0-9A-Za-z]{10,40})\.(evt_[0-9A-Za-z]{10,40})\.([A-Za-z0-9_-]{86})$/;

interface SigningKeyDoc {
  /** The account id: one key pair per account. */
  _id: string;
  /** Raw 32-byte Ed25519 public key, base64url. */
  public_key: string;
  /** PKCS#8 private key sealed with AES-256-GCM under a key derived from TTS_SECRET. */
  private_key: { iv: string; tag: string; data: string };
  created_at: Date;
}

export interface DecodedCode {
  ticketId: string;
  eventId: string;
  signature: Buffer;
  signed: string;
}

/** Splits a code into its parts; null when it is not a code of ours at all. */
export function parseTicketCode(code: string): DecodedCode | null {
  const match = CODE_PATTERN.exec(code.trim());
  if (!match) return null;
  const [, ticketId, eventId, signature] = match as unknown as [string, string, string, string];
  return { ticketId, eventId, signature: Buffer.from(signature, 'base64url'), signed: `${CODE_VERSION}.${ticketId}.${eventId}` };
}

/** Checks a code's signature against a raw base64url Ed25519 public key (or its KeyObject). */
export function verifyTicketCodeSignature(code: DecodedCode, publicKey: string | KeyObject): boolean {
  const key = typeof publicKey === 'string' ? createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey }, format: 'jwk' }) : publicKey;
  return verify(null, Buffer.from(code.signed, 'ascii'), key, code.signature);
}

/**
 * Per-account signing keys, kept in the store with the private half encrypted,
 * so any server holding TTS_SECRET can sign and a database dump alone cannot.
 *
 * @example
 * const codes = createTicketCodes({ store, clock, secret: config.secret });
 * const code = await codes.sign(account, ticketId, eventId);
 */
export function createTicketCodes({ store, clock, secret }: { store: Store; clock: Clock; secret: string }) {
  const keys = store.collection<SigningKeyDoc>('signing_keys');
  const sealKey = Buffer.from(hkdfSync('sha256', secret, 'tts-signing-keys', 'ticket-code-private-keys', 32));
  const cache = new Map<string, { privateKey: KeyObject; publicKey: string; verifier: KeyObject }>();

  function seal(pkcs8: Buffer): SigningKeyDoc['private_key'] {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', sealKey, iv);
    const data = Buffer.concat([cipher.update(pkcs8), cipher.final()]);
    return { iv: iv.toString('base64url'), tag: cipher.getAuthTag().toString('base64url'), data: data.toString('base64url') };
  }

  function unseal(sealed: SigningKeyDoc['private_key']): KeyObject {
    const decipher = createDecipheriv('aes-256-gcm', sealKey, Buffer.from(sealed.iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64url'));
    const pkcs8 = Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64url')), decipher.final()]);
    return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  }

  /** The account's key pair, created on first use; concurrent first uses agree on one. */
  async function keyPair(account: string) {
    const cached = cache.get(account);
    if (cached) return cached;
    let doc = await keys.findOne({ _id: account });
    if (!doc) {
      const pair = generateKeyPairSync('ed25519');
      const candidate: SigningKeyDoc = {
        _id: account,
        public_key: String(pair.publicKey.export({ format: 'jwk' }).x),
        private_key: seal(pair.privateKey.export({ format: 'der', type: 'pkcs8' })),
        created_at: clock.now(),
      };
      try {
        await keys.insertOne(candidate);
        doc = candidate;
      } catch (err) {
        if (!(err instanceof DuplicateKeyError)) throw err;
        doc = await keys.findOne({ _id: account });
        if (!doc) throw err;
      }
    }
    const entry = {
      privateKey: unseal(doc.private_key),
      publicKey: doc.public_key,
      verifier: createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: doc.public_key }, format: 'jwk' }),
    };
    cache.set(account, entry);
    return entry;
  }

  return {
    /**
     * The code for a ticket, signed by its organizer's key. Signed on libuv's thread pool, not
     * the event loop: a signature is tens of microseconds, ten of them per order of ten, and
     * the server's one thread is what issuance and the door are limited by.
     */
    async sign(account: string, ticketId: string, eventId: string): Promise<string> {
      const { privateKey } = await keyPair(account);
      const signed = `${CODE_VERSION}.${ticketId}.${eventId}`;
      const signature = await new Promise<Buffer>((resolve, reject) =>
        sign(null, Buffer.from(signed, 'ascii'), privateKey, (err, result) => (err ? reject(err) : resolve(result))),
      );
      return `${signed}.${signature.toString('base64url')}`;
    },

    /** The account's public key (raw Ed25519, base64url), for offline verification. */
    async publicKey(account: string): Promise<string> {
      return (await keyPair(account)).publicKey;
    },

    /** Whether a parsed code carries a valid signature of the account's key (checked on the thread pool, as signing is). */
    async verify(account: string, code: DecodedCode): Promise<boolean> {
      const { verifier } = await keyPair(account);
      return new Promise<boolean>((resolve, reject) =>
        verify(null, Buffer.from(code.signed, 'ascii'), verifier, code.signature, (err, valid) => (err ? reject(err) : resolve(valid))),
      );
    },
  };
}

export type TicketCodes = ReturnType<typeof createTicketCodes>;
