import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox } from './webhook-secrets.js';

const OLD = 'old-server-secret-old-server-secret-0123456789';
const NEW = 'new-server-secret-new-server-secret-0123456789';

/** A value sealed as the box sealed before it named its keys: `v1.<iv>.<tag>.<ciphertext>`. */
function sealV1(serverSecret: string, plain: string): string {
  const key = createHmac('sha256', serverSecret).update('tts:webhook-signing-secrets').digest();
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

describe('the secret box', () => {
  it('seals with AES-256-GCM under a named key and opens what it sealed', () => {
    const box = createSecretBox(NEW);
    const sealed = box.seal('whsec_abc');
    expect(sealed).not.toContain('whsec_abc');
    expect(sealed.split('.')).toHaveLength(5);
    expect(box.keyIdOf(sealed)).toBe(box.keyId);
    expect(box.open(sealed)).toBe('whsec_abc');
  });

  it('still opens values sealed under a rotated-out server secret, and seals new ones under the current key', () => {
    const before = createSecretBox(OLD);
    const sealedBefore = before.seal('rzp_secret_1234');
    const after = createSecretBox(NEW, { previousSecrets: [OLD] });
    expect(after.keyId).not.toBe(before.keyId);
    expect(after.open(sealedBefore)).toBe('rzp_secret_1234');
    expect(after.keyIdOf(sealedBefore)).toBe(before.keyId); // due to be sealed again
    expect(after.keyIdOf(after.seal('x'))).toBe(after.keyId);
  });

  it('names the missing key when the secret that sealed a value is gone', () => {
    const sealed = createSecretBox(OLD).seal('x');
    expect(() => createSecretBox(NEW).open(sealed)).toThrow(/TTS_SECRET_PREVIOUS/);
  });

  it('opens values sealed before keys were named, under the current or an earlier secret', () => {
    expect(createSecretBox(NEW).open(sealV1(NEW, 'whsec_first'))).toBe('whsec_first');
    expect(createSecretBox(NEW, { previousSecrets: [OLD] }).open(sealV1(OLD, 'whsec_older'))).toBe('whsec_older');
  });

  it('keeps purposes apart: a value sealed for one never opens as another’s', () => {
    const sealed = createSecretBox(NEW, { purpose: 'gateway-credentials' }).seal('rzp_secret');
    expect(() => createSecretBox(NEW).open(sealed)).toThrow();
  });

  it('refuses a tampered ciphertext', () => {
    const box = createSecretBox(NEW);
    const parts = box.seal('whsec_abc').split('.');
    parts[4] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
  });
});
