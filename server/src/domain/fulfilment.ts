import type { Outbox } from '../delivery/outbox.js';
import { confirmPayment, refusalOf, verifyPaymentSignature, type GatewayPayment } from '../payments/gateway.js';
import { op, type Store } from '../store/port.js';
import type { Clock } from '../kernel/clock.js';
import { AppError, notFound } from '../kernel/errors.js';
import { typeAvailable, type EventDoc, type Owner } from './events.js';
import { newId } from '../kernel/ids.js';
import { entryDueAt, ORPHAN_GRACE_MS, type Inventory } from './inventory.js';
import type { AccountDoc } from './accounts.js';
import { AWAITING, findOrderFor, type GatewayRouter, type OrderAccess, type OrderDoc, type OrderRefundDoc } from './orders.js';
import { createRefunds, type RefundDoc } from './refunds.js';
import type { TicketService } from './tickets.js';

/** Paid orders, refunds and ledgers one sweep looks at at most; the rest wait for the next round. */
const SWEEP_BATCH = 200;
/**
 * The reconciler looks at unpaid orders this far back, to catch payments that landed late:
 * Razorpay polls the bank for 3 days after a payment and may authorize it then, and refunds
 * uncaptured ones within 5 (https://razorpay.com/docs/payments/payments/late-authorisation/).
 */
export const RECONCILE_WINDOW_MS = 5 * 24 * 60 * 60_000;
/**
 * Orders one reconcile round asks Razorpay about: one call each, plus a fetch and a capture
 * for a payment found. The job runs once a minute, so this bounds its calls per minute well
 * under Razorpay's per-key rate limit, leaving room for checkouts; a backlog rotates through
 * (least recently checked first).
 */
export const RECONCILE_ORDERS_PER_ROUND = 60;

export interface FulfilmentDeps {
  store: Store;
  clock: Clock;
  inventory: Inventory;
  outbox: Outbox;
  gateways: GatewayRouter;
  tickets: TicketService;
}

export interface PayInput {
  gateway_order_id: string;
  gateway_payment_id: string;
  signature: string;
}

export interface IssueInput {
  event: string;
  ticket_type: string;
  quantity: number;
  holder: { name: string; email: string };
  external_reference?: string | null | undefined;
  send_email?: boolean | undefined;
}

/**
 * What happens once money arrives, exactly once however many callers race: the
 * browser's `/pay`, Razorpay's webhook and the reconciler all end in
 * `completePayment`, whose only non-idempotent step is one conditional order
 * transition; everything after it (seats, tickets, mail) is idempotent per order,
 * so a crash at any point is finished by the next caller or the sweeper.
 *
 * @example
 * const order = await fulfilment.pay(access, id, { gateway_order_id, gateway_payment_id, signature });
 */
export function createFulfilmentService(deps: FulfilmentDeps) {
  const { store, clock, inventory, outbox, gateways, tickets } = deps;
  const orderDocs = store.collection<OrderDoc>('orders');
  const events = store.collection<EventDoc>('events');

  async function load(id: string): Promise<OrderDoc> {
    const order = await orderDocs.findOne({ _id: id });
    if (!order) throw notFound('order', id);
    return order;
  }

  const accounts = store.collection<AccountDoc>('accounts');
  const refunds = createRefunds({ store, clock, gateways, onEnded: refundEnded });

  /** Mirrors a refund of the order's own payment onto the order, unless a newer state is there already. */
  async function noteRefund(refund: RefundDoc): Promise<void> {
    if (refund.purpose !== 'order') return;
    const summary: OrderRefundDoc = {
      status: refund.status,
      amount: refund.amount,
      reason: refund.reason,
      failure_reason: refund.failure_reason,
      requested_at: refund.created_at,
      updated_at: refund.updated_at,
    };
    await orderDocs.updateOne({ _id: refund.order, 'refund.updated_at': op.not(op.gt(refund.updated_at)) }, { $set: { refund: summary } });
  }

  /**
   * A refund of the order's payment ended at the gateway. Processed: the order is refunded
   * (tickets voided, seats back, buyer told). Failed: the order stays paid, the organizer is
   * told, the buyer is not (no money moved).
   */
  async function refundEnded(refund: RefundDoc): Promise<void> {
    await noteRefund(refund);
    if (refund.purpose !== 'order') return;
    const order = await load(refund.order);
    if (refund.status === 'processed') {
      await markRefunded(order, refund.reason);
      return;
    }
    const account = await accounts.findOne({ _id: order.account });
    if (!account) return;
    await outbox.enqueue({
      kind: 'refund_failed',
      to: account.email,
      payload: { order: order._id, reason: refund.failure_reason ?? 'refund failed' },
      dedupeKey: `refund_failed:${refund._id}:${refund.updated_at.getTime()}`,
    });
  }

  /**
   * Asks the gateway to refund the order's payment. The order turns `refunded` only when the
   * gateway says the refund is processed (now or later, see `refundEnded`); orders paid
   * outside the gateway, or not at all, are refunded at once.
   */
  async function refundOrderPayment(order: OrderDoc, reason: string, retryFailed: boolean): Promise<OrderDoc> {
    const paymentId = order.payment?.gateway_payment_id;
    if (!paymentId || order.payment?.gateway === 'external' || order.amount === 0) return markRefunded(order, reason);
    const refund = await refunds.request({ order: order._id, livemode: order.livemode, paymentId, amount: order.amount, purpose: 'order', reason }, { retryFailed });
    await noteRefund(refund);
    return load(order._id);
  }

  /** Records a refund the gateway made: the order is refunded, its tickets voided, its buyer told. */
  async function markRefunded(order: OrderDoc, reason: string): Promise<OrderDoc> {
    // Finish issuing first, so no ticket can appear after the refund has voided the others.
    if (order.status === 'paid' && order.fulfilment === 'pending') await fulfil(order);
    const refunded = await orderDocs.findOneAndUpdate(
      { _id: order._id, status: 'paid' },
      { $set: { status: 'refunded', refund_reason: reason, refund_settled: false, updated_at: clock.now() } },
    );
    const current = refunded ?? (await load(order._id));
    return current.status === 'refunded' && current.refund_settled === false ? settleRefund(current) : current;
  }

  /**
   * A captured payment this order will not be fulfilled with (a second payment, one for another
   * amount): Razorpay captures automatically by default, so the money is ours to give back.
   * Uncaptured ones are left alone; Razorpay returns those to the buyer itself.
   * @see https://razorpay.com/docs/payments/payments/capture-settings/
   */
  async function refundUnwanted(order: OrderDoc, paymentId: string, reason: string): Promise<void> {
    const gatewayOrderId = order.payment?.gateway_order_id;
    if (!gatewayOrderId || order.payment?.gateway_payment_id === paymentId) return;
    const payment = await gateways(order.livemode).gateway.fetchPayment(paymentId);
    if (payment.orderId !== gatewayOrderId || payment.status !== 'captured' || payment.amountRefunded >= payment.amount) return;
    await refunds.request({
      order: order._id,
      livemode: order.livemode,
      paymentId,
      amount: payment.amount - payment.amountRefunded,
      purpose: 'unfulfilled',
      reason,
    });
  }

  /**
   * The part of a refund that happens after the order says `refunded`: tickets voided, seats
   * returned, buyer told. Each step is idempotent, so a refund cut short is finished by any
   * later call or by the sweeper.
   */
  async function settleRefund(order: OrderDoc): Promise<OrderDoc> {
    await tickets.voidForOrder(order);
    if (order.source !== 'direct') {
      const reason = order.refund_reason ?? 'refunded';
      await outbox.enqueue({ kind: 'refund_notice', to: order.buyer.email, payload: { order: order._id, reason }, dedupeKey: `refund:${order._id}` });
    }
    return (await orderDocs.findOneAndUpdate({ _id: order._id, status: 'refunded' }, { $set: { refund_settled: true } })) ?? load(order._id);
  }

  /**
   * Paid, but the seats are gone (a payment that landed after its hold lapsed and sold out).
   * The refund is claimed first, so a fulfilment that finds seats a moment later cannot also
   * finish the order: it sees the claim and hands back what it issued.
   */
  async function refundUnfulfillable(order: OrderDoc): Promise<OrderDoc> {
    const claimed = await orderDocs.findOneAndUpdate(
      { _id: order._id, status: 'paid', fulfilment: op.in(['pending', 'refunding']) },
      { $set: { fulfilment: 'refunding', updated_at: clock.now() } },
    );
    if (!claimed) return load(order._id);
    return refundOrderPayment(claimed, 'sold_out', false);
  }

  /** Seats, tickets, mail: each step idempotent, so any caller may run it, any number of times. */
  async function fulfil(order: OrderDoc): Promise<OrderDoc> {
    if (order.status !== 'paid' || order.fulfilment !== 'pending') return order;
    const event = await events.findOne({ _id: order.event });
    if (!event) throw notFound('event', order.event);
    const sold = await inventory.sell(
      event,
      order._id,
      order.items.map((i) => ({ ticketType: i.ticket_type, quantity: i.quantity })),
    );
    if (!sold) return refundUnfulfillable(order);
    await tickets.issueForOrder(order, event);
    const done = await orderDocs.findOneAndUpdate({ _id: order._id, status: 'paid', fulfilment: 'pending' }, { $set: { fulfilment: 'done', updated_at: clock.now() } });
    if (!done) {
      // A sold-out refund claimed the order meanwhile: the tickets just issued must not stand.
      const current = await load(order._id);
      if (current.status === 'refunded' || current.fulfilment === 'refunding') await tickets.voidForOrder(current);
      return load(order._id);
    }
    if (order.send_email) {
      await outbox.enqueue({ kind: 'tickets', to: order.buyer.email, payload: { order: order._id }, dedupeKey: `tickets:${order._id}` });
    }
    return done;
  }

  /**
   * Marks an order paid by `paymentId` (already confirmed with the gateway) and
   * fulfils it. The transition is the one step only a single caller wins;
   * a late payment for an expired or cancelled order is honoured if seats remain.
   */
  async function completePayment(orderId: string, paymentId: string | null): Promise<OrderDoc> {
    const now = clock.now();
    const won = await orderDocs.findOneAndUpdate(
      { _id: orderId, status: op.in([...AWAITING, 'expired', 'cancelled']) },
      {
        $set: {
          status: 'paid',
          fulfilment: 'pending',
          paid_at: now,
          updated_at: now,
          ...(paymentId === null ? {} : { 'payment.gateway_payment_id': paymentId }),
        },
      },
    );
    const order = won ?? (await load(orderId));
    if (!won && paymentId !== null) await refundIfDuplicate(order, paymentId);
    return fulfil(order);
  }

  /**
   * A second payment for an order that another payment already paid (two
   * Checkout tabs, say) is money we must not keep: refund it once it is captured.
   */
  function refundIfDuplicate(order: OrderDoc, paymentId: string): Promise<void> {
    return refundUnwanted(order, paymentId, 'duplicate_payment');
  }

  /** Confirms a gateway payment for an order (fetch, match, capture) and completes it. */
  async function confirmAndComplete(order: OrderDoc, paymentId: string): Promise<OrderDoc> {
    const gatewayOrderId = order.payment?.gateway_order_id;
    if (!gatewayOrderId) throw new AppError('ORDER_NOT_PAYABLE', 'The order has no payment to confirm yet.');
    let payment: GatewayPayment;
    try {
      payment = await confirmPayment(gateways(order.livemode).gateway, { gatewayOrderId, paymentId, expectedAmount: order.amount, currency: order.currency });
    } catch (err) {
      // Refused (another amount, say) but possibly captured already: give the money back.
      if (err instanceof AppError && err.code === 'PAYMENT_VERIFICATION_FAILED') await refundUnwanted(order, paymentId, 'payment_rejected');
      throw err;
    }
    return completePayment(order._id, payment.id);
  }

  /** The answer to a second, different payment for an order that another payment already paid. */
  function alreadyPaid(order: OrderDoc): AppError {
    return new AppError('ORDER_NOT_PAYABLE', `The order is already ${order.status}; a second payment for it is refunded.`);
  }

  function isSettled(payment: GatewayPayment): boolean {
    return payment.status === 'authorized' || payment.status === 'captured';
  }

  /**
   * Releases the event's held entries whose order never got written or has ended, drops
   * settled sale entries past their retention, and schedules the ledger's next look: at
   * the earliest time one of the entries left may need it.
   */
  async function sweepLedger(event: EventDoc): Promise<{ released: number; forgotten: number }> {
    const now = clock.now().getTime();
    let released = 0;
    let forgotten = 0;
    let left = 0;
    let next = Infinity;
    const later = (at: number) => {
      left += 1;
      next = Math.min(next, at);
    };
    const entries = Object.entries(inventory.ledger(event)).map(([orderId, raw]) => ({ orderId, raw, entry: inventory.parseEntry(raw) }));
    const due = entries.filter(({ entry }) => entry && entryDueAt(entry) < now);
    const orders = new Map(due.length === 0 ? [] : (await orderDocs.find({ _id: op.in(due.map((d) => d.orderId)) })).map((order) => [order._id, order]));
    for (const { orderId, raw, entry } of entries) {
      if (!entry) {
        left += 1; // never written by this code: left for a person to look at
        continue;
      }
      if (entryDueAt(entry) >= now) {
        later(entryDueAt(entry));
        continue;
      }
      const order = orders.get(orderId);
      const retry = now + ORPHAN_GRACE_MS;
      if (entry.state === 'held') {
        // No order after the grace (a crash between the hold and the order), or one that ended.
        // Unpaid orders are expired by the order service; paid ones convert their hold when fulfilled.
        if (!order || order.status === 'expired' || order.status === 'cancelled' || order.status === 'refunded') {
          if (await inventory.release(event._id, orderId, raw)) released += 1;
          else later(retry);
        } else if (AWAITING.includes(order.status)) {
          later(Math.max(order.expires_at.getTime(), now) + ORPHAN_GRACE_MS);
        } else {
          later(retry);
        }
      } else if (!order || order.fulfilment === 'done' || order.status === 'refunded') {
        if (await inventory.forgetSold(event._id, orderId, raw)) forgotten += 1;
        else later(retry);
      } else {
        later(retry);
      }
    }
    await inventory.reschedule(event, next === Infinity ? null : next, left === 0);
    return { released, forgotten };
  }

  return {
    completePayment,
    fulfil,

    /** The browser's report of a payment: signature first, then the gateway's own word. */
    async pay(access: OrderAccess, id: string, input: PayInput): Promise<OrderDoc> {
      const order = await findOrderFor(orderDocs, access, id);
      if (order.status === 'paid' && order.payment?.gateway_payment_id === input.gateway_payment_id) return fulfil(order);
      if (order.status === 'awaiting_verification') throw new AppError('ORDER_NOT_PAYABLE', 'Verify the email code before paying.');
      const stored = order.payment?.gateway_order_id;
      if (!stored) throw new AppError('ORDER_NOT_PAYABLE', 'The order has no payment to confirm yet.');
      const { signingSecret } = gateways(order.livemode);
      const genuine =
        input.gateway_order_id === stored &&
        verifyPaymentSignature({ gatewayOrderId: stored, paymentId: input.gateway_payment_id, signature: input.signature, secret: signingSecret });
      if (!genuine) throw new AppError('PAYMENT_VERIFICATION_FAILED', 'The payment signature does not match this order.');
      if (order.status === 'paid' || order.status === 'refunded') {
        await refundIfDuplicate(order, input.gateway_payment_id);
        throw alreadyPaid(order);
      }
      const completed = await confirmAndComplete(order, input.gateway_payment_id);
      // Another payment won the race to pay this order (completePayment refunded ours if it was
      // captured): answer as a payment arriving just after it would be answered.
      if (completed.payment?.gateway_payment_id !== input.gateway_payment_id) throw alreadyPaid(completed);
      return completed;
    },

    /**
     * Razorpay's redirect back after paying (`callback_url`, for in-app browsers): the same as
     * `pay`, except that the signature is checked first in every case, because it is the only
     * proof the caller has (no client secret comes with Razorpay's form post).
     */
    async payByRedirect(owner: Owner, id: string, input: PayInput): Promise<OrderDoc> {
      const order = await findOrderFor(orderDocs, { owner }, id);
      const stored = order.payment?.gateway_order_id;
      const genuine =
        !!stored &&
        input.gateway_order_id === stored &&
        verifyPaymentSignature({ gatewayOrderId: stored, paymentId: input.gateway_payment_id, signature: input.signature, secret: gateways(order.livemode).signingSecret });
      if (!genuine) throw new AppError('PAYMENT_VERIFICATION_FAILED', 'The payment signature does not match this order.');
      return this.pay({ owner }, id, input);
    },

    /** Completes the order a gateway payment belongs to (webhooks); unknown orders are ignored. */
    async completeByGatewayOrder(gatewayOrderId: string, paymentId: string): Promise<OrderDoc | null> {
      const order = await orderDocs.findOne({ 'payment.gateway_order_id': gatewayOrderId });
      if (!order) return null;
      if (order.status === 'paid' || order.status === 'refunded') {
        await refundIfDuplicate(order, paymentId);
        return fulfil(order);
      }
      return confirmAndComplete(order, paymentId);
    },

    /** Notes a failed attempt (the buyer may try again while the hold lasts). */
    async recordPaymentFailure(gatewayOrderId: string, reason: string): Promise<void> {
      await orderDocs.updateOne(
        { 'payment.gateway_order_id': gatewayOrderId, status: 'awaiting_payment' },
        { $set: { last_payment_error: reason.slice(0, 300), updated_at: clock.now() } },
      );
    },

    /** Refunds a paid order in full: money back, tickets voided, seats returned. */
    async refund(owner: Owner, id: string, reason = 'requested_by_organizer'): Promise<OrderDoc> {
      const order = await findOrderFor(orderDocs, { owner }, id);
      if (order.status === 'refunded') return order.refund_settled === false ? settleRefund(order) : order;
      if (order.status !== 'paid') throw new AppError('ORDER_NOT_PAYABLE', `Only paid orders can be refunded; this one is ${order.status}.`);
      // A person asking again after a failed refund (the balance topped up, say) tries it again.
      return refundOrderPayment(order, order.refund?.reason ?? reason, true);
    },

    markRefunded,

    /**
     * Razorpay reports a refund processed (`refund.processed`): ours ends (and refunds the order
     * if it was the order's); one made in Razorpay's dashboard refunds the order when it is full.
     */
    async refundProcessed(paymentId: string, refundId: string, refundedAmount: number): Promise<OrderDoc | null> {
      if (await refunds.processed(paymentId, refundId)) return orderDocs.findOne({ 'payment.gateway_payment_id': paymentId });
      const order = await orderDocs.findOne({ 'payment.gateway_payment_id': paymentId });
      if (!order || refundedAmount < order.amount) return order;
      return markRefunded(order, 'refunded_at_gateway');
    },

    /** Razorpay reports a refund failed (`refund.failed`): the order stays paid and its organizer is told. */
    async refundFailed(paymentId: string, refundId: string, reason: string): Promise<void> {
      await refunds.failed(paymentId, refundId, reason);
    },

    /** Tickets for a payment taken elsewhere, or complimentary ones (the seed's `payment: false`). */
    async issue(owner: Owner, input: IssueInput): Promise<OrderDoc> {
      const event = await events.findOne({ _id: input.event, account: owner.account, livemode: owner.livemode });
      if (!event) throw notFound('event', input.event);
      if (event.status === 'cancelled') throw new AppError('SALES_CLOSED', 'The event is cancelled.');
      const type = event.ticket_types.find((t) => t.id === input.ticket_type);
      if (!type) {
        throw new AppError('VALIDATION_FAILED', 'The request has invalid fields.', [{ field: 'ticket_type', message: 'is not a ticket type of this event' }]);
      }
      const now = clock.now();
      const id = newId('ord');
      const soldOut = (left: EventDoc) =>
        new AppError('SOLD_OUT', `Only ${Math.min(left.inventory.available, left.inventory.types[type.id]?.available ?? Infinity)} ${type.name} tickets are left.`);
      if (typeAvailable(event, type.id) < input.quantity) throw soldOut(event);
      const order: OrderDoc = {
        _id: id,
        account: owner.account,
        livemode: owner.livemode,
        event: event._id,
        status: 'paid',
        items: [{ ticket_type: type.id, name: type.name, quantity: input.quantity, unit_price: 0 }],
        quantity: input.quantity,
        amount: 0,
        currency: 'INR',
        buyer: { name: input.holder.name, email: input.holder.email.toLowerCase(), phone: null },
        client_secret_hash: '',
        expires_at: now,
        verification: { required: false, sent_to: null, code_id: null, code_hash: null, code_expires_at: null, attempts: 0, verified_at: null },
        payment: { gateway: 'external', key_id: null, gateway_order_id: null, gateway_payment_id: null, reference: input.external_reference ?? null },
        fulfilment: 'pending',
        source: 'direct',
        send_email: input.send_email ?? true,
        last_payment_error: null,
        refund_reason: null,
        created_at: now,
        updated_at: now,
        paid_at: now,
      };
      // The order is written before the seats are taken: a crash in between leaves a paid order
      // that the sweeper fulfils, never seats sold to nobody.
      await orderDocs.insertOne(order);
      if (!(await inventory.sell(event, id, [{ ticketType: type.id, quantity: input.quantity }]))) {
        await orderDocs.updateOne({ _id: id, status: 'paid', fulfilment: 'pending' }, { $set: { status: 'cancelled', fulfilment: 'none', updated_at: clock.now() } });
        throw soldOut((await events.findOne({ _id: event._id })) ?? event);
      }
      return fulfil(order);
    },

    /**
     * Asks the gateway about unpaid orders (and recently lapsed ones) so that a
     * payment whose browser callback never arrived still issues tickets.
     */
    async reconcile(limit = RECONCILE_ORDERS_PER_ROUND): Promise<number> {
      const failures: unknown[] = [];
      const since = new Date(clock.now().getTime() - RECONCILE_WINDOW_MS);
      // Least recently checked first (never-checked ones lead), so a backlog larger than one
      // round rotates instead of starving the newest orders behind the oldest.
      const candidates = await orderDocs.find(
        { status: op.in(['awaiting_payment', 'expired', 'cancelled']), 'payment.gateway_order_id': op.ne(null), created_at: op.gte(since) },
        { sort: { reconciled_at: 1, created_at: 1 }, limit },
      );
      let completed = 0;
      for (const order of candidates) {
        const gatewayOrderId = order.payment?.gateway_order_id;
        if (!gatewayOrderId) continue;
        await orderDocs.updateOne({ _id: order._id }, { $set: { reconciled_at: clock.now() } });
        try {
          const payments = await gateways(order.livemode).gateway.listOrderPayments(gatewayOrderId);
          for (const settled of payments.filter(isSettled)) {
            try {
              if ((await confirmAndComplete(order, settled.id)).status === 'paid') completed += 1;
              break;
            } catch (err) {
              // A payment that does not pay for this order (another amount, already refunded) must
              // neither stop the round for every other order nor hide a good payment made after it.
              if (!(err instanceof AppError && err.code === 'PAYMENT_VERIFICATION_FAILED')) throw err;
            }
          }
        } catch (err) {
          // Asked to slow down (429): every further call this round would be refused too, and
          // each refused one counts against the limit; the rest wait for the next round.
          if (refusalOf(err) === 'rate_limited') break;
          // Razorpay unreachable: next round. Anything else is one order's problem: report it, go on.
          if (!(err instanceof AppError && err.code === 'UPSTREAM_UNAVAILABLE')) failures.push(err);
        }
      }
      if (failures.length > 0) throw new AggregateError(failures, `reconciled ${completed} orders; ${failures.length} could not be checked`);
      return completed;
    },

    /**
     * Repairs what a crash can leave behind: paid orders whose tickets were not
     * issued yet, refunds cut short, ledger entries whose order never got written or
     * has ended, and settled sale entries old enough to drop. Each query reads only
     * what is due (through an index), so a round costs what there is to repair, not
     * what has ever been sold.
     */
    async sweep(): Promise<{ fulfilled: number; released: number; forgotten: number }> {
      let fulfilled = 0;
      const before = new Date(clock.now().getTime() - ORPHAN_GRACE_MS);
      const stuck = await orderDocs.find({ status: 'paid', fulfilment: 'pending', paid_at: op.lte(before) }, { limit: SWEEP_BATCH });
      for (const order of stuck) if ((await fulfil(order)).fulfilment === 'done') fulfilled += 1;
      // Refunds cut short: claimed but not refunded yet, or refunded with tickets still standing.
      // (Those with a refund recorded are the refund ledger's to retry, below.)
      for (const order of await orderDocs.find({ fulfilment: 'refunding', status: 'paid', refund: null, updated_at: op.lte(before) }, { limit: SWEEP_BATCH })) {
        await refundUnfulfillable(order);
      }
      await refunds.retryDue(SWEEP_BATCH);
      for (const order of await orderDocs.find({ refund_settled: false, status: 'refunded', updated_at: op.lte(before) }, { limit: SWEEP_BATCH })) {
        await settleRefund(order);
      }
      let released = 0;
      let forgotten = 0;
      for (const event of await inventory.dueLedgers(SWEEP_BATCH)) {
        const swept = await sweepLedger(event);
        released += swept.released;
        forgotten += swept.forgotten;
      }
      return { fulfilled, released, forgotten };
    },

    /** Puts hold ledgers from before the sweeper's schedule on it (run once at start). */
    scheduleUnscheduledLedgers: () => inventory.scheduleUnscheduledLedgers(),
  };
}

export type FulfilmentService = ReturnType<typeof createFulfilmentService>;
