import type { MiddlewareHandler } from 'hono';
import { AppError } from '../../kernel/errors.js';
import type { EventDoc } from '../../domain/events.js';
import type { AppEnv } from '../context.js';

const ALLOWED_HEADERS = 'Authorization, Content-Type, Idempotency-Key';
const EXPOSED_HEADERS = 'X-Request-Id, Retry-After';

/**
 * CORS for `/v1`. Preflights are answered for any origin, because the browser
 * sends neither the key nor the body with them, so nothing is known yet to
 * decide on. The real request is decided where the event is known: publishable-key
 * routes call `assertOriginAllowed`, and secret keys from browsers are refused by
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
 * Refuses a browser request from an origin the event does not allow. Requests
 * without `Origin` (servers, same-origin GETs) and our own hosted pages pass.
 * An event with no `allowed_origins` sells from anywhere in test mode and from
 * nowhere but our hosted pages in live mode.
 */
export function assertOriginAllowed(origin: string | undefined, event: EventDoc, ownOrigin: string): void {
  if (origin === undefined || origin === ownOrigin) return;
  if (event.allowed_origins.includes(origin)) return;
  if (event.allowed_origins.length === 0 && !event.livemode) return;
  throw new AppError('FORBIDDEN', `The origin ${origin} may not sell this event. Add it to the event's allowed_origins.`, { origin, allowed_origins: event.allowed_origins });
}
