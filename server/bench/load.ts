/**
 * A small HTTP load generator for the benchmarks (`npm run bench`), on `node:http` with a
 * keep-alive agent, so the figures measure the server and not a client library.
 *
 * Two shapes of load:
 * - {@link runLoad}: one request, repeated by `concurrency` workers for a count or a duration
 *   (throughput and latency of one endpoint);
 * - {@link runUsers}: scripted multi-step users (a buyer who creates an order, then pays), every
 *   step timed under its name.
 *
 * Latency is `performance.now()` from handing the request to the agent until the response body
 * has been read to its end. With fewer sockets than users, it therefore includes the time a
 * request waits for a free socket: what a user in a queue experiences.
 */
import { setMaxListeners } from 'node:events';
import http from 'node:http';

/** What one request sends. `body` is sent as JSON unless it is already a string. */
export interface RequestSpec {
  method?: string;
  /** Absolute URL (`http://127.0.0.1:port/path`). */
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
}

/** One answered request. */
export interface Reply {
  status: number;
  /** The response body as text; `json()` parses it. */
  text: string;
  ms: number;
  json<T = unknown>(): T;
}

/** Latency summary in milliseconds (nearest-rank percentiles). */
export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Options for {@link runLoad}. Give `requests`, `durationMs`, or both (whichever ends first). */
export interface LoadOptions extends Omit<RequestSpec, 'body'> {
  body?: unknown;
  /** A body per request index, for requests that must differ (unique emails). Wins over `body`. */
  bodyFor?: (i: number) => unknown;
  /** Requests in flight at once, and the agent's `maxSockets`. */
  concurrency: number;
  requests?: number;
  durationMs?: number;
  /** A request slower than this is abandoned and counted as an error (default 30 s). */
  timeoutMs?: number;
  /** Sees every reply, e.g. to count outcomes carried in 200 bodies. */
  onReply?: (reply: Reply) => void;
  /**
   * Each worker starts a request at most once per `paceMs` (an open-loop rate, like a person
   * at a scanner); without it, workers send the next request the moment a reply arrives.
   */
  paceMs?: number;
}

/** What {@link runLoad} measured. */
export interface LoadResult extends LatencySummary {
  /** Requests answered or failed. */
  requests: number;
  /** Answered with a 2xx. */
  ok: number;
  statuses: Record<number, number>;
  /** Requests that got no response (connection reset, timeout). */
  errors: number;
  errorSamples: string[];
  durationMs: number;
  /** Requests (answered or failed) per second over the run. */
  rps: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_ERROR_SAMPLES = 5;

/** A keep-alive agent with `maxSockets` sockets; destroy it when done so no socket lingers. */
export function keepAliveAgent(maxSockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
}

function encodeBody(body: unknown): string | undefined {
  if (body === undefined) return undefined;
  return typeof body === 'string' ? body : JSON.stringify(body);
}

/**
 * Sends one request through `agent` and reads the whole response.
 * Rejects when no response arrives (network error, `timeoutMs`, or `signal` aborted).
 *
 * @example
 * const reply = await send(agent, { method: 'POST', url: `${base}/v1/orders`, headers, body: order });
 * if (reply.status === 201) console.log(reply.json<{ id: string }>().id);
 */
export function send(agent: http.Agent, spec: RequestSpec, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<Reply> {
  const payload = encodeBody(spec.body);
  const headers: Record<string, string | number> = { ...spec.headers };
  if (payload !== undefined) {
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = Buffer.byteLength(payload);
  }
  const start = performance.now();
  return new Promise<Reply>((resolve, reject) => {
    const req = http.request(spec.url, { method: spec.method ?? 'GET', headers, agent, signal: options.signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const ms = performance.now() - start;
        resolve({ status: res.statusCode ?? 0, text, ms, json: <T>() => JSON.parse(text) as T });
      });
    });
    req.setTimeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, () => req.destroy(new Error(`no response within ${options.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Nearest-rank percentiles of `samples` (sorted in place). */
export function summarize(samples: number[]): LatencySummary {
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.max(0, Math.ceil(q * samples.length) - 1))] ?? 0;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: samples.at(-1) ?? 0 };
}

function countInto(counts: Record<number, number>, status: number): void {
  counts[status] = (counts[status] ?? 0) + 1;
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.code ? `${e.code}: ${e.message}` : String(e?.message ?? err);
}

/**
 * Repeats one request with `concurrency` workers until `requests` have been sent or
 * `durationMs` has passed, over a keep-alive agent with `concurrency` sockets.
 *
 * @example
 * const r = await runLoad({ url: `${base}/v1/public/events/${id}`, headers, concurrency: 50, durationMs: 5000 });
 * console.log(r.rps, r.p99);
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { concurrency, requests, durationMs, bodyFor, timeoutMs } = options;
  if (requests === undefined && durationMs === undefined) throw new TypeError('runLoad needs requests or durationMs (it must stop by itself)');
  const agent = keepAliveAgent(concurrency);
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  const errorSamples: string[] = [];
  let errors = 0;
  let ok = 0;
  let issued = 0;
  const start = performance.now();
  const deadline = durationMs === undefined ? Infinity : start + durationMs;
  const more = () => (requests === undefined || issued < requests) && performance.now() < deadline;

  async function worker(index: number): Promise<void> {
    // Paced workers start spread evenly over one interval, as independent scanners would,
    // rather than all firing in the same instant every interval.
    let next = performance.now() + (options.paceMs === undefined ? 0 : (index / concurrency) * options.paceMs);
    while (more()) {
      if (options.paceMs !== undefined) {
        const wait = next - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        next += options.paceMs;
        if (!more()) break;
      }
      const i = issued++;
      const body = bodyFor ? bodyFor(i) : options.body;
      try {
        const reply = await send(agent, { method: options.method, url: options.url, headers: options.headers, body }, { timeoutMs });
        options.onReply?.(reply);
        latencies.push(reply.ms);
        countInto(statuses, reply.status);
        if (reply.status >= 200 && reply.status < 300) ok += 1;
      } catch (err) {
        errors += 1;
        if (errorSamples.length < MAX_ERROR_SAMPLES) errorSamples.push(describe(err));
      }
    }
  }

  try {
    await Promise.all(Array.from({ length: concurrency }, (_, i) => worker(i)));
  } finally {
    agent.destroy();
  }
  const elapsed = performance.now() - start;
  const done = latencies.length + errors;
  return { requests: done, ok, statuses, errors, errorSamples, durationMs: elapsed, rps: (done / elapsed) * 1000, ...summarize(latencies) };
}

/** Figures for one named step of a scripted user. */
export interface StepStats extends LatencySummary {
  /** Times the step was attempted. */
  count: number;
  statuses: Record<number, number>;
  errors: number;
  /** From the start of the run until the last attempt of this step ended. */
  spanMs: number;
  /** `count` per second over `spanMs`. */
  rate: number;
}

/** One scripted user's connection to the server; every call is timed under its step name. */
export interface UserSession {
  /** The user's number, 0 … users − 1. */
  readonly index: number;
  /** Sends a request (relative `path` resolved against the base URL) and records it as `step`. */
  call(step: string, request: { method?: string; path: string; headers?: Record<string, string>; body?: unknown }): Promise<Reply>;
}

/** Options for {@link runUsers}. */
export interface UsersOptions<R> {
  baseUrl: string;
  /** Users started at once. */
  users: number;
  /** Sockets shared by all users; fewer than `users` means requests queue in the agent. */
  maxSockets: number;
  /** Headers every call sends (its own headers win). */
  headers?: Record<string, string>;
  /** What one user does; its result is collected. Throwing counts the user as failed. */
  script: (user: UserSession) => Promise<R>;
  /** Calls still open after this are aborted, so the run always ends (default 60 s). */
  timeoutMs?: number;
}

/** What {@link runUsers} measured. */
export interface UsersResult<R> {
  users: number;
  /** Users whose script returned. */
  finished: number;
  /** Users whose script threw (a call got no response, or the script gave up). */
  failed: number;
  failureSamples: string[];
  durationMs: number;
  steps: Record<string, StepStats>;
  results: R[];
}

/**
 * Starts `users` scripted users at the same moment, sharing one keep-alive agent with
 * `maxSockets` sockets, and times every step they take.
 *
 * @example
 * const rush = await runUsers({ baseUrl, users: 2000, maxSockets: 256, headers: auth, script: async (user) => {
 *   const order = await user.call('create order', { method: 'POST', path: '/v1/orders', body: orderFor(user.index) });
 *   if (order.status !== 201) return 'refused';
 *   await user.call('pay', { method: 'POST', path: `/v1/orders/${order.json<{ id: string }>().id}/pay`, body: payment });
 *   return 'paid';
 * } });
 */
export async function runUsers<R>(options: UsersOptions<R>): Promise<UsersResult<R>> {
  const { baseUrl, users, maxSockets, script, timeoutMs = 60_000 } = options;
  const agent = keepAliveAgent(maxSockets);
  const abort = new AbortController();
  // Every request in flight listens on this one signal; thousands at once are expected.
  setMaxListeners(users * 2, abort.signal);
  const timer = setTimeout(() => abort.abort(new Error(`run exceeded ${timeoutMs} ms`)), timeoutMs);
  const raw = new Map<string, { latencies: number[]; statuses: Record<number, number>; errors: number; lastEnd: number }>();
  const results: R[] = [];
  const failureSamples: string[] = [];
  let failed = 0;
  const start = performance.now();

  const record = (step: string) => {
    let entry = raw.get(step);
    if (entry === undefined) {
      entry = { latencies: [], statuses: {}, errors: 0, lastEnd: 0 };
      raw.set(step, entry);
    }
    return entry;
  };

  const session = (index: number): UserSession => ({
    index,
    async call(step, request) {
      const entry = record(step);
      try {
        const reply = await send(
          agent,
          { method: request.method, url: new URL(request.path, baseUrl).href, headers: { ...options.headers, ...request.headers }, body: request.body },
          { signal: abort.signal, timeoutMs },
        );
        entry.latencies.push(reply.ms);
        countInto(entry.statuses, reply.status);
        return reply;
      } catch (err) {
        entry.errors += 1;
        throw err;
      } finally {
        entry.lastEnd = Math.max(entry.lastEnd, performance.now() - start);
      }
    },
  });

  try {
    await Promise.all(
      Array.from({ length: users }, async (_, index) => {
        try {
          results.push(await script(session(index)));
        } catch (err) {
          failed += 1;
          if (failureSamples.length < MAX_ERROR_SAMPLES) failureSamples.push(describe(err));
        }
      }),
    );
  } finally {
    clearTimeout(timer);
    agent.destroy();
  }

  const steps: Record<string, StepStats> = {};
  for (const [name, entry] of raw) {
    const count = entry.latencies.length + entry.errors;
    steps[name] = {
      count,
      statuses: entry.statuses,
      errors: entry.errors,
      spanMs: entry.lastEnd,
      rate: entry.lastEnd > 0 ? (count / entry.lastEnd) * 1000 : 0,
      ...summarize(entry.latencies),
    };
  }
  return { users, finished: results.length, failed, failureSamples, durationMs: performance.now() - start, steps, results };
}
