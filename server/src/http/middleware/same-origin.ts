import type { Context, MiddlewareHandler } from 'hono';
import { AppError } from '../../kernel/errors.js';
import type { AppEnv } from '../context.js';

/** Options for {@link requireSameOrigin}. */
export interface SameOriginOptions {
  /** Builds the refusal (an HTML page, say); by default a FORBIDDEN error for the app's `onError`. */
  onRefuse?: (c: Context<AppEnv>) => Response | Promise<Response>;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses state-changing requests (anything but GET, HEAD, OPTIONS) that a page on
 * another origin made the browser send: cross-site request forgery against the
 * hosted pages and the console, which act on cookies.
 *
 * A request passes when its `Origin` is our public origin (`config.publicUrl`), or
 * when it has no `Origin` but the browser vouches with `Sec-Fetch-Site: same-origin`.
 * Everything else, including a missing `Origin` with no Fetch Metadata and the opaque
 * `Origin: null` (sandboxed frames, `Referrer-Policy: no-referrer`), is refused: every
 * browser we support sends one of the two headers on a form POST, so "no evidence"
 * is treated as "not us" (OWASP's verifying-origin defence).
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html#using-standard-headers-to-verify-origin
 * @see https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Sec-Fetch-Site
 *
 * @example
 * router.post('/checkout/:eventId', requireSameOrigin({ onRefuse: renderForbidden }), handler);
 */
export function requireSameOrigin(options: SameOriginOptions = {}): MiddlewareHandler<AppEnv> {
  return async function requireSameOriginMiddleware(c, next) {
    if (SAFE_METHODS.has(c.req.method)) return next();
    const ours = new URL(c.var.deps.config.publicUrl).origin;
    const origin = c.req.header('Origin');
    // A page served with `Referrer-Policy: no-referrer` (the waiting-list claim page, whose URL holds
    // its token) makes the browser send `Origin: null` even to its own origin; the browser-set
    // `Sec-Fetch-Site` then says where the form came from.
    const sameOrigin = origin === undefined || origin === 'null' ? c.req.header('Sec-Fetch-Site') === 'same-origin' : origin === ours;
    if (sameOrigin) return next();
    if (options.onRefuse) return options.onRefuse(c);
    throw new AppError('FORBIDDEN', 'This form was sent from another site, so it was refused. Go back to the page and try again.');
  };
}
