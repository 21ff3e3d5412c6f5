/**
 * Webhook signing secrets at rest. A signing secret must be readable to sign with, so it cannot
 * be stored as a hash the way API keys are; it is sealed with AES-256-GCM under a key derived
 * from TTS_SECRET, so a copy of the database alone does not let anyone forge deliveries
 * (docs/decisions/0024-webhook-endpoints-and-signing.md).
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { randomBase62 } from '../kernel/ids.js';

/** A new signing secret as the organizer sees it once: `whsec_` and 32 base62 characters (≈190 bits). */
export function newSigningSecret(): string {
  return `whsec_${randomBase62(32)}`;
}

/** Seals and opens signing secrets with one key derived from the server secret. */
export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
}

/**
 * The box for one installation: every server with the same TTS_SECRET opens what another sealed.
 * Sealed text is `v1.<iv>.<tag>.<ciphertext>` in base64url, so a later key can be told apart.
 *
 * @example
 * const box = createSecretBox(config.secret);
 * box.open(box.seal('whsec_…')) === 'whsec_…';
 */
export function createSecretBox(serverSecret: string): SecretBox {
  const key = createHmac('sha256', serverSecret).update('tts:webhook-signing-secrets').digest();
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', iv, cipher.getAuthTag(), body].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
    },
    open(sealed) {
      const [version, iv, tag, body] = sealed.split('.');
      if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('not a sealed signing secret');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}
