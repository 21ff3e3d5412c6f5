/**
 * Proving that a sign-in user reads their email (docs/account-security.md#email-verification):
 * a link with a single-use token, mailed at sign-up and again on request; only the token's
 * SHA-256 is stored. Live mode waits for it (`domain/live-mode-gate.ts`). A verification is
 * for the address it was sent to: should the address change, the new one needs its own.
 */
import { op, type IndexSpec, type Store } from '../store/port.js';
import type { Clock } from '../kernel/clock.js';
import { AppError } from '../kernel/errors.js';
import type { Outbox } from './ports.js';
import type { RateLimiter, RateLimitRule } from './rate-limit.js';
import type { SignInUser, SignInUsers } from './sign-in-users.js';
import { hashLinkToken, newLinkToken, userSecurity } from './user-security.js';

/** How long a verification link works. */
export const EMAIL_VERIFICATION_MS = 24 * 60 * 60_000;
/** Verification mails one user may ask for. */
export const VERIFICATION_MAILS_PER_USER: RateLimitRule = { limit: 5, windowSeconds: 3600 };

export const EMAIL_VERIFICATIONS_COLLECTION = 'email_verifications';

/** A mailed verification link. */
interface EmailVerificationDoc {
  /** SHA-256 (hex) of the link's token. */
  _id: string;
  user: string;
  /** The address the link was sent to. */
  email: string;
  created_at: Date;
  expires_at: Date;
}

/** Lapsed links disappear. */
export const EMAIL_VERIFICATION_INDEXES: readonly IndexSpec[] = [{ collection: EMAIL_VERIFICATIONS_COLLECTION, keys: { expires_at: 1 }, expireAfterSeconds: 0 }];

const TOKEN = /^emv_[0-9A-Za-z]{43}$/;
const NOT_VALID = 'This verification link has been used or is not valid. Send a new one from Account security.';

/** What {@link createEmailVerification} needs. */
export interface EmailVerificationDeps {
  store: Store;
  clock: Clock;
  outbox: Outbox;
  limiter: RateLimiter;
  users: SignInUsers;
}

/**
 * @example
 * const verification = createEmailVerification({ store, clock, outbox, limiter, users });
 * await verification.send(user.id);
 * await verification.confirm(tokenFromTheMail);
 */
export function createEmailVerification({ store, clock, outbox, limiter, users }: EmailVerificationDeps) {
  const links = store.collection<EmailVerificationDoc>(EMAIL_VERIFICATIONS_COLLECTION);
  const records = userSecurity(store);

  async function isVerified(user: SignInUser): Promise<boolean> {
    const record = await records.findOne({ _id: user.id });
    return record?.email_verified === user.email;
  }

  return {
    isVerified,

    /**
     * Mails a verification link to the user's address (nothing when it is already verified).
     * @throws AppError RATE_LIMITED past {@link VERIFICATION_MAILS_PER_USER}, NOT_FOUND for no such user
     */
    async send(userId: string): Promise<{ sent: boolean }> {
      const user = await users.byId(userId);
      if (!user) throw new AppError('NOT_FOUND', 'No such user.');
      if (await isVerified(user)) return { sent: false };
      await limiter.assertAllowed(`email-verification:${user.id}`, VERIFICATION_MAILS_PER_USER, 'Too many verification mails were sent. Wait an hour, then ask again.');
      const token = newLinkToken('emv');
      const now = clock.now();
      const link: EmailVerificationDoc = {
        _id: hashLinkToken(token),
        user: user.id,
        email: user.email,
        created_at: now,
        expires_at: new Date(now.getTime() + EMAIL_VERIFICATION_MS),
      };
      await links.insertOne(link);
      await outbox.enqueue({
        kind: 'email_verification',
        to: user.email,
        payload: { token, user: user.id },
        secretFields: ['token'],
        dedupeKey: `email_verification:${link._id}`,
        owner: { account: user.account, livemode: false },
      });
      return { sent: true };
    },

    /**
     * Marks the address verified with a link's token, once. `previous` is the address that was
     * verified before (null for none), for the audit log's before and after.
     * @throws AppError NOT_FOUND for a used or unknown token, OTP_EXPIRED after a day
     */
    async confirm(token: string): Promise<{ userId: string; email: string; previous: string | null }> {
      const link = TOKEN.test(token) ? await links.findOne({ _id: hashLinkToken(token) }) : null;
      if (!link) throw new AppError('NOT_FOUND', NOT_VALID);
      if (link.expires_at <= clock.now()) throw new AppError('OTP_EXPIRED', 'This verification link has expired. Send a new one from Account security.');
      if ((await links.deleteOne({ _id: link._id, expires_at: op.gt(clock.now()) })) !== 1) throw new AppError('NOT_FOUND', NOT_VALID);
      const user = await users.byId(link.user);
      // A link for an address the user no longer has proves nothing about the current one.
      if (!user || user.email !== link.email) throw new AppError('NOT_FOUND', NOT_VALID);
      const previous = (await records.findOne({ _id: user.id }))?.email_verified ?? null;
      await records.updateOne({ _id: user.id }, { $set: { email_verified: user.email, email_verified_at: clock.now() } }, { upsert: true });
      return { userId: user.id, email: user.email, previous };
    },
  };
}

export type EmailVerification = ReturnType<typeof createEmailVerification>;
