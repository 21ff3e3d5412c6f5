/**
 * Two-step sign-in with an authenticator app (docs/account-security.md#two-step-sign-in):
 * enrolment (a secret shown once as a QR code and as text, confirmed with a first code), ten
 * single-use recovery codes, the code asked for after the password, and turning it off.
 *
 * - The secret is sealed at rest (AES-256-GCM, `createSecretBox`) under a key derived from
 *   TTS_SECRET for this purpose alone; recovery codes are stored as HMACs under another.
 * - A code is accepted one step (30 s) either side of now, and only for a step after the last
 *   one accepted: one conditional update on `totp.last_step` spends it, so a code seen over a
 *   shoulder, or sent twice at once, works once (RFC 6238 §5.2).
 * - Sign-in after the password is a challenge: a short-lived token in a cookie, good for
 *   {@link CHALLENGE_ATTEMPTS} codes; codes per user are also rate limited across challenges,
 *   since whoever knows the password can start as many challenges as they like.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { DuplicateKeyError, op, type IndexSpec, type Store } from '../store/port.js';
import type { Clock } from '../kernel/clock.js';
import { AppError } from '../kernel/errors.js';
import type { RateLimiter, RateLimitRule } from './rate-limit.js';
import { matchTotp, newTotpSecret, otpauthUrl } from './totp.js';
import { hashLinkToken, newLinkToken, userSecurity } from './user-security.js';
import { createSecretBox } from './webhook-secrets.js';

/** How many recovery codes enrolment hands out. */
export const RECOVERY_CODE_COUNT = 10;
/** How long the code step of a sign-in waits after the password. */
export const CHALLENGE_MS = 10 * 60_000;
/** Codes one sign-in challenge takes before it ends. */
export const CHALLENGE_ATTEMPTS = 5;
/** Codes one user may try, across challenges and the account security page. */
export const CODE_ATTEMPTS_PER_USER: RateLimitRule = { limit: 10, windowSeconds: 15 * 60 };
/** The issuer authenticator apps show beside the account. */
export const TOTP_ISSUER = 'Trendy Tickets';

export const SIGN_IN_CHALLENGES_COLLECTION = 'sign_in_challenges';

/** A password checked, waiting for the second step. */
interface SignInChallengeDoc {
  /** SHA-256 of the challenge token. */
  _id: string;
  user: string;
  attempts: number;
  expires_at: Date;
}

export const TWO_FACTOR_INDEXES: readonly IndexSpec[] = [{ collection: SIGN_IN_CHALLENGES_COLLECTION, keys: { expires_at: 1 }, expireAfterSeconds: 0 }];

const CHALLENGE_TOKEN = /^tfa_[0-9A-Za-z]{43}$/;
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const WRONG_CODE = 'That code is not right, or was already used. Enter the current code from your app, or a recovery code.';

/** What {@link createTwoFactor} needs. */
export interface TwoFactorDeps {
  store: Store;
  clock: Clock;
  limiter: RateLimiter;
  /** TTS_SECRET: the keys that seal secrets and hash recovery codes are derived from it. */
  secret: string;
}

/** A recovery code as printed: two groups of five, e.g. `k7m2p-x9qrt` (about 49 bits). */
function newRecoveryCode(): string {
  const bytes = randomBytes(10);
  const chars = [...bytes].map((b) => RECOVERY_ALPHABET[b % RECOVERY_ALPHABET.length]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

/**
 * @example
 * const twoFactor = createTwoFactor({ store, clock, limiter, secret });
 * const { secret, url } = await twoFactor.startEnrolment(user.id, user.email);
 * const { recoveryCodes } = await twoFactor.confirmEnrolment(user.id, '492039');
 */
export function createTwoFactor({ store, clock, limiter, secret }: TwoFactorDeps) {
  const records = userSecurity(store);
  const challenges = store.collection<SignInChallengeDoc>(SIGN_IN_CHALLENGES_COLLECTION);
  const box = createSecretBox(createHmac('sha256', secret).update('tts:two-factor:totp-secrets').digest('hex'));
  const recoveryKey = createHmac('sha256', secret).update('tts:two-factor:recovery-codes').digest();

  const recoveryHash = (code: string) => createHmac('sha256', recoveryKey).update(code.trim().toLowerCase().replace(/[\s-]/g, '')).digest('hex');

  async function countAttempt(userId: string): Promise<void> {
    await limiter.assertAllowed(`two-factor:${userId}`, CODE_ATTEMPTS_PER_USER, 'Too many codes were tried. Wait a few minutes, then try again.');
  }

  /** Spends a current code (true) or a recovery code (true); false for anything else. */
  async function spendCode(userId: string, code: string): Promise<{ ok: boolean; recovery: boolean }> {
    const record = await records.findOne({ _id: userId });
    if (!record?.totp) return { ok: false, recovery: false };
    const step = matchTotp(box.open(record.totp.sealed), code, clock.now(), record.totp.last_step);
    if (step !== null) {
      const spent = await records.updateOne({ _id: userId, 'totp.last_step': op.lt(step) }, { $set: { 'totp.last_step': step } });
      return { ok: spent.modified === 1, recovery: false };
    }
    if (!/^[0-9a-z]{10}$/.test(code.trim().toLowerCase().replace(/[\s-]/g, ''))) return { ok: false, recovery: false };
    const hash = recoveryHash(code);
    const used = await records.updateOne({ _id: userId, [`recovery.${hash}`]: 'unused' }, { $set: { [`recovery.${hash}`]: clock.now() } });
    return { ok: used.modified === 1, recovery: true };
  }

  return {
    /** Whether the user has two-step sign-in on, and how many recovery codes are left. */
    async status(userId: string): Promise<{ enabled: boolean; recoveryCodesLeft: number; enabledAt: Date | null }> {
      const record = await records.findOne({ _id: userId });
      const left = Object.values(record?.recovery ?? {}).filter((v) => v === 'unused').length;
      return { enabled: Boolean(record?.totp), recoveryCodesLeft: record?.totp ? left : 0, enabledAt: record?.totp?.enabled_at ?? null };
    },

    /**
     * A new secret to enrol, kept sealed until a code confirms it; asking again replaces it.
     * @throws AppError CONFLICT when two-step sign-in is already on
     */
    async startEnrolment(userId: string, email: string): Promise<{ secret: string; url: string }> {
      const plain = newTotpSecret();
      const started = await records
        .updateOne({ _id: userId, totp: op.exists(false) }, { $set: { totp_pending: { sealed: box.seal(plain), created_at: clock.now() } } }, { upsert: true })
        .catch((err: unknown) => {
          // The upsert collides with the record when two-step sign-in is on (the filter did not match it).
          if (err instanceof DuplicateKeyError) return null;
          throw err;
        });
      if (!started) throw new AppError('CONFLICT', 'Two-step sign-in is already on. Turn it off first to enrol another app.');
      return { secret: plain, url: otpauthUrl({ secret: plain, account: email, issuer: TOTP_ISSUER }) };
    },

    /** The secret being enrolled, to show again (e.g. after a wrong first code); null when none. */
    async pendingSecret(userId: string, email: string): Promise<{ secret: string; url: string } | null> {
      const record = await records.findOne({ _id: userId });
      if (!record?.totp_pending || record.totp) return null;
      const plain = box.open(record.totp_pending.sealed);
      return { secret: plain, url: otpauthUrl({ secret: plain, account: email, issuer: TOTP_ISSUER }) };
    },

    /**
     * Turns two-step sign-in on with the first code from the app; returns the recovery codes,
     * shown this once (only their HMACs are kept).
     * @throws AppError OTP_INVALID for a wrong code, CONFLICT with nothing being enrolled, RATE_LIMITED
     */
    async confirmEnrolment(userId: string, code: string): Promise<{ recoveryCodes: string[] }> {
      await countAttempt(userId);
      const record = await records.findOne({ _id: userId });
      if (!record?.totp_pending || record.totp) throw new AppError('CONFLICT', 'There is no enrolment to confirm. Start again from Account security.');
      const step = matchTotp(box.open(record.totp_pending.sealed), code, clock.now());
      if (step === null) throw new AppError('OTP_INVALID', 'That code is not right. Enter the 6-digit code your app shows now.');
      const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
      const recovery = Object.fromEntries(recoveryCodes.map((c) => [recoveryHash(c), 'unused' as const]));
      const enabled = await records.updateOne(
        { _id: userId, totp: op.exists(false), 'totp_pending.sealed': record.totp_pending.sealed },
        { $set: { totp: { sealed: record.totp_pending.sealed, enabled_at: clock.now(), last_step: step }, recovery }, $unset: { totp_pending: '' } },
      );
      if (enabled.modified !== 1) throw new AppError('CONFLICT', 'This enrolment changed meanwhile. Start again from Account security.');
      return { recoveryCodes };
    },

    /**
     * Checks (and spends) a code of a signed-in user: a current code or a recovery code.
     * @throws AppError OTP_INVALID for a wrong or reused code, RATE_LIMITED
     */
    async verifyCode(userId: string, code: string): Promise<{ recovery: boolean }> {
      await countAttempt(userId);
      const spent = await spendCode(userId, code);
      if (!spent.ok) throw new AppError('OTP_INVALID', WRONG_CODE);
      return { recovery: spent.recovery };
    },

    /** Turns two-step sign-in off; the caller has checked the password and a code. */
    async disable(userId: string): Promise<void> {
      await records.updateOne({ _id: userId }, { $unset: { totp: '', totp_pending: '', recovery: '' } });
    },

    /** Starts the code step of a sign-in whose password was right; the token goes in a cookie. */
    async startChallenge(userId: string): Promise<string> {
      const token = newLinkToken('tfa');
      await challenges.insertOne({ _id: hashLinkToken(token), user: userId, attempts: 0, expires_at: new Date(clock.now().getTime() + CHALLENGE_MS) });
      return token;
    },

    /** Whether a challenge token is still waiting for its code (for showing the code form). */
    async challengeOpen(token: string | undefined): Promise<boolean> {
      if (!token || !CHALLENGE_TOKEN.test(token)) return false;
      return (await challenges.count({ _id: hashLinkToken(token), expires_at: op.gt(clock.now()), attempts: op.lt(CHALLENGE_ATTEMPTS) })) === 1;
    },

    /**
     * Answers a sign-in challenge with a code; returns the user to sign in. The challenge ends
     * on success, after {@link CHALLENGE_ATTEMPTS} codes, and after {@link CHALLENGE_MS}.
     * @throws AppError UNAUTHENTICATED when the challenge is over (sign in again), OTP_INVALID for a wrong code, RATE_LIMITED
     */
    async answerChallenge(token: string | undefined, code: string): Promise<{ userId: string; recovery: boolean }> {
      const over = new AppError('UNAUTHENTICATED', 'This sign-in has timed out or had too many wrong codes. Sign in again.');
      if (!token || !CHALLENGE_TOKEN.test(token)) throw over;
      const _id = hashLinkToken(token);
      const counted = await challenges.findOneAndUpdate({ _id, expires_at: op.gt(clock.now()), attempts: op.lt(CHALLENGE_ATTEMPTS) }, { $inc: { attempts: 1 } });
      if (!counted) {
        await challenges.deleteOne({ _id });
        throw over;
      }
      await countAttempt(counted.user);
      const spent = await spendCode(counted.user, code);
      if (!spent.ok) throw new AppError('OTP_INVALID', WRONG_CODE);
      // Ending the challenge is what lets exactly one of two racing right answers sign in.
      if ((await challenges.deleteOne({ _id })) !== 1) throw over;
      return { userId: counted.user, recovery: spent.recovery };
    },
  };
}

export type TwoFactor = ReturnType<typeof createTwoFactor>;
