import { getCookie, setCookie } from 'hono/cookie';
import type { AccountDoc } from '../domain/accounts.js';
import type { MemberDoc } from '../domain/members.js';
import { KNOWN_DEVICE_MS } from '../domain/password-guard.js';
import type { ConsoleContext } from './context.js';
import { consoleCookie, DEVICE_COOKIE } from './security.js';

/**
 * Checks a password typed into the console through the password guard, as this browser:
 * its network and the known-device cookie it kept from an earlier success. A success renews
 * the cookie, so the browser stays known while it is used.
 * @throws AppError RATE_LIMITED or UNAUTHENTICATED, as `PasswordGuard.authenticate` does
 *
 * @example
 * const { account, member } = await checkPassword(c, form.email, form.password);
 */
export async function checkPassword(c: ConsoleContext, email: string, password: string): Promise<{ account: AccountDoc; member?: MemberDoc }> {
  const { services, deps } = c.var;
  const { account, member, device } = await services.passwords.authenticate(email, password, { client: c.get('clientKey'), device: getCookie(c, DEVICE_COOKIE) });
  setCookie(c, DEVICE_COOKIE, device, consoleCookie(deps.config.publicUrl, KNOWN_DEVICE_MS / 1000));
  return member ? { account, member } : { account };
}
