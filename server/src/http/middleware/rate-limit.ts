import type { Context, MiddlewareHandler } from 'hono';
import { AppError } from '../../kernel/errors.js';
import { assertValidRule, createRateLimiter, type RateLimitDecision, type RateLimiter, type RateLimitRule } from '../../domain/rate-limit.js';
import type { AppDeps, AppEnv } from '../context.js';

/** Options for {@link rateLimit}. */
export interface RateLimitOptions extends RateLimitRule {
  /** Names the counter, so two limits on one client never share a count (`signup`, `otp-ip`). */
  name: string;
  /** What is counted; default: the client's IP address (an IPv6 client's /64 network). */
  key?: (c: Context<AppEnv>) => string | Promise<string>;
  /** The 429 message; default: a generic "too many requests". */
  message?: string;
}

// `deps` has no limiter yet, so one is built per app (its store and clock) and kept for later requests.
const limiters = new WeakMap<AppDeps, RateLimiter>();

function limiterFor(deps: AppDeps): RateLimiter {
  let limiter = limiters.get(deps);
  if (limiter === undefined) {
    limiter = createRateLimiter({ store: deps.store, clock: deps.clock });
    limiters.set(deps, limiter);
  }
  return limiter;
}

/**
 * Limits how often one client (or whatever `key` returns) may call the routes it guards, with
 * counters in the store so all servers share them.
 *
 * Every response it lets through carries `RateLimit-Limit`, `RateLimit-Remaining` and
 * `RateLimit-Reset` (seconds until the window ends), the field names of the IETF draft
 * (https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/); a refused request
 * gets 429 RATE_LIMITED in the API's error body, the same headers and `Retry-After`.
 *
 * @example
 * app.use('/v1/accounts', rateLimit({ name: 'signup', limit: 10, windowSeconds: 3600 }));
 * app.use('/v1/orders/:id/resend-code', rateLimit({ name: 'otp-resend', limit: 5, windowSeconds: 3600, key: (c) => c.req.param('id') ?? '' }));
 */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler<AppEnv> {
  const { name, key } = options;
  const rule: RateLimitRule = { limit: options.limit, windowSeconds: options.windowSeconds };
  const message = options.message ?? 'Too many requests. Wait for the time in the Retry-After header, then try again.';
  if (name === '') throw new TypeError('A rate limit needs a name');
  assertValidRule(rule);

  return async function rateLimitMiddleware(c, next) {
    const subject = key === undefined ? c.get('clientKey') : await key(c);
    const decision = await limiterFor(c.var.deps).hit(`${name}:${subject}`, rule);
    if (!decision.allowed) {
      // Prepared headers are kept by the error response that onError builds with c.json().
      setRateLimitHeaders(c, decision);
      throw new AppError('RATE_LIMITED', message, undefined, decision.retryAfterSeconds);
    }
    await next();
    // Set after the handler so a response it built itself (not through c.json) gets them too.
    setRateLimitHeaders(c, decision);
  };
}

function setRateLimitHeaders(c: Context, decision: RateLimitDecision): void {
  c.header('RateLimit-Limit', String(decision.limit));
  c.header('RateLimit-Remaining', String(decision.remaining));
  c.header('RateLimit-Reset', String(decision.resetSeconds));
}
