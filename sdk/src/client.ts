import { TtsError } from './errors.js';
import { send, systemClock, type ApiRequest, type Fetch, type RequestOptions, type RetryClock, type Transport } from './internal/http.js';
import { PagedList } from './pagination.js';
import { AccountResource } from './resources/account.js';
import { AuditLogsResource } from './resources/audit-logs.js';
import { InvoicesResource } from './resources/invoices.js';
import { CheckinsResource } from './resources/checkins.js';
import { CheckinListsResource } from './resources/checkin-lists.js';
import { QuestionsResource } from './resources/questions.js';
import { PromoCodesResource } from './resources/promo-codes.js';
import { WaitingListResource } from './resources/waiting-list.js';
import { DoorDevicesResource } from './resources/door-devices.js';
import { EventsResource } from './resources/events.js';
import { EventsLogResource } from './resources/events-log.js';
import { KeysResource } from './resources/keys.js';
import { OrdersResource } from './resources/orders.js';
import { TestGatewayResource } from './resources/test-gateway.js';
import { TicketsResource } from './resources/tickets.js';
import { WebhookEndpointsResource } from './resources/webhook-endpoints.js';
import type { AccountCreated, CreateAccountParams, List } from './types.js';

/**
 * Where requests go when neither `baseUrl` nor `TTS_BASE_URL` says: a local server (`npm start`).
 *
 * @example
 * new TrendyTickets({ apiKey }).baseUrl === DEFAULT_BASE_URL; // without TTS_BASE_URL
 */
export const DEFAULT_BASE_URL = 'http://localhost:8787';

/**
 * Settings for {@link TrendyTickets}.
 *
 * @example
 * const tts = new TrendyTickets({ apiKey: 'sk_test_…', baseUrl: 'https://tickets.example.com', maxRetries: 3, timeout: 10_000 });
 */
export interface ClientOptions {
  /** A secret (`sk_…`), restricted (`rk_…`, a secret key limited to chosen permissions) or publishable (`pk_…`) key. Default: `TTS_API_KEY` in Node. */
  apiKey?: string | undefined;
  /** The server, without `/v1`. Default: `TTS_BASE_URL` in Node, else `http://localhost:8787`. */
  baseUrl?: string | undefined;
  /** The `fetch` to call (default: the platform's). */
  fetch?: Fetch | undefined;
  /** Retries after the first attempt, for 408, 409 in flight, 429, 5xx and network errors (default 2). */
  maxRetries?: number | undefined;
  /** Milliseconds per attempt before a `TtsTimeoutError` (default 30 000). */
  timeout?: number | undefined;
  /** Where retries read the time and wait (default: `Date.now` and `setTimeout`); tests pass one that returns at once. */
  clock?: RetryClock | undefined;
  /**
   * Allow a secret key in a browser. Never do this on a public page: anyone could read the key
   * and act as you. Meant for internal tools on trusted machines.
   */
  dangerouslyAllowBrowser?: boolean | undefined;
}

/** Reads an environment variable where there is one (Node, Bun, Deno with permission); never throws. */
function readEnv(name: string): string | undefined {
  try {
    const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
    const value = proc?.env?.[name]?.trim();
    return value ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A page's JavaScript: `window` exists (read through globalThis so no DOM typings are needed). */
const isBrowser = () => typeof (globalThis as { window?: unknown }).window !== 'undefined';

/**
 * The Trendy Ticket Service client: one resource per API area, each call typed with the
 * wire contract, retried on transient failures, and made idempotent on POST.
 *
 * @example
 * import { TrendyTickets } from '@trendy-tickets/sdk';
 *
 * const tts = new TrendyTickets({ apiKey: process.env.TTS_API_KEY });
 * const event = await tts.events.create({
 *   name: 'Monsoon Jazz Night',
 *   starts_at: '2030-07-18T14:00:00Z',
 *   ends_at: '2030-07-18T17:30:00Z',
 *   capacity: 300,
 *   ticket_types: [{ name: 'General', price: 99_900 }],
 * });
 */
export class TrendyTickets {
  /** The account of the key. */
  readonly account: AccountResource;
  /** Roll and list API keys. */
  readonly keys: KeysResource;
  /** Events, their stats, attendees and scan log. */
  readonly events: EventsResource;
  /** What happened to the account's orders, tickets, scans and events. */
  readonly eventsLog: EventsLogResource;
  /** Who changed what in the account, when and from where. */
  readonly auditLogs: AuditLogsResource;
  /** Orders from hold to payment, and refunds. */
  readonly orders: OrdersResource;
  /** Tax invoices, receipts and credit notes. */
  readonly invoices: InvoicesResource;
  /** Tickets issued for payments taken elsewhere, and voiding. */
  readonly tickets: TicketsResource;
  /** Door scans. */
  readonly checkins: CheckinsResource;
  /** An event's check-in lists: doors with their own admission, and re-entry. */
  readonly checkinLists: CheckinListsResource;
  /** What checkout asks of buyers and attendees. */
  readonly questions: QuestionsResource;
  /** An event's promo codes: discounts, and the hidden ticket types they unlock. */
  readonly promoCodes: PromoCodesResource;
  readonly waitingList: WaitingListResource;
  readonly doorDevices: DoorDevicesResource;
  /** Test mode's stand-in for Razorpay Checkout. */
  readonly testGateway: TestGatewayResource;
  /** Where events are POSTed; check each delivery with `webhooks.constructEvent`. */
  readonly webhookEndpoints: WebhookEndpointsResource;

  readonly #transport: Transport;

  constructor(options: ClientOptions = {}) {
    const apiKey = options.apiKey ?? readEnv('TTS_API_KEY');
    if (!apiKey) {
      throw new TtsError('No API key: pass `apiKey` to new TrendyTickets({ apiKey }) or set TTS_API_KEY.');
    }
    // Only publishable keys belong in pages; test for `pk_` so no secret-key prefix ships in bundles.
    if (!apiKey.startsWith('pk_') && isBrowser() && options.dangerouslyAllowBrowser !== true) {
      throw new TtsError(
        'A secret key must not be used in a browser: anyone could read it. Use the publishable key (pk_…) ' +
          'in pages, keep the secret key on your server, or pass dangerouslyAllowBrowser: true for a trusted internal tool.',
      );
    }
    const fetchImpl = options.fetch ?? (typeof fetch === 'function' ? (input: string, init: RequestInit) => fetch(input, init) : undefined);
    if (!fetchImpl) throw new TtsError('No fetch: this runtime has none, so pass `fetch` to new TrendyTickets({ fetch }).');
    this.#transport = {
      apiKey,
      baseUrl: options.baseUrl ?? readEnv('TTS_BASE_URL') ?? DEFAULT_BASE_URL,
      fetch: fetchImpl,
      maxRetries: options.maxRetries ?? 2,
      timeout: options.timeout ?? 30_000,
      clock: options.clock ?? systemClock,
    };
    this.account = new AccountResource(this);
    this.keys = new KeysResource(this);
    this.events = new EventsResource(this);
    this.eventsLog = new EventsLogResource(this);
    this.auditLogs = new AuditLogsResource(this);
    this.orders = new OrdersResource(this);
    this.invoices = new InvoicesResource(this);
    this.tickets = new TicketsResource(this);
    this.checkins = new CheckinsResource(this);
    this.checkinLists = new CheckinListsResource(this);
    this.questions = new QuestionsResource(this);
    this.promoCodes = new PromoCodesResource(this);
    this.waitingList = new WaitingListResource(this);
    this.doorDevices = new DoorDevicesResource(this);
    this.testGateway = new TestGatewayResource(this);
    this.webhookEndpoints = new WebhookEndpointsResource(this);
  }

  /** The server this client talks to. */
  get baseUrl(): string {
    return this.#transport.baseUrl;
  }

  /**
   * Sends one call: the core every resource method uses. Public for endpoints the SDK does not
   * wrap yet.
   *
   * @example
   * const health = await tts.request<{ status: 'ok' }>({ method: 'GET', path: '/healthz', auth: false });
   */
  request<T>(request: ApiRequest): Promise<T> {
    return send<T>(this.#transport, request);
  }

  /**
   * A list endpoint as a {@link PagedList}: await it for the first page, or `for await` every item.
   *
   * @example
   * const scans = tts.list<Checkin>('/v1/events/evt_…/checkins', { limit: 100 });
   */
  list<T>(path: string, query: Record<string, string | number | boolean | null | undefined> = {}, options: RequestOptions = {}): PagedList<T> {
    const { cursor, ...rest } = query;
    return new PagedList<T>(
      (next) => this.request<List<T>>({ ...options, method: 'GET', path, query: { ...rest, cursor: next } }),
      typeof cursor === 'string' ? cursor : undefined,
    );
  }

  /**
   * Signs up an organizer (`POST /v1/accounts`, no key needed). The keys in the answer are
   * shown only this once: store the secret key on your server.
   *
   * @example
   * const { secret_key, publishable_key } = await TrendyTickets.createAccount(
   *   { email: 'you@example.com', password: 'correct horse battery', name: 'Your Company' },
   *   { baseUrl: 'http://localhost:8787' },
   * );
   */
  static createAccount(params: CreateAccountParams, options: Omit<ClientOptions, 'apiKey'> = {}): Promise<AccountCreated> {
    const client = new TrendyTickets({ ...options, apiKey: 'none' });
    return client.request<AccountCreated>({ method: 'POST', path: '/v1/accounts', body: params, auth: false });
  }
}
