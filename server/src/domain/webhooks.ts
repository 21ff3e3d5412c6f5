import { createHash } from 'node:crypto';
import type { GatewayWebhookEvent, WebhookHeaders, WebhookVerdict } from '../payments/gateway.js';
import { op, DuplicateKeyError, type IndexSpec, type Store } from '../store/port.js';
import type { Clock } from '../kernel/clock.js';
import { AppError } from '../kernel/errors.js';
import type { FulfilmentService } from './fulfilment.js';
import type { GatewayResolver, WebhookScope, WebhookSender } from './orders.js';

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

/**
 * Razorpay waits 5 seconds for an answer and counts a slower one as a failed delivery
 * (https://razorpay.com/docs/webhooks/#webhook-retries): a delivery whose work is not done by
 * then is answered anyway, and the work finishes after the answer.
 */
export const ANSWER_WITHIN_MS = 3_000;

/** What became of one delivery. */
export type WebhookOutcome =
  | {
      duplicate: boolean;
      ignored: null;
      /**
       * Set when the work outlasted the answer budget: it goes on after the answer, and its
       * failure is the caller's to log (Razorpay will not redeliver; the reconciler and the
       * refund ledger's retries find what it left undone).
       */
      unfinished?: Promise<void>;
    }
  | { duplicate: false; ignored: 'malformed' | 'unsupported_event'; reason: string };

export const WEBHOOK_INDEXES: readonly IndexSpec[] = [{ collection: 'webhook_events', keys: { expires_at: 1 }, expireAfterSeconds: 0 }];

/**
 * Inbound gateway webhooks (Razorpay's: https://razorpay.com/docs/webhooks/validate-test/):
 * verified and parsed by the gateway whose secret signed them, de-duplicated by the gateway's
 * event id (`x-razorpay-event-id`), and handed to the same idempotent fulfilment the
 * browser's `/pay` uses, limited to the orders that gateway's keys took.
 *
 * @example
 * const outcome = await webhooks.receive(null, rawBody, { 'x-razorpay-signature': signature, 'x-razorpay-event-id': eventId });
 */
export function createWebhookService(deps: {
  store: Store;
  clock: Clock;
  fulfilment: FulfilmentService;
  gateways: Pick<GatewayResolver, 'webhookSenders'>;
  /** How long a delivery's work may hold up its answer; see `ANSWER_WITHIN_MS`. */
  answerWithinMs?: number;
}) {
  const { store, clock, fulfilment, gateways, answerWithinMs = ANSWER_WITHIN_MS } = deps;
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
    const takenOver = await seen.findOneAndUpdate({ _id: id, state: 'processing', received_at: op.lt(new Date(now.getTime() - STALE_MS)) }, { $set: { received_at: now } });
    if (takenOver) return true;
    const existing = await seen.findOne({ _id: id });
    if (existing?.state === 'processing') throw new AppError('IDEMPOTENCY_IN_FLIGHT', 'This webhook is being processed; deliver it again later.', undefined, 5);
    return false;
  }

  async function handle(event: GatewayWebhookEvent, scope: WebhookScope): Promise<void> {
    switch (event.kind) {
      case 'payment_succeeded':
        try {
          await fulfilment.completeByGatewayOrder(event.gatewayOrderId, event.paymentId, scope);
        } catch (err) {
          // A payment that does not pay for its order (another amount, refunded) never will: answer 2xx,
          // or Razorpay retries for a day and then disables the webhook for every order
          // (https://razorpay.com/docs/webhooks/#webhook-retries). The buyer's /pay got the 402.
          if (!(err instanceof AppError && err.code === 'PAYMENT_VERIFICATION_FAILED')) throw err;
          await fulfilment.recordPaymentFailure(event.gatewayOrderId, err.message, scope);
        }
        return;
      case 'payment_failed':
        await fulfilment.recordPaymentFailure(event.gatewayOrderId, event.reason, scope);
        return;
      case 'refund_processed':
        await fulfilment.refundProcessed(event.paymentId, event.refundId, event.refundedTotal, scope);
        return;
      case 'refund_failed':
        await fulfilment.refundFailed(event.paymentId, event.refundId, event.reason, scope);
        return;
      case 'ignored':
        return;
    }
  }

  return {
    /**
     * Verifies and processes one delivery posted to the installation's URL (`account` null) or
     * to one account's; says whether it was a redelivery, and why it was ignored when it was (an
     * event we do not act on, or a body that is not what the gateway documents).
     */
    async receive(account: string | null, rawBody: string, headers: WebhookHeaders): Promise<WebhookOutcome> {
      const senders = await gateways.webhookSenders(account);
      if (senders.length === 0) {
        throw new AppError(
          'FORBIDDEN',
          account === null
            ? 'Razorpay webhooks are not set up on this server: set RAZORPAY_WEBHOOK_SECRET.'
            : 'This account has no payment account connected to receive webhooks for.',
        );
      }
      let sender: WebhookSender | undefined;
      let verdict: WebhookVerdict = { signed: false };
      for (const candidate of senders) {
        verdict = candidate.gateway.verifyWebhook(rawBody, headers);
        if (verdict.signed) {
          sender = candidate;
          break;
        }
      }
      if (!sender || !verdict.signed) throw new AppError('UNAUTHENTICATED', 'The webhook signature does not match its body.');
      const parsed = verdict.parsed;
      // A signed body that is not what Razorpay documents is acknowledged (2xx), not refused: the same
      // bytes come back on every retry, and Razorpay retries a non-2xx answer for 24 hours and then
      // disables the webhook for every order (https://razorpay.com/docs/webhooks/#webhook-retries).
      // Nothing in it reaches the store; the caller logs it so the mismatch can be looked into.
      if (!parsed.ok) return { duplicate: false, ignored: 'malformed', reason: parsed.reason };
      const event = parsed.value;
      if (event.kind === 'ignored') return { duplicate: false, ignored: 'unsupported_event', reason: `${event.event} is not acted on` };
      // Installation-wide deliveries keep the ids they always had; an account's are told apart by its keys.
      const seed = verdict.eventId ?? rawBody;
      const id = `whe_${createHash('sha256')
        .update(account === null ? seed : `${sender.config}:${seed}`)
        .digest('hex')
        .slice(0, 32)}`;
      const scope = sender.scope;
      if (!(await claim(id, event.event))) return { duplicate: true, ignored: null };
      const work = (async () => {
        try {
          await handle(event, scope);
        } catch (err) {
          await seen.deleteOne({ _id: id, state: 'processing' }); // let Razorpay's retry process it again
          throw err;
        }
        await seen.updateOne({ _id: id }, { $set: { state: 'done' } });
      })();
      // Work done in time answers with its result (a failure is a 5xx Razorpay retries); work
      // still running is answered 2xx now, so a slow Razorpay call never turns into a failed delivery.
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), answerWithinMs);
        timer.unref?.();
      });
      try {
        if ((await Promise.race([work.then(() => 'done' as const), late])) === 'late') return { duplicate: false, ignored: null, unfinished: work };
      } finally {
        clearTimeout(timer);
      }
      return { duplicate: false, ignored: null };
    },
  };
}

export type WebhookService = ReturnType<typeof createWebhookService>;
