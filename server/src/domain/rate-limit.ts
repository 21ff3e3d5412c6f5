/**
 * Fixed-window rate limits whose counters live in the store, so every server behind the
 * load balancer counts the same hits (docs/architecture.md#many-servers).
 *
 * One document per key and window: `{ _id: <sha256(key)>:<window seconds>:<window start ms>,
 * count, expires_at }`. A hit is one atomic `$inc` with an upsert (`findOneAndUpdate`), so
 * concurrent hits never lose a count; `expires_at` is the window's end, the same value on every
 * hit, which is why the upsert needs no `$setOnInsert`. Keys are hashed because they are
 * e-mail addresses and IP addresses, which we do not keep in clear for a counter.
 *
 * Fixed windows admit up to 2 × limit across a window boundary; that is the accepted price for
 * one document write per hit (a sliding log would store one document per hit).
 */
import { createHash } from 'node:crypto';
import { DuplicateKeyError, type Doc, type IndexSpec, type Store } from '../store/port.js';
import type { Clock } from '../kernel/clock.js';
import { AppError } from '../kernel/errors.js';

/** How many hits one key may make per window. */
export interface RateLimitRule {
  /** Hits allowed per window (a positive integer). */
  limit: number;
  /** Window length in seconds (a positive integer); windows are aligned to the Unix epoch. */
  windowSeconds: number;
}

/** The outcome of one hit. */
export interface RateLimitDecision {
  allowed: boolean;
  /** The rule's limit, for the `RateLimit-Limit` header. */
  limit: number;
  /** Hits left in this window after this one (never negative). */
  remaining: number;
  /** Seconds until the window ends and the count starts again (at least 1). */
  resetSeconds: number;
  /** Seconds to wait before trying again: `resetSeconds` when refused, 0 when allowed. */
  retryAfterSeconds: number;
}

/** Counts hits per key in fixed windows shared through the store. */
export interface RateLimiter {
  /** Counts one hit against `key` (refused hits count too) and says whether it is allowed. */
  hit(key: string, rule: RateLimitRule): Promise<RateLimitDecision>;
  /** Counts one hit and throws RATE_LIMITED (with `retryAfterSeconds`) when it is refused. */
  assertAllowed(key: string, rule: RateLimitRule, message: string): Promise<RateLimitDecision>;
}

/** The stored counter; the key itself is never stored, only its hash inside `_id`. */
interface RateLimitCounter extends Doc {
  count: number;
  expires_at: Date;
}

/** Collection holding the counters. */
export const RATE_LIMIT_COLLECTION = 'rate_limits';

/**
 * Indexes the rate limiter needs: counters disappear once their window has ended.
 *
 * @example
 * await store.ensureIndexes([...INDEXES, ...RATE_LIMIT_INDEXES]);
 */
export const RATE_LIMIT_INDEXES: readonly IndexSpec[] = [{ collection: RATE_LIMIT_COLLECTION, keys: { expires_at: 1 }, expireAfterSeconds: 0 }];

/**
 * Throws a `TypeError` unless the rule is whole positive numbers; the middleware calls it when
 * it is built, so a mistyped rule stops the start instead of failing every request.
 *
 * @example
 * assertValidRule({ limit: 5, windowSeconds: 3600 });
 */
export function assertValidRule(rule: RateLimitRule): void {
  if (!Number.isInteger(rule.limit) || rule.limit < 1) throw new TypeError(`Rate limit must be a positive integer, got ${rule.limit}`);
  if (!Number.isInteger(rule.windowSeconds) || rule.windowSeconds < 1) {
    throw new TypeError(`Rate limit window must be a positive whole number of seconds, got ${rule.windowSeconds}`);
  }
}

/**
 * Creates a limiter over `store`, reading time from `clock` (a `ManualClock` in tests).
 *
 * @example
 * const limiter = createRateLimiter({ store, clock });
 * await limiter.assertAllowed(`otp-email:${email}`, { limit: 5, windowSeconds: 3600 }, 'Too many codes sent to this address; try again later.');
 */
export function createRateLimiter({ store, clock }: { store: Store; clock: Clock }): RateLimiter {
  const counters = store.collection<RateLimitCounter>(RATE_LIMIT_COLLECTION);

  async function hit(key: string, rule: RateLimitRule): Promise<RateLimitDecision> {
    assertValidRule(rule);
    const now = clock.now().getTime();
    const windowMs = rule.windowSeconds * 1000;
    const windowStart = Math.floor(now / windowMs) * windowMs;
    const windowEnd = new Date(windowStart + windowMs);
    // The window length is part of the id so two rules on one key never share a counter.
    const _id = `${createHash('sha256').update(key).digest('hex')}:${rule.windowSeconds}:${windowStart}`;
    const increment = () => counters.findOneAndUpdate({ _id }, { $inc: { count: 1 }, $set: { expires_at: windowEnd } }, { upsert: true });
    let counter: RateLimitCounter | null;
    try {
      counter = await increment();
    } catch (error) {
      // Two first hits may both try to insert; the loser's retry finds the winner's document.
      if (!(error instanceof DuplicateKeyError)) throw error;
      counter = await increment();
    }
    const count = counter?.count ?? 1;
    const allowed = count <= rule.limit;
    const resetSeconds = Math.max(1, Math.ceil((windowEnd.getTime() - now) / 1000));
    return { allowed, limit: rule.limit, remaining: Math.max(0, rule.limit - count), resetSeconds, retryAfterSeconds: allowed ? 0 : resetSeconds };
  }

  async function assertAllowed(key: string, rule: RateLimitRule, message: string): Promise<RateLimitDecision> {
    const decision = await hit(key, rule);
    if (!decision.allowed) throw new AppError('RATE_LIMITED', message, undefined, decision.retryAfterSeconds);
    return decision;
  }

  return { hit, assertAllowed };
}
