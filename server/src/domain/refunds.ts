import { createHash } from 'node:crypto';
import { refusalOf, RETRYABLE_REFUSALS, type GatewayRefund, type GatewayRefusal, type PaymentGateway, type RefundTags } from '../payments/gateway.js';
import { DuplicateKeyError, op, type IndexSpec, type Store } from '../store/port.js';
import type { Clock } from '../kernel/clock.js';
import type { GatewayResolver, OrderDoc } from './orders.js';

/**
 * What a refund is for: `order`, the order's own payment (an organizer's refund, or seats gone
 * by the time the money landed), after which the order is `refunded`; `unfulfilled`, a captured
 * payment the order will never be fulfilled with (a second payment, a wrong amount), which is
 * only recorded here.
 */
export type RefundPurpose = 'order' | 'unfulfilled';

/**
 * Why a refund failed, for code to act on: the gateway's refusal (`insufficient_balance`,
 * `too_old`, `not_found`, `invalid`, `refused`, …), or `failed_at_gateway` for a refund the
 * gateway took and later reported failed (`refund.failed`, or a fetch that says so).
 */
export type RefundFailureCode = GatewayRefusal | 'failed_at_gateway';

/**
 * Who made a refund: asked for through the API (`api`) or the console (`console`), by an event
 * cancellation's run (`cancellation`), by the service itself for a payment whose seats were gone
 * (`automatic`), or made in the gateway's own dashboard and adopted from its webhook
 * (`gateway_dashboard`, see `adoptFromGateway`). Absent on refunds of ours recorded before it was
 * kept (docs/domain-rules.md#refunds).
 */
export type RefundSource = 'api' | 'console' | 'cancellation' | 'automatic' | 'gateway_dashboard';

/**
 * One refund to get done at the gateway, kept until the gateway says how it ended (an outbox
 * for money). An order's payment may have many (partial refunds, each reserved on the order
 * first, see `docs/domain-rules.md#refunds`); a payment the order will never use has one.
 */
export interface RefundDoc {
  /**
   * `rf_…` for a refund of the order's own payment (one per request, the amount reserved on the
   * order); `rfq_` + the gateway payment id for an unwanted payment's refund, and for refunds
   * recorded before partial refunds existed, so any number of callers make one.
   */
  _id: string;
  order: string;
  livemode: boolean;
  payment_id: string;
  amount: number;
  /** The tickets this refund is for (voided, their seats freed, once it is processed); empty for a refund of an amount. */
  tickets?: string[];
  purpose: RefundPurpose;
  reason: string;
  status: 'pending' | 'processed' | 'failed';
  /** Who made it; absent on refunds of ours from before it was kept, and on refunds of unwanted payments. */
  source?: RefundSource;
  /**
   * For an adopted refund, what the gateway refunded when that was more than the order had left
   * to refund: `amount` is then only what remained, so nothing is counted twice.
   */
  gateway_amount?: number;
  /** The gateway's refund id once it made one (`rfnd_…`); null while none was made. */
  gateway_refund_id: string | null;
  failure_reason: string | null;
  /** Set with `failure_reason`; absent on refunds recorded before it existed. */
  failure_code?: RefundFailureCode | null;
  attempts: number;
  /** When the sweeper next asks the gateway; null once the refund has ended and its end was acted on. */
  next_attempt_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export const REFUND_INDEXES: readonly IndexSpec[] = [
  // The sweeper's due refunds: only pending ones carry a time.
  { collection: 'refunds', keys: { next_attempt_at: 1 } },
  { collection: 'refunds', keys: { order: 1 } },
  // The gateway's webhooks name a refund by its payment and its own refund id.
  { collection: 'refunds', keys: { payment_id: 1, gateway_refund_id: 1 } },
];

/**
 * The id of the record adopting a refund made in the gateway's dashboard: derived from the
 * gateway's refund id, so a webhook that arrives twice, or two that race, write one record.
 */
export function adoptedRefundIdOf(paymentId: string, gatewayRefundId: string): string {
  return `rf_${createHash('sha256').update(`${paymentId}:${gatewayRefundId}`).digest('hex').slice(0, 24)}`;
}

/**
 * What a refund's credit note is keyed by: our id, or for a refund adopted from the gateway's
 * dashboard the gateway's refund id, which notes issued before such refunds were adopted used.
 */
export function creditNoteKeyOf(refund: RefundDoc): string {
  return refund.source === 'gateway_dashboard' && refund.gateway_refund_id ? refund.gateway_refund_id : refund._id;
}

/** The first retry waits this long, doubling per attempt up to `MAX_BACKOFF_MS`. */
const FIRST_BACKOFF_MS = 60_000;
const MAX_BACKOFF_MS = 6 * 60 * 60_000;
/** An attempt is claimed for this long, so two servers never ask the gateway at once. */
const ATTEMPT_LEASE_MS = 2 * 60_000;

/** What one attempt learnt: the gateway's refund entity, a refusal for good, or one worth retrying. */
type Answer = GatewayRefund | { failed: string; code: GatewayRefusal } | { retry: string };

export interface RefundRequest {
  /** The refund's id: `rf_…` for one reserved on the order; absent for one per payment (`rfq_` + the payment id). */
  id?: string;
  /** The tickets the refund is for, if it is for tickets. */
  tickets?: string[];
  order: string;
  livemode: boolean;
  paymentId: string;
  amount: number;
  purpose: RefundPurpose;
  reason: string;
  /** Who asked for it (refunds of the order's own payment). */
  source?: RefundSource | undefined;
}

/**
 * Refunds at the gateway, recorded (docs/domain-rules.md#payments). A refund is done only
 * when the gateway's refund entity says `processed` (in its answer, a later fetch, or the
 * `refund.processed` webhook); a `pending` one is asked about again by the sweeper, a refusal
 * worth retrying (rate limited, another operation in progress, unreachable) is retried with
 * backoff, and one that will not work as asked (balance too low, payment too old) ends
 * `failed` for a person to act on. `onEnded` runs once per refund that ended, from whichever
 * caller saw it end.
 *
 * @example
 * const refund = await refunds.request({ order: order._id, livemode, paymentId, amount, purpose: 'order', reason });
 */
export function createRefunds(deps: { store: Store; clock: Clock; gateways: GatewayResolver; onEnded: (refund: RefundDoc) => Promise<void> }) {
  const { store, clock, gateways, onEnded } = deps;
  const refunds = store.collection<RefundDoc>('refunds');
  const orders = store.collection<OrderDoc>('orders');

  /** The gateway, with the very keys, that took the refund's order: a refund goes back through the account that was paid. */
  async function gatewayFor(refund: RefundDoc): Promise<PaymentGateway> {
    const order = await orders.findOne({ _id: refund.order });
    if (!order) throw new Error(`refund ${refund._id} names no stored order`);
    return gateways.gatewayOf(order);
  }

  /** Asks the gateway once (refund, or fetch a pending refund) and records what it said. */
  async function attempt(refund: RefundDoc): Promise<RefundDoc> {
    const now = clock.now();
    const claimed = await refunds.findOneAndUpdate(
      { _id: refund._id, status: 'pending', next_attempt_at: op.lte(now) },
      { $set: { next_attempt_at: new Date(now.getTime() + ATTEMPT_LEASE_MS), updated_at: now }, $inc: { attempts: 1 } },
    );
    if (!claimed) return (await refunds.findOne({ _id: refund._id })) ?? refund;
    let answer: Answer;
    try {
      const gateway = await gatewayFor(claimed);
      if (claimed.gateway_refund_id) answer = await gateway.fetchRefund(claimed.payment_id, claimed.gateway_refund_id);
      else answer = (await madeEarlier(gateway, claimed)) ?? (await gateway.refundPayment(claimed.payment_id, claimed.amount, tagsOf(claimed)));
    } catch (err) {
      answer = await explain(claimed, err);
    }
    return record(claimed, answer);
  }

  /**
   * The refund an earlier attempt made at the gateway, found by its receipt (our refund id), if
   * that attempt's answer never arrived: a timeout, a 5xx, a dropped connection or a crash after
   * the request left all look alike, so every attempt after the first looks before asking again
   * and a lost answer never refunds twice. A failed one is not taken: its money went back to the
   * payment, so it may be asked for anew.
   */
  async function madeEarlier(gateway: PaymentGateway, refund: RefundDoc): Promise<GatewayRefund | null> {
    if (refund.attempts <= 1) return null;
    const made = await gateway.listRefunds(refund.payment_id);
    return made.find((r) => r.receipt === refund._id && r.status !== 'failed') ?? null;
  }

  /** What a refund is tagged with at the gateway: our id as its receipt, and the order for the dashboard. */
  function tagsOf(refund: RefundDoc): RefundTags {
    return { receipt: refund._id, notes: { order: refund.order, refund: refund._id } };
  }

  /** What a refusal means for this refund: done already, never going to work, or try later. */
  async function explain(refund: RefundDoc, err: unknown): Promise<Answer> {
    const refusal = refusalOf(err);
    const message = err instanceof Error ? err.message : String(err);
    if (refusal === 'already_refunded') {
      // A retry of a refund whose answer was lost, or one made in the gateway's dashboard:
      // done only if the gateway's payment says its money went back.
      const payment = await gatewayFor(refund)
        .then((gateway) => gateway.fetchPayment(refund.payment_id))
        .catch(() => null);
      if (payment && payment.amountRefunded >= refund.amount) {
        return { refundId: refund.gateway_refund_id ?? '', paymentId: refund.payment_id, amount: refund.amount, status: 'processed' };
      }
      return { retry: message };
    }
    if (refusal === null || RETRYABLE_REFUSALS.includes(refusal)) return { retry: message };
    return { failed: message, code: refusal };
  }

  async function record(refund: RefundDoc, answer: Answer): Promise<RefundDoc> {
    const now = clock.now();
    let set: Partial<RefundDoc>;
    if ('retry' in answer || ('status' in answer && answer.status === 'pending')) {
      const wait = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** Math.max(0, refund.attempts - 1));
      set = { next_attempt_at: new Date(now.getTime() + wait), updated_at: now };
      if ('refundId' in answer && answer.refundId) set.gateway_refund_id = answer.refundId;
      if ('retry' in answer) {
        set.failure_reason = null;
        set.failure_code = null;
      }
    } else if ('failed' in answer || answer.status === 'failed') {
      set = {
        status: 'failed',
        failure_reason: 'failed' in answer ? answer.failed : 'The gateway reported the refund as failed',
        failure_code: 'failed' in answer ? answer.code : 'failed_at_gateway',
        next_attempt_at: null,
        updated_at: now,
      };
      if ('refundId' in answer && answer.refundId) set.gateway_refund_id = answer.refundId;
    } else {
      set = { status: 'processed', failure_reason: null, failure_code: null, next_attempt_at: null, updated_at: now };
      if (answer.refundId) set.gateway_refund_id = answer.refundId;
    }
    return end(refund._id, set);
  }

  /**
   * Writes what happened; when that ends a pending refund, runs `onEnded` (only the writer that
   * ended it does). An ended refund keeps a `next_attempt_at` until `onEnded` has run, so a
   * crash in between is finished by the sweeper (`retryDue`) rather than forgotten.
   */
  async function end(id: string, set: Partial<RefundDoc>): Promise<RefundDoc> {
    const ending = set.status !== undefined && set.status !== 'pending';
    const write = ending ? { ...set, next_attempt_at: new Date(clock.now().getTime() + ATTEMPT_LEASE_MS) } : set;
    const updated = await refunds.findOneAndUpdate({ _id: id, status: 'pending' }, { $set: write });
    const current = updated ?? (await refunds.findOne({ _id: id }));
    if (!current) throw new Error(`refund ${id} vanished`);
    if (updated && ending) return settled(updated);
    return current;
  }

  /** Runs `onEnded` for an ended refund, then takes it off the sweeper's schedule. */
  async function settled(refund: RefundDoc): Promise<RefundDoc> {
    await onEnded(refund);
    return (await refunds.findOneAndUpdate({ _id: refund._id, status: refund.status }, { $set: { next_attempt_at: null } })) ?? refund;
  }

  /** The refund of one gateway payment, reported by the gateway (webhook): ends it if it was pending. */
  async function reported(paymentId: string, refundId: string, status: 'processed' | 'failed', reason?: string): Promise<RefundDoc | null> {
    // Razorpay names the refund; a refund whose answer was lost before we learnt its id is the
    // payment's one-per-payment refund, if it has one.
    const refund = (await refunds.findOne({ payment_id: paymentId, gateway_refund_id: refundId })) ?? (await refunds.findOne({ _id: `rfq_${paymentId}` }));
    if (!refund) return null;
    if (refund.status !== 'pending') return refund;
    if (refund.gateway_refund_id && refund.gateway_refund_id !== refundId) return refund; // another refund of the payment
    const now = clock.now();
    return end(refund._id, {
      status,
      gateway_refund_id: refundId,
      failure_reason: status === 'failed' ? (reason ?? 'The gateway reported the refund as failed') : null,
      failure_code: status === 'failed' ? 'failed_at_gateway' : null,
      next_attempt_at: null,
      updated_at: now,
    });
  }

  const idOf = (input: RefundRequest) => input.id ?? `rfq_${input.paymentId}`;

  /**
   * Requests running in this process, by refund id: a caller racing another one for the same
   * payment waits for its answer instead of reporting the refund as still pending (callers on
   * other servers see `pending`, which is true, and the record ends it either way).
   */
  const inflight = new Map<string, Promise<RefundDoc>>();

  async function requestNow(input: RefundRequest, options: { retryFailed?: boolean }): Promise<RefundDoc> {
    const now = clock.now();
    const id = idOf(input);
    const doc: RefundDoc = {
      _id: id,
      tickets: input.tickets ?? [],
      order: input.order,
      livemode: input.livemode,
      payment_id: input.paymentId,
      amount: input.amount,
      purpose: input.purpose,
      reason: input.reason,
      ...(input.source ? { source: input.source } : {}),
      status: 'pending',
      gateway_refund_id: null,
      failure_reason: null,
      failure_code: null,
      attempts: 0,
      next_attempt_at: now,
      created_at: now,
      updated_at: now,
    };
    try {
      await refunds.insertOne(doc);
      return await attempt(doc);
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
    }
    const existing = await refunds.findOne({ _id: id });
    if (!existing) throw new Error(`refund ${id} vanished`);
    if (existing.status === 'failed' && options.retryFailed) {
      // A new refund at the gateway: the failed one stays failed there, so asking about it
      // again would only repeat its failure.
      const reopened = await refunds.findOneAndUpdate(
        { _id: id, status: 'failed' },
        {
          $set: {
            status: 'pending',
            reason: input.reason,
            gateway_refund_id: null,
            failure_reason: null,
            failure_code: null,
            attempts: 0,
            next_attempt_at: now,
            updated_at: now,
          },
        },
      );
      return attempt(reopened ?? existing);
    }
    return existing.status === 'pending' && existing.next_attempt_at && existing.next_attempt_at <= now ? attempt(existing) : existing;
  }

  return {
    /**
     * Records a refund reserved on its order whose record a crash kept from being written as
     * failed, without asking the gateway (it never was asked: the record comes before the first
     * attempt), and runs `onEnded`, which gives the reservation back. The record's id is the
     * lock: a request still on its way finds this failed record instead of writing its own, so
     * the two never both go ahead. Null when the refund has a record already.
     */
    async abandonUnrecorded(input: RefundRequest & { id: string; requestedAt: Date }): Promise<RefundDoc | null> {
      const now = clock.now();
      const doc: RefundDoc = {
        _id: input.id,
        tickets: input.tickets ?? [],
        order: input.order,
        livemode: input.livemode,
        payment_id: input.paymentId,
        amount: input.amount,
        purpose: input.purpose,
        reason: input.reason,
        ...(input.source ? { source: input.source } : {}),
        status: 'failed',
        gateway_refund_id: null,
        failure_reason: 'The refund was interrupted before it reached the payment gateway, so nothing was refunded; ask for it again.',
        failure_code: 'refused',
        attempts: 0,
        // Kept on the sweeper's schedule until `onEnded` has run, as any ended refund is.
        next_attempt_at: now,
        created_at: input.requestedAt,
        updated_at: now,
      };
      try {
        await refunds.insertOne(doc);
      } catch (err) {
        if (err instanceof DuplicateKeyError) return null;
        throw err;
      }
      return settled(doc);
    },

    /**
     * Records a refund the gateway made and processed without us (in its dashboard) as one of
     * ours, already processed, and runs `onEnded` for it like any refund that ended. Adopted once:
     * the record's id comes from the gateway's refund id, so a repeated or racing webhook finds
     * the record instead of writing another (and a crash before `onEnded` is finished by the
     * sweeper, as the record stays scheduled until then). `amount` is what the order still had
     * to refund, at most; `gatewayAmount` what the gateway refunded.
     */
    async adoptFromGateway(input: {
      order: string;
      livemode: boolean;
      paymentId: string;
      gatewayRefundId: string;
      amount: number;
      gatewayAmount: number;
      reason: string;
    }): Promise<RefundDoc> {
      const now = clock.now();
      const doc: RefundDoc = {
        _id: adoptedRefundIdOf(input.paymentId, input.gatewayRefundId),
        tickets: [],
        order: input.order,
        livemode: input.livemode,
        payment_id: input.paymentId,
        amount: input.amount,
        purpose: 'order',
        reason: input.reason,
        status: 'processed',
        source: 'gateway_dashboard',
        ...(input.gatewayAmount !== input.amount ? { gateway_amount: input.gatewayAmount } : {}),
        gateway_refund_id: input.gatewayRefundId,
        failure_reason: null,
        failure_code: null,
        attempts: 0,
        next_attempt_at: new Date(now.getTime() + ATTEMPT_LEASE_MS),
        created_at: now,
        updated_at: now,
      };
      try {
        await refunds.insertOne(doc);
      } catch (err) {
        if (!(err instanceof DuplicateKeyError)) throw err;
        const existing = await refunds.findOne({ _id: doc._id });
        if (!existing) throw new Error(`refund ${doc._id} vanished`);
        return existing;
      }
      return settled(doc);
    },

    /**
     * Starts the refund of a payment (or picks up the one already asked for) and makes one
     * attempt at once. A failed refund is asked for again only with `retryFailed`, when a
     * person decided to try again (after topping up the balance, say).
     */
    request(input: RefundRequest, options: { retryFailed?: boolean } = {}): Promise<RefundDoc> {
      const id = idOf(input);
      const running = inflight.get(id);
      if (running) return running;
      const started = requestNow(input, options).finally(() => inflight.delete(id));
      inflight.set(id, started);
      return started;
    },

    /** Asks the gateway again about refunds that are due (the sweeper); returns how many ended. */
    async retryDue(limit: number): Promise<number> {
      const due = await refunds.find({ next_attempt_at: op.lte(clock.now()) }, { sort: { next_attempt_at: 1 }, limit });
      let ended = 0;
      for (const refund of due) {
        // An ended refund still scheduled is one whose `onEnded` a crash cut short.
        if (refund.status !== 'pending') await settled(refund);
        else if ((await attempt(refund)).status !== 'pending') ended += 1;
      }
      return ended;
    },

    processed: (paymentId: string, refundId: string) => reported(paymentId, refundId, 'processed'),
    failed: (paymentId: string, refundId: string, reason?: string) => reported(paymentId, refundId, 'failed', reason),

    /** The one-per-payment refund of a gateway payment (an unwanted payment's), if one was asked for. */
    forPayment: (paymentId: string) => refunds.findOne({ _id: `rfq_${paymentId}` }),

    /** A refund by our id (`rf_…`, `rfq_…`), as the gateway's `receipt` names it. */
    byId: (id: string) => refunds.findOne({ _id: id }),

    /** An order's refunds, oldest first. */
    forOrder: (orderId: string) => refunds.find({ order: orderId }, { sort: { created_at: 1 } }),
  };
}

export type Refunds = ReturnType<typeof createRefunds>;
