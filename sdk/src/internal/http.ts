import { makeApiError, retryAfterSeconds, TtsApiError, TtsConnectionError, TtsError, TtsTimeoutError } from '../errors.js';

/**
 * The `fetch` the client calls: the platform's, or one you pass (a proxy, a test app).
 *
 * @example
 * const tts = new TrendyTickets({ apiKey, fetch: (url, init) => app.request(url, init) });
 */
export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

/**
 * Per-call settings every resource method takes as its last argument.
 *
 * @example
 * await tts.tickets.issue(params, { idempotencyKey: paymentId, timeout: 10_000, maxRetries: 5 });
 */
export interface RequestOptions {
  /** Sent as `Idempotency-Key` on a POST instead of the random key the SDK makes. */
  idempotencyKey?: string;
  /** Aborts the call (no retry follows). */
  signal?: AbortSignal;
  /** Milliseconds per attempt; overrides the client's `timeout`. */
  timeout?: number;
  /** Overrides the client's `maxRetries`. */
  maxRetries?: number;
  /** Extra headers. */
  headers?: Record<string, string>;
}

/**
 * One API call, as resources describe it (and as `tts.request()` takes it).
 *
 * @example
 * const req: ApiRequest = { method: 'GET', path: '/v1/events', query: { limit: 5 } };
 */
export interface ApiRequest extends RequestOptions {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | null | undefined> | undefined;
  body?: unknown;
  /** Send the key (default true); false for public endpoints such as sign-up. */
  auth?: boolean;
  /** How to read a successful body (default `json`). */
  as?: 'json' | 'text' | 'bytes';
}

/**
 * Where retries read the time and wait. The default is the platform's (`Date.now`,
 * `setTimeout`); a test passes one whose `sleep` returns at once, so a retry costs no wall time.
 *
 * @example
 * let now = Date.parse('2030-01-01T00:00:00Z');
 * const clock: RetryClock = { now: () => now, sleep: async (ms) => { now += ms; } };
 * const tts = new TrendyTickets({ apiKey, clock });
 */
export interface RetryClock {
  /** Milliseconds since the epoch: what a `Retry-After` date is measured from. */
  now(): number;
  /** Resolves after `ms` milliseconds: the wait before a retry. */
  sleep(ms: number): Promise<void>;
}

/**
 * The platform's clock and timers: what the client waits with unless given a `clock`.
 *
 * @example
 * await systemClock.sleep(500);
 */
export const systemClock: RetryClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
};

/**
 * What the request core needs from the client.
 *
 * @example
 * await send({ apiKey, baseUrl, fetch, maxRetries: 2, timeout: 30_000, clock: systemClock }, { method: 'GET', path: '/v1/account' });
 */
export interface Transport {
  apiKey: string;
  baseUrl: string;
  fetch: Fetch;
  maxRetries: number;
  timeout: number;
  clock: RetryClock;
}

const MAX_BACKOFF_MS = 8_000;
/** A `Retry-After` longer than this is not waited out: the error is thrown for the caller to decide. */
const MAX_RETRY_AFTER_S = 60;

/**
 * A random idempotency key: a UUID where WebCrypto has one, else 128 random bits.
 *
 * @example
 * headers['Idempotency-Key'] = randomKey();
 */
export function randomKey(): string {
  // Typed structurally: the SDK compiles without the DOM library.
  const c = (globalThis as { crypto?: { randomUUID?: () => string; getRandomValues?: (bytes: Uint8Array) => Uint8Array } }).crypto;
  if (typeof c?.randomUUID === 'function') return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (typeof c?.getRandomValues === 'function') c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i += 1) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Exponential backoff with jitter: 0.5 s, 1 s, 2 s … capped at 8 s, each shortened by up to a
 * quarter at random so many clients do not retry in step.
 *
 * @example
 * backoffMs(0, () => 0); // 500
 */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(500 * 2 ** attempt, MAX_BACKOFF_MS);
  return Math.round(base * (1 - 0.25 * random()));
}

/**
 * Whether a failed response is worth another try (openai-node, stripe-node): 408, 429, 5xx,
 * and 409 only while the same idempotency key is still in flight. Other 4xx mean the request
 * itself is wrong, and sending it again gets the same answer.
 *
 * @example
 * isRetryable(makeApiError(503, null)); // true
 */
export function isRetryable(error: TtsApiError): boolean {
  const { status } = error;
  return status === 408 || status === 429 || status >= 500 || (status === 409 && error.code === 'IDEMPOTENCY_IN_FLIGHT');
}

function buildUrl(baseUrl: string, path: string, query: ApiRequest['query']): string {
  const url = `${baseUrl.replace(/\/+$/, '')}${path}`;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined && value !== null) params.set(key, String(value));
  const search = params.toString();
  return search ? `${url}?${search}` : url;
}

/**
 * Sends one API call with retries. Every attempt of a POST carries the same
 * `Idempotency-Key` and the same body bytes, so the server runs it at most once
 * and replays the first answer to a retry.
 *
 * @example
 * const account = await send<Account>(transport, { method: 'GET', path: '/v1/account' });
 */
export async function send<T>(transport: Transport, request: ApiRequest): Promise<T> {
  const maxRetries = request.maxRetries ?? transport.maxRetries;
  const timeout = request.timeout ?? transport.timeout;
  const accept = request.as === 'text' ? 'text/csv, application/json' : request.as === 'bytes' ? 'application/pdf, application/json' : 'application/json';
  const headers: Record<string, string> = { Accept: accept };
  if (request.auth !== false) headers.Authorization = `Bearer ${transport.apiKey}`;
  let body: string | undefined;
  if (request.body !== undefined) {
    body = JSON.stringify(request.body);
    headers['Content-Type'] = 'application/json';
  }
  if (request.method === 'POST') headers['Idempotency-Key'] = request.idempotencyKey ?? randomKey();
  Object.assign(headers, request.headers);
  const url = buildUrl(transport.baseUrl, request.path, request.query);

  for (let attempt = 0; ; attempt += 1) {
    let waitMs: number;
    try {
      return await attemptOnce<T>(transport.fetch, url, { method: request.method, headers, body }, timeout, request);
    } catch (error) {
      if (attempt >= maxRetries || request.signal?.aborted) throw error;
      if (error instanceof TtsApiError) {
        if (!isRetryable(error)) throw error;
        const after = retryAfterSeconds(error.headers, transport.clock.now());
        if (after !== null && after > MAX_RETRY_AFTER_S) throw error;
        waitMs = after !== null ? after * 1000 : backoffMs(attempt);
      } else if (error instanceof TtsConnectionError) {
        waitMs = backoffMs(attempt);
      } else {
        throw error;
      }
    }
    await transport.clock.sleep(waitMs);
  }
}

async function attemptOnce<T>(
  fetch: Fetch,
  url: string,
  init: { method: string; headers: Record<string, string>; body: string | undefined },
  timeout: number,
  request: ApiRequest,
): Promise<T> {
  if (request.signal?.aborted) throw new TtsError('The request was aborted.', { cause: request.signal.reason });
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeout);
  const onAbort = () => controller.abort();
  request.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const response = await fetch(url, { ...init, signal: controller.signal });
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (response.ok && request.as === 'bytes') return bytes as T;
    // `ignoreBOM` keeps a CSV's byte order mark, which Excel needs to read UTF-8 (Response.text() drops it).
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    if (!response.ok) throw makeApiError(response.status, parseJson(text), response.headers);
    if (request.as === 'text') return text as T;
    return (text ? JSON.parse(text) : null) as T;
  } catch (error) {
    if (error instanceof TtsError) throw error;
    if (timedOut) throw new TtsTimeoutError(`The request timed out after ${timeout} ms.`, { cause: error });
    if (request.signal?.aborted) throw new TtsError('The request was aborted.', { cause: error });
    if (error instanceof SyntaxError) throw new TtsError('The server sent a body that is not JSON.', { cause: error });
    throw new TtsConnectionError(`Could not reach the Trendy Ticket Service at ${new URL(url).origin}.`, { cause: error });
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener('abort', onAbort);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
