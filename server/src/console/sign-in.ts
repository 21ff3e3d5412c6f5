import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AccountDoc } from '../domain/accounts.js';
import type { MemberDoc } from '../domain/members.js';
import { CHALLENGE_MS } from '../domain/two-factor.js';
import type { ConsoleContext } from './context.js';
import { CONSOLE_PATH, consoleCookie } from './security.js';
import { startSession } from './sessions.js';

/**
 * The cookie holding a sign-in's two-step challenge between the password and the code
 * (`domain/two-factor.ts`): opaque, HttpOnly, scoped to /console, gone after ten minutes.
 */
export const TWO_FACTOR_COOKIE = 'tts_2fa';

/**
 * After a right password: signs in, or, when the user has two-step sign-in on, starts the code
 * step and sends the browser to it. Either way the answer is a redirect. `member` is the team
 * member who signed in with their own password; none for the account's own sign-in.
 *
 * @example
 * return finishPasswordSignIn(c, account, next, member);
 */
export async function finishPasswordSignIn(c: ConsoleContext, account: AccountDoc, next: string, member?: MemberDoc): Promise<Response> {
  const { services, deps } = c.var;
  const user = await services.users.byId(member?._id ?? account._id);
  if (user && (await services.twoFactor.status(user.id)).enabled) {
    const token = await services.twoFactor.startChallenge(user.id);
    setCookie(c, TWO_FACTOR_COOKIE, token, consoleCookie(deps.config.publicUrl, CHALLENGE_MS / 1000));
    return c.redirect(`/console/login/two-factor?next=${encodeURIComponent(next)}`, 303);
  }
  await startSession(c, account, member);
  return c.redirect(next, 303);
}

/**
 * The challenge token this browser holds, if any.
 *
 * @example
 * const token = challengeToken(c);
 */
export function challengeToken(c: ConsoleContext): string | undefined {
  return getCookie(c, TWO_FACTOR_COOKIE);
}

/**
 * Forgets the challenge (answered, or over).
 *
 * @example
 * clearChallenge(c);
 */
export function clearChallenge(c: ConsoleContext): void {
  deleteCookie(c, TWO_FACTOR_COOKIE, { path: CONSOLE_PATH });
}
