import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { jsx, type Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError } from '../kernel/errors.js';
import type { AppEnv } from '../http/context.js';
import { STATUS } from '../http/errors.js';
import { requireSameOrigin } from '../http/middleware/same-origin.js';
import { memberActor } from '../domain/members.js';
import { guardServices } from '../domain/service-permissions.js';
import { assertMayUse } from '../http/route-permissions.js';
import type { ConsoleEnv, ConsoleUser } from './context.js';
import { MessageShell } from './pages/layout.js';
import { CONSOLE_CSP, CONSOLE_PERMISSIONS, LOGIN_COOKIE, loginCsrfToken, safeNext, sameToken, SESSION_COOKIE, sessionCsrfToken } from './security.js';

/**
 * Sends a console page. Its headers (CSP, no-store, no framing) come from {@link consoleHeaders}.
 *
 * @example
 * return renderConsole(c, <EventsPage … />);
 */
export async function renderConsole(c: Context, page: Child, status: ContentfulStatusCode = 200): Promise<Response> {
  const node = await page;
  const body = node === null || node === undefined || typeof node === 'boolean' ? '' : await Promise.resolve(node.toString());
  return c.html(`<!doctype html>${body}`, status);
}

/**
 * Whether the caller is the scanner's script (JSON in, JSON out) rather than a page.
 *
 * @example
 * if (wantsJson(c)) return c.json({ scan }, 200);
 */
export function wantsJson(c: Context): boolean {
  return (c.req.header('Content-Type') ?? '').includes('application/json') || (c.req.header('Accept') ?? '').startsWith('application/json');
}

/**
 * Refuses a request: a plain page for a browser, the API's error body for a script.
 *
 * @example
 * return refuse(c, 403, 'Request refused', ['This form was sent from another site.']);
 */
export function refuse(c: Context, status: ContentfulStatusCode, title: string, lines: string[], code: AppError['code'] = 'FORBIDDEN'): Response | Promise<Response> {
  if (wantsJson(c)) {
    return c.json({ error: { code, message: lines.join(' '), request_id: c.get('requestId') as string } }, status);
  }
  return renderConsole(c, jsx(MessageShell, { title, lines }), status);
}

/**
 * Puts the console's headers on every console response that has not set its own: the
 * strict CSP, `no-store` (pages show personal data and keys), no framing anywhere
 * (`X-Frame-Options` for old browsers, `frame-ancestors` for the rest), no referrer
 * beyond our origin (ticket ids in console URLs are bearer links), and no powerful
 * browser features except where a page asks (the scanner's camera).
 *
 * @example
 * router.use('/console/*', consoleHeaders());
 */
export function consoleHeaders(): MiddlewareHandler<ConsoleEnv> {
  return async function consoleHeadersMiddleware(c, next) {
    await next();
    const headers = c.res.headers;
    const set = (name: string, value: string) => {
      if (!headers.has(name)) headers.set(name, value);
    };
    set('Cache-Control', 'no-store');
    set('X-Robots-Tag', 'noindex, nofollow');
    const type = headers.get('Content-Type') ?? '';
    if (type.startsWith('text/html')) {
      set('Content-Security-Policy', CONSOLE_CSP);
      set('X-Frame-Options', 'DENY');
      set('Permissions-Policy', CONSOLE_PERMISSIONS);
      set('Referrer-Policy', 'same-origin');
    }
  };
}

/**
 * Refuses state-changing requests that another site made the browser send (the shared
 * Origin / `Sec-Fetch-Site` check), with a plain 403 page.
 *
 * @example
 * router.use('/console/*', consoleSameOrigin());
 */
export function consoleSameOrigin(): MiddlewareHandler<ConsoleEnv> {
  const check = requireSameOrigin({
    onRefuse: (c) => refuse(c, 403, 'Request refused', ['This request came from another website, so it was refused.', 'Open the console again and retry from there.']),
  });
  // The console's context only adds `user` to the app's, which the check never reads.
  return (c, next) => check(c as unknown as Context<AppEnv>, next);
}

/**
 * The posted form fields (strings only), or an empty object for a body that is not a form.
 *
 * @example
 * const { confirm } = await formOf(c);
 */
export async function formOf(c: Context): Promise<Record<string, string>> {
  if (wantsJson(c)) return {};
  let parsed: Record<string, unknown>;
  try {
    parsed = (await c.req.parseBody()) as Record<string, unknown>;
  } catch {
    throw new AppError('VALIDATION_FAILED', 'That form could not be read. Reload the page and send it again.');
  }
  return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/**
 * The signed-in organizer of this request, or null.
 *
 * @example
 * if (await currentUser(c)) return c.redirect('/console', 302);
 */
export async function currentUser(c: Context<ConsoleEnv>): Promise<ConsoleUser | null> {
  const { services, deps } = c.var;
  const session = await services.sessions.resolve(getCookie(c, SESSION_COOKIE));
  if (!session) return null;
  const account = await services.accounts.get(session.account);
  if (!account) return null;
  // A removed member's session opens nothing, even before the store has deleted it.
  const member = await services.members.forSession(session, account);
  if (!member) return null;
  return {
    session,
    account,
    member,
    actor: memberActor(member),
    owner: { account: account._id, livemode: session.livemode },
    csrf: sessionCsrfToken(deps.config.secret as string, session._id),
  };
}

/**
 * `/console/login?next=<this page>`: where a request without a session is sent.
 *
 * @example
 * loginUrl(c); // '/console/login?next=%2Fconsole%2Fevents'
 */
export function loginUrl(c: Context): string {
  const url = new URL(c.req.url);
  const next = safeNext(`${url.pathname}${url.search}`);
  return next === '/console' ? '/console/login' : `/console/login?next=${encodeURIComponent(next)}`;
}

/**
 * Lets through only signed-in members, and puts them on `c.var.user` and `c.var.actor`, with
 * `c.var.services` guarded for them. A page asked for without a session redirects to sign-in
 * and comes back after; a script gets 401. A page the member's role may not use is refused
 * with 403, naming the permission (`ROUTE_PERMISSIONS`).
 *
 * @example
 * router.use('/console/events/*', requireSession());
 */
export function requireSession(): MiddlewareHandler<ConsoleEnv> {
  return async function requireSessionMiddleware(c, next) {
    const user = await currentUser(c);
    if (!user) {
      if (wantsJson(c)) return refuse(c, 401, 'Signed out', ['Your session has ended. Sign in again.'], 'UNAUTHENTICATED');
      return c.redirect(c.req.method === 'GET' || c.req.method === 'HEAD' ? loginUrl(c) : '/console/login', c.req.method === 'GET' ? 302 : 303);
    }
    c.set('user', user);
    // The same names the API's key middleware sets, so the audit context is built one way for both.
    c.set('owner', user.owner);
    c.set('actor', user.actor);
    c.set('services', guardServices(c.var.services, user.actor));
    assertMayUse(user.actor, c.req.method, c.req.path);
    await next();
  };
}

const CSRF_REFUSED = ['This page is out of date or was opened from another site, so the request was refused.', 'Go back, reload the page and try again.'];

/**
 * Checks the CSRF token of a signed-in POST: the `_csrf` form field or the `X-CSRF-Token`
 * header must be this session's token. Runs after {@link requireSession}.
 *
 * @example
 * router.post('/console/events', verifyCsrf(), handler);
 */
export function verifyCsrf(): MiddlewareHandler<ConsoleEnv> {
  return async function verifyCsrfMiddleware(c, next) {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const presented = c.req.header('X-CSRF-Token') ?? (await formOf(c))._csrf;
    if (!sameToken(presented, c.var.user.csrf)) return refuse(c, 403, 'Request refused', CSRF_REFUSED);
    await next();
  };
}

/**
 * Checks the CSRF token of the sign-in and sign-up forms against the seed cookie
 * (see `loginCsrfToken`).
 *
 * @example
 * router.post('/console/login', verifyLoginCsrf(), handler);
 */
export function verifyLoginCsrf(): MiddlewareHandler<ConsoleEnv> {
  return async function verifyLoginCsrfMiddleware(c, next) {
    const seed = getCookie(c, LOGIN_COOKIE);
    const presented = (await formOf(c))._csrf;
    if (!seed || !sameToken(presented, loginCsrfToken(c.var.deps.config.secret as string, seed))) {
      return refuse(c, 403, 'Request refused', CSRF_REFUSED);
    }
    await next();
  };
}

/**
 * The console's error handler: domain errors become a page with their message and status;
 * anything else is logged with the request id and shown as a plain 500.
 *
 * @example
 * router.onError(consoleErrorHandler);
 */
export function consoleErrorHandler(err: Error, c: Context<ConsoleEnv>): Response | Promise<Response> {
  if (err instanceof AppError && STATUS[err.code] < 500) {
    if (err.retryAfterSeconds !== undefined) c.header('Retry-After', String(Math.ceil(err.retryAfterSeconds)));
    const title = err.code === 'NOT_FOUND' ? 'Not found' : err.code === 'RATE_LIMITED' ? 'Slow down' : 'That did not work';
    return refuse(c, STATUS[err.code], title, [err.message], err.code);
  }
  c.var.deps.logger.error('console request failed', { request_id: c.get('requestId'), method: c.req.method, path: c.req.path, err });
  return refuse(c, 500, 'Something went wrong', [`Something went wrong on our side. Quote ${c.get('requestId')} if you contact support.`], 'INTERNAL');
}
