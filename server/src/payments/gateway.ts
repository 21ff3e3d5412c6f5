/**
 * The payment gateway port, its signature checks, and the one service that decides
 * whether a gateway payment pays for an order.
 *
 * Two gateways implement the port: Razorpay (`razorpay.ts`, live and Razorpay test keys)
 * and the built-in test gateway (`test-gateway.ts`, our `sk_test_`/`pk_test_` keys).
 * A gateway object is one set of keys: it owns everything done with them, from creating
 * its order and the browser checkout's options to checking the payment the browser reports
 * and the webhooks it sends, so nothing outside it knows how a gateway signs.
 * Like pretix's payment provider interface, each phase below states what it may and may
 * not do, so the order service can call them from the browser callback, the webhook and
 * the reconciler without caring which gateway it holds.
 *
 * Money is integer minor units (paise) throughout, as Razorpay's API uses.
 * @see https://razorpay.com/docs/payments/payment-gateway/web-integration/standard/
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError, type ErrorCode } from '../kernel/errors.js';

/** Which gateway an order is paid through; also the `payment.gateway` wire value (docs/domain-rules.md#payments). */
export type GatewayName = 'razorpay' | 'test';

/** Razorpay's payment states. @see https://razorpay.com/docs/payments/payments/#payment-life-cycle */
export type GatewayPaymentStatus = 'created' | 'authorized' | 'captured' | 'refunded' | 'failed';

/** What the order service asks the gateway to create before the attendee pays. */
export interface CreateGatewayOrderInput {
  /** Integer minor units; at least 100 (Razorpay's minimum, ₹1.00). */
  amount: number;
  /** ISO 4217, e.g. `INR`. */
  currency: string;
  /** Our order id (`ord_…`), at most 40 characters, so the gateway dashboard links back to us. */
  receipt: string;
  /** At most 15 string values of up to 255 characters (Razorpay's documented limit is 256; one spare). */
  notes?: Record<string, string>;
}

/** A gateway order as created: the id the browser checkout and the signature are bound to. */
export interface GatewayOrder {
  gatewayOrderId: string;
  amount: number;
  currency: string;
  status: 'created' | 'attempted' | 'paid';
}

/** A payment as the gateway reports it, in our naming. */
export interface GatewayPayment {
  id: string;
  /** The gateway order it was made against; null for payments made without one. */
  orderId: string | null;
  amount: number;
  currency: string;
  status: GatewayPaymentStatus;
  captured: boolean;
  amountRefunded: number;
  method: string | null;
  errorCode: string | null;
  errorDescription: string | null;
  createdAt: Date;
}

/** The gateway's refund entity: only `processed` means the money is on its way back. */
export interface GatewayRefund {
  refundId: string;
  paymentId: string;
  amount: number;
  status: 'pending' | 'processed' | 'failed';
  /** The `receipt` the refund was asked for with (our refund id); null or absent when it had none. */
  receipt?: string | null;
}

/**
 * What a refund is tagged with at the gateway: `receipt`, our refund id (at most 40 characters),
 * by which a refund whose answer was lost is found again (`listRefunds`); `notes` for the
 * gateway's dashboard.
 */
export interface RefundTags {
  receipt: string;
  notes?: Record<string, string>;
}

/**
 * Why a gateway refused a request, precisely enough to decide what happens next: retry
 * later (`in_progress`, `rate_limited`, `unavailable`, `auth_failed`), give up and tell a
 * person (`insufficient_balance`, `too_old`, `not_found`, `invalid`, `refused`), or treat the
 * request as already done once the gateway confirms it (`already_refunded`, `already_captured`,
 * `receipt_taken`).
 * @see https://razorpay.com/docs/errors/
 * @see https://razorpay.com/docs/payments/refunds/errors/
 */
export type GatewayRefusal =
  | 'already_refunded'
  | 'already_captured'
  | 'receipt_taken'
  | 'insufficient_balance'
  | 'too_old'
  | 'in_progress'
  | 'not_found'
  | 'auth_failed'
  | 'rate_limited'
  | 'unavailable'
  | 'invalid'
  | 'refused';

/** The refusals worth trying again later, unchanged. */
export const RETRYABLE_REFUSALS: readonly GatewayRefusal[] = ['in_progress', 'rate_limited', 'unavailable', 'auth_failed'];

const CODE_FOR_REFUSAL: Record<GatewayRefusal, ErrorCode> = {
  already_refunded: 'CONFLICT',
  already_captured: 'CONFLICT',
  receipt_taken: 'CONFLICT',
  insufficient_balance: 'CONFLICT',
  too_old: 'CONFLICT',
  in_progress: 'UPSTREAM_UNAVAILABLE',
  not_found: 'NOT_FOUND',
  // Our keys are wrong: the operator's problem, never the API caller's.
  auth_failed: 'INTERNAL',
  rate_limited: 'UPSTREAM_UNAVAILABLE',
  unavailable: 'UPSTREAM_UNAVAILABLE',
  invalid: 'VALIDATION_FAILED',
  refused: 'CONFLICT',
};

/**
 * A gateway's refusal: an `AppError` (so the HTTP layer answers it) that also says exactly
 * why (`refusal`), so refunds and captures can tell "already done" from "not possible".
 */
export class GatewayError extends AppError {
  constructor(
    readonly refusal: GatewayRefusal,
    message: string,
  ) {
    super(CODE_FOR_REFUSAL[refusal], message);
  }
}

/** The refusal behind an error thrown by a gateway, or null for any other error. */
export function refusalOf(error: unknown): GatewayRefusal | null {
  return error instanceof GatewayError ? error.refusal : null;
}

/** What the browser checkout is opened with: public values only, never a secret. */
export interface GatewayCheckoutOptions {
  /** The public key id (Razorpay's `key`). */
  key: string;
  /** The gateway order the payment is bound to (Razorpay's `order_id`). */
  order_id: string;
  amount: number;
  currency: string;
}

/** What the browser reports after paying: the values Checkout hands the page. */
export interface PaymentCallback {
  /** The gateway order id stored on our order (never one from the request). */
  gatewayOrderId: string;
  paymentId: string;
  signature: string;
}

/**
 * A verified gateway webhook as the few facts fulfilment acts on, whatever the gateway;
 * `ignored` for events we do not act on.
 */
export type GatewayWebhookEvent =
  | { kind: 'payment_succeeded'; event: string; gatewayOrderId: string; paymentId: string }
  | { kind: 'payment_failed'; event: string; gatewayOrderId: string; reason: string }
  | { kind: 'refund_processed'; event: string; paymentId: string; refundId: string; refundedTotal: number }
  | { kind: 'refund_failed'; event: string; paymentId: string; refundId: string; reason: string }
  | { kind: 'ignored'; event: string };

/** The headers a webhook delivery came with, as the gateway needs them (lower-case names). */
export type WebhookHeaders = Readonly<Record<string, string | undefined>>;

/**
 * A webhook delivery as its gateway judged it: not signed with this gateway's secret
 * (`signed: false`), or signed, with the body parsed (schema-checked) into an event, or the
 * reason it is not one. `eventId` is the gateway's delivery id when it sends one.
 */
export type WebhookVerdict = { signed: false } | { signed: true; eventId: string | null; parsed: { ok: true; value: GatewayWebhookEvent } | { ok: false; reason: string } };

/**
 * The port every gateway implements. All methods throw `AppError`:
 * `UPSTREAM_UNAVAILABLE` when the gateway cannot be reached or answers 5xx (retry later),
 * `NOT_FOUND` for ids the gateway does not know, `VALIDATION_FAILED` for input it refuses,
 * `CONFLICT` when the object's state forbids the request (e.g. already captured).
 */
export interface PaymentGateway {
  readonly name: GatewayName;
  /** The public key id the browser checkout needs; never a secret. */
  readonly keyId: string;
  /** The options the browser checkout opens with for a gateway order. Pure. */
  checkoutOptions(order: GatewayOrder): GatewayCheckoutOptions;
  /**
   * Whether the browser's report of a payment was signed with this gateway's keys for the
   * stored gateway order. Pure; false (never a throw) for anything malformed. Only a hint
   * that the browser saw the payment: `confirmPayment` asks the gateway itself.
   */
  verifyPaymentCallback(callback: PaymentCallback): boolean;
  /**
   * Checks an inbound webhook against this gateway's webhook secret(s), over the raw body
   * exactly as received, and parses a signed one. Pure: no store, no network.
   */
  verifyWebhook(rawBody: string, headers: WebhookHeaders): WebhookVerdict;
  /**
   * Phase 1, when an order becomes `awaiting_payment`. MAY create an order at the gateway.
   * MUST NOT move money. Not idempotent (Razorpay orders take no idempotency key), so the
   * caller stores the returned id with one conditional update and reuses it.
   */
  createOrder(input: CreateGatewayOrderInput): Promise<GatewayOrder>;
  /**
   * The gateway order made with `receipt`, or null. Read-only. Lets a create whose answer
   * was lost be retried on accounts where receipts must be unique: the retry fails with
   * `receipt_taken`, and the order it made the first time is found here.
   */
  findOrderByReceipt(receipt: string): Promise<GatewayOrder | null>;
  /**
   * Phase 2, confirming. Read-only: MAY be called any number of times, from any caller,
   * MUST NOT change state. The answer is the truth; what the browser said is only a hint.
   */
  fetchPayment(paymentId: string): Promise<GatewayPayment>;
  /**
   * For the reconciler: every payment attempted against a gateway order, oldest first,
   * including ones the browser never reported. Read-only.
   */
  listOrderPayments(gatewayOrderId: string): Promise<GatewayPayment[]>;
  /**
   * Phase 3, settling an `authorized` payment. Moves money: call only after the payment was
   * fetched and matched to the order (see `confirmPayment`). A second capture of the same
   * payment fails with `CONFLICT`; it never captures twice.
   */
  capturePayment(paymentId: string, amount: number, currency: string): Promise<GatewayPayment>;
  /**
   * Phase 4, refunding a `captured` payment: `amount` minor units of it (a partial refund), or
   * what is left of it when `amount` is omitted. Moves money.
   * The answer is a refund entity whose `status` may still be `pending`; only `processed`
   * means done. Refusals are `GatewayError`s: `already_refunded` (a retried full refund),
   * `insufficient_balance` and `too_old` (never going to work as asked), `in_progress`.
   */
  refundPayment(paymentId: string, amount?: number, tags?: RefundTags): Promise<GatewayRefund>;
  /** A refund's current state (for a refund answered `pending`). Read-only. */
  fetchRefund(paymentId: string, refundId: string): Promise<GatewayRefund>;
  /**
   * Every refund of a payment, newest first, with the receipt each was made with. Read-only.
   * Lets a refund whose answer was lost be found by its receipt before it is asked for again,
   * so a retry never refunds twice.
   */
  listRefunds(paymentId: string): Promise<GatewayRefund[]>;
}

/**
 * Checks the port's input rules before any gateway sees them, so both gateways refuse the
 * same inputs with the same error.
 */
export function assertOrderInput(input: CreateGatewayOrderInput): void {
  const { amount, currency, receipt, notes = {} } = input;
  if (!Number.isSafeInteger(amount) || amount < 100) {
    throw new AppError('VALIDATION_FAILED', 'amount must be an integer of at least 100 (minor units)', [{ field: 'amount', message: 'must be an integer ≥ 100' }]);
  }
  if (!/^[A-Z]{3}$/.test(currency)) {
    throw new AppError('VALIDATION_FAILED', 'currency must be an ISO 4217 code', [{ field: 'currency', message: 'e.g. INR' }]);
  }
  if (receipt.length === 0 || receipt.length > 40) {
    throw new AppError('VALIDATION_FAILED', 'receipt must be 1 to 40 characters', [{ field: 'receipt', message: 'must be 1 to 40 characters' }]);
  }
  const entries = Object.values(notes);
  if (entries.length > 15 || entries.some((v) => v.length > 255)) {
    throw new AppError('VALIDATION_FAILED', 'at most 15 notes of 255 characters each', [{ field: 'notes', message: 'too many or too long' }]);
  }
}

/**
 * The signature Razorpay Checkout returns as `razorpay_signature`: hex HMAC-SHA256 of
 * `order_id|payment_id` keyed with the key secret.
 * @see https://razorpay.com/docs/payments/server-integration/nodejs/integration-steps/#15-verify-payment-signature
 *
 * @example paymentSignature('order_IluGWxBm9U8zJ8', 'pay_IluGWxBm9U8zJ9', keySecret)
 */
export function paymentSignature(orderId: string, paymentId: string, secret: string): string {
  return createHmac('sha256', secret).update(`${orderId}|${paymentId}`).digest('hex');
}

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

/**
 * Compares a claimed hex HMAC with the expected digest in constant time. Anything that is
 * not 64 hex characters is refused before the compare, because `Buffer.from(x, 'hex')`
 * silently drops bad characters and `timingSafeEqual` throws on unequal lengths.
 */
function hexDigestMatches(expected: Buffer, claimed: unknown): boolean {
  if (typeof claimed !== 'string' || !HEX_SHA256.test(claimed)) return false;
  return timingSafeEqual(expected, Buffer.from(claimed, 'hex'));
}

/**
 * Checks the signature the browser reports after paying. `gatewayOrderId` MUST be the id
 * stored on our order, never one from the request: otherwise a signature for a cheap order
 * would pay for a dear one. Returns false (never throws) for any malformed input, and for
 * an empty secret, so an unset secret can't accept signatures made with an empty key.
 *
 * @example
 * if (!verifyPaymentSignature({ gatewayOrderId: order.payment.gateway_order_id, paymentId, signature, secret })) {
 *   throw new AppError('PAYMENT_VERIFICATION_FAILED', 'The payment signature is not valid');
 * }
 */
export function verifyPaymentSignature(input: { gatewayOrderId: string; paymentId: string; signature: string; secret: string }): boolean {
  const { gatewayOrderId, paymentId, signature, secret } = input;
  if (!isUsableId(gatewayOrderId) || !isUsableId(paymentId) || typeof secret !== 'string' || secret === '') return false;
  const expected = createHmac('sha256', secret).update(`${gatewayOrderId}|${paymentId}`).digest();
  return hexDigestMatches(expected, signature);
}

/** A `|` inside an id would let two different (order, payment) pairs sign the same message. */
function isUsableId(id: unknown): id is string {
  return typeof id === 'string' && id.length > 0 && id.length <= 64 && !id.includes('|');
}

/**
 * Checks `X-Razorpay-Signature` on an inbound webhook: hex HMAC-SHA256 of the raw request
 * body keyed with the webhook secret (not the API key secret). Pass the bytes exactly as
 * received: a parsed and re-serialised body does not verify.
 * @see https://razorpay.com/docs/webhooks/validate-test/
 *
 * @example
 * const raw = await c.req.text();
 * if (!verifyWebhookSignature(raw, c.req.header('x-razorpay-signature'), config.razorpayWebhookSecret)) …
 */
export function verifyWebhookSignature(rawBody: string | Uint8Array, signatureHeader: string | null | undefined, webhookSecret: string): boolean {
  if (typeof webhookSecret !== 'string' || webhookSecret === '') return false;
  if (typeof rawBody !== 'string' && !(rawBody instanceof Uint8Array)) return false;
  const expected = createHmac('sha256', webhookSecret).update(rawBody).digest();
  return hexDigestMatches(expected, signatureHeader?.trim());
}

/** What `confirmPayment` needs: the stored gateway order and what our order costs. */
export interface ConfirmPaymentInput {
  /** The gateway order id stored on our order (not one taken from the request). */
  gatewayOrderId: string;
  paymentId: string;
  expectedAmount: number;
  currency: string;
}

/**
 * Decides whether a gateway payment pays for an order, capturing it if it is only
 * authorized. Used by the `/pay` callback, the webhook and the reconciler alike, so it is
 * safe to run concurrently for one payment: a capture that loses the race re-reads the
 * payment and succeeds if the winner captured it.
 *
 * Throws `PAYMENT_VERIFICATION_FAILED` (with a message safe for the attendee) when the
 * payment is unknown, belongs to another order, has another amount or currency, failed,
 * or was refunded; `UPSTREAM_UNAVAILABLE` passes through so the caller can retry.
 *
 * @example
 * const payment = await confirmPayment(gateway, { gatewayOrderId, paymentId, expectedAmount: order.amount, currency: 'INR' });
 */
export async function confirmPayment(gateway: PaymentGateway, input: ConfirmPaymentInput): Promise<GatewayPayment> {
  const { gatewayOrderId, paymentId, expectedAmount, currency } = input;
  if (!isUsableId(paymentId)) throw refused('The payment id is not valid');
  const payment = await fetchOrRefuse(gateway, paymentId);
  assertPaysFor(payment, input);
  if (payment.status === 'captured') return payment;
  try {
    const captured = await gateway.capturePayment(paymentId, expectedAmount, currency);
    assertPaysFor(captured, input);
    if (captured.status !== 'captured') throw refused('The payment could not be captured');
    return captured;
  } catch (error) {
    // Another confirmer (webhook, reconciler, a double-clicked Pay) may have captured it
    // between our fetch and our capture; Razorpay then answers 400 "already captured".
    if (refusalOf(error) !== 'already_captured' && !(error instanceof AppError && error.code === 'CONFLICT')) throw error;
    const again = await fetchOrRefuse(gateway, paymentId);
    assertPaysFor(again, { gatewayOrderId, paymentId, expectedAmount, currency });
    if (again.status === 'captured') return again;
    throw refused('The payment could not be captured');
  }
}

async function fetchOrRefuse(gateway: PaymentGateway, paymentId: string): Promise<GatewayPayment> {
  try {
    return await gateway.fetchPayment(paymentId);
  } catch (error) {
    if (error instanceof AppError && (error.code === 'NOT_FOUND' || error.code === 'VALIDATION_FAILED')) {
      throw refused('The payment gateway does not know this payment');
    }
    throw error;
  }
}

function assertPaysFor(payment: GatewayPayment, input: ConfirmPaymentInput): void {
  if (payment.id !== input.paymentId || payment.orderId !== input.gatewayOrderId) {
    throw refused('The payment was made for a different order');
  }
  if (payment.amount !== input.expectedAmount || payment.currency !== input.currency) {
    throw refused('The payment amount does not match the order');
  }
  if (payment.status === 'failed') throw refused('The payment failed; no money was taken');
  if (payment.status === 'created') throw refused('The payment has not been completed');
  if (payment.status === 'refunded' || payment.amountRefunded > 0) throw refused('The payment has been refunded');
}

function refused(message: string): AppError {
  return new AppError('PAYMENT_VERIFICATION_FAILED', message);
}
