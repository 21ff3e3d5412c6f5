import { beforeEach, describe, expect, it } from 'vitest';
import { createEmbeddedStore } from '../store/embedded.js';
import type { Store } from '../store/port.js';
import { ManualClock } from '../kernel/clock.js';
import { AppError } from '../kernel/errors.js';
import { createRateLimiter, RATE_LIMIT_COLLECTION, RATE_LIMIT_INDEXES } from './rate-limit.js';

// The embedded store's TTL sweep uses the real time, so the manual clock starts after it:
// counters must only expire when this clock says so.
const START = '2030-01-01T10:00:00.000Z';
const RULE = { limit: 10, windowSeconds: 60 };

describe('createRateLimiter', () => {
  let store: Store;
  let clock: ManualClock;

  beforeEach(async () => {
    store = await createEmbeddedStore({});
    await store.ensureIndexes(RATE_LIMIT_INDEXES);
    clock = new ManualClock(START);
  });

  it('allows exactly the limit when 100 hits arrive at once', async () => {
    const limiter = createRateLimiter({ store, clock });
    const decisions = await Promise.all(Array.from({ length: 100 }, () => limiter.hit('ip:203.0.113.7', RULE)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    expect(decisions.filter((d) => !d.allowed).every((d) => d.remaining === 0 && d.retryAfterSeconds === 60)).toBe(true);
    expect(
      decisions
        .map((d) => d.remaining)
        .sort((a, b) => b - a)
        .slice(0, 10),
    ).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
  });

  it('counts down remaining and starts again when the window rolls over', async () => {
    const limiter = createRateLimiter({ store, clock });
    const rule = { limit: 2, windowSeconds: 60 };
    expect(await limiter.hit('k', rule)).toMatchObject({ allowed: true, remaining: 1, resetSeconds: 60, retryAfterSeconds: 0 });
    expect(await limiter.hit('k', rule)).toMatchObject({ allowed: true, remaining: 0 });
    expect(await limiter.hit('k', rule)).toMatchObject({ allowed: false, remaining: 0 });
    clock.advance(60_000);
    expect(await limiter.hit('k', rule)).toMatchObject({ allowed: true, remaining: 1, resetSeconds: 60 });
  });

  it('tells a refused caller how long until the window ends, rounded up', async () => {
    const limiter = createRateLimiter({ store, clock });
    const rule = { limit: 1, windowSeconds: 3600 };
    clock.advance(20 * 60_000 + 500); // 20 min 0.5 s into the hour
    await limiter.hit('k', rule);
    const refused = await limiter.hit('k', rule);
    expect(refused).toMatchObject({ allowed: false, retryAfterSeconds: 40 * 60, resetSeconds: 40 * 60 });
    clock.advance(40 * 60_000 - 1_000); // 0.5 s left
    expect((await limiter.hit('k', rule)).retryAfterSeconds).toBe(1);
  });

  it('shares counts between limiters on one store, as separate servers would', async () => {
    const a = createRateLimiter({ store, clock });
    const b = createRateLimiter({ store, clock });
    const rule = { limit: 3, windowSeconds: 60 };
    await Promise.all([a.hit('shared', rule), b.hit('shared', rule), a.hit('shared', rule)]);
    expect((await b.hit('shared', rule)).allowed).toBe(false);
  });

  it('keeps keys and rules apart', async () => {
    const limiter = createRateLimiter({ store, clock });
    await limiter.hit('a', { limit: 1, windowSeconds: 60 });
    expect((await limiter.hit('b', { limit: 1, windowSeconds: 60 })).allowed).toBe(true);
    // Same key, another window length: its own counter (minute 0 of an hour starts both windows).
    expect((await limiter.hit('a', { limit: 1, windowSeconds: 3600 })).allowed).toBe(true);
  });

  it('stores the key only as a SHA-256 hash', async () => {
    const limiter = createRateLimiter({ store, clock });
    await limiter.hit('otp-email:asha@example.com', RULE);
    const [doc] = await store.collection(RATE_LIMIT_COLLECTION).find({});
    expect(JSON.stringify(doc)).not.toContain('asha');
    expect(doc?._id).toMatch(/^[0-9a-f]{64}:60:\d+$/);
    expect(doc).toMatchObject({ count: 1, expires_at: new Date('2030-01-01T10:01:00.000Z') });
  });

  it('assertAllowed throws RATE_LIMITED with the wait and the given message', async () => {
    const limiter = createRateLimiter({ store, clock });
    const rule = { limit: 1, windowSeconds: 60 };
    await limiter.assertAllowed('k', rule, 'Slow down.');
    const error = await limiter.assertAllowed('k', rule, 'Slow down.').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'RATE_LIMITED', message: 'Slow down.', retryAfterSeconds: 60 });
  });

  it('refuses a rule that is not positive whole numbers', async () => {
    const limiter = createRateLimiter({ store, clock });
    await expect(limiter.hit('k', { limit: 0, windowSeconds: 60 })).rejects.toThrow(TypeError);
    await expect(limiter.hit('k', { limit: 1, windowSeconds: 0.5 })).rejects.toThrow(TypeError);
  });
});
