/**
 * When the outbox retries and when it gives up: the backoff schedule and which failures
 * are permanent. Kept apart from the worker so both can be tested and tuned alone.
 */

/** Milliseconds to wait before the next attempt, given how many attempts have failed (≥ 1). */
export type Backoff = (failedAttempts: number) => number;

/** Options for {@link exponentialBackoff}. */
export interface ExponentialBackoffOptions {
  /** Delay after the first failure (default 30 s). */
  baseMs?: number;
  /** Upper bound for any delay (default 1 h). */
  maxMs?: number;
  /** Fraction of the delay that is randomised away, 0–1 (default 0.2). */
  jitter?: number;
  /** Source of randomness in [0, 1); injectable so tests get an exact schedule. */
  random?: () => number;
}

/**
 * Doubling delays with jitter: `min(max, base · 2^(n-1))`, reduced by up to `jitter` of
 * itself at random. The jitter keeps a crowd of jobs that failed together (an SMTP outage)
 * from all retrying in the same instant when the server comes back
 * (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
 *
 * @example
 * exponentialBackoff({ baseMs: 1000, jitter: 0 })(3) // 4000
 */
export function exponentialBackoff(options: ExponentialBackoffOptions = {}): Backoff {
  const baseMs = options.baseMs ?? 30_000;
  const maxMs = options.maxMs ?? 3_600_000;
  const jitter = Math.min(1, Math.max(0, options.jitter ?? 0.2));
  const random = options.random ?? Math.random;
  return function backoff(failedAttempts) {
    const exponent = Math.max(0, failedAttempts - 1);
    const delay = Math.min(maxMs, baseMs * 2 ** Math.min(exponent, 40));
    return Math.round(delay * (1 - jitter * random()));
  };
}

/**
 * Thrown by a renderer when retrying cannot help (the order was deleted, the address is
 * malformed): the job goes straight to `dead` instead of retrying for an hour.
 *
 * @example
 * if (!order) throw new PermanentDeliveryError(`order ${job.payload.order} no longer exists`);
 */
export class PermanentDeliveryError extends Error {
  override readonly name = 'PermanentDeliveryError';
}

/**
 * SMTP replies that name the recipient address as the problem: enhanced status 5.1.x
 * (RFC 3463 §3.2: bad mailbox, bad domain, bad syntax), 551 user not local and 553 mailbox
 * name not allowed (RFC 5321 §4.2.3). Retrying them an hour later gets the same answer.
 * A bare 550 is left retrying on purpose: servers also use it for "relaying denied" and
 * policy blocks, which an operator can fix, and `retry` exists for the rest.
 */
const PERMANENT_SMTP_REPLIES = new Set([551, 553]);
const ADDRESS_STATUS = /(^|\s)5\.1\.\d{1,3}(\s|$)/;

/**
 * Whether a send error means "never retry".
 *
 * @example
 * isPermanentFailure(Object.assign(new Error('rejected'), { responseCode: 550, response: '550 5.1.1 no such user' })) // true
 */
export function isPermanentFailure(error: unknown): boolean {
  if (error instanceof PermanentDeliveryError) return true;
  const smtp = (error ?? {}) as { responseCode?: unknown; response?: unknown };
  if (typeof smtp.responseCode !== 'number' || smtp.responseCode < 500) return false;
  if (PERMANENT_SMTP_REPLIES.has(smtp.responseCode)) return true;
  return typeof smtp.response === 'string' && ADDRESS_STATUS.test(smtp.response);
}
