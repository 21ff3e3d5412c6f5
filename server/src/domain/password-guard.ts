/**
 * The one way to check an organizer's password. Console sign-in, `POST /v1/keys/roll` across
 * modes and the console's live-key actions all come here, so a password can be guessed
 * through none of them faster than through the slowest (decision 0016):
 *
 * - **per client address**: {@link PASSWORD_ATTEMPTS_PER_ADDRESS} attempts, whatever the
 *   emails, through the shared rate limiter;
 * - **per email address**: {@link PASSWORD_FAILURE_LIMIT} failures in a row, each within
 *   {@link PASSWORD_RUN_MS} of the one before, lock the address for
 *   {@link PASSWORD_FIRST_LOCK_MS}; each failure after a lock doubles the next lock, up to
 *   {@link PASSWORD_MAX_LOCK_MS}, until a success or a quiet {@link PASSWORD_LOCK_MEMORY_MS};
 * - **per known device**: a client that signed in to the account before holds a signed token
 *   ({@link PasswordGuard.authenticate} returns it; the console keeps it in a cookie). Its
 *   attempts are counted apart from everyone else's, with the same limits, so an attacker
 *   hammering the address does not lock the owner's own browser out.
 *
 * Each attempt is counted, atomically, before its password is checked, so parallel guesses
 * cannot overrun a limit. None of this reveals whether an account exists: an unknown email
 * costs the same bcrypt work (a dummy hash), gets the same answer, and locks after the same
 * number of failures as a real one. The counters hold hashes of the address, not the address.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { op, DuplicateKeyError, type IndexSpec, type Store } from '../store/port.js';
import type { AccountDoc, PasswordHasher } from './accounts.js';
import { MEMBERS_COLLECTION, type MemberDoc } from './members.js';
import type { Clock } from '../kernel/clock.js';
import { AppError } from '../kernel/errors.js';
import { randomBase62 } from '../kernel/ids.js';
import type { RateLimiter, RateLimitRule } from './rate-limit.js';

/** Failures in a row that lock an email address (or one known device of it). */
export const PASSWORD_FAILURE_LIMIT = 10;
/** Below the limit, failures add up only while each follows the one before within this time. */
export const PASSWORD_RUN_MS = 15 * 60_000;
/** The lock that the limit-th failure starts. */
export const PASSWORD_FIRST_LOCK_MS = 15 * 60_000;
/** The longest lock: each failure after a lock doubles the next one, up to this. */
export const PASSWORD_MAX_LOCK_MS = 60 * 60_000;
/** How long after its last lock ends a locked run is remembered (so waiting it out does not reset the doubling). */
export const PASSWORD_LOCK_MEMORY_MS = 24 * 60 * 60_000;
/** Password attempts one client address may make, whatever the emails. Known devices do not count. */
export const PASSWORD_ATTEMPTS_PER_ADDRESS: RateLimitRule = { limit: 30, windowSeconds: 15 * 60 };
/** How long a known-device token is honoured after the success that issued it; each success renews it. */
export const KNOWN_DEVICE_MS = 90 * 24 * 60 * 60_000;

export const PASSWORD_FAILURES_COLLECTION = 'password_failures';

/** Consecutive failed password checks for one email address, or one known device of it. */
interface PasswordFailureDoc {
  /** SHA-256 (hex) of the normalised address, and of the device for a known device. */
  _id: string;
  /** Attempts since the last success, each counted before its password was checked. */
  failures: number;
  /** From {@link PASSWORD_FAILURE_LIMIT} failures on, attempts are refused until then. */
  locked_until: Date;
  /** The run ends then: {@link PASSWORD_RUN_MS} after the last failure, or a day after a lock. */
  expires_at: Date;
  /**
   * SHA-256 (hex) of the address's own scope, on its runs and its known devices' alike, so a
   * completed password reset clears them all at once (absent on runs counted before it existed).
   */
  address?: string;
}

/**
 * Failure counts disappear once they have run out.
 *
 * @example
 * await store.ensureIndexes([...INDEXES, ...PASSWORD_GUARD_INDEXES]);
 */
export const PASSWORD_GUARD_INDEXES: readonly IndexSpec[] = [
  { collection: PASSWORD_FAILURES_COLLECTION, keys: { expires_at: 1 }, expireAfterSeconds: 0 },
  // clearFor: every run of one address, its known devices' included.
  { collection: PASSWORD_FAILURES_COLLECTION, keys: { address: 1 } },
];

const WRONG = 'The email or password is not right.';
const DEVICE_TOKEN = /^([0-9A-Za-z]{22})\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{43})$/;

/** Who is trying a password, as the caller's layer knows it. */
export interface PasswordAttempt {
  /** The caller's network (`clientKey`): unknown clients' attempts count against it. */
  client: string;
  /** The known-device token this client kept from an earlier success, if any; anything else is ignored. */
  device?: string | undefined;
}

/** A successful password check. */
export interface PasswordCheck {
  account: AccountDoc;
  /** The team member who signed in with their own password; absent for the account's own (its first owner). */
  member?: MemberDoc;
  /** A (renewed) known-device token for this client and email, to keep for {@link KNOWN_DEVICE_MS}. */
  device: string;
}

/** What the password guard needs. */
export interface PasswordGuardDeps {
  store: Store;
  clock: Clock;
  limiter: RateLimiter;
  hasher: PasswordHasher;
  /** Signs known-device tokens (TTS_SECRET; a purpose-bound key is derived from it). */
  secret: string;
}

function normalise(email: string): string {
  return email.trim().toLowerCase();
}

/** The key of one scope's run: `password:<address>`, or with `:device:<id>` for a known device. */
function scopeKey(scope: string): string {
  return createHash('sha256').update(scope).digest('hex');
}

function minutes(seconds: number): string {
  const m = Math.ceil(seconds / 60);
  return `${m} minute${m === 1 ? '' : 's'}`;
}

/**
 * Checks organizers' passwords, refusing guessers.
 *
 * @example
 * const passwords = createPasswordGuard({ store, clock, limiter, hasher, secret });
 * const { account, device } = await passwords.authenticate('asha@example.com', 'correct horse battery', { client: '203.0.113.7' });
 */
export function createPasswordGuard({ store, clock, limiter, hasher, secret }: PasswordGuardDeps) {
  const failures = store.collection<PasswordFailureDoc>(PASSWORD_FAILURES_COLLECTION);
  const accounts = store.collection<AccountDoc>('accounts');
  const members = store.collection<MemberDoc>(MEMBERS_COLLECTION);
  const deviceKey = createHmac('sha256', secret).update('tts:password-guard:known-device').digest();
  // Hashed once, lazily: checking a password against it makes an attempt on an unknown
  // email cost what one on a known email costs (no enumeration by timing).
  let dummyHash: Promise<string> | undefined;

  function deviceMac(email: string, id: string, issued: string): Buffer {
    return createHmac('sha256', deviceKey).update(`${email}\n${id}\n${issued}`).digest();
  }

  function issueDevice(email: string, id: string, now: Date): string {
    const issued = Math.floor(now.getTime() / 1000).toString(36);
    return `${id}.${issued}.${deviceMac(email, id, issued).toString('base64url')}`;
  }

  /** The device id of a token this server issued for this email and that has not run out; else null. */
  function knownDevice(email: string, token: string | undefined, now: Date): string | null {
    const parts = token === undefined ? null : DEVICE_TOKEN.exec(token);
    if (!parts) return null;
    const [, id = '', issued = '', mac = ''] = parts;
    const issuedMs = parseInt(issued, 36) * 1000;
    if (!(issuedMs <= now.getTime() + 60_000 && now.getTime() - issuedMs < KNOWN_DEVICE_MS)) return null;
    // Compared as text: decoding would ignore the spare bits of the last base64url character, so
    // several spellings would pass for one MAC.
    const presented = Buffer.from(mac);
    const expected = Buffer.from(deviceMac(email, id, issued).toString('base64url'));
    return presented.length === expected.length && timingSafeEqual(presented, expected) ? id : null;
  }

  /**
   * Counts one attempt in a run before its password is checked, and says how many seconds it
   * must wait instead (0: go ahead). Below the limit the count is one conditional upsert that
   * only matches below the limit (STYLE habit 6), so however many guesses arrive at once, no
   * more than {@link PASSWORD_FAILURE_LIMIT} reach bcrypt. Once locked, an attempt after the
   * lock ends claims the next, doubled lock with an update conditional on the count it read,
   * so exactly one attempt gets each turn. A refused attempt changes nothing, so hammering a
   * locked address does not extend its lock.
   */
  async function countAttempt(key: string, address: string, now: Date): Promise<number> {
    const firstLockEnds = new Date(now.getTime() + PASSWORD_FIRST_LOCK_MS);
    // Bounded: each round either counts, finds the lock, or clears a lapsed run / loses a race.
    for (let round = 0; round < 3; round++) {
      // A run that lapsed but was not swept yet must not be added to.
      await failures.deleteOne({ _id: key, expires_at: op.lte(now) });
      try {
        const counted = await failures.findOneAndUpdate(
          { _id: key, failures: op.lt(PASSWORD_FAILURE_LIMIT) },
          { $inc: { failures: 1 }, $set: { locked_until: firstLockEnds, expires_at: new Date(now.getTime() + PASSWORD_RUN_MS), address } },
          { upsert: true },
        );
        if (counted) {
          // This attempt reached the limit: if it fails, the run is remembered past its lock.
          if (counted.failures === PASSWORD_FAILURE_LIMIT) {
            await failures.updateOne(
              { _id: key, failures: PASSWORD_FAILURE_LIMIT, locked_until: firstLockEnds },
              { $set: { expires_at: new Date(firstLockEnds.getTime() + PASSWORD_LOCK_MEMORY_MS) } },
            );
          }
          return 0;
        }
      } catch (err) {
        // The document exists but the filter did not match it (the limit is reached), or two
        // first attempts both inserted: which one is read back below.
        if (!(err instanceof DuplicateKeyError)) throw err;
      }
      const record = await failures.findOne({ _id: key });
      if (!record || record.failures < PASSWORD_FAILURE_LIMIT || record.expires_at <= now) continue;
      if (record.locked_until > now) return Math.max(1, Math.ceil((record.locked_until.getTime() - now.getTime()) / 1000));
      // The lock has ended: one attempt may go, and the next lock, should it fail, is twice as long.
      const lock = Math.min(PASSWORD_FIRST_LOCK_MS * 2 ** (record.failures + 1 - PASSWORD_FAILURE_LIMIT), PASSWORD_MAX_LOCK_MS);
      const lockedUntil = new Date(now.getTime() + lock);
      const claimed = await failures.findOneAndUpdate(
        { _id: key, failures: record.failures, locked_until: op.lte(now) },
        { $set: { failures: record.failures + 1, locked_until: lockedUntil, expires_at: new Date(lockedUntil.getTime() + PASSWORD_LOCK_MEMORY_MS) } },
      );
      if (claimed) return 0;
      // Another attempt took this turn: the next round reads its lock.
    }
    // Still undecided after three rounds means heavy contention on this very address: refuse briefly.
    return 1;
  }

  /**
   * The account (and the team member, for a member's own password) when the password is
   * right, else null; the same bcrypt work either way.
   */
  async function verify(email: string, password: string): Promise<{ account: AccountDoc; member?: MemberDoc } | null> {
    const account = await accounts.findOne({ email });
    if (account) return (await hasher.verify(password, account.password_hash)) ? { account } : null;
    const member = await members.findOne({ email, password_hash: op.ne(null) });
    const memberAccount = member ? await accounts.findOne({ _id: member.account }) : null;
    if (!member?.password_hash || !memberAccount) {
      dummyHash ??= hasher.hash('not-a-real-password-at-all');
      await hasher.verify(password, await dummyHash);
      return null;
    }
    return (await hasher.verify(password, member.password_hash)) ? { account: memberAccount, member } : null;
  }

  return {
    /**
     * The account for an email and password, behind every limit above.
     * @throws AppError RATE_LIMITED when the client address, the email or this device is
     *   refused for now (`retryAfterSeconds` says for how long), UNAUTHENTICATED when the
     *   pair is wrong.
     */
    async authenticate(email: string, password: string, { client, device }: PasswordAttempt): Promise<PasswordCheck> {
      const address = normalise(email);
      const now = clock.now();
      const deviceId = knownDevice(address, device, now);
      // A known device can only ever guess this one address, and has its own count below.
      if (deviceId === null) {
        await limiter.assertAllowed(`password:ip:${client}`, PASSWORD_ATTEMPTS_PER_ADDRESS, 'Too many password attempts from your network. Wait a few minutes, then try again.');
      }
      const scope = deviceId === null ? `password:${address}` : `password:${address}:device:${deviceId}`;
      const key = scopeKey(scope);
      const wait = await countAttempt(key, scopeKey(`password:${address}`), now);
      if (wait > 0) {
        throw new AppError(
          'RATE_LIMITED',
          deviceId === null
            ? `Too many wrong passwords for this email address. Try again in ${minutes(wait)}, or from a browser that signed in to this account before.`
            : `Too many wrong passwords from this browser. Try again in ${minutes(wait)}.`,
          undefined,
          wait,
        );
      }
      const found = await verify(address, password);
      // The attempt was counted before the check, so a failure needs no second write.
      if (!found) throw new AppError('UNAUTHENTICATED', WRONG);
      await failures.deleteOne({ _id: key });
      return { ...found, device: issueDevice(address, deviceId ?? randomBase62(22), now) };
    },

    /**
     * Forgets every failed attempt and lock of an address (its known devices' too): whoever
     * proved they own the mailbox by completing a password reset signs in with the new password
     * at once, instead of waiting out a lock that a guesser may have caused.
     *
     * @example
     * await passwords.clearFor('asha@example.com');
     */
    async clearFor(email: string): Promise<void> {
      const address = scopeKey(`password:${normalise(email)}`);
      await failures.deleteMany({ address });
      // A run counted before runs carried their address is found by its own key.
      await failures.deleteOne({ _id: address });
    },
  };
}

export type PasswordGuard = ReturnType<typeof createPasswordGuard>;
