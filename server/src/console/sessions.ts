import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AccountDoc } from '../domain/accounts.js';
import { auditActorOf } from '../domain/actors.js';
import { memberActor, type MemberDoc } from '../domain/members.js';
import { clientIp } from '../http/client-ip.js';
import { auditContext } from '../http/audit-context.js';
import type { ConsoleEnv, ConsoleUser } from './context.js';
import { CONSOLE_PATH, consoleCookie, LOGIN_COOKIE, loginCsrfToken, newLoginSeed, publishableKeyCookie, SESSION_COOKIE, sessionCsrfToken } from './security.js';

/** The sign-in form's CSRF seed outlives a slow typist, not much more. */
const LOGIN_SEED_SECONDS = 2 * 60 * 60;
/** The remembered publishable key (public by design) is kept for half a year. */
const PUBLISHABLE_KEY_SECONDS = 180 * 24 * 60 * 60;

/**
 * The CSRF token for the sign-in and sign-up forms, setting the seed cookie it is bound to
 * when the browser has none yet.
 *
 * @example
 * return renderConsole(c, <LoginPage csrf={loginFormToken(c)} next={next} />);
 */
export function loginFormToken(c: Context<ConsoleEnv>): string {
  const { config } = c.var.deps;
  let seed = getCookie(c, LOGIN_COOKIE);
  if (!seed || !/^[A-Za-z0-9_-]{22}$/.test(seed)) {
    seed = newLoginSeed();
    setCookie(c, LOGIN_COOKIE, seed, consoleCookie(config.publicUrl, LOGIN_SEED_SECONDS));
  }
  return loginCsrfToken(config.secret as string, seed);
}

/**
 * Signs a member in (the account's first owner when no member is given): ends the session
 * the browser had (if any) and starts a new one under a new token, so a token planted
 * before sign-in (session fixation) is worthless. Every way in (the form, the demo button,
 * sign-up, an accepted invitation, the two-step code) goes through here, so each sign-in is
 * in the audit log.
 *
 * @example
 * const user = await startSession(c, account, member);
 */
export async function startSession(c: Context<ConsoleEnv>, account: AccountDoc, signedIn?: MemberDoc): Promise<ConsoleUser> {
  const { services, deps } = c.var;
  await services.sessions.destroy(getCookie(c, SESSION_COOKIE));
  // The browser and address are what the Account security page's sessions list shows.
  const { session, token } = await services.sessions.create(account._id, {
    member: signedIn?._id,
    userAgent: c.req.header('User-Agent'),
    ip: clientIp(c, { trustProxy: deps.config.trustProxy }),
  });
  const member = signedIn ?? (await services.members.forSession(session, account));
  if (!member) throw new Error(`no member for the session of account ${account._id}`);
  setCookie(c, SESSION_COOKIE, token, consoleCookie(deps.config.publicUrl));
  deleteCookie(c, LOGIN_COOKIE, { path: CONSOLE_PATH });
  const owner = { account: account._id, livemode: session.livemode };
  const actor = memberActor(member);
  await services.auditLog.record(auditContext(c, { actor: auditActorOf(actor), owner }), { action: 'session.signed_in', target: { type: 'account', id: account._id } });
  return {
    session,
    account,
    member,
    actor,
    owner,
    csrf: sessionCsrfToken(deps.config.secret as string, session._id),
  };
}

/**
 * Signs the browser out: the session ends in the store, and the cookie is cleared. Runs after
 * `requireSession`, so the audit log names who signed out.
 *
 * @example
 * await endSession(c);
 */
export async function endSession(c: Context<ConsoleEnv>): Promise<void> {
  await c.var.services.sessions.destroy(getCookie(c, SESSION_COOKIE));
  await c.var.services.auditLog.record(auditContext(c), { action: 'session.signed_out', target: { type: 'account', id: c.var.user.account._id } });
  deleteCookie(c, SESSION_COOKIE, consoleCookie(c.var.deps.config.publicUrl));
}

/**
 * Remembers a publishable key in this browser, for the Embed panel (decision 0011): the
 * server keeps only its hash, as for every key.
 *
 * @example
 * rememberPublishableKey(c, false, created.publishableKey);
 */
export function rememberPublishableKey(c: Context<ConsoleEnv>, livemode: boolean, raw: string): void {
  setCookie(c, publishableKeyCookie(livemode), raw, consoleCookie(c.var.deps.config.publicUrl, PUBLISHABLE_KEY_SECONDS));
}

/**
 * The publishable key this browser remembers for the user's account and mode, if it still
 * works; null when there is none, or it was rolled, revoked, or belongs to someone else.
 *
 * @example
 * const pk = await rememberedPublishableKey(c, user); // 'pk_test_…' or null
 */
export async function rememberedPublishableKey(c: Context<ConsoleEnv>, user: ConsoleUser): Promise<string | null> {
  const raw = getCookie(c, publishableKeyCookie(user.owner.livemode));
  if (!raw) return null;
  const auth = await c.var.services.accounts.authenticateKey(raw);
  const fits = auth && auth.key.kind === 'publishable' && auth.account._id === user.owner.account && auth.livemode === user.owner.livemode;
  return fits ? raw : null;
}
