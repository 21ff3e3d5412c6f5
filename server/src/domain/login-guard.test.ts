import { beforeEach, describe, expect, it } from 'vitest';
import { createEmbeddedStore } from '../store/embedded.js';
import type { Store } from '../store/port.js';
import { bcryptHasher, createAccountService, type PasswordHasher } from './accounts.js';
import { ManualClock } from './clock.js';
import { AppError } from './errors.js';
import { createLoginGuard, LOGIN_ATTEMPTS_PER_ADDRESS, LOGIN_FAILURE_LIMIT, LOGIN_GUARD_INDEXES, LOGIN_LOCK_MS } from './login-guard.js';
import { createRateLimiter, RATE_LIMIT_INDEXES } from './rate-limit.js';

const PASSWORD = 'correct horse battery';

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

describe('console sign-in guard', () => {
  let store: Store;
  let clock: ManualClock;
  let hasher: ReturnType<typeof countingHasher>;
  let guard: ReturnType<typeof createLoginGuard>;

  beforeEach(async () => {
    clock = new ManualClock('2030-06-01T10:00:00.000Z');
    store = await createEmbeddedStore({ now: () => clock.now() });
    await store.ensureIndexes([...LOGIN_GUARD_INDEXES, ...RATE_LIMIT_INDEXES, { collection: 'accounts', keys: { email: 1 }, unique: true }]);
    hasher = countingHasher();
    const accounts = createAccountService({ store, clock, hasher });
    await accounts.signUp({ email: 'asha@example.com', password: PASSWORD, name: 'Asha Events' });
    guard = createLoginGuard({ store, clock, limiter: createRateLimiter({ store, clock }), accounts });
  });

  it('signs in with the right password, whatever the case and spacing of the email', async () => {
    const account = await guard.signIn('  Asha@Example.com ', PASSWORD, { client: '203.0.113.7' });
    expect(account.email).toBe('asha@example.com');
  });

  it('answers a wrong password and an unknown email alike, after the same bcrypt work', async () => {
    const wrong = await refusal(guard.signIn('asha@example.com', 'not the password', { client: '203.0.113.7' }));
    const afterWrong = hasher.verifies;
    const unknown = await refusal(guard.signIn('nobody@example.com', 'not the password', { client: '203.0.113.7' }));
    expect(hasher.verifies - afterWrong).toBe(afterWrong);
    expect([wrong.code, wrong.message]).toEqual([unknown.code, unknown.message]);
    expect(wrong.code).toBe('UNAUTHENTICATED');
  });

  it('locks an email after ten failures in a row, even against the right password, for 15 minutes', async () => {
    for (let i = 0; i < LOGIN_FAILURE_LIMIT; i++) {
      expect((await refusal(guard.signIn('asha@example.com', `guess ${i}`, { client: `198.51.100.${i}` }))).code).toBe('UNAUTHENTICATED');
    }
    const verifiesBefore = hasher.verifies;
    const locked = await refusal(guard.signIn('asha@example.com', PASSWORD, { client: '203.0.113.7' }));
    expect(locked.code).toBe('RATE_LIMITED');
    expect(locked.message).toBe('Too many failed sign-ins for this email address. Try again in 15 minutes.');
    expect(locked.retryAfterSeconds).toBe(LOGIN_LOCK_MS / 1000);
    expect(hasher.verifies).toBe(verifiesBefore); // a locked address is refused before any password check

    clock.advance(LOGIN_LOCK_MS - 60_000);
    expect((await refusal(guard.signIn('asha@example.com', PASSWORD, { client: '203.0.113.7' }))).message).toContain('Try again in 1 minute.');
    clock.advance(60_000);
    expect((await guard.signIn('asha@example.com', PASSWORD, { client: '203.0.113.7' })).email).toBe('asha@example.com');
  });

  it('lets no more than the limit of parallel wrong guesses from many addresses reach the password check', async () => {
    const guesses = 4 * LOGIN_FAILURE_LIMIT;
    const outcomes = await Promise.all(
      Array.from({ length: guesses }, (_, i) => refusal(guard.signIn('asha@example.com', `guess ${i}`, { client: `198.51.100.${i}` }))),
    );
    expect(hasher.verifies).toBe(LOGIN_FAILURE_LIMIT);
    expect(outcomes.filter((e) => e.code === 'UNAUTHENTICATED')).toHaveLength(LOGIN_FAILURE_LIMIT);
    expect(outcomes.filter((e) => e.code === 'RATE_LIMITED')).toHaveLength(guesses - LOGIN_FAILURE_LIMIT);
    // The right password is refused too until the lock ends, without any bcrypt work.
    expect((await refusal(guard.signIn('asha@example.com', PASSWORD, { client: '203.0.113.7' }))).code).toBe('RATE_LIMITED');
    expect(hasher.verifies).toBe(LOGIN_FAILURE_LIMIT);
  });

  it('does not extend a lock while a locked address keeps guessing', async () => {
    for (let i = 0; i < LOGIN_FAILURE_LIMIT; i++) await refusal(guard.signIn('asha@example.com', 'wrong', { client: `198.51.100.${i}` }));
    clock.advance(LOGIN_LOCK_MS - 60_000);
    expect((await refusal(guard.signIn('asha@example.com', 'wrong again', { client: '203.0.113.7' }))).code).toBe('RATE_LIMITED');
    clock.advance(60_000);
    expect((await guard.signIn('asha@example.com', PASSWORD, { client: '203.0.113.7' })).email).toBe('asha@example.com');
  });

  it('locks an unknown email exactly as it locks a real one', async () => {
    const lockOut = async (email: string) => {
      for (let i = 0; i < LOGIN_FAILURE_LIMIT; i++) await refusal(guard.signIn(email, `guess ${i}`, { client: `198.51.100.${i}` }));
      return refusal(guard.signIn(email, 'one more', { client: '203.0.113.7' }));
    };
    const real = await lockOut('asha@example.com');
    const unknown = await lockOut('nobody@example.com');
    expect([real.code, real.message, real.retryAfterSeconds]).toEqual([unknown.code, unknown.message, unknown.retryAfterSeconds]);
  });

  it('starts counting again after a success, and after a quiet quarter hour', async () => {
    for (let i = 0; i < LOGIN_FAILURE_LIMIT - 1; i++) await refusal(guard.signIn('asha@example.com', 'wrong', { client: `198.51.100.${i}` }));
    await guard.signIn('asha@example.com', PASSWORD, { client: '203.0.113.7' });
    for (let i = 0; i < LOGIN_FAILURE_LIMIT - 1; i++) await refusal(guard.signIn('asha@example.com', 'wrong', { client: `198.51.100.${i}` }));
    clock.advance(LOGIN_LOCK_MS);
    expect((await refusal(guard.signIn('asha@example.com', 'wrong', { client: '203.0.113.7' }))).code).toBe('UNAUTHENTICATED');
    expect((await guard.signIn('asha@example.com', PASSWORD, { client: '203.0.113.7' })).email).toBe('asha@example.com');
  });

  it('limits attempts per client address, across emails', async () => {
    for (let i = 0; i < LOGIN_ATTEMPTS_PER_ADDRESS.limit; i++) {
      expect((await refusal(guard.signIn(`person${i}@example.com`, 'wrong', { client: '203.0.113.7' }))).code).toBe('UNAUTHENTICATED');
    }
    const limited = await refusal(guard.signIn('asha@example.com', PASSWORD, { client: '203.0.113.7' }));
    expect(limited.code).toBe('RATE_LIMITED');
    expect(limited.message).toContain('from your network');
    expect((await guard.signIn('asha@example.com', PASSWORD, { client: '192.0.2.1' })).email).toBe('asha@example.com');
  });
});
