import { buildTestApp, eventBody, type TestApp } from '../../server/test/helpers/app.js';
import { readCode } from '../../server/test/helpers/checkout.js';
import { TrendyTickets, type ClientOptions, type CreateEventParams, type Fetch } from '../src/index.js';

export { buildTestApp, eventBody, readCode, type TestApp };

/** The app's `PUBLIC_URL` in tests; requests never leave the process. */
export const BASE_URL = 'http://tickets.test';

/** A `fetch` that hands every request to the real app in-process (`app.request()`): no port. */
export function appFetch(t: TestApp): Fetch {
  return async (input, init) => t.app.request(input, init);
}

/**
 * A clock for the SDK's retries that never waits: `sleep` records the wait, moves `now` on by it
 * and returns at once, so a test sees exactly how long the client would have waited.
 */
export function manualClock(start = Date.parse('2030-01-01T00:00:00Z')) {
  const clock = {
    at: start,
    slept: [] as number[],
    now: () => clock.at,
    sleep: async (ms: number) => {
      clock.slept.push(ms);
      clock.at += ms;
    },
  };
  return clock;
}

/** The real SDK wired to the real app, retrying on a clock that never waits unless given another. */
export function sdkFor(t: TestApp, apiKey: string, options: ClientOptions = {}): TrendyTickets {
  return new TrendyTickets({ apiKey, baseUrl: BASE_URL, fetch: appFetch(t), clock: manualClock(), ...options });
}

let accounts = 0;
/** Signs up through the SDK; returns clients for the secret and the publishable key. */
export async function organizer(t: TestApp, options: ClientOptions = {}) {
  accounts += 1;
  const created = await TrendyTickets.createAccount(
    { email: `sdk-owner${accounts}-${Date.now()}@example.com`, password: 'correct horse battery', name: `Organizer ${accounts}` },
    { baseUrl: BASE_URL, fetch: appFetch(t) },
  );
  return {
    ...created,
    tts: sdkFor(t, created.secret_key, options),
    browser: sdkFor(t, created.publishable_key, options),
  };
}

let buyers = 0;
/** A buyer with a unique email (the per-email code limit is 5 an hour). */
export function buyer(name = 'Asha Rao') {
  buyers += 1;
  return { name, email: `sdk-buyer${buyers}@example.com`, phone: '+91 98765 43210' };
}

/** One recorded request: what the SDK sent. */
export interface Sent {
  url: string;
  method: string;
  headers: Headers;
  body: string | undefined;
}

/**
 * A fetch that records every request and answers the first ones from `script` (a Response,
 * or `'network'` for a dropped connection, or `'drop-after'` to run the request on the app
 * and then lose its answer) before delegating to the app.
 */
export function scriptedFetch(t: TestApp, script: Array<Response | 'network' | 'drop-after'>) {
  const sent: Sent[] = [];
  const responses: Response[] = [];
  const fetch: Fetch = async (input, init) => {
    sent.push({ url: input, method: init.method ?? 'GET', headers: new Headers(init.headers), body: init.body as string | undefined });
    const step = script.shift();
    if (step === 'network') throw new TypeError('fetch failed');
    const res = step === undefined || step === 'drop-after' ? await t.app.request(input, init) : step;
    if (step === 'drop-after') throw new TypeError('socket hang up');
    responses.push(res.clone());
    return res;
  };
  return { fetch, sent, responses };
}

/** A JSON error body as the API sends it. */
export function errorResponse(status: number, code: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error: { code, message: `${code} (injected)`, request_id: 'req_injected' } }), {
    status,
    headers: { 'Content-Type': 'application/json', 'X-Request-Id': 'req_injected', ...headers },
  });
}

/** The server tests' valid event (one week after the test clock's start), typed for the SDK. */
export function eventParams(overrides: Partial<CreateEventParams> = {}): CreateEventParams {
  return eventBody(overrides) as unknown as CreateEventParams;
}
