/**
 * Password sign-in for the console, with the two brakes that keep it from being guessed:
 *
 * - a rate limit per client address (every attempt counts), through the shared limiter;
 * - a lockout per email address: {@link LOGIN_FAILURE_LIMIT} failures in a row, each within
 *   {@link LOGIN_LOCK_MS} of the one before, refuse that address for {@link LOGIN_LOCK_MS}
 *   after the last one. A success clears the count. Each attempt is counted, atomically,
 *   before its password is checked, so parallel guesses cannot overrun the limit.
 *
 * Neither reveals whether an account exists: an unknown email costs the same bcrypt work
 * (`accounts.authenticate` checks a dummy hash), gets the same answer, and locks after the
 * same number of failures as a real one. The counters hold a hash of the address, not the
 * address.
 */
import { createHash } from 'node:crypto';
import { op, DuplicateKeyError, type IndexSpec, type Store } from '../store/port.js';
import type { AccountDoc, AccountService } from './accounts.js';
import type { Clock } from './clock.js';
import { AppError } from './errors.js';
import type { RateLimiter, RateLimitRule } from './rate-limit.js';

/** Failures in a row that lock an email address. */
export const LOGIN_FAILURE_LIMIT = 10;
/** How long a lock lasts after the last failure, and how close failures must follow each other to add up. */
export const LOGIN_LOCK_MS = 15 * 60_000;
/** Sign-in attempts one client address may make, whatever the emails. */
export const LOGIN_ATTEMPTS_PER_ADDRESS: RateLimitRule = { limit: 30, windowSeconds: 15 * 60 };

export const LOGIN_FAILURES_COLLECTION = 'login_failures';

/** Consecutive failed sign-ins for one email address. */
interface LoginFailureDoc {
  /** SHA-256 (hex) of the normalised address. */
  _id: string;
  /** Attempts since the last success, each counted before its password was checked. */
  failures: number;
  /** The last failure plus {@link LOGIN_LOCK_MS}: the count (and any lock) ends then. */
  expires_at: Date;
}

/**
 * Failure counts disappear once they have run out.
 *
 * @example
 * await store.ensureIndexes([...INDEXES, ...LOGIN_GUARD_INDEXES]);
 */
export const LOGIN_GUARD_INDEXES: readonly IndexSpec[] = [{ collection: LOGIN_FAILURES_COLLECTION, keys: { expires_at: 1 }, expireAfterSeconds: 0 }];

const WRONG = 'The email or password is not right.';

function emailKey(email: string): string {
  return createHash('sha256').update(`login:${email.trim().toLowerCase()}`).digest('hex');
}

/** What the login guard needs. */
export interface LoginGuardDeps {
  store: Store;
  clock: Clock;
  limiter: RateLimiter;
  accounts: Pick<AccountService, 'authenticate'>;
}

/**
 * Signs organizers in by password, refusing guessers.
 *
 * @example
 * const guard = createLoginGuard({ store, clock, limiter, accounts });
 * const account = await guard.signIn('asha@example.com', 'correct horse battery', { client: '203.0.113.7' });
 */
export function createLoginGuard({ store, clock, limiter, accounts }: LoginGuardDeps) {
  const failures = store.collection<LoginFailureDoc>(LOGIN_FAILURES_COLLECTION);

  /**
   * Counts one attempt for the address before its password is checked, and says how many
   * seconds it must wait instead (0: go ahead). The count is one conditional upsert that only
   * matches below the limit (STYLE habit 6), so however many guesses arrive at once, no more
   * than {@link LOGIN_FAILURE_LIMIT} of them are let through to bcrypt; a refused attempt
   * changes nothing, so hammering a locked address does not extend its lock.
   */
  async function countAttempt(key: string, now: Date): Promise<number> {
    const expires = new Date(now.getTime() + LOGIN_LOCK_MS);
    // Bounded: each round either counts, finds the lock, or clears a lapsed run / lost insert race.
    for (let round = 0; round < 3; round++) {
      // A run of failures that lapsed but was not swept yet must not be added to.
      await failures.deleteOne({ _id: key, expires_at: op.lte(now) });
      try {
        const counted = await failures.findOneAndUpdate(
          { _id: key, failures: op.lt(LOGIN_FAILURE_LIMIT) },
          { $inc: { failures: 1 }, $set: { expires_at: expires } },
          { upsert: true },
        );
        if (counted) return 0;
      } catch (err) {
        // The document exists but the filter did not match it (the limit is reached), or two
        // first attempts both inserted: which one is read back below.
        if (!(err instanceof DuplicateKeyError)) throw err;
      }
      const record = await failures.findOne({ _id: key });
      if (record && record.expires_at > now && record.failures >= LOGIN_FAILURE_LIMIT) {
        return Math.max(1, Math.ceil((record.expires_at.getTime() - now.getTime()) / 1000));
      }
    }
    // Still undecided after three rounds means heavy contention on this very address: refuse briefly.
    return 1;
  }

  return {
    /**
     * The account for an email and password.
     * @throws AppError RATE_LIMITED when the client address or the email is refused for now
     *   (`retryAfterSeconds` says for how long), UNAUTHENTICATED when the pair is wrong.
     */
    async signIn(email: string, password: string, { client }: { client: string }): Promise<AccountDoc> {
      await limiter.assertAllowed(
        `console-login:${client}`,
        LOGIN_ATTEMPTS_PER_ADDRESS,
        'Too many sign-in attempts from your network. Wait a few minutes, then try again.',
      );
      const key = emailKey(email);
      const now = clock.now();
      const wait = await countAttempt(key, now);
      if (wait > 0) {
        const minutes = Math.ceil(wait / 60);
        throw new AppError(
          'RATE_LIMITED',
          `Too many failed sign-ins for this email address. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
          undefined,
          wait,
        );
      }
      const account = await accounts.authenticate(email.trim(), password);
      // The attempt was counted before the check, so a failure needs no second write.
      if (!account) throw new AppError('UNAUTHENTICATED', WRONG);
      await failures.deleteOne({ _id: key });
      return account;
    },
  };
}

export type LoginGuard = ReturnType<typeof createLoginGuard>;
