import { createHash, randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode, StatusCode } from 'hono/utils/http-status';
import { AppError } from '../../kernel/errors.js';
import { op, DuplicateKeyError, type Collection, type Doc, type IndexSpec } from '../../store/port.js';
import type { AppEnv } from '../context.js';

/** Options for {@link idempotency}. */
export interface IdempotencyOptions {
  /** How long a finished response is replayed (default 24 h, docs/api-conventions.md#idempotency). */
  ttlSeconds?: number;
  /** How long a running request holds its key before another may take it over (default 60 s). */
  leaseSeconds?: number;
  /**
   * Secrets a response may carry that must never be stored, by top-level JSON field: the
   * record keeps the field as `null`, and a replay asks this function for it again (from the
   * replayed body). A secret it cannot give back (`null`) is left out of the replay.
   */
  secretFields?: Readonly<Record<string, ReplaySecret>>;
}

/** Computes a response's secret again for a replay; see {@link IdempotencyOptions.secretFields}. */
export type ReplaySecret = (c: Context<AppEnv>, body: Readonly<Record<string, unknown>>) => Promise<string | null>;

/** One key's record; `_id` hashes the caller's `Authorization` and the key, never storing either. */
interface IdempotencyRecord extends Doc {
  state: 'in_flight' | 'completed';
  /** SHA-256 of method, path and the raw body bytes. */
  fingerprint: string;
  /** Who holds the key: changes on every take-over, so a stale holder cannot finish or free it. */
  owner: string;
  lease_until: Date;
  expires_at: Date;
  created_at: Date;
  response?: StoredResponse;
}

interface StoredResponse {
  status: number;
  body: string;
  content_type: string | null;
  /** Secret fields nulled out of `body` before storing; a replay derives them again. */
  redacted?: string[];
}

/** Collection holding the records. */
export const IDEMPOTENCY_COLLECTION = 'idempotency_keys';

/**
 * Indexes idempotency needs: records disappear after their 24 h (MongoDB sweeps lazily, so
 * reads also filter on `expires_at`).
 *
 * @example
 * await store.ensureIndexes([...INDEXES, ...IDEMPOTENCY_INDEXES]);
 */
export const IDEMPOTENCY_INDEXES: readonly IndexSpec[] = [{ collection: IDEMPOTENCY_COLLECTION, keys: { expires_at: 1 }, expireAfterSeconds: 0 }];

const NULL_BODY_STATUSES = new Set([204, 205, 304]);
const KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * `Idempotency-Key` for POST requests (docs/api-conventions.md#idempotency), safe across servers: the record's unique `_id`
 * is the lock, so two servers racing on one key cannot both run the handler.
 *
 * - No header, or not a POST: the request passes untouched. A malformed key (not 1–255
 *   printable ASCII characters) is 400 VALIDATION_FAILED naming the header.
 * - Keys are scoped by the `Authorization` header (or `anonymous`), so two accounts using
 *   the same key never meet; the fingerprint is SHA-256 of method, path (with query) and the
 *   raw body bytes. Hono caches the body, so the route's validator still reads it.
 * - First request: an `in_flight` record is inserted, the handler runs, and the response
 *   (status, body, Content-Type) is stored and replayed for 24 h with `Idempotent-Replayed: true`.
 *   The replayed body is byte-identical, so it carries the first request's `request_id`;
 *   the replay's own id is in its `X-Request-Id` header.
 * - Secrets are not stored: a JSON response's `secretFields` (an order's `client_secret`)
 *   are kept as `null` and computed again when replayed, so a copy of the store holds no
 *   live credential.
 * - Anyone sending the same `Authorization`, key and body gets the replay, so with a
 *   publishable key (public by design) the key itself is what keeps it to one caller: clients
 *   must make it random, as the SDK and the widget do.
 * - Same key, different request: 422 IDEMPOTENCY_MISMATCH. Same key while the first still
 *   runs: 409 IDEMPOTENCY_IN_FLIGHT with `Retry-After: 1`. A record whose lease (60 s) ran
 *   out, because its server died mid-request, is taken over by one conditional update.
 * - Which outcomes are stored: every response below 500 except 429, including 4xx errors.
 *   A 4xx says the request itself was wrong or refused (SOLD_OUT, a validation error) and
 *   retrying the same bytes must give the same answer, as Stripe does. Thrown errors need no
 *   special path: Hono's compose hands any thrown `Error` to the app's `onError` at the layer
 *   that threw it, so `next()` resolves with `c.res` already rendered (the API's error body)
 *   and the status alone decides. 5xx and 429 (transient by definition) delete the record,
 *   as does anything that still escapes `next()`, so the client's retry runs the handler again.
 *
 * Register it after the body limit and after the JSON check, so refused bodies are never read.
 *
 * @example
 * app.use('/v1/*', idempotency());
 */
export function idempotency(options: IdempotencyOptions = {}): MiddlewareHandler<AppEnv> {
  const ttlMs = (options.ttlSeconds ?? 24 * 3600) * 1000;
  const leaseMs = (options.leaseSeconds ?? 60) * 1000;
  const secretFields = options.secretFields ?? {};

  return async function idempotencyMiddleware(c, next) {
    const key = c.req.header('Idempotency-Key');
    if (c.req.method !== 'POST' || key === undefined) return next();
    if (!KEY_PATTERN.test(key)) {
      throw new AppError('VALIDATION_FAILED', 'The Idempotency-Key header is malformed.', [{ field: 'Idempotency-Key', message: 'must be 1 to 255 printable ASCII characters' }]);
    }
    const authorization = c.req.header('Authorization');
    const scope = authorization === undefined ? 'anonymous' : sha256(authorization);
    const _id = sha256(`${scope}\n${key}`);
    const url = new URL(c.req.url);
    const body = new Uint8Array(await c.req.arrayBuffer());
    const fingerprint = createHash('sha256').update(`${c.req.method} ${url.pathname}${url.search}\n`).update(body).digest('hex');

    const records = c.var.deps.store.collection<IdempotencyRecord>(IDEMPOTENCY_COLLECTION);
    const claim = await acquire(records, _id, fingerprint, c.var.deps.clock.now(), ttlMs, leaseMs);
    if ('replay' in claim) {
      // A replay answers only a key that still works: a rolled key gets 401, not its old answers.
      const token = authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
      if (token !== undefined && !(await c.var.services.accounts.authenticateKey(token))) {
        throw new AppError('UNAUTHENTICATED', 'The API key is not valid: it is mistyped, or it was rolled.');
      }
      return replay(c, await restoreSecrets(c, claim.replay, secretFields));
    }

    try {
      await next();
    } catch (error) {
      await records.deleteOne({ _id, owner: claim.owner });
      throw error;
    }
    // Responses that carry secrets (new API keys) say `no-store`; they are never kept for replay.
    if (!isReplayable(c.res.status) || /no-store/i.test(c.res.headers.get('Cache-Control') ?? '')) {
      await records.deleteOne({ _id, owner: claim.owner });
      return;
    }
    const response = redactSecrets({ status: c.res.status, body: await c.res.clone().text(), content_type: c.res.headers.get('Content-Type') }, Object.keys(secretFields));
    try {
      await records.updateOne({ _id, owner: claim.owner }, { $set: { state: 'completed', response } });
    } catch (err) {
      // The handler's work is done; failing its caller now would only invite a second run.
      c.var.deps.logger.error('idempotency record not saved', { request_id: c.get('requestId'), err });
    }
  };
}

/** Parses a stored body as a JSON object, or null when it is not one (then nothing is secret). */
function jsonObject(response: StoredResponse): Record<string, unknown> | null {
  if (!/^application\/json\b/i.test(response.content_type ?? '')) return null;
  try {
    const parsed: unknown = JSON.parse(response.body);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * The response as it may be stored: each secret field nulled in place, so keys keep their
 * order and the restored replay is byte-identical to the first answer.
 */
function redactSecrets(response: StoredResponse, fields: readonly string[]): StoredResponse {
  const body = fields.length > 0 ? jsonObject(response) : null;
  const redacted = body ? fields.filter((field) => typeof body[field] === 'string') : [];
  if (!body || redacted.length === 0) return response;
  for (const field of redacted) body[field] = null;
  return { ...response, body: JSON.stringify(body), redacted };
}

async function restoreSecrets(c: Context<AppEnv>, response: StoredResponse, secretFields: Readonly<Record<string, ReplaySecret>>): Promise<StoredResponse> {
  const body = response.redacted?.length ? jsonObject(response) : null;
  if (!body || !response.redacted) return response;
  for (const field of response.redacted) {
    const value = (await secretFields[field]?.(c, body)) ?? null;
    if (value === null) delete body[field];
    else body[field] = value;
  }
  return { ...response, body: JSON.stringify(body) };
}

function isReplayable(status: number): boolean {
  return status < 500 && status !== 429;
}

/**
 * Becomes the key's owner, or finds the response to replay, or throws 409/422. Loops because
 * the record can change between the failed insert and the read (finished, freed, expired).
 */
async function acquire(
  records: Collection<IdempotencyRecord>,
  _id: string,
  fingerprint: string,
  now: Date,
  ttlMs: number,
  leaseMs: number,
): Promise<{ owner: string } | { replay: StoredResponse }> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const owner = randomUUID();
    const lease_until = new Date(now.getTime() + leaseMs);
    const fresh = { state: 'in_flight' as const, fingerprint, owner, lease_until, expires_at: new Date(now.getTime() + ttlMs), created_at: now };
    try {
      await records.insertOne({ _id, ...fresh });
      return { owner };
    } catch (error) {
      if (!(error instanceof DuplicateKeyError)) throw error;
    }
    const existing = await records.findOne({ _id, expires_at: op.gt(now) });
    if (existing === null) {
      // Past its 24 h but not yet swept by the TTL monitor: start over in the same document.
      const taken = await records.updateOne({ _id, expires_at: op.lte(now) }, { $set: fresh, $unset: { response: '' } });
      if (taken.matched === 1) return { owner };
      continue; // deleted meanwhile (a failed first run), or another request took it first
    }
    if (existing.fingerprint !== fingerprint) {
      throw new AppError('IDEMPOTENCY_MISMATCH', 'This Idempotency-Key was already used with a different request. Use a new key for a new request.');
    }
    if (existing.state === 'completed' && existing.response !== undefined) return { replay: existing.response };
    if (existing.lease_until > now) {
      throw new AppError('IDEMPOTENCY_IN_FLIGHT', 'A request with this Idempotency-Key is still being processed. Retry shortly.', undefined, 1);
    }
    // The holder's lease ran out (its server likely died): the owner condition lets exactly one taker win.
    const taken = await records.updateOne({ _id, state: 'in_flight', owner: existing.owner }, { $set: { owner, lease_until } });
    if (taken.matched === 1) return { owner };
  }
  throw new AppError('IDEMPOTENCY_IN_FLIGHT', 'A request with this Idempotency-Key is still being processed. Retry shortly.', undefined, 1);
}

function replay(c: Context<AppEnv>, response: StoredResponse): Response {
  c.header('Idempotent-Replayed', 'true');
  if (response.content_type !== null) c.header('Content-Type', response.content_type);
  // A 204 must have no body at all; `new Response('', { status: 204 })` throws.
  if (NULL_BODY_STATUSES.has(response.status)) return c.body(null, response.status as StatusCode);
  return c.body(response.body, response.status as ContentfulStatusCode);
}
