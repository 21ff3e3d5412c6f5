/**
 * Parses a verified Razorpay webhook body into the few facts fulfilment acts on.
 *
 * The signature proves Razorpay sent the bytes, not that every value has the type its docs
 * promise: a value that is an object where an id belongs (`{"$gt": ""}`) would reach a store
 * filter as a query operator and match someone else's order. So each id must look like a
 * Razorpay id, each amount must be a whole number of paise, and everything else in the body
 * is dropped here, before the domain sees it.
 * @see https://razorpay.com/docs/webhooks/payloads/payments/
 * @see https://razorpay.com/docs/webhooks/payloads/refunds/
 */
import { z } from 'zod';
import type { GatewayWebhookEvent } from './gateway.js';

/** What a verified delivery asks of fulfilment; `ignored` for events we do not act on. */
export type RazorpayWebhookEvent = GatewayWebhookEvent;

/** The outcome of parsing: an event, or why the body was not one. */
export type ParsedRazorpayWebhook = { ok: true; value: RazorpayWebhookEvent } | { ok: false; reason: string };

/** `pay_…`, `order_…`, `rfnd_…`: letters, digits and underscores (the same rule the gateway applies before calling Razorpay). */
const RazorpayId = z.string().regex(/^[A-Za-z0-9_]{1,64}$/);
const Paise = z.number().int().nonnegative();

// Objects are not strict: Razorpay adds fields to its entities without notice, and they are dropped.
const Envelope = z.object({ event: z.string().max(100) });

const PaymentSucceeded = z.object({
  payload: z.object({ payment: z.object({ entity: z.object({ id: RazorpayId, order_id: RazorpayId.nullable().optional() }) }) }),
});

const PaymentFailed = z.object({
  payload: z.object({
    payment: z.object({
      entity: z.object({ order_id: RazorpayId.nullable().optional(), error_description: z.string().nullable().optional() }),
    }),
  }),
});

const RefundProcessed = z.object({
  payload: z.object({
    refund: z.object({ entity: z.object({ id: RazorpayId, payment_id: RazorpayId, amount: Paise }) }),
    payment: z.object({ entity: z.object({ id: RazorpayId, amount_refunded: Paise.optional() }) }).optional(),
  }),
});

const RefundFailed = z.object({
  payload: z.object({
    refund: z.object({ entity: z.object({ id: RazorpayId, payment_id: RazorpayId, error_description: z.string().max(500).nullable().optional() }) }),
  }),
});

const SUCCEEDED = new Set(['payment.authorized', 'payment.captured', 'order.paid']);

/**
 * Parses a webhook body whose signature has already been checked.
 *
 * @example
 * const parsed = parseRazorpayWebhook(rawBody);
 * if (parsed.ok && parsed.value.kind === 'payment_failed') await fulfilment.recordPaymentFailure(parsed.value.gatewayOrderId, parsed.value.reason);
 */
export function parseRazorpayWebhook(rawBody: string): ParsedRazorpayWebhook {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    return { ok: false, reason: 'the body is not JSON' };
  }
  const envelope = Envelope.safeParse(json);
  if (!envelope.success) return { ok: false, reason: describe(envelope.error) };
  const { event } = envelope.data;

  if (SUCCEEDED.has(event)) {
    const parsed = PaymentSucceeded.safeParse(json);
    if (!parsed.success) return { ok: false, reason: describe(parsed.error) };
    const payment = parsed.data.payload.payment.entity;
    // A payment made without a Razorpay order (a payment link, say) is not one of ours.
    if (!payment.order_id) return { ok: true, value: { kind: 'ignored', event } };
    return { ok: true, value: { kind: 'payment_succeeded', event, gatewayOrderId: payment.order_id, paymentId: payment.id } };
  }
  if (event === 'payment.failed') {
    const parsed = PaymentFailed.safeParse(json);
    if (!parsed.success) return { ok: false, reason: describe(parsed.error) };
    const payment = parsed.data.payload.payment.entity;
    if (!payment.order_id) return { ok: true, value: { kind: 'ignored', event } };
    return { ok: true, value: { kind: 'payment_failed', event, gatewayOrderId: payment.order_id, reason: payment.error_description || 'payment failed' } };
  }
  if (event === 'refund.processed') {
    const parsed = RefundProcessed.safeParse(json);
    if (!parsed.success) return { ok: false, reason: describe(parsed.error) };
    const { refund, payment } = parsed.data.payload;
    // The refund entity carries only this refund's amount; the payment's `amount_refunded` is the
    // running total, so a full refund made in parts is recognised when its last part lands.
    const runningTotal = payment?.entity.id === refund.entity.payment_id ? (payment.entity.amount_refunded ?? 0) : 0;
    return {
      ok: true,
      value: { kind: 'refund_processed', event, paymentId: refund.entity.payment_id, refundId: refund.entity.id, refundedTotal: Math.max(refund.entity.amount, runningTotal) },
    };
  }
  if (event === 'refund.failed') {
    // @see https://razorpay.com/docs/webhooks/refunds/ — a refund Razorpay could not complete; the money stays with the merchant.
    const parsed = RefundFailed.safeParse(json);
    if (!parsed.success) return { ok: false, reason: describe(parsed.error) };
    const refund = parsed.data.payload.refund.entity;
    return {
      ok: true,
      value: { kind: 'refund_failed', event, paymentId: refund.payment_id, refundId: refund.id, reason: refund.error_description || 'Razorpay could not complete the refund' },
    };
  }
  // Events we do not subscribe to are acknowledged and ignored.
  return { ok: true, value: { kind: 'ignored', event } };
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.map(String).join('.') || 'body'}: ${issue.message}` : 'invalid body';
}
