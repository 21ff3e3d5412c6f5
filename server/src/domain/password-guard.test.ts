import { beforeEach, describe, expect, it } from 'vitest';
import { createEmbeddedStore } from '../store/embedded.js';
import type { Store } from '../store/port.js';
import { bcryptHasher, createAccountService, type PasswordHasher } from './accounts.js';
import { ManualClock } from '../kernel/clock.js';
import { AppError } from '../kernel/errors.js';
import {
  createPasswordGuard,
  KNOWN_DEVICE_MS,
  PASSWORD_ATTEMPTS_PER_ADDRESS,
  PASSWORD_FAILURE_LIMIT,
  PASSWORD_FIRST_LOCK_MS,
  PASSWORD_GUARD_INDEXES,
  PASSWORD_LOCK_MEMORY_MS,
  PASSWORD_MAX_LOCK_MS,
  PASSWORD_RUN_MS,
  type PasswordGuard,
} from './password-guard.js';
import { createRateLimiter, RATE_LIMIT_INDEXES } from './rate-limit.js';

const PASSWORD = 'correct horse battery';
const SECRET = 'test-secret-test-secret-test-secret-0123456789';
const LOCKED = 'Too many wrong passwords for this email address.';

/** Counts bcrypt comparisons, to show unknown emails cost the same work as known ones. */
function countingHasher(): PasswordHasher & { verifies: number } {
  const inner = bcryptHasher(4);
  const hasher = {
    verifies: 0,
    hash: (p: string) => inner.hash(p),
    verify: (p: string, h: string) => {
      hasher.verifies += 1;
      return inner.verify(p, h);
    },
  };
  return hasher;
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('password guard', () => {
  let store: Store;
  let clock: ManualClock;
  let hasher: ReturnType<typeof countingHasher>;
  let guard: PasswordGuard;
  const attempt = (email: string, password: string, client: string, device?: string) => guard.authenticate(email, password, { client, device });
  /** Fails `PASSWORD_FAILURE_LIMIT` times from as many addresses: the address is then locked. */
  const lockOut = async (email: string) => {
    for (let i = 0; i < PASSWORD_FAILURE_LIMIT; i++) expect((await refusal(attempt(email, `guess ${i}`, `198.51.100.${i}`))).code).toBe('UNAUTHENTICATED');
  };

  beforeEach(async () => {
    clock = new ManualClock('2030-06-01T10:00:00.000Z');
    store = await createEmbeddedStore({ now: () => clock.now() });
    await store.ensureIndexes([...PASSWORD_GUARD_INDEXES, ...RATE_LIMIT_INDEXES, { collection: 'accounts', keys: { email: 1 }, unique: true }]);
    hasher = countingHasher();
    const accounts = createAccountService({ store, clock, hasher });
    await accounts.signUp({ email: 'asha@example.com', password: PASSWORD, name: 'Asha Events' });
    guard = createPasswordGuard({ store, clock, limiter: createRateLimiter({ store, clock }), hasher, secret: SECRET });
  });

  describe('checking a password', () => {
    it('accepts the right password, whatever the case and spacing of the email, and hands out a device token', async () => {
      const { account, device } = await attempt('  Asha@Example.com ', PASSWORD, '203.0.113.7');
      expect(account.email).toBe('asha@example.com');
      expect(device).toMatch(/^[0-9A-Za-z]{22}\.[0-9a-z]+\.[A-Za-z0-9_-]{43}$/);
    });

    it('answers a wrong password and an unknown email alike, after the same bcrypt work', async () => {
      const wrong = await refusal(attempt('asha@example.com', 'not the password', '203.0.113.7'));
      const afterWrong = hasher.verifies;
      const unknown = await refusal(attempt('nobody@example.com', 'not the password', '203.0.113.7'));
      expect(afterWrong).toBe(1);
      expect(hasher.verifies - afterWrong).toBe(afterWrong);
      expect([wrong.code, wrong.message]).toEqual([unknown.code, unknown.message]);
      expect(wrong.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('per email address', () => {
    it('locks an email after ten failures in a row, even against the right password, for 15 minutes', async () => {
      await lockOut('asha@example.com');
      const verifiesBefore = hasher.verifies;
      const locked = await refusal(attempt('asha@example.com', PASSWORD, '203.0.113.7'));
      expect(locked.code).toBe('RATE_LIMITED');
      expect(locked.message).toBe(`${LOCKED} Try again in 15 minutes, or from a browser that signed in to this account before.`);
      expect(locked.retryAfterSeconds).toBe(PASSWORD_FIRST_LOCK_MS / 1000);
      expect(hasher.verifies).toBe(verifiesBefore); // a locked address is refused before any password check

      clock.advance(PASSWORD_FIRST_LOCK_MS - 60_000);
      expect((await refusal(attempt('asha@example.com', PASSWORD, '203.0.113.7'))).message).toContain('Try again in 1 minute,');
      clock.advance(60_000);
      expect((await attempt('asha@example.com', PASSWORD, '203.0.113.7')).account.email).toBe('asha@example.com');
    });

    it('lets no more than the limit of parallel wrong guesses from many addresses reach the password check', async () => {
      const guesses = 4 * PASSWORD_FAILURE_LIMIT;
      const outcomes = await Promise.all(Array.from({ length: guesses }, (_, i) => refusal(attempt('asha@example.com', `guess ${i}`, `198.51.100.${i}`))));
      expect(hasher.verifies).toBe(PASSWORD_FAILURE_LIMIT);
      expect(outcomes.filter((e) => e.code === 'UNAUTHENTICATED')).toHaveLength(PASSWORD_FAILURE_LIMIT);
      expect(outcomes.filter((e) => e.code === 'RATE_LIMITED')).toHaveLength(guesses - PASSWORD_FAILURE_LIMIT);
      // The right password is refused too until the lock ends, without any bcrypt work.
      expect((await refusal(attempt('asha@example.com', PASSWORD, '203.0.113.7'))).code).toBe('RATE_LIMITED');
      expect(hasher.verifies).toBe(PASSWORD_FAILURE_LIMIT);
    });

    it('does not extend a lock while a locked address keeps guessing', async () => {
      await lockOut('asha@example.com');
      clock.advance(PASSWORD_FIRST_LOCK_MS - 60_000);
      expect((await refusal(attempt('asha@example.com', 'wrong again', '203.0.113.7'))).code).toBe('RATE_LIMITED');
      clock.advance(60_000);
      expect((await attempt('asha@example.com', PASSWORD, '203.0.113.7')).account.email).toBe('asha@example.com');
    });

    it('doubles the lock with each failure after one, up to an hour, and forgets the run a quiet day later', async () => {
      await lockOut('asha@example.com');
      const waits: number[] = [];
      for (let i = 0; i < 4; i++) {
        clock.advance((waits.at(-1) ?? PASSWORD_FIRST_LOCK_MS / 1000) * 1000);
        expect((await refusal(attempt('asha@example.com', `late guess ${i}`, '203.0.113.7'))).code).toBe('UNAUTHENTICATED');
        waits.push((await refusal(attempt('asha@example.com', PASSWORD, '203.0.113.7'))).retryAfterSeconds!);
      }
      expect(waits).toEqual([30 * 60, 60 * 60, 60 * 60, 60 * 60]);
      expect(PASSWORD_MAX_LOCK_MS).toBe(60 * 60_000);
      // A day after the last lock ended, the address starts again with ten tries.
      clock.advance(PASSWORD_MAX_LOCK_MS + PASSWORD_LOCK_MEMORY_MS);
      for (let i = 0; i < PASSWORD_FAILURE_LIMIT; i++) expect((await refusal(attempt('asha@example.com', 'wrong', `192.0.2.${i}`))).code).toBe('UNAUTHENTICATED');
      expect((await refusal(attempt('asha@example.com', PASSWORD, '192.0.2.99'))).code).toBe('RATE_LIMITED');
    });

    it('lets exactly one of parallel guesses through when a lock ends', async () => {
      await lockOut('asha@example.com');
      clock.advance(PASSWORD_FIRST_LOCK_MS);
      const verifiesBefore = hasher.verifies;
      const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => refusal(attempt('asha@example.com', `guess ${i}`, `192.0.2.${i}`))));
      expect(hasher.verifies - verifiesBefore).toBe(1);
      expect(outcomes.filter((e) => e.code === 'UNAUTHENTICATED')).toHaveLength(1);
      expect(outcomes.filter((e) => e.code === 'RATE_LIMITED').every((e) => e.retryAfterSeconds === 2 * (PASSWORD_FIRST_LOCK_MS / 1000))).toBe(true);
    });

    it('locks an unknown email exactly as it locks a real one', async () => {
      const locked = async (email: string) => {
        await lockOut(email);
        return refusal(attempt(email, 'one more', '203.0.113.7'));
      };
      const real = await locked('asha@example.com');
      const unknown = await locked('nobody@example.com');
      expect([real.code, real.message, real.retryAfterSeconds]).toEqual([unknown.code, unknown.message, unknown.retryAfterSeconds]);
    });

    it('starts counting again after a success, and after a quiet quarter hour', async () => {
      for (let i = 0; i < PASSWORD_FAILURE_LIMIT - 1; i++) await refusal(attempt('asha@example.com', 'wrong', `198.51.100.${i}`));
      await attempt('asha@example.com', PASSWORD, '203.0.113.7');
      for (let i = 0; i < PASSWORD_FAILURE_LIMIT - 1; i++) await refusal(attempt('asha@example.com', 'wrong', `198.51.100.${i}`));
      clock.advance(PASSWORD_RUN_MS);
      expect((await refusal(attempt('asha@example.com', 'wrong', '203.0.113.7'))).code).toBe('UNAUTHENTICATED');
      expect((await attempt('asha@example.com', PASSWORD, '203.0.113.7')).account.email).toBe('asha@example.com');
    });
  });

  describe('per client address', () => {
    it('limits attempts per client address, across emails', async () => {
      for (let i = 0; i < PASSWORD_ATTEMPTS_PER_ADDRESS.limit; i++) {
        expect((await refusal(attempt(`person${i}@example.com`, 'wrong', '203.0.113.7'))).code).toBe('UNAUTHENTICATED');
      }
      const limited = await refusal(attempt('asha@example.com', PASSWORD, '203.0.113.7'));
      expect(limited.code).toBe('RATE_LIMITED');
      expect(limited.message).toContain('from your network');
      expect(limited.retryAfterSeconds).toBeGreaterThan(0);
      expect((await attempt('asha@example.com', PASSWORD, '192.0.2.1')).account.email).toBe('asha@example.com');
    });

    it('does not count a known browser against its network', async () => {
      const { device } = await attempt('asha@example.com', PASSWORD, '203.0.113.7');
      for (let i = 0; i < PASSWORD_ATTEMPTS_PER_ADDRESS.limit; i++) await refusal(attempt(`person${i}@example.com`, 'wrong', '203.0.113.7'));
      expect((await refusal(attempt('asha@example.com', PASSWORD, '203.0.113.7'))).message).toContain('from your network');
      expect((await attempt('asha@example.com', PASSWORD, '203.0.113.7', device)).account.email).toBe('asha@example.com');
    });
  });

  describe('known devices', () => {
    it('still lets a browser that signed in before in while strangers have locked the address', async () => {
      const { device } = await attempt('asha@example.com', PASSWORD, '203.0.113.7');
      clock.advance(24 * 60 * 60_000);
      const guesses = await Promise.all(Array.from({ length: 40 }, (_, i) => refusal(attempt('asha@example.com', `guess ${i}`, `198.51.100.${i}`))));
      expect(guesses.filter((e) => e.code === 'RATE_LIMITED')).toHaveLength(40 - PASSWORD_FAILURE_LIMIT);
      // The owner's browser is not locked out; a browser without the token is.
      const again = await attempt('asha@example.com', PASSWORD, '203.0.113.7', device);
      expect(again.account.email).toBe('asha@example.com');
      expect((await refusal(attempt('asha@example.com', PASSWORD, '203.0.113.7'))).code).toBe('RATE_LIMITED');
      // Its success does not lift the strangers' lock either.
      expect((await refusal(attempt('asha@example.com', PASSWORD, '192.0.2.1'))).code).toBe('RATE_LIMITED');
    });

    it('counts a known browser’s wrong passwords apart, with the same limit', async () => {
      const { device } = await attempt('asha@example.com', PASSWORD, '203.0.113.7');
      for (let i = 0; i < PASSWORD_FAILURE_LIMIT; i++) expect((await refusal(attempt('asha@example.com', `typo ${i}`, '203.0.113.7', device))).code).toBe('UNAUTHENTICATED');
      const locked = await refusal(attempt('asha@example.com', PASSWORD, '203.0.113.7', device));
      expect(locked.code).toBe('RATE_LIMITED');
      expect(locked.message).toBe('Too many wrong passwords from this browser. Try again in 15 minutes.');
      // Other clients are not locked by this browser's typos.
      expect((await attempt('asha@example.com', PASSWORD, '192.0.2.1')).account.email).toBe('asha@example.com');
    });

    it('treats a forged token, or one issued for another address, as an unknown client', async () => {
      const { device } = await attempt('asha@example.com', PASSWORD, '203.0.113.7');
      const { device: other } = await attempt('asha@example.com', PASSWORD, '203.0.113.7');
      await lockOut('asha@example.com');
      const [id, issued, mac] = device.split('.') as [string, string, string];
      const forged = `${id}.${issued}.${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`;
      // The last character of a 32-byte MAC carries two spare bits: flipping one decodes to the same bytes.
      const respelled = `${id}.${issued}.${mac.slice(0, -1)}${'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.charAt('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.indexOf(mac.slice(-1)) ^ 1)}`;
      const otherId = `${other.split('.')[0]}.${issued}.${mac}`;
      const later = `${id}.${(parseInt(issued, 36) + 1).toString(36)}.${mac}`;
      for (const token of [forged, respelled, otherId, later, 'not-a-token', '']) {
        expect((await refusal(attempt('asha@example.com', PASSWORD, '203.0.113.7', token))).message, token).toContain(LOCKED);
      }
      await lockOut('nobody@example.com');
      expect((await refusal(attempt('nobody@example.com', PASSWORD, '203.0.113.7', device))).message).toContain(LOCKED);
    });

    it('forgets a browser that has not signed in for the known-device period', async () => {
      const { device } = await attempt('asha@example.com', PASSWORD, '203.0.113.7');
      clock.advance(KNOWN_DEVICE_MS);
      await lockOut('asha@example.com');
      expect((await refusal(attempt('asha@example.com', PASSWORD, '203.0.113.7', device))).message).toContain(LOCKED);
    });

    it('renews the token with each success, so a browser in use stays known', async () => {
      let { device } = await attempt('asha@example.com', PASSWORD, '203.0.113.7');
      const id = device.split('.')[0];
      clock.advance(KNOWN_DEVICE_MS - 60_000);
      ({ device } = await attempt('asha@example.com', PASSWORD, '203.0.113.7', device));
      expect(device.split('.')[0]).toBe(id);
      clock.advance(KNOWN_DEVICE_MS - 60_000);
      await lockOut('asha@example.com');
      expect((await attempt('asha@example.com', PASSWORD, '203.0.113.7', device)).account.email).toBe('asha@example.com');
    });
  });
});
