import type { MiddlewareHandler } from 'hono';
import { newId } from '../../kernel/ids.js';
import { clientKey } from '../client-ip.js';
import type { AppDeps, AppEnv } from '../context.js';

/**
 * Gives each request an id (`X-Request-Id: req_…`, also in every error body), makes the
 * services reachable, works out the caller's address once (`clientKey`, for rate limits),
 * and writes one structured access-log line.
 * Ids are always ours: an inbound header could be forged to confuse the logs.
 */
export function requestContext(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async function requestContextMiddleware(c, next) {
    const requestId = newId('req');
    const started = performance.now();
    c.set('requestId', requestId);
    c.set('services', deps.services);
    c.set('deps', deps);
    c.set('clientKey', clientKey(c, { trustProxy: deps.config.trustProxy }));
    c.header('X-Request-Id', requestId);
    await next();
    // Building the line costs more than the rest of a health check: skip it when info is off.
    if (!deps.logger.enabled('info')) return;
    deps.logger.info('request', {
      request_id: requestId,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
  };
}
