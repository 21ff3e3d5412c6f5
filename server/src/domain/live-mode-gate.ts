/**
 * What a sign-in user needs before an account goes live (real payments): an email address
 * they proved they read, and, for the account's owners, two-step sign-in. The console's mode
 * switch and `POST /v1/keys/roll` into live mode ask here (docs/account-security.md#before-live-mode).
 */
import { AppError } from '../kernel/errors.js';
import type { EmailVerification } from './email-verification.js';
import type { SignInUsers } from './sign-in-users.js';
import type { TwoFactor } from './two-factor.js';

export const VERIFY_EMAIL_FIRST = 'Verify your email address before switching to live mode: open the link we mailed you, or send a new one from Account security in the console.';
export const TWO_FACTOR_FIRST =
  'Turn on two-step sign-in with an authenticator app before switching to live mode: account owners need it for live payments. Set it up under Account security in the console.';

/**
 * @example
 * const gate = createLiveModeGate({ users, emailVerification, twoFactor });
 * await gate.assertMayGoLive(user.id); // throws FORBIDDEN with what is missing
 */
export function createLiveModeGate({ users, emailVerification, twoFactor }: { users: SignInUsers; emailVerification: EmailVerification; twoFactor: TwoFactor }) {
  /** What stops the user from going live, in words to show; null when nothing does. */
  async function problem(userId: string): Promise<string | null> {
    const user = await users.byId(userId);
    if (!user) return 'There is no such user.';
    if (!(await emailVerification.isVerified(user))) return VERIFY_EMAIL_FIRST;
    if (user.owner && !(await twoFactor.status(user.id)).enabled) return TWO_FACTOR_FIRST;
    return null;
  }

  return {
    problem,
    /** @throws AppError FORBIDDEN saying what is missing */
    async assertMayGoLive(userId: string): Promise<void> {
      const reason = await problem(userId);
      if (reason) throw new AppError('FORBIDDEN', reason);
    },
  };
}

export type LiveModeGate = ReturnType<typeof createLiveModeGate>;
