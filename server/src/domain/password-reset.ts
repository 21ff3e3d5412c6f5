/**
 * Password reset by email (docs/account-security.md#password-reset). A request mails a link
 * with a single-use token valid {@link PASSWORD_RESET_MS}; only the token's SHA-256 is stored.
 * A request answers the same, after the same work, whether or not anyone signs in with the
 * address: it always stores a reset and queues one mail, which for an unknown address says
 * there is no account (OWASP Forgot Password cheat sheet). Setting the new password ends the
 * user's sessions and every other pending link (`domain/new-password.ts`).
 */
import { op, type Store } from '../store/port.js';
import type { Clock } from '../kernel/clock.js';
import { AppError } from '../kernel/errors.js';
import type { Outbox } from './ports.js';
import { PASSWORD_RESETS_COLLECTION, type PasswordResetDoc } from './password-reset-store.js';
import type { RateLimiter, RateLimitRule } from './rate-limit.js';
import type { SetNewPassword } from './new-password.js';
import type { SignInUsers } from './sign-in-users.js';
import { hashLinkToken, newLinkToken } from './user-security.js';

/** How long a reset link works. */
export const PASSWORD_RESET_MS = 30 * 60_000;
/** Reset requests one client address may make. */
export const RESET_REQUESTS_PER_ADDRESS: RateLimitRule = { limit: 10, windowSeconds: 3600 };
/** Reset mails one email address may be sent (known or not: the limit itself says nothing). */
export const RESET_REQUESTS_PER_EMAIL: RateLimitRule = { limit: 3, windowSeconds: 3600 };

const TOKEN = /^pwr_[0-9A-Za-z]{43}$/;
const NOT_VALID = 'This reset link has been used, replaced or is not valid. Ask for a new one.';
const EXPIRED = 'This reset link has expired: links work for 30 minutes. Ask for a new one.';

/** What {@link createPasswordReset} needs. */
export interface PasswordResetDeps {
  store: Store;
  clock: Clock;
  outbox: Outbox;
  limiter: RateLimiter;
  users: SignInUsers;
  setNewPassword: SetNewPassword;
  /** Clears the password guard's failed attempts and lock of an address (`passwords.clearFor`). */
  clearPasswordLock: (email: string) => Promise<void>;
}

/**
 * @example
 * const resets = createPasswordReset({ store, clock, outbox, limiter, users, setNewPassword, clearPasswordLock: passwords.clearFor });
 * await resets.request('asha@example.com', { client: '203.0.113.7' });
 * await resets.complete(tokenFromTheMail, 'a new long passphrase');
 */
export function createPasswordReset({ store, clock, outbox, limiter, users, setNewPassword, clearPasswordLock }: PasswordResetDeps) {
  const resets = store.collection<PasswordResetDoc>(PASSWORD_RESETS_COLLECTION);

  /** The live reset of a token. @throws AppError NOT_FOUND (used, replaced, unknown) or OTP_EXPIRED */
  async function find(token: string): Promise<PasswordResetDoc & { user: string }> {
    const reset = TOKEN.test(token) ? await resets.findOne({ _id: hashLinkToken(token) }) : null;
    if (!reset || reset.user === null) throw new AppError('NOT_FOUND', NOT_VALID);
    if (reset.expires_at <= clock.now()) throw new AppError('OTP_EXPIRED', EXPIRED);
    return reset as PasswordResetDoc & { user: string };
  }

  return {
    /**
     * Mails a reset link to the address, or a "no account here" note when nobody signs in with
     * it; the caller answers the same either way.
     * @throws AppError RATE_LIMITED past either rule above (for known and unknown addresses alike)
     */
    async request(email: string, { client }: { client: string }): Promise<void> {
      const address = email.trim().toLowerCase();
      const slowDown = 'Too many password reset requests. Wait a while, then try again.';
      await limiter.assertAllowed(`password-reset:ip:${client}`, RESET_REQUESTS_PER_ADDRESS, slowDown);
      await limiter.assertAllowed(`password-reset:email:${address}`, RESET_REQUESTS_PER_EMAIL, slowDown);
      const user = await users.byEmail(address);
      const token = newLinkToken('pwr');
      const now = clock.now();
      const reset: PasswordResetDoc = { _id: hashLinkToken(token), user: user?.id ?? null, created_at: now, expires_at: new Date(now.getTime() + PASSWORD_RESET_MS) };
      await resets.insertOne(reset);
      await outbox.enqueue({
        kind: user ? 'password_reset' : 'password_reset_unknown',
        to: address,
        // The token is needed to write the link; it is erased once the mail is sent or dead.
        payload: user ? { token, user: user.id } : {},
        secretFields: ['token'],
        dedupeKey: `password_reset:${reset._id}`,
      });
    },

    /**
     * Whether a token still opens its reset form, and for which address.
     * @throws AppError NOT_FOUND or OTP_EXPIRED, as {@link complete}
     */
    async check(token: string): Promise<{ email: string }> {
      const reset = await find(token);
      const user = await users.byId(reset.user);
      if (!user) throw new AppError('NOT_FOUND', NOT_VALID);
      return { email: user.email };
    },

    /**
     * Sets the new password with a token, once: the token (and every other pending one of the
     * user) is spent, every session of the user ends, and the address's password lock is lifted:
     * the mailbox's owner may sign in with the new password at once.
     * @throws AppError NOT_FOUND for a used, replaced or unknown token, OTP_EXPIRED after 30 minutes
     */
    async complete(token: string, password: string): Promise<{ userId: string }> {
      const reset = await find(token);
      // Spending the token is the one conditional step: of two racing uses, one deletes it.
      const spent = await resets.deleteOne({ _id: reset._id, expires_at: op.gt(clock.now()) });
      if (spent !== 1) throw new AppError('NOT_FOUND', NOT_VALID);
      if (!(await setNewPassword(reset.user, password))) throw new AppError('NOT_FOUND', NOT_VALID);
      const user = await users.byId(reset.user);
      if (user) await clearPasswordLock(user.email);
      return { userId: reset.user };
    },
  };
}

export type PasswordReset = ReturnType<typeof createPasswordReset>;
