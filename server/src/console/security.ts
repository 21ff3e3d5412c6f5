/**
 * The console's browser-facing security: its cookies, its CSRF tokens, the headers on
 * every console response, and the `next` parameter of the login page.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CookieOptions } from 'hono/utils/cookie';

/** The session cookie: the opaque token of `domain/sessions.ts`. */
export const SESSION_COOKIE = 'tts_session';
/** A random seed for the CSRF token of the sign-in and sign-up forms, which have no session yet. */
export const LOGIN_COOKIE = 'tts_login';
/**
 * The known-device token of the password guard (`domain/password-guard.ts`): this browser
 * signed in to the account before, so its password attempts are counted apart from strangers'.
 * It outlives sign-out on purpose; it grants nothing without the password.
 */
export const DEVICE_COOKIE = 'tts_device';
/**
 * Where the console remembers the publishable key the organizer last saw, per mode (see decision 0011).
 *
 * @example
 * publishableKeyCookie(false); // 'tts_pk_test'
 */
export const publishableKeyCookie = (livemode: boolean) => (livemode ? 'tts_pk_live' : 'tts_pk_test');

/** Everything under /console is the console; cookies go nowhere else (not to the API, not to checkout). */
export const CONSOLE_PATH = '/console';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Whether console cookies carry `Secure`: always, except when the server is reached over
 * plain http on this machine, where browsers would otherwise drop them (docs/console.md#security).
 *
 * @example
 * secureCookies('https://tickets.example.com'); // true
 * secureCookies('http://localhost:8787'); // false
 */
export function secureCookies(publicUrl: string): boolean {
  const url = new URL(publicUrl);
  return !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
}

/**
 * Options of every console cookie: HttpOnly (no script reads them), SameSite=Lax (not sent
 * on cross-site POSTs), scoped to /console, Secure as {@link secureCookies} decides.
 * Without `maxAge` a cookie ends with the browser session; the server-side expiry decides anyway.
 *
 * @example
 * setCookie(c, SESSION_COOKIE, token, consoleCookie(config.publicUrl));
 */
export function consoleCookie(publicUrl: string, maxAge?: number): CookieOptions {
  return { httpOnly: true, sameSite: 'Lax', path: CONSOLE_PATH, secure: secureCookies(publicUrl), ...(maxAge === undefined ? {} : { maxAge }) };
}

function hmac(secret: string, purpose: string, value: string): string {
  return createHmac('sha256', secret).update(`tts:console:${purpose}:${value}`).digest('base64url');
}

/**
 * The CSRF token of a session: an HMAC of its stored id under TTS_SECRET, so it needs no
 * storage, changes when the session rotates at sign-in, and cannot be made without the secret.
 *
 * @example
 * const token = sessionCsrfToken(config.secret, session._id);
 */
export function sessionCsrfToken(secret: string, sessionId: string): string {
  return hmac(secret, 'csrf', sessionId);
}

/**
 * The CSRF token of the sign-in and sign-up forms, bound to the {@link LOGIN_COOKIE} seed
 * (a signed double-submit cookie): a forged sign-in from another site cannot read the seed,
 * so it cannot make the token, and so cannot sign a victim into the attacker's account.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html#signed-double-submit-cookie-recommended
 *
 * @example
 * const token = loginCsrfToken(config.secret, getCookie(c, LOGIN_COOKIE));
 */
export function loginCsrfToken(secret: string, seed: string): string {
  return hmac(secret, 'login-csrf', seed);
}

/**
 * A fresh seed for {@link LOGIN_COOKIE}: 128 random bits.
 *
 * @example
 * setCookie(c, LOGIN_COOKIE, newLoginSeed(), consoleCookie(publicUrl));
 */
export function newLoginSeed(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * Compares a presented token with the expected one in constant time.
 *
 * @example
 * sameToken(form._csrf, expected); // false for undefined, a wrong token or one of another length
 */
export function sameToken(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Where to go after signing in: a console path from `?next=`, or the dashboard. Anything
 * that could leave the console (another host, `//evil.example`, `/\evil.example`, a path
 * that `..` walks out of /console) becomes the dashboard: no open redirect.
 *
 * @example
 * safeNext('/console/events/evt_1?tab=embed'); // '/console/events/evt_1?tab=embed'
 * safeNext('https://evil.example/'); // '/console'
 */
export function safeNext(raw: string | undefined | null): string {
  const fallback = CONSOLE_PATH;
  if (!raw || raw.length > 2000 || !raw.startsWith(CONSOLE_PATH)) return fallback;
  // Browsers treat a backslash as a slash, and control characters can split a header.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  if (/[\\\u0000-\u001f\u007f]/.test(raw)) return fallback;
  const base = 'http://console.invalid';
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base) return fallback;
  if (url.pathname !== CONSOLE_PATH && !url.pathname.startsWith(`${CONSOLE_PATH}/`)) return fallback;
  return `${url.pathname}${url.search}`;
}

/**
 * The policy of every console page: scripts and styles only from our own files (no inline
 * script, no `eval`), images from us or `data:`, fetches only to us, forms only to us, no
 * framing by anyone.
 */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/** Console pages use none of these; the door scanner alone asks for the camera. */
export const CONSOLE_PERMISSIONS = 'camera=(), microphone=(), geolocation=(), payment=(), usb=()';
export const SCANNER_PERMISSIONS = 'camera=(self), microphone=(), geolocation=(), payment=(), usb=()';
