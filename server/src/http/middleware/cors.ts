import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.js';

const ALLOWED_HEADERS = 'Authorization, Content-Type, Idempotency-Key';
const EXPOSED_HEADERS = 'X-Request-Id, Retry-After';

/**
 * CORS for `/v1`. Preflights are answered for any origin, because the browser
 * sends neither the key nor the body with them, so nothing is known yet to
 * decide on. The real request is decided where the event is known: publishable-key
 * routes pass `foreignOrigin(c)` to the domain's `canSellFrom`, and secret keys from browsers are refused by
 * the auth middleware. No cookies are ever honoured on `/v1` (keys are bearer
 * tokens), so reflecting the origin grants a page nothing it could not do itself;
 * and it lets the developer's JavaScript read our error messages.
 */
export function apiCors(): MiddlewareHandler<AppEnv> {
  return async function apiCorsMiddleware(c, next) {
    const origin = c.req.header('Origin');
    if (origin === undefined) return next();
    if (c.req.method === 'OPTIONS') {
      return c.body(null, 204, {
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': 'GET, POST, PATCH, DELETE, OPTIONS',
        'Access-Control-Allow-Headers': ALLOWED_HEADERS,
        'Access-Control-Max-Age': '600',
        Vary: 'Origin',
      });
    }
    c.header('Access-Control-Allow-Origin', origin);
    c.header('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    c.header('Vary', 'Origin');
    await next();
  };
}

/**
 * The origin of the web page behind a browser request from another site, for the domain's
 * `canSellFrom`: undefined for requests without `Origin` (servers) and for our own hosted
 * pages, which may always sell.
 *
 * @example
 * assertCanSellFrom(event, foreignOrigin(c));
 */
export function foreignOrigin(c: Context<AppEnv>): string | undefined {
  const origin = c.req.header('Origin');
  // Servers send no Origin: parse our own URL only for browsers.
  if (origin === undefined) return undefined;
  return origin === new URL(c.get('deps').config.publicUrl).origin ? undefined : origin;
}
