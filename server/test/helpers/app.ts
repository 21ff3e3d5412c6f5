import { createApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { ManualClock } from '../../src/kernel/clock.js';
import { createCapturedMailer } from '../../src/delivery/mailer.js';
import { createMemoryLogger } from '../../src/logger.js';
import { createServices } from '../../src/services.js';
import { createSqliteStore } from '../../src/store/sqlite.js';
import { INDEXES } from '../../src/indexes.js';
import type { Store } from '../../src/store/port.js';
import type { ResolveHost } from '../../src/domain/webhook-url.js';

/** Test settings: a fixed secret and a low bcrypt cost (tests create hundreds of accounts). */
export const TEST_ENV = {
  NODE_ENV: 'test',
  TTS_SECRET: 'test-secret-test-secret-test-secret-0123456789',
  TTS_PASSWORD_COST: '4',
  LOG_LEVEL: 'silent',
  PUBLIC_URL: 'http://tickets.test',
} as const;

export interface CallOptions {
  key?: string;
  body?: unknown;
  /** Sent verbatim instead of JSON-encoding `body`. */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface CallResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * The real app on the real embedded store (in memory), with a manual clock and a
 * memory logger. `call` sends a request through `app.request()`: no port, no sleep.
 */
export async function buildTestApp(options: { env?: Record<string, string>; store?: Store; clock?: ManualClock; resolveHost?: ResolveHost } = {}) {
  const config: Readonly<Config> = loadConfig({ ...TEST_ENV, ...options.env });
  const clock = options.clock ?? new ManualClock('2030-06-01T10:00:00.000Z');
  // TTL records (rate limits, idempotency keys) expire by the test's clock, not the wall clock.
  const store = options.store ?? (await createSqliteStore({ now: () => clock.now() }));
  await store.ensureIndexes(INDEXES);
  const logger = createMemoryLogger();
  const services = createServices({ config, store, clock, ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}) });
  const mailbox = createCapturedMailer({ from: config.mailFrom, clock });
  const app = createApp({ config, store, clock, logger, services, mailer: mailbox, mailbox });

  async function call<T = any>(method: string, path: string, options: CallOptions = {}): Promise<CallResult<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.key) headers.Authorization = `Bearer ${options.key}`;
    let body: string | undefined = options.rawBody;
    if (body === undefined && options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['Content-Type'] ??= 'application/json';
    }
    const res = await app.request(path, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('Content-Type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  let accounts = 0;
  /** Signs up a fresh organizer and returns its keys. */
  async function signUp(name = 'Organizer') {
    accounts += 1;
    const res = await call('POST', '/v1/accounts', {
      body: { email: `owner${accounts}-${Date.now()}@example.com`, password: 'correct horse battery', name },
    });
    if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${JSON.stringify(res.body)}`);
    return { account: res.body.account, sk: res.body.secret_key as string, pk: res.body.publishable_key as string };
  }

  return { app, store, clock, config, logger, services, mailbox, call, signUp };
}

export type TestApp = Awaited<ReturnType<typeof buildTestApp>>;

/** A valid event body, one week after the test clock's start. */
export function eventBody(overrides: Record<string, unknown> = {}) {
  return {
    name: 'Monsoon Jazz Night',
    venue: 'NCPA, Mumbai',
    starts_at: '2030-06-08T14:00:00Z',
    ends_at: '2030-06-08T18:00:00Z',
    capacity: 100,
    ticket_types: [
      { name: 'General', price: 49_900 },
      { name: 'VIP', price: 149_900, capacity: 20, max_per_order: 4 },
    ],
    ...overrides,
  };
}
