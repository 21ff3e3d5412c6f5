import { generateKeyPairSync, sign, webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';

/**
 * The scanner's own offline check (`offline-check.js`, the file the browser loads), run in a
 * fresh context with the WebCrypto it is given: one with Ed25519, and one of an older browser
 * that refuses it (docs/door.md#offline).
 */

const SOURCE = readFileSync(new URL('../../src/console/assets/offline-check.js', import.meta.url), 'utf8');

interface OfflineCheck {
  importKey(publicKey: string): Promise<object>;
  useFallback(load: () => Promise<unknown>): void;
  decide(state: object, code: string, now: number): Promise<{ result: string; reason: string | null }>;
}

/** Loads the check into a context of its own, as a page with this `crypto` would. */
function loadCheck(crypto: unknown): OfflineCheck {
  const context: Record<string, unknown> = { crypto, atob };
  runInNewContext(SOURCE, context);
  return context.ttsOfflineCheck as OfflineCheck;
}

/** WebCrypto as a browser without Ed25519 has it: importing an Ed25519 key is refused. */
const withoutEd25519 = {
  getRandomValues: webcrypto.getRandomValues.bind(webcrypto),
  subtle: {
    digest: webcrypto.subtle.digest.bind(webcrypto.subtle),
    importKey: () => Promise.reject(new Error('NotSupportedError: Unrecognized algorithm name')),
    verify: () => Promise.reject(new Error('NotSupportedError: Unrecognized algorithm name')),
  },
};

function signedCode() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const ticket = 'tkt_4QpZ0x2bB8Lr6qXhS1mYtA';
  const event = 'evt_9Hq2LmN4pR7sT1vW3xY5zA';
  const signed = `TTS1.${ticket}.${event}`;
  const code = `${signed}.${sign(null, Buffer.from(signed), privateKey).toString('base64url')}`;
  const raw = publicKey.export({ format: 'jwk' }).x as string;
  return { code, raw, event, tampered: `${code.slice(0, -2)}${code.at(-2) === 'A' ? 'B' : 'A'}${code.at(-1)}` };
}

async function verdicts(check: OfflineCheck) {
  const { code, raw, event, tampered } = signedCode();
  const key = await check.importKey(raw);
  const state = { key, event, status: 'published', validFrom: null, validUntil: null, voided: new Set(), checkedIn: new Set(), admittedHere: new Set() };
  return { key, genuine: await check.decide(state, code, Date.now()), forged: await check.decide(state, tampered, Date.now()) };
}

describe('the offline check of a ticket code', () => {
  it('checks the signature with WebCrypto’s Ed25519 where the browser has it', async () => {
    const check = loadCheck(webcrypto);
    check.useFallback(() => Promise.reject(new Error('the fallback is not needed here')));
    const { key, genuine, forged } = await verdicts(check);
    expect(key).not.toHaveProperty('fallback');
    expect(genuine).toMatchObject({ result: 'accepted', reason: null });
    expect(forged).toMatchObject({ result: 'rejected', reason: 'invalid_code' });
  });

  it('checks it with @noble/ed25519 where WebCrypto refuses Ed25519', async () => {
    const check = loadCheck(withoutEd25519);
    check.useFallback(() => import('@noble/ed25519'));
    const { key, genuine, forged } = await verdicts(check);
    expect(key).toHaveProperty('fallback');
    expect(genuine).toMatchObject({ result: 'accepted', reason: null });
    expect(forged).toMatchObject({ result: 'rejected', reason: 'invalid_code' });
  });

  it('cannot import the key without Ed25519 or a fallback, so the scanner keeps queueing', async () => {
    const check = loadCheck(withoutEd25519);
    await expect(check.importKey(signedCode().raw)).rejects.toThrow(/NotSupportedError/);
  });
});
