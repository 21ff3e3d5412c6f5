import type { Context, MiddlewareHandler } from 'hono';
import { AppError } from '../../kernel/errors.js';
import type { KeyAuth } from '../../domain/accounts.js';
import { keyCaller } from '../key-callers.js';
import { assertMayUse } from '../route-permissions.js';
import type { AppEnv } from '../context.js';

/** Which keys an endpoint takes: `secret` only, or either kind (`any`). */
export type KeyRequirement = 'secret' | 'any';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Authenticates `Authorization: Bearer <key>` and puts the caller on the context (`auth`, `owner`).
 *
 * - no key, an unknown key or a rolled key → 401 UNAUTHENTICATED;
 * - a secret key sent by a browser (any request with an `Origin` header) → 403,
 *   before the key is even looked up: a secret key in a web page is already leaked;
 * - a publishable key on a secret-key endpoint → 403 saying which key to use.
 *
 * @example
 * app.use('/v1/events/*', requireKey('secret'));
 */
export function requireKey(requirement: KeyRequirement): MiddlewareHandler<AppEnv> {
  return async function requireKeyMiddleware(c, next) {
    const header = c.req.header('Authorization');
    const raw = header?.match(BEARER)?.[1];
    if (!raw) {
      throw new AppError('UNAUTHENTICATED', 'Missing API key. Send it as `Authorization: Bearer <key>`.');
    }
    if ((raw.startsWith('sk_') || raw.startsWith('rk_')) && c.req.header('Origin') !== undefined) {
      throw new AppError(
        'FORBIDDEN',
        'A secret key was sent from a browser. Secret keys belong on your server only: use your publishable key (pk_…) in web pages, and roll this secret key now.',
      );
    }
    // c.get, not c.var: c.var copies every variable into a new object on each access.
    const auth = await c.get('services').accounts.authenticateKey(raw);
    if (!auth) {
      throw new AppError('UNAUTHENTICATED', 'The API key is not valid: it is mistyped, or it was rolled.');
    }
    if (requirement === 'secret' && auth.key.kind !== 'secret') {
      throw new AppError('FORBIDDEN', 'This endpoint needs a secret key (sk_…). Publishable keys (pk_…) can only read public event data and start orders.');
    }
    setCaller(c, auth);
    await next();
  };
}

/**
 * Puts an authenticated key on the context: `auth`, `owner` (the account and mode whose data
 * the request may see) and `actor`, and guards `services` for it. The one place a key becomes
 * an owner. A restricted key (`rk_…`) using a route beyond its permissions is refused here,
 * naming the permission; the guarded services refuse the same in the domain.
 * @throws AppError FORBIDDEN
 *
 * @example
 * setCaller(c, auth); // then c.get('owner') in the handler
 */
export function setCaller(c: Context<AppEnv>, auth: KeyAuth): void {
  const { actor, owner, services } = keyCaller(c.get('services'), auth);
  assertMayUse(actor, c.req.method, c.req.path);
  c.set('auth', auth);
  c.set('owner', owner);
  c.set('actor', actor);
  c.set('services', services);
}

/**
 * Like `requireKey('any')` when an `Authorization` header is sent, and a no-op
 * without one: for endpoints with a public view and a fuller keyed view.
 *
 * @example
 * app.get('/v1/tickets/:id', optionalKey(), handler); // c.var.auth is set only with a key
 */
export function optionalKey(): MiddlewareHandler<AppEnv> {
  const keyed = requireKey('any');
  return async function optionalKeyMiddleware(c, next) {
    if (c.req.header('Authorization') === undefined) return next();
    return keyed(c, next);
  };
}
