import type { MiddlewareHandler } from 'hono';

/**
 * The security headers every response carries unless its handler set its own, by lower-case
 * name: Hono's `secureHeaders()` defaults, which this middleware replaces, with the referrer
 * policy `strict-origin-when-cross-origin`.
 */
export const SECURITY_HEADERS: ReadonlyArray<readonly [name: string, value: string]> = [
  ['cross-origin-resource-policy', 'same-origin'],
  ['cross-origin-opener-policy', 'same-origin'],
  ['origin-agent-cluster', '?1'],
  ['referrer-policy', 'strict-origin-when-cross-origin'],
  ['strict-transport-security', 'max-age=15552000; includeSubDomains'],
  ['x-content-type-options', 'nosniff'],
  ['x-dns-prefetch-control', 'off'],
  ['x-download-options', 'noopen'],
  ['x-frame-options', 'SAMEORIGIN'],
  ['x-permitted-cross-domain-policies', 'none'],
  ['x-xss-protection', '0'],
];

/**
 * Puts {@link SECURITY_HEADERS} on every response, after the handler and the inner
 * middleware ran, keeping any of them a handler or an inner middleware set (the QR image's
 * cross-origin resource policy, the console's `X-Frame-Options: DENY`), and drops
 * `X-Powered-By`.
 *
 * What Hono's `secureHeaders({ overwrite: false })` does, for less work on every request:
 * it asked the response's headers whether each of the eleven was there; this reads the names
 * the response has once (a handful) and only sets the missing ones
 * (docs/decisions/0055-public-read-cost.md).
 *
 * @example
 * app.use('*', securityHeaders());
 */
export function securityHeaders(): MiddlewareHandler {
  return async function securityHeadersMiddleware(c, next) {
    await next();
    const headers = c.res.headers;
    // Names come back in lower case, as SECURITY_HEADERS spells them.
    const present = new Set(headers.keys());
    for (const [name, value] of SECURITY_HEADERS) if (!present.has(name)) headers.set(name, value);
    if (present.has('x-powered-by')) headers.delete('x-powered-by');
  };
}
