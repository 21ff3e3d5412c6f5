/**
 * A fake Razorpay API on 127.0.0.1 that speaks Razorpay's wire format, so tests run the
 * real `razorpay` SDK (pointed here through `RAZORPAY_API_BASE`) without the network.
 *
 * It covers what Trendy Ticket Service uses: Basic auth (one or more Razorpay accounts, each
 * with its own key id and secret and its own orders, payments and refunds), orders (and orders by receipt),
 * payments of an order, payment fetch/capture/refund (with a `receipt` and `notes`), a payment's
 * refunds listed and fetched, plus the browser's part
 * (`pay`, `fail`: what Checkout would hand back) and Razorpay's part in webhooks
 * (`sendWebhook`, correctly signed). It refuses what Razorpay refuses, with Razorpay's error
 * bodies: refunds beyond the account balance or of payments older than 6 months, a second
 * capture on a paid order, a receipt used twice (`uniqueReceipts`), unknown URLs (400, as
 * Razorpay answers, not 404); and refunds can stay `pending` until `finishRefund`.
 * It is written from Razorpay's API docs and deliberately shares no code with
 * `src/payments`, so a bug there can't hide behind the same bug here.
 * @see https://razorpay.com/docs/api/orders/  https://razorpay.com/docs/api/payments/
 * @see https://razorpay.com/docs/webhooks/payments/
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Razorpay's order entity. */
export interface FakeOrder {
  id: string;
  entity: 'order';
  amount: number;
  amount_paid: number;
  amount_due: number;
  currency: string;
  receipt: string | null;
  offer_id: null;
  status: 'created' | 'attempted' | 'paid';
  attempts: number;
  /** Razorpay (PHP) sends empty notes as `[]`, not `{}`. */
  notes: Record<string, string> | [];
  created_at: number;
}

/** Razorpay's payment entity (the fields a UPI payment has). */
export interface FakePayment {
  id: string;
  entity: 'payment';
  amount: number;
  currency: string;
  status: 'created' | 'authorized' | 'captured' | 'refunded' | 'failed';
  order_id: string;
  invoice_id: null;
  international: false;
  method: string;
  amount_refunded: number;
  refund_status: null | 'partial' | 'full';
  captured: boolean;
  description: string | null;
  card_id: null;
  bank: null;
  wallet: null;
  vpa: string;
  email: string;
  contact: string;
  notes: Record<string, string> | [];
  fee: number | null;
  tax: number | null;
  error_code: string | null;
  error_description: string | null;
  error_source: string | null;
  error_step: string | null;
  error_reason: string | null;
  acquirer_data: { rrn: string | null };
  created_at: number;
}

/** Razorpay's refund entity. */
export interface FakeRefund {
  id: string;
  entity: 'refund';
  amount: number;
  currency: string;
  payment_id: string;
  notes: Record<string, string> | [];
  receipt: string | null;
  acquirer_data: { arn: null };
  created_at: number;
  batch_id: null;
  /** @see https://razorpay.com/docs/api/refunds/ (a refund is `pending` until the bank takes it, then `processed` or `failed`) */
  status: 'pending' | 'processed' | 'failed';
  speed_processed: 'normal';
  speed_requested: 'normal';
}

/** One request the fake received, for assertions. */
export interface FakeRequest {
  method: string;
  path: string;
  body: unknown;
  /** Whether Basic auth matched one of the fake's accounts (a key id and its secret). */
  authorized: boolean;
  /** The key id that authenticated the call; null when none did (the call was answered 401). */
  keyId: string | null;
}

/** The webhook events the fake can send. */
export type FakeWebhookEvent = 'payment.authorized' | 'payment.captured' | 'order.paid' | 'payment.failed' | 'refund.processed' | 'refund.failed';

/**
 * `true`: 503 with Razorpay's SERVER_ERROR body; `'html'`: a load balancer's 502 page;
 * `'drop'`: reset the connection; `'hang'`: never answer (until `close()`); `'throttle'`: 429
 * (Razorpay rate-limits per key, https://razorpay.com/docs/api/understand/#rate-limits);
 * `'lose-answer'`: do the request, then reset the connection instead of answering (a
 * create whose answer was lost), once.
 */
export type FakeDownMode = boolean | 'html' | 'drop' | 'hang' | 'throttle' | 'lose-answer';

/**
 * How the next refunds go: `processed` at once (Razorpay's usual answer for a normal-speed
 * refund), `pending` until `finishRefund`, or refused because another operation is running
 * on the payment (`in_progress`).
 */
export type FakeRefundMode = 'processed' | 'pending' | 'in_progress';

/** What `sendWebhook` sent and what the receiver answered. */
export interface SentWebhook {
  status: number;
  responseBody: string;
  /** The exact bytes posted (as a string), which the signature covers. */
  body: string;
  signature: string;
  eventId: string;
}

/** A running fake; see `startFakeRazorpay`. */
export interface FakeRazorpay {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `url + '/v1'`: the value for `RAZORPAY_API_BASE`. */
  readonly apiBase: string;
  readonly keyId: string;
  readonly keySecret: string;
  readonly accountId: string;
  readonly requests: FakeRequest[];
  /**
   * Another Razorpay account on the same fake (an organizer's own keys): its key id and secret
   * authenticate, and see only the orders, payments and refunds made with them.
   */
  addAccount(keyId: string, keySecret: string): void;
  /** The key id whose account an order, payment or refund belongs to. */
  ownerOf(id: string): string | undefined;
  readonly orders: ReadonlyMap<string, FakeOrder>;
  readonly payments: ReadonlyMap<string, FakePayment>;
  readonly refunds: ReadonlyMap<string, FakeRefund>;
  /** The attendee pays in Checkout: an authorized (or auto-captured) payment and what the handler receives. */
  pay(orderId: string, options?: { capture?: boolean; amount?: number }): { paymentId: string; orderId: string; signature: string };
  /**
   * The account's automatic capture of an authorized payment: Razorpay's default, done by
   * Razorpay itself, so the API's refusal of a second capture on a paid order does not apply.
   * @see https://razorpay.com/docs/payments/payments/capture-settings/
   */
  autoCapture(paymentId: string): FakePayment;
  /**
   * A failed payment the bank authorizes late: Razorpay polls the bank for 3 days and then
   * marks it `authorized` (and sends `payment.authorized`).
   * @see https://razorpay.com/docs/payments/payments/late-authorisation/
   */
  lateAuthorize(paymentId: string): FakePayment;
  /** The attendee's payment fails: a failed payment and Checkout's `payment.failed` error. */
  fail(orderId: string): { paymentId: string; error: Record<string, unknown> };
  /** Posts a webhook as Razorpay does, signed with `secret` over the exact body sent. */
  sendWebhook(
    url: string,
    event: FakeWebhookEvent,
    subject: { paymentId?: string; orderId?: string; refundId?: string },
    options: { secret: string; eventId?: string },
  ): Promise<SentWebhook>;
  setDown(mode: FakeDownMode): void;
  /** How later refunds go (default `processed`). */
  setRefundMode(mode: FakeRefundMode): void;
  /** The account balance refunds are paid from, in paise; null (default) is unlimited. */
  setBalance(paise: number | null): void;
  /** Ends a pending refund, as the bank's answer would; send `refund.processed`/`refund.failed` after. */
  finishRefund(refundId: string, status: 'processed' | 'failed'): FakeRefund;
  close(): Promise<void>;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const newId = (prefix: string): string => `${prefix}_${Array.from(randomBytes(14), (b) => BASE62[b % 62]).join('')}`;
const ID = { order: /^order_[0-9A-Za-z]{14}$/, pay: /^pay_[0-9A-Za-z]{14}$/ };

/** Razorpay's error body. @see https://razorpay.com/docs/errors/ */
function rzpError(code: string, description: string, field?: string): { error: Record<string, unknown> } {
  return {
    error: {
      code,
      description,
      source: code === 'BAD_REQUEST_ERROR' ? 'business' : 'NA',
      step: code === 'BAD_REQUEST_ERROR' ? 'payment_initiation' : 'NA',
      reason: code === 'BAD_REQUEST_ERROR' ? 'input_validation_failed' : 'NA',
      metadata: {},
      ...(field ? { field } : {}),
    },
  };
}

/**
 * Serialises as Razorpay's PHP backend does (`json_encode`: `/` → `\/`, non-ASCII → `\uXXXX`),
 * so a parsed-and-re-serialised webhook body differs from the signed bytes, as in production.
 */
function phpJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Starts the fake on a random port of 127.0.0.1.
 *
 * @example
 * const fake = await startFakeRazorpay();
 * const gateway = createRazorpayGateway({ keyId: fake.keyId, keySecret: fake.keySecret, apiBase: fake.apiBase });
 */
export async function startFakeRazorpay(
  options: {
    keyId?: string;
    keySecret?: string;
    accountId?: string;
    now?: () => number;
    /**
     * Refuse a second order with a receipt already used, as accounts with unique receipts do
     * ("An order with the same receipt value has already been created").
     * @see https://razorpay.com/docs/api/orders/create/
     */
    uniqueReceipts?: boolean;
  } = {},
): Promise<FakeRazorpay> {
  const keyId = options.keyId ?? 'rzp_test_FakeKey0000001';
  const keySecret = options.keySecret ?? 'fake_key_secret_0123456789';
  const accountId = options.accountId ?? 'acc_FakeAccount0001';
  const seconds = (): number => Math.floor((options.now?.() ?? Date.now()) / 1000);
  // Every account's key secret by key id; objects belong to the account whose keys made them.
  const secrets = new Map<string, string>([[keyId, keySecret]]);
  const owners = new Map<string, string>();
  const authenticate = (header: string | undefined): string | null => {
    const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header ?? '');
    if (!match?.[1]) return null;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const id = decoded.slice(0, colon);
    return colon > 0 && secrets.get(id) === decoded.slice(colon + 1) ? id : null;
  };
  const secretOf = (id: string): string => secrets.get(owners.get(id) ?? keyId) ?? keySecret;
  const orders = new Map<string, FakeOrder>();
  const payments = new Map<string, FakePayment>();
  const refunds = new Map<string, FakeRefund>();
  const requests: FakeRequest[] = [];
  let down: FakeDownMode = false;
  let refundMode: FakeRefundMode = 'processed';
  let balance: number | null = null;

  type Reply = [status: number, body: unknown];
  const bad = (description: string, field?: string): Reply => [400, rzpError('BAD_REQUEST_ERROR', description, field)];
  const idError = (id: string, pattern: RegExp): Reply | null => (!pattern.test(id) ? bad(`${id} is not a valid id`) : null);
  const missing = bad('The id provided does not exist');

  function createOrder(body: Record<string, unknown>, caller: string): Reply {
    const { amount, currency = 'INR', receipt = null, notes } = body;
    if (typeof amount !== 'number' || !Number.isInteger(amount)) return bad('The amount must be an integer.', 'amount');
    if (amount < 100) return bad('The amount must be atleast INR 1.00', 'amount');
    if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) return bad('The currency must be 3 characters.', 'currency');
    if (receipt !== null && (typeof receipt !== 'string' || receipt.length > 40)) {
      return bad('The receipt may not be greater than 40 characters.', 'receipt');
    }
    if (options.uniqueReceipts && receipt !== null && [...orders.values()].some((o) => o.receipt === receipt && owners.get(o.id) === caller)) {
      return bad('An order with the same receipt value has already been created');
    }
    // @see https://razorpay.com/docs/api/orders/create/ — at most 15 notes of up to 256 characters.
    if (notes && typeof notes === 'object' && (Object.keys(notes).length > 15 || Object.values(notes).some((v) => String(v).length > 256))) {
      return bad('Notes should have at most 15 keys with values of at most 256 characters', 'notes');
    }
    const order: FakeOrder = {
      id: newId('order'),
      entity: 'order',
      amount,
      amount_paid: 0,
      amount_due: amount,
      currency,
      receipt: receipt as string | null,
      offer_id: null,
      status: 'created',
      attempts: 0,
      notes: notes && typeof notes === 'object' && Object.keys(notes).length > 0 ? (notes as Record<string, string>) : [],
      created_at: seconds(),
    };
    orders.set(order.id, order);
    owners.set(order.id, caller);
    return [200, order];
  }

  function capture(payment: FakePayment, body: Record<string, unknown>): Reply {
    if (payment.status === 'captured' || payment.status === 'refunded') return bad('This payment has already been captured');
    // An order is paid by one payment: a second authorized payment of a paid order is not captured
    // (Razorpay refunds it to the buyer on its own). @see https://razorpay.com/docs/payments/orders/
    if (orders.get(payment.order_id)?.status === 'paid') return bad('The order has already been paid; this payment cannot be captured');
    if (payment.status !== 'authorized') return bad('Only payments which have been authorized and not yet captured can be captured');
    if (Number(body.amount) !== payment.amount) return bad('Capture amount must be equal to the amount authorized', 'amount');
    if (body.currency !== undefined && body.currency !== payment.currency) return bad('The currency should be same as the payment currency', 'currency');
    settle(payment);
    return [200, payment];
  }

  function settle(payment: FakePayment): void {
    payment.status = 'captured';
    payment.captured = true;
    payment.fee = Math.round(payment.amount * 0.02);
    payment.tax = Math.round(payment.fee * 0.18);
    const order = orders.get(payment.order_id);
    if (order) Object.assign(order, { status: 'paid', amount_paid: payment.amount, amount_due: 0 });
  }

  /**
   * Razorpay's refund rules, each answered with its documented 400:
   * @see https://razorpay.com/docs/api/refunds/create-normal/
   * @see https://razorpay.com/docs/payments/refunds/errors/ (payments older than 6 months)
   * @see https://razorpay.com/docs/payments/dashboard/account-settings/balances/ (refunds are paid from the balance)
   */
  function refund(payment: FakePayment, body: Record<string, unknown>): Reply {
    if (payment.status === 'refunded') return bad('The payment has been fully refunded already');
    if (payment.status !== 'captured') return bad('Only captured payments can be refunded');
    const remaining = payment.amount - payment.amount_refunded;
    const amount = body.amount === undefined ? remaining : Number(body.amount);
    if (!Number.isInteger(amount) || amount <= 0) return bad('The amount must be an integer.', 'amount');
    const { receipt = null, notes } = body;
    if (receipt !== null && (typeof receipt !== 'string' || receipt.length > 40)) {
      return bad('The receipt may not be greater than 40 characters.', 'receipt');
    }
    if (notes !== undefined && (typeof notes !== 'object' || notes === null || Object.keys(notes).length > 15)) {
      return bad('Notes should have at most 15 keys with values of at most 256 characters', 'notes');
    }
    if (amount > remaining) return bad('The refund amount provided is greater than amount captured');
    if (seconds() - payment.created_at > 180 * 24 * 60 * 60) {
      return bad('Refund is not supported by the bank because the payment is more than 6 months old');
    }
    if (balance !== null && amount > balance) {
      return bad(
        'Your account does not have enough balance to carry out the refund operation. You can add funds to your account from your Razorpay dashboard or capture new payments.',
      );
    }
    if (refundMode === 'in_progress') return bad('Another operation is in progress on the same payment. Please try again after some time.');
    if (balance !== null) balance -= amount;
    payment.amount_refunded += amount;
    payment.refund_status = payment.amount_refunded === payment.amount ? 'full' : 'partial';
    if (payment.refund_status === 'full') payment.status = 'refunded';
    const entity: FakeRefund = {
      id: newId('rfnd'),
      entity: 'refund',
      amount,
      currency: payment.currency,
      payment_id: payment.id,
      notes: notes && Object.keys(notes).length > 0 ? (notes as Record<string, string>) : [],
      receipt: receipt as string | null,
      acquirer_data: { arn: null },
      created_at: seconds(),
      batch_id: null,
      status: refundMode === 'pending' ? 'pending' : 'processed',
      speed_processed: 'normal',
      speed_requested: 'normal',
    };
    refunds.set(entity.id, entity);
    owners.set(entity.id, owners.get(payment.id) ?? keyId);
    return [200, entity];
  }

  function route(method: string, path: string, body: Record<string, unknown>, query: URLSearchParams, caller: string): Reply {
    // Another account's objects do not exist for this caller, as on Razorpay.
    const mine = <T extends { id: string }>(entity: T | undefined): T | undefined => (entity && owners.get(entity.id) === caller ? entity : undefined);
    if (method === 'POST' && path === '/v1/orders') return createOrder(body, caller);
    if (method === 'GET' && path === '/v1/orders') {
      // @see https://razorpay.com/docs/api/orders/fetch-all/ — newest first, filterable by receipt.
      const receipt = query.get('receipt');
      const all = [...orders.values()].filter((o) => owners.get(o.id) === caller && (receipt === null || o.receipt === receipt)).reverse();
      // @see https://razorpay.com/docs/api/orders/fetch-all/ — `count` (default 10, at most 100) limits the page.
      const items = all.slice(0, Math.min(100, Math.max(1, Number(query.get('count') ?? 10) || 10)));
      return [200, { entity: 'collection', count: items.length, items }];
    }
    const r = /^\/v1\/payments\/([^/]+)\/refunds\/([^/]+)$/.exec(path);
    if (r && method === 'GET') {
      // @see https://razorpay.com/docs/api/refunds/fetch-specific-refund-payment/
      const entity = mine(refunds.get(r[2] ?? ''));
      return entity && entity.payment_id === r[1] ? [200, entity] : missing;
    }
    const listed = /^\/v1\/payments\/([^/]+)\/refunds$/.exec(path);
    if (listed && method === 'GET') {
      // @see https://razorpay.com/docs/api/refunds/fetch-multiple-refund-payment/ — newest first; `count` (default 10, at most 100) and `skip` page it.
      const id = listed[1] ?? '';
      if (!mine(payments.get(id))) return idError(id, ID.pay) ?? missing;
      const all = [...refunds.values()].filter((f) => f.payment_id === id).reverse();
      const skip = Math.max(0, Number(query.get('skip') ?? 0) || 0);
      const items = all.slice(skip, skip + Math.min(100, Math.max(1, Number(query.get('count') ?? 10) || 10)));
      return [200, { entity: 'collection', count: items.length, items }];
    }
    let m = /^\/v1\/orders\/([^/]+)(\/payments)?$/.exec(path);
    if (m && method === 'GET') {
      const id = m[1] ?? '';
      const order = mine(orders.get(id));
      if (!order) return idError(id, ID.order) ?? missing;
      if (!m[2]) return [200, order];
      // Razorpay lists newest first.
      const items = [...payments.values()].filter((p) => p.order_id === id).reverse();
      return [200, { entity: 'collection', count: items.length, items }];
    }
    m = /^\/v1\/payments\/([^/]+)(\/capture|\/refund)?$/.exec(path);
    if (m && (method === 'GET') === !m[2]) {
      const id = m[1] ?? '';
      const payment = mine(payments.get(id));
      if (!payment) return idError(id, ID.pay) ?? missing;
      if (m[2] === '/capture') return capture(payment, body);
      if (m[2] === '/refund') return refund(payment, body);
      return [200, payment];
    }
    // Razorpay answers an unknown URL with 400, not 404. @see https://razorpay.com/docs/errors/
    return bad('The requested URL was not found on the server.');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname;
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      body = undefined;
    }
    const caller = authenticate(req.headers.authorization);
    const authorized = caller !== null;
    requests.push({ method, path, body, authorized, keyId: caller });
    const send = (status: number, payload: string, type = 'application/json'): void => {
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(payload) }).end(payload);
    };
    if (down === 'hang') return;
    if (down === 'drop') return void req.socket.destroy();
    if (down === 'html') return send(502, '<html><body><h1>502 Bad Gateway</h1></body></html>', 'text/html');
    if (down === 'throttle') return send(429, phpJson(rzpError('BAD_REQUEST_ERROR', 'Too many requests')));
    if (down === true) return send(503, phpJson(rzpError('SERVER_ERROR', 'The server encountered an error. The incident has been reported to admins.')));
    if (path === `${CHECKOUT_PATH}redirect`) {
      const [status, page] = redirectPage(new URLSearchParams(raw));
      return send(status, page, 'text/html; charset=utf-8');
    }
    if (path.startsWith(CHECKOUT_PATH)) {
      const [status, reply] = checkoutAction(path.slice(CHECKOUT_PATH.length), new URLSearchParams(raw));
      res.setHeader('access-control-allow-origin', '*');
      return send(status, phpJson(reply));
    }
    if (caller === null) return send(401, phpJson(rzpError('BAD_REQUEST_ERROR', 'Authentication failed')));
    if (body === undefined || typeof body !== 'object' || body === null || Array.isArray(body)) {
      return send(400, phpJson(rzpError('BAD_REQUEST_ERROR', 'The request body is not valid JSON')));
    }
    const [status, reply] = route(method, path, body as Record<string, unknown>, url.searchParams, caller);
    if (down === 'lose-answer') {
      down = false;
      return void req.socket.destroy();
    }
    send(status, phpJson(reply));
  }

  /**
   * The attendee's click in Checkout, over HTTP for `fakeCheckoutScript`: authorised by the key
   * id alone (as Checkout is), answering what Checkout hands the page: the handler's three values
   * for `pay`, the `payment.failed` error for `fail`.
   */
  function checkoutAction(action: string, form: URLSearchParams): [number, unknown] {
    if (!secrets.has(form.get('key_id') ?? '')) return [401, rzpError('BAD_REQUEST_ERROR', 'The api key provided is invalid')];
    const orderId = form.get('order_id') ?? '';
    if (!orders.has(orderId) || owners.get(orderId) !== form.get('key_id')) return [400, rzpError('BAD_REQUEST_ERROR', 'The id provided does not exist', 'order_id')];
    if (action === 'pay') {
      const paid = fake.pay(orderId);
      return [200, { razorpay_payment_id: paid.paymentId, razorpay_order_id: paid.orderId, razorpay_signature: paid.signature }];
    }
    if (action === 'fail') return [200, { error: fake.fail(orderId).error }];
    return [404, rzpError('BAD_REQUEST_ERROR', 'The requested URL was not found on the server.')];
  }

  /**
   * Checkout's redirect flow (`redirect: true`): the page posts the attempt to Razorpay, which
   * takes the payment and then posts `razorpay_payment_id`, `razorpay_order_id` and
   * `razorpay_signature` (or `error[…]`) to the merchant's `callback_url` as a form, from its
   * own page. This answers that page: a form that submits itself to `callback_url`.
   * @see https://razorpay.com/docs/payments/payment-gateway/callback-url/
   */
  function redirectPage(form: URLSearchParams): [number, string] {
    const escapeHtml = (v: string) => v.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    let callback: URL;
    try {
      callback = new URL(form.get('callback_url') ?? '');
    } catch {
      return [400, '<p>callback_url is not a URL</p>'];
    }
    if (!/^https?:$/.test(callback.protocol)) return [400, '<p>callback_url must be http(s)</p>'];
    const [status, reply] = checkoutAction(form.get('outcome') === 'fail' ? 'fail' : 'pay', form);
    if (status !== 200) return [status, `<p>${escapeHtml(JSON.stringify(reply))}</p>`];
    const fields: Record<string, string> =
      'error' in (reply as Record<string, unknown>)
        ? Object.fromEntries(Object.entries((reply as { error: Record<string, unknown> }).error).map(([k, v]) => [`error[${k}]`, typeof v === 'string' ? v : JSON.stringify(v)]))
        : (reply as Record<string, string>);
    const inputs = Object.entries(fields)
      .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
      .join('');
    return [
      200,
      `<!doctype html><title>Razorpay (fake)</title><form id="f" method="post" action="${escapeHtml(callback.toString())}">${inputs}</form><script>document.getElementById('f').submit()</script>`,
    ];
  }

  function newPayment(orderId: string, amount?: number): FakePayment {
    const order = orders.get(orderId);
    if (!order) throw new Error(`fake Razorpay: no order ${orderId}`);
    // Checkout will not open for an order that is already paid.
    if (order.status === 'paid') throw new Error(`fake Razorpay: order ${orderId} is already paid`);
    order.attempts += 1;
    order.status = 'attempted';
    const payment: FakePayment = {
      id: newId('pay'),
      entity: 'payment',
      amount: amount ?? order.amount,
      currency: order.currency,
      status: 'authorized',
      order_id: order.id,
      invoice_id: null,
      international: false,
      method: 'upi',
      amount_refunded: 0,
      refund_status: null,
      captured: false,
      description: null,
      card_id: null,
      bank: null,
      wallet: null,
      vpa: 'success@razorpay',
      email: 'void@razorpay.com',
      contact: '+919999999999',
      notes: order.notes,
      fee: null,
      tax: null,
      error_code: null,
      error_description: null,
      error_source: null,
      error_step: null,
      error_reason: null,
      acquirer_data: { rrn: String(100_000_000_000 + payments.size) },
      created_at: seconds(),
    };
    payments.set(payment.id, payment);
    owners.set(payment.id, owners.get(order.id) ?? keyId);
    return payment;
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeRazorpay = {
    url,
    apiBase: `${url}/v1`,
    keyId,
    keySecret,
    accountId,
    requests,
    addAccount(id, secret) {
      secrets.set(id, secret);
    },
    ownerOf: (id) => owners.get(id),
    orders,
    payments,
    refunds,

    pay(orderId, { capture: autoCapture = false, amount } = {}) {
      const payment = newPayment(orderId, amount);
      if (autoCapture) settle(payment);
      // Checkout's handler gets razorpay_signature = HMAC-SHA256(order_id|payment_id, key secret) of the order's account.
      const signature = createHmac('sha256', secretOf(orderId)).update(`${orderId}|${payment.id}`).digest('hex');
      return { paymentId: payment.id, orderId, signature };
    },

    autoCapture(paymentId) {
      const payment = payments.get(paymentId);
      if (payment?.status !== 'authorized') throw new Error(`fake Razorpay: ${paymentId} is not an authorized payment`);
      settle(payment);
      return payment;
    },

    lateAuthorize(paymentId) {
      const payment = payments.get(paymentId);
      if (payment?.status !== 'failed') throw new Error(`fake Razorpay: ${paymentId} is not a failed payment`);
      if (seconds() - payment.created_at > 3 * 24 * 60 * 60) throw new Error('fake Razorpay: Razorpay stops polling the bank after 3 days');
      Object.assign(payment, { status: 'authorized', error_code: null, error_description: null, error_source: null, error_step: null, error_reason: null });
      return payment;
    },

    fail(orderId) {
      const payment = newPayment(orderId);
      const description = 'Payment was unsuccessful due to a temporary issue. If amount got deducted, it will be refunded within 5-7 working days.';
      Object.assign(payment, {
        status: 'failed',
        vpa: 'failure@razorpay',
        error_code: 'BAD_REQUEST_ERROR',
        error_description: description,
        error_source: 'gateway',
        error_step: 'payment_response',
        error_reason: 'payment_failed',
      });
      const error = {
        code: 'BAD_REQUEST_ERROR',
        description,
        source: 'gateway',
        step: 'payment_response',
        reason: 'payment_failed',
        metadata: { order_id: orderId, payment_id: payment.id },
      };
      return { paymentId: payment.id, error };
    },

    async sendWebhook(target, event, subject, { secret, eventId = newId('evt').slice(4) }) {
      const refundEntity = subject.refundId ? refunds.get(subject.refundId) : undefined;
      const payment = payments.get(subject.paymentId ?? refundEntity?.payment_id ?? '');
      const order = orders.get(subject.orderId ?? payment?.order_id ?? '');
      const isRefund = event === 'refund.processed' || event === 'refund.failed';
      if (!payment || (event === 'order.paid' && !order) || (isRefund && !refundEntity)) {
        throw new Error(`fake Razorpay: ${event} needs a known payment${isRefund ? ' and refund' : ''}`);
      }
      // @see https://razorpay.com/docs/webhooks/refunds/ — refund.processed / refund.failed carry the refund's final status.
      if (event === 'refund.processed' && refundEntity?.status !== 'processed') throw new Error('fake Razorpay: the refund is not processed');
      if (event === 'refund.failed' && refundEntity?.status !== 'failed') throw new Error('fake Razorpay: the refund has not failed');
      // @see https://razorpay.com/docs/webhooks/payments/ — payment.authorized is sent for an authorized payment, before any capture.
      if (event === 'payment.authorized' && payment.status === 'created') throw new Error('fake Razorpay: the payment is not authorized');
      const payload: Record<string, { entity: unknown }> = {};
      if (refundEntity) payload.refund = { entity: refundEntity };
      payload.payment = { entity: payment };
      if (event === 'order.paid') payload.order = { entity: order };
      const body = phpJson({
        entity: 'event',
        account_id: accountId,
        event,
        contains: Object.keys(payload),
        payload,
        created_at: seconds(),
      });
      // @see https://razorpay.com/docs/webhooks/validate-test/ — HMAC-SHA256 hex of the raw body.
      const signature = createHmac('sha256', secret).update(body).digest('hex');
      const response = await fetch(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Razorpay-Webhook/v1',
          'x-razorpay-signature': signature,
          'x-razorpay-event-id': eventId,
        },
        body,
      });
      return { status: response.status, responseBody: await response.text(), body, signature, eventId };
    },

    setDown(mode) {
      down = mode;
    },

    setRefundMode(mode) {
      refundMode = mode;
    },

    setBalance(paise) {
      balance = paise;
    },

    finishRefund(refundId, status) {
      const entity = refunds.get(refundId);
      if (entity?.status !== 'pending') throw new Error(`fake Razorpay: no pending refund ${refundId}`);
      entity.status = status;
      if (status === 'failed') {
        // A failed refund gives the money back to the merchant: the payment is captured again.
        const payment = payments.get(entity.payment_id);
        if (payment) {
          payment.amount_refunded -= entity.amount;
          payment.refund_status = payment.amount_refunded === 0 ? null : 'partial';
          payment.status = 'captured';
        }
        if (balance !== null) balance += entity.amount;
      }
      return entity;
    },

    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
  return fake;
}

/** Where `fakeCheckoutScript` posts the attendee's choice (on api.razorpay.com, or this fake). */
const CHECKOUT_PATH = '/v1/checkout/fake/';

/**
 * A stand-in for `https://checkout.razorpay.com/v1/checkout.js`, for browser tests that route
 * that URL to it (`page.route`). It keeps Checkout's contract with the page: `new Razorpay(options)`
 * checks the options a page must give (key, order_id, integer amount, currency, handler), `.on(
 * 'payment.failed', fn)`, and `.open()`, which lays a full-page window over the page (Razorpay's
 * is an iframe in a fixed container appended to `<body>`) with three buttons. "Pay (fake)" and
 * "Fail (fake)" post to `https://api.razorpay.com/v1/checkout/fake/{pay|fail}`, which the test
 * routes to this fake server, and hand the page exactly what Checkout would: the handler's
 * `razorpay_payment_id`, `razorpay_order_id` and `razorpay_signature` (then the window closes),
 * or the `payment.failed` error (the window stays, as Razorpay's does). "Close (fake)" calls
 * `modal.ondismiss`. The options it was opened with are kept on `window.__razorpayOpened`.
 * Like the real `checkout.js`, it adds a `<style>` element to the page when it opens, so a page
 * policy without `style-src 'unsafe-inline'` reports a violation here as it would with Razorpay's
 * (docs/widget.md#content-security-policy). No eval.
 *
 * @example
 * await page.route(RAZORPAY_CHECKOUT_URL, (route) => route.fulfill({ contentType: 'text/javascript', body: fakeCheckoutScript() }));
 */
export function fakeCheckoutScript(): string {
  return `(() => {
  const endpoint = 'https://api.razorpay.com${CHECKOUT_PATH}';
  window.__razorpayOpened = [];
  window.Razorpay = class Razorpay {
    constructor(options) {
      for (const field of ['key', 'order_id', 'currency', 'handler']) {
        if (!options || !options[field]) throw new Error('Razorpay: ' + field + ' is required');
      }
      if (!Number.isInteger(options.amount)) throw new Error('Razorpay: amount must be an integer in paise');
      this.options = options;
      this.failed = [];
    }
    on(event, callback) {
      if (event === 'payment.failed') this.failed.push(callback);
    }
    open() {
      const o = this.options;
      if (!document.getElementById('razorpay-checkout-style')) {
        const style = document.createElement('style');
        style.id = 'razorpay-checkout-style';
        style.textContent = '.razorpay-container { position: fixed; inset: 0; }';
        document.head.append(style);
      }
      window.__razorpayOpened.push({ key: o.key, order_id: o.order_id, amount: o.amount, currency: o.currency, name: o.name, description: o.description, prefill: o.prefill, theme: o.theme, timeout: o.timeout, redirect: o.redirect, callback_url: o.callback_url });
      const box = document.createElement('div');
      box.setAttribute('role', 'dialog');
      box.setAttribute('aria-label', 'Razorpay Checkout (fake)');
      Object.assign(box.style, { position: 'fixed', inset: '0', zIndex: '2147483647', background: 'rgba(0,0,0,.6)', display: 'grid', placeItems: 'center' });
      const panel = document.createElement('div');
      Object.assign(panel.style, { background: '#fff', padding: '24px', borderRadius: '8px', display: 'grid', gap: '12px', font: '16px system-ui' });
      const title = document.createElement('p');
      title.textContent = 'Razorpay (fake): ' + o.name + ', ' + o.currency + ' ' + (o.amount / 100).toFixed(2);
      panel.append(title);
      const close = () => box.remove();
      const post = (action) => fetch(endpoint + action, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ key_id: o.key, order_id: o.order_id }),
      }).then((r) => r.json());
      const button = (label, run) => {
        const b = document.createElement('button');
        b.type = 'button';
        b.textContent = label;
        b.addEventListener('click', run);
        panel.append(b);
      };
      // The redirect flow: the page posts to Razorpay, whose page posts the result to callback_url.
      const redirect = (outcome) => {
        const form = document.createElement('form');
        form.method = 'POST';
        form.action = endpoint + 'redirect';
        for (const [name, value] of Object.entries({ key_id: o.key, order_id: o.order_id, callback_url: o.callback_url, outcome })) {
          const input = document.createElement('input');
          input.type = 'hidden';
          input.name = name;
          input.value = value;
          form.append(input);
        }
        document.body.append(form);
        form.submit();
      };
      if (o.redirect && o.callback_url) {
        button('Pay (fake)', () => redirect('pay'));
        button('Fail (fake)', () => redirect('fail'));
        box.append(panel);
        document.body.append(box);
        return;
      }
      button('Pay (fake)', () => post('pay').then((paid) => { close(); o.handler(paid); }));
      button('Fail (fake)', () => post('fail').then((failure) => this.failed.forEach((f) => f(failure))));
      button('Close (fake)', () => { close(); if (o.modal && o.modal.ondismiss) o.modal.ondismiss(); });
      box.append(panel);
      document.body.append(box);
    }
  };
})();
`;
}
