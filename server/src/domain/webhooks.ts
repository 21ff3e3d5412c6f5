import { createHash } from 'node:crypto';
import { verifyWebhookSignature } from '../payments/gateway.js';
import { op, DuplicateKeyError, type IndexSpec, type Store } from '../store/port.js';
import type { Clock } from './clock.js';
import { AppError } from './errors.js';
import type { FulfilmentService } from './fulfilment.js';

/** Razorpay redelivers for up to 24 h; ids are kept a week so any redelivery is recognised. */
const KEEP_MS = 7 * 24 * 60 * 60_000;
/** A delivery still `processing` after this long was cut short (a crash); the next one may take over. */
const STALE_MS = 5 * 60_000;

interface WebhookEventDoc {
  _id: string;
  event: string;
  state: 'processing' | 'done';
  received_at: Date;
  expires_at: Date;
}

export const WEBHOOK_INDEXES: readonly IndexSpec[] = [{ collection: 'webhook_events', keys: { expires_at: 1 }, expireAfterSeconds: 0 }];

interface RazorpayEntity {
  id?: string;
  order_id?: string | null;
  payment_id?: string;
  amount?: number;
  amount_refunded?: number;
  error_description?: string | null;
}

interface RazorpayWebhook {
  event?: string;
  payload?: { payment?: { entity?: RazorpayEntity }; refund?: { entity?: RazorpayEntity }; order?: { entity?: RazorpayEntity } };
}

/**
 * Inbound Razorpay webhooks (https://razorpay.com/docs/webhooks/validate-test/):
 * verified over the raw body, de-duplicated by `x-razorpay-event-id`, and
 * handed to the same idempotent fulfilment the browser's `/pay` uses.
 *
 * @example
 * const outcome = await webhooks.receive(rawBody, signature, eventId);
 */
export function createWebhookService({ store, clock, fulfilment, secret }: { store: Store; clock: Clock; fulfilment: FulfilmentService; secret: string | undefined }) {
  const seen = store.collection<WebhookEventDoc>('webhook_events');

  /** Claims an event id for processing; false when it was already handled. */
  async function claim(id: string, event: string): Promise<boolean> {
    const now = clock.now();
    try {
      await seen.insertOne({ _id: id, event, state: 'processing', received_at: now, expires_at: new Date(now.getTime() + KEEP_MS) });
      return true;
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
    }
    const takenOver = await seen.findOneAndUpdate(
      { _id: id, state: 'processing', received_at: op.lt(new Date(now.getTime() - STALE_MS)) },
      { $set: { received_at: now } },
    );
    if (takenOver) return true;
    const existing = await seen.findOne({ _id: id });
    if (existing?.state === 'processing') throw new AppError('IDEMPOTENCY_IN_FLIGHT', 'This webhook is being processed; deliver it again later.', undefined, 5);
    return false;
  }

  async function handle(body: RazorpayWebhook): Promise<void> {
    const payment = body.payload?.payment?.entity;
    switch (body.event) {
      case 'payment.authorized':
      case 'payment.captured':
      case 'order.paid':
        if (!payment?.id || !payment.order_id) return;
        try {
          await fulfilment.completeByGatewayOrder(payment.order_id, payment.id);
        } catch (err) {
          // A payment that does not pay for its order (another amount, refunded) never will: answer 2xx,
          // or Razorpay retries for a day and then disables the webhook for every order
          // (https://razorpay.com/docs/webhooks/#webhook-retries). The buyer's /pay got the 402.
          if (!(err instanceof AppError && err.code === 'PAYMENT_VERIFICATION_FAILED')) throw err;
          await fulfilment.recordPaymentFailure(payment.order_id, err.message);
        }
        return;
      case 'payment.failed':
        if (payment?.order_id) await fulfilment.recordPaymentFailure(payment.order_id, payment.error_description ?? 'payment failed');
        return;
      case 'refund.processed': {
        const refund = body.payload?.refund?.entity;
        // The refund entity carries only this refund's amount; the payment's `amount_refunded` is the
        // running total, so a full refund made in parts is recognised when its last part lands.
        const total = Math.max(refund?.amount ?? 0, payment?.id === refund?.payment_id ? (payment?.amount_refunded ?? 0) : 0);
        if (refund?.payment_id) await fulfilment.refundByGatewayPayment(refund.payment_id, total);
        return;
      }
      default:
        return; // Events we do not subscribe to are acknowledged and ignored.
    }
  }

  return {
    /** Verifies and processes one delivery; returns whether it was new. */
    async receive(rawBody: string, signature: string | undefined, eventId: string | undefined): Promise<{ duplicate: boolean }> {
      if (!secret) throw new AppError('FORBIDDEN', 'Razorpay webhooks are not set up on this server: set RAZORPAY_WEBHOOK_SECRET.');
      if (!verifyWebhookSignature(rawBody, signature, secret)) {
        throw new AppError('UNAUTHENTICATED', 'The webhook signature does not match its body.');
      }
      let body: RazorpayWebhook;
      try {
        body = JSON.parse(rawBody) as RazorpayWebhook;
      } catch {
        throw new AppError('VALIDATION_FAILED', 'The webhook body is not JSON.');
      }
      const id = `whe_${createHash('sha256').update(eventId ?? rawBody).digest('hex').slice(0, 32)}`;
      if (!(await claim(id, String(body.event ?? 'unknown')))) return { duplicate: true };
      try {
        await handle(body);
      } catch (err) {
        await seen.deleteOne({ _id: id, state: 'processing' }); // let Razorpay's retry process it again
        throw err;
      }
      await seen.updateOne({ _id: id }, { $set: { state: 'done' } });
      return { duplicate: false };
    },
  };
}

export type WebhookService = ReturnType<typeof createWebhookService>;
