/**
 * Secrets at rest that must stay readable: webhook signing secrets (we sign with them) and
 * organizers' payment-gateway credentials (we call the gateway with them). They cannot be
 * stored as hashes the way API keys are; each is sealed with AES-256-GCM under a key derived
 * from TTS_SECRET, so a copy of the database alone does not let anyone forge deliveries or
 * move an organizer's money (docs/decisions/0024-webhook-endpoints-and-signing.md).
 *
 * Every sealed value names the key that sealed it (a key id beside the ciphertext), so
 * TTS_SECRET can be rotated: the box seals with the current key and opens with any key it
 * was given (docs/operations.md#rotating-tts_secret).
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { randomBase62 } from '../kernel/ids.js';

/** A new signing secret as the organizer sees it once: `whsec_` and 32 base62 characters (≈190 bits). */
export function newSigningSecret(): string {
  return `whsec_${randomBase62(32)}`;
}

/** Seals and opens secrets with keys derived from the server secret. */
export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
  /** The id of the key `seal` uses now; a sealed value naming another key is due to be sealed again. */
  readonly keyId: string;
  /** The id of the key a sealed value was sealed with (`null` for the first format, which named none). */
  keyIdOf(sealed: string): string | null;
}

/** Options of `createSecretBox`. */
export interface SecretBoxOptions {
  /** Earlier server secrets, whose sealed values must still open (TTS_SECRET_PREVIOUS). */
  previousSecrets?: readonly string[];
  /**
   * What the box holds, mixed into its key so a value sealed for one purpose never opens as
   * another's. Default: webhook signing secrets (the box's first use, whose values predate it).
   */
  purpose?: string;
}

interface BoxKey {
  id: string;
  key: Buffer;
}

function deriveKey(serverSecret: string, purpose: string): BoxKey {
  const key = createHmac('sha256', serverSecret).update(`tts:${purpose}`).digest();
  // The id names the key without revealing it: a hash of the key, cut short.
  const id = createHash('sha256').update('tts:secret-box-key-id').update(key).digest('base64url').slice(0, 10);
  return { id, key };
}

/**
 * The box for one installation: every server with the same TTS_SECRET opens what another
 * sealed. Sealed text is `v2.<key id>.<iv>.<tag>.<ciphertext>` (base64url parts); the first
 * format, `v1.<iv>.<tag>.<ciphertext>`, named no key and is opened by trying each key.
 *
 * @example
 * const box = createSecretBox(config.secret, { previousSecrets: config.previousSecrets });
 * box.open(box.seal('whsec_…')) === 'whsec_…';
 */
export function createSecretBox(serverSecret: string, options: SecretBoxOptions = {}): SecretBox {
  const purpose = options.purpose ?? 'webhook-signing-secrets';
  const current = deriveKey(serverSecret, purpose);
  const keys = [current, ...(options.previousSecrets ?? []).filter((s) => s !== serverSecret).map((s) => deriveKey(s, purpose))];

  function decrypt(key: Buffer, iv: string, tag: string, body: string): string {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }

  return {
    keyId: current.id,

    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v2', current.id, ...[iv, cipher.getAuthTag(), body].map((part) => part.toString('base64url'))].join('.');
    },

    open(sealed) {
      const parts = sealed.split('.');
      if (parts[0] === 'v2' && parts.length === 5) {
        const [, id, iv = '', tag = '', body = ''] = parts;
        const key = keys.find((k) => k.id === id);
        if (!key) throw new Error(`sealed with key ${id}, which this server does not have (set TTS_SECRET_PREVIOUS)`);
        return decrypt(key.key, iv, tag, body);
      }
      if (parts[0] === 'v1' && parts.length === 4) {
        const [, iv = '', tag = '', body = ''] = parts;
        for (const key of keys) {
          try {
            return decrypt(key.key, iv, tag, body);
          } catch {
            // GCM's tag check failed: another key sealed it.
          }
        }
        throw new Error('no key of this server opens the sealed secret');
      }
      throw new Error('not a sealed secret');
    },

    keyIdOf(sealed) {
      const parts = sealed.split('.');
      return parts[0] === 'v2' ? (parts[1] ?? null) : null;
    },
  };
}
