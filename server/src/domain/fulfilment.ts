import { confirmPayment, type GatewayPayment } from '../payments/gateway.js';
import { op, type Store } from '../store/port.js';
import type { Clock } from '../kernel/clock.js';
import { AppError, notFound } from '../kernel/errors.js';
import { typeAvailable, type EventDoc, type Owner } from './events.js';
import { newId, newSortableId } from '../kernel/ids.js';
import type { Inventory } from './inventory.js';
import type { AccountDoc } from './accounts.js';
import { newOrderDocument } from './order-document.js';
import {
  AWAITING,
  findOrderFor,
  inWebhookScope,
  REFUNDABLE,
  reservedRefunds,
  type GatewayResolver,
  type WebhookScope,
  type OrderAccess,
  type OrderDoc,
  type OrderRefundDoc,
  type OrderRefundLogDoc,
} from './orders.js';
import { EVENT_CANCELLED_REFUND_REASON } from './event-cancellation-run.js';
import { createRefunds, creditNoteKeyOf, type RefundDoc, type RefundSource } from './refunds.js';
import { givePromoBack } from './promo-codes.js';
import { retakePromo } from './promo-retake.js';
import type { TicketDoc, TicketService } from './tickets.js';
import type { Outbox } from './ports.js';
import { type AuditContext, type AuditLog, changesBetween, createAuditLog } from './audit-log.js';
import { createDomainEvents, domainEventId, type DomainEvents } from './domain-events.js';
import { createInvoiceService, type InvoiceService } from './invoices.js';
import type { RefundExceedsRemainingDetails } from '@trendy-tickets/sdk';
import type { FiguresService } from './figures.js';

/**
 * How long a refund reserved on its order may go without its record before the sweeper gives
 * the reservation back: far longer than the one write between the two takes, so only a request
 * that died in between is taken for one.
 */
export const REFUND_RECORD_GRACE_MS = 10 * 60_000;

export interface FulfilmentDeps {
  store: Store;
  clock: Clock;
  inventory: Inventory;
  outbox: Outbox;
  gateways: GatewayResolver;
  tickets: TicketService;
  /** The events log (default: one over the same store). */
  domainEvents?: DomainEvents;
  /** The audit log (default: one over the same store). */
  auditLog?: AuditLog;
  /** Invoices and credit notes (default: one over the same store). */
  invoices?: InvoiceService;
  /**
   * Runs once per processed refund of an order's payment, after the order shows it: the refund
   * (its amount and ticket ids) and the order as it now stands. Where documents that follow a
   * refund (a credit note) are issued. Must be idempotent: a crash before the refund is marked
   * done runs it again.
   */
  onRefundProcessed?: (refund: RefundDoc, order: OrderDoc) => Promise<void>;
  /** The figures, which count the money refunds of an amount gave back (absent: not counted). */
  figures?: Pick<FiguresService, 'addRefunded' | 'refundsMoving'>;
}

/** What to refund: `amount` paise, or the `tickets` given; neither refunds what remains. */
export interface RefundInput {
  amount?: number | undefined;
  tickets?: readonly string[] | undefined;
  reason?: string | undefined;
  /** Who asks (default: the console for a team member, else the API). */
  source?: RefundSource | undefined;
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
  const domainEvents = deps.domainEvents ?? createDomainEvents({ store, clock });
  const auditLog = deps.auditLog ?? createAuditLog({ store, clock });
  const invoices = deps.invoices ?? createInvoiceService({ store, clock });
  // Each processed refund, partial or whole, gets its credit note (docs/gst.md#invoices-and-credit-notes).
  const onRefundProcessed =
    deps.onRefundProcessed ??
    (async (refund: RefundDoc, order: OrderDoc) => {
      await invoices.issueCreditNote({ order, refundId: creditNoteKeyOf(refund), amount: refund.amount });
    });
  const orderDocs = store.collection<OrderDoc>('orders');
  const ticketDocs = store.collection<TicketDoc>('tickets');
  const events = store.collection<EventDoc>('events');

  async function load(id: string): Promise<OrderDoc> {
    const order = await orderDocs.findOne({ _id: id });
    if (!order) throw notFound('order', id);
    return order;
  }

  const accounts = store.collection<AccountDoc>('accounts');
  const refunds = createRefunds({ store, clock, gateways, onEnded: refundEnded });

  /**
   * Mirrors a refund of the order's own payment onto the order (as the latest `refund`, and by id
   * in `refund_log`), unless a newer state is there already.
   */
  async function noteRefund(refund: RefundDoc): Promise<void> {
    if (refund.purpose !== 'order') return;
    const summary: OrderRefundDoc = {
      status: refund.status,
      amount: refund.amount,
      reason: refund.reason,
      failure_reason: refund.failure_reason,
      failure_code: refund.failure_code ?? null,
      ...(refund.source ? { source: refund.source } : {}),
      requested_at: refund.created_at,
      updated_at: refund.updated_at,
    };
    await orderDocs.updateOne({ _id: refund.order, 'refund.updated_at': op.not(op.gt(refund.updated_at)) }, { $set: { refund: summary } });
    const entry: OrderRefundLogDoc = { ...summary, id: refund._id, tickets: refund.tickets ?? [] };
    const at = `refund_log.${refund._id}`;
    await orderDocs.updateOne({ _id: refund.order, [`${at}.updated_at`]: op.not(op.gt(refund.updated_at)) }, { $set: { [at]: entry } });
  }

  /**
   * A refund of the order's payment ended at the gateway. Processed: the order is partially
   * refunded (its tickets, if the refund was for tickets, voided) or, once everything paid went
   * back, refunded; the buyer is told each time. Failed: its reservation is given back, the
   * order keeps its state, the organizer is told, the buyer is not (no money moved).
   */
  async function refundEnded(refund: RefundDoc): Promise<void> {
    await noteRefund(refund);
    if (refund.purpose !== 'order') return;
    const order = await load(refund.order);
    if (refund.status === 'processed') {
      await refundProcessed(order, refund);
      return;
    }
    await orderDocs.updateOne(
      { _id: order._id, refunds_applied: op.ne(refund._id), refunded_amount: op.exists(true) },
      { $inc: { refunded_amount: -refund.amount }, $push: { refunds_applied: refund._id } },
    );
    await tickets.releaseFromRefund(refund._id);
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
   * A processed refund, applied to its order once (its id joins `refunds_applied` in the same
   * update that counts its amount), then finished by idempotent steps, so a crash part-way is
   * finished by the sweeper running `onEnded` again. The one call a processed refund makes on
   * the outside (`onRefundProcessed`) comes before the buyer is told.
   */
  async function refundProcessed(order: OrderDoc, refund: RefundDoc): Promise<void> {
    // A refund of an amount leaves every ticket counted, so the figures count its money apart
    // (`refund_counted_amount` remembers how much, to take back if the order is refunded in full).
    const ofAmount = (refund.tickets ?? []).length === 0;
    await deps.figures?.refundsMoving(order);
    const { applied, counted } =
      refund.source === 'gateway_dashboard'
        ? await applyAdopted(order, refund)
        : {
            applied: await orderDocs.findOneAndUpdate(
              { _id: order._id, refunds_applied: op.ne(refund._id) },
              { $inc: { refund_processed_amount: refund.amount, refund_counted_amount: ofAmount ? refund.amount : 0 }, $push: { refunds_applied: refund._id } },
            ),
            counted: refund.amount,
          };
    if (applied && ofAmount) await deps.figures?.addRefunded(order, order.event, counted);
    const current = applied ?? (await load(order._id));
    // Before the buyer's notice is queued, so the notice finds the refund's credit note.
    await onRefundProcessed(refund, current);
    await countCreditNoteTax(current, refund);
    const processed = current.refund_processed_amount ?? 0;
    if (processed >= current.amount) {
      await markRefunded(current, refund.reason);
    } else {
      // Only while no later refund finished the order (`refunded` is final) and no other refund
      // was counted since (its own call then sets the state).
      await orderDocs.updateOne(
        { _id: order._id, status: op.in(REFUNDABLE), refund_processed_amount: processed },
        { $set: { status: 'partially_refunded', updated_at: clock.now() } },
      );
      await settlePartialRefund(await load(order._id), refund);
    }
  }

  /**
   * Applies a refund adopted from the gateway's dashboard to its order, once: unlike ours, its
   * amount was never reserved, so the same update raises `refunded_amount` too, by no more than
   * the order has left (a refund of ours reserved in the meantime keeps its share). Guarded by
   * the `refunded_amount` read, so a reservation racing it makes it read again rather than both
   * counting the same paise. `applied` is null when the refund was applied already.
   */
  async function applyAdopted(order: OrderDoc, refund: RefundDoc): Promise<{ applied: OrderDoc | null; counted: number }> {
    for (;;) {
      const current = await load(order._id);
      if ((current.refunds_applied ?? []).includes(refund._id)) return { applied: null, counted: 0 };
      // The counter was set before the refund was adopted (`adoptGatewayRefund`); read as its
      // own value, never from the order's latest refund, which may be this one by now.
      const reserved = current.refunded_amount ?? 0;
      const counted = Math.min(refund.amount, Math.max(0, current.amount - reserved));
      const applied = await orderDocs.findOneAndUpdate(
        { _id: order._id, refunds_applied: op.ne(refund._id), refunded_amount: current.refunded_amount ?? op.exists(false) },
        {
          $inc: { refunded_amount: counted, refund_processed_amount: counted, refund_counted_amount: counted },
          $push: { refunds_applied: refund._id },
        },
      );
      if (applied) return { applied, counted };
    }
  }

  /**
   * Takes the GST the refund's credit note reversed off the figures' tax, once (the refund's id
   * joins `refunds_taxed` in the update that counts it on the order): for a refund of tickets,
   * only what the note reversed beyond the voided tickets' own tax, which leaves the figures
   * with them (docs/gst.md#figures). No credit note (an organizer without GST, a receipt): nothing.
   */
  async function countCreditNoteTax(order: OrderDoc, refund: RefundDoc): Promise<void> {
    const note = await invoices.creditNoteFor(creditNoteKeyOf(refund));
    if (!note) return;
    const ids = refund.tickets ?? [];
    const voided = ids.length === 0 ? [] : await ticketDocs.find({ _id: op.in(ids) });
    const tax = note.cgst + note.sgst + note.igst - voided.reduce((sum, t) => sum + (t.money?.tax ?? 0), 0);
    if (tax === 0) return;
    await deps.figures?.refundsMoving(order);
    const taxed = await orderDocs.findOneAndUpdate(
      { _id: order._id, refunds_taxed: op.ne(refund._id), status: op.in(REFUNDABLE) },
      { $inc: { refund_counted_tax: tax }, $push: { refunds_taxed: refund._id } },
    );
    if (taxed) await deps.figures?.addRefunded(order, order.event, 0, tax);
  }

  /** The rest of a partial refund: its tickets voided and seats freed, the event recorded, the buyer told. */
  async function settlePartialRefund(order: OrderDoc, refund: RefundDoc): Promise<void> {
    await tickets.voidForRefund(refund);
    await domainEvents.record({
      type: 'order.partially_refunded',
      account: order.account,
      livemode: order.livemode,
      snapshot: { kind: 'order', order, tickets: await tickets.listForOrder(order._id) },
      sequence: refund._id,
    });
    if (order.source !== 'direct') {
      await outbox.enqueue({
        kind: 'refund_notice',
        to: order.buyer.email,
        payload: { order: order._id, reason: refund.reason, refund: refund._id, amount: refund.amount },
        dedupeKey: `refund:${refund._id}`,
      });
    }
  }

  /**
   * Asks the gateway for a refund of the order's payment: `amount` paise, the `tickets` given
   * (their share of what was paid), or without either what remains. The amount is reserved on
   * the order first by one conditional update (`refunded_amount` may not pass `amount`), so
   * refunds racing for the last rupee get it once. The order changes state only when the gateway
   * says the refund is processed (now or later, see `refundEnded`); orders paid outside the
   * gateway, or not at all, are refunded in full at once.
   */
  async function refundOrderPayment(order: OrderDoc, input: RefundInput, reason: string): Promise<OrderDoc> {
    const paymentId = order.payment?.gateway_payment_id;
    const partial = input.amount !== undefined || input.tickets !== undefined;
    if (!paymentId || order.payment?.gateway === 'external' || order.amount === 0) {
      if (partial) {
        throw new AppError('VALIDATION_FAILED', 'An order not paid through the gateway is refunded in full: send no amount or tickets.', [
          { field: input.amount !== undefined ? 'amount' : 'tickets', message: 'is only for orders paid through the gateway' },
        ]);
      }
      return markRefunded(order, reason);
    }
    // Orders from before partial refunds get their counter first (once: only while it is absent).
    await orderDocs.updateOne({ _id: order._id, refunded_amount: op.exists(false) }, { $set: { refunded_amount: reservedRefunds(order) } });
    const id = newId('rf');
    const claimed = input.tickets ? await tickets.claimForRefund(order._id, input.tickets, id) : [];
    const amount = input.tickets ? claimed.reduce((sum, t) => sum + (t.money?.gross ?? t.price), 0) : (input.amount ?? order.amount - reservedRefunds(await load(order._id)));
    if (amount <= 0) {
      await tickets.releaseFromRefund(id);
      // Nothing left to ask for (every paisa is refunded or pending): the order as it stands,
      // once its pending refunds had their turn.
      if (!partial) return pendingRefundsAskedAgain(order._id, paymentId);
      throw new AppError('VALIDATION_FAILED', 'The tickets were paid nothing, so there is nothing to refund.', [{ field: 'tickets', message: 'were free' }]);
    }
    const now = clock.now();
    const entry: OrderRefundLogDoc = {
      id,
      tickets: claimed.map((t) => t._id),
      status: 'pending',
      amount,
      reason,
      failure_reason: null,
      failure_code: null,
      ...(input.source ? { source: input.source } : {}),
      requested_at: now,
      updated_at: now,
    };
    const reserved = await orderDocs.findOneAndUpdate(
      { _id: order._id, status: op.in(REFUNDABLE), refunded_amount: op.lte(order.amount - amount) },
      {
        $inc: { refunded_amount: amount },
        $set: { [`refund_log.${id}`]: entry, refund_check_at: new Date(now.getTime() + REFUND_RECORD_GRACE_MS), updated_at: now },
      },
    );
    if (!reserved) {
      await tickets.releaseFromRefund(id);
      const current = await load(order._id);
      if (!partial && current.status === 'refunded') return current;
      if (!REFUNDABLE.includes(current.status)) throw new AppError('ORDER_NOT_PAYABLE', `Only paid orders can be refunded; this one is ${current.status}.`);
      // Asking for the rest while another refund took part of it: ask for what remains now.
      if (!partial) return refundOrderPayment(current, input, reason);
      const remaining = Math.max(0, current.amount - reservedRefunds(current));
      const details: RefundExceedsRemainingDetails = { requested: amount, remaining };
      throw new AppError('REFUND_EXCEEDS_REMAINING', `Only ${remaining} paise of this order can still be refunded; ${amount} were asked for.`, { ...details });
    }
    const refund = await refunds.request({
      id,
      tickets: entry.tickets,
      order: order._id,
      livemode: order.livemode,
      paymentId,
      amount,
      purpose: 'order',
      reason,
      source: input.source,
    });
    await noteRefund(refund);
    return load(order._id);
  }

  /**
   * Gives back the amounts of refunds reserved on their order whose record a crash kept from
   * being written (`refund_check_at` due): each is recorded as failed without asking the gateway
   * (see `abandonUnrecorded`), which gives its reservation back and frees its tickets, and the
   * organizer is told. Returns how many were given back.
   */
  async function releaseUnrecordedRefunds(limit: number): Promise<number> {
    const now = clock.now();
    const due = await orderDocs.find({ refund_check_at: op.lte(now) }, { sort: { refund_check_at: 1 }, limit });
    let released = 0;
    for (const order of due) {
      const paymentId = order.payment?.gateway_payment_id;
      for (const entry of Object.values(order.refund_log ?? {})) {
        if (!paymentId || entry.status !== 'pending' || now.getTime() - entry.requested_at.getTime() < REFUND_RECORD_GRACE_MS) continue;
        const input = { id: entry.id, tickets: entry.tickets, order: order._id, livemode: order.livemode, paymentId, amount: entry.amount, purpose: 'order' as const };
        if (await refunds.abandonUnrecorded({ ...input, reason: entry.reason, source: entry.source, requestedAt: entry.requested_at })) released += 1;
      }
      // Only if no reservation since set a later check.
      await orderDocs.updateOne({ _id: order._id, refund_check_at: order.refund_check_at ?? null }, { $unset: { refund_check_at: '' } });
    }
    return released;
  }

  /**
   * Asks again about an order's pending refunds, as a repeated request for the rest is answered:
   * a refund running in this process is waited for (`refunds.request` shares it), one due is
   * attempted, and a reserved one whose record a crash kept from being written gets it now.
   */
  async function pendingRefundsAskedAgain(orderId: string, paymentId: string): Promise<OrderDoc> {
    const order = await load(orderId);
    for (const entry of Object.values(order.refund_log ?? {})) {
      if (entry.status !== 'pending') continue;
      const input = { id: entry.id, tickets: entry.tickets, order: order._id, livemode: order.livemode, paymentId, amount: entry.amount, purpose: 'order' as const };
      await noteRefund(await refunds.request({ ...input, reason: entry.reason }));
    }
    return load(orderId);
  }

  /**
   * A processed refund of the order's payment that no record of ours names: one made in the
   * gateway's dashboard, adopted as a refund of ours (`refunds.adoptFromGateway`), which counts
   * it on the order and in the figures, moves the order's state and issues its credit note as
   * ours do (docs/domain-rules.md#refunds). Its counted amount is what the order had left to
   * refund at most. False for a refund of ours whose answer was lost (its receipt names our
   * record): the sweeper adopts it by that receipt and its own end counts it.
   */
  async function adoptGatewayRefund(order: OrderDoc, paymentId: string, refundId: string): Promise<boolean> {
    const made = await (await gateways.gatewayOf(order)).fetchRefund(paymentId, refundId);
    if (made.receipt && (await refunds.byId(made.receipt))) return false;
    if (made.status !== 'processed') return true;
    // Orders from before partial refunds get their counter first (once: only while it is absent),
    // before the adopted refund shows on the order as its latest.
    await orderDocs.updateOne({ _id: order._id, refunded_amount: op.exists(false) }, { $set: { refunded_amount: reservedRefunds(order) } });
    const remaining = Math.max(0, order.amount - reservedRefunds(await load(order._id)));
    await refunds.adoptFromGateway({
      order: order._id,
      livemode: order.livemode,
      paymentId,
      gatewayRefundId: refundId,
      amount: Math.min(made.amount, remaining),
      gatewayAmount: made.amount,
      reason: 'refunded_at_gateway',
    });
    return true;
  }

  /** Records a refund the gateway made in full: the order is refunded, its tickets voided, its buyer told. */
  async function markRefunded(order: OrderDoc, reason: string): Promise<OrderDoc> {
    // Finish issuing first, so no ticket can appear after the refund has voided the others.
    if (order.status === 'paid' && order.fulfilment === 'pending') await fulfil(order);
    const refunded = await orderDocs.findOneAndUpdate(
      { _id: order._id, status: op.in(REFUNDABLE) },
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
    const payment = await (await gateways.gatewayOf(order)).fetchPayment(paymentId);
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
    // Settling runs until `refund_settled`, so recording here survives a crash after the refund.
    await domainEvents.recordOrder('order.refunded', order, await tickets.listForOrder(order._id));
    await tickets.voidForOrder(order);
    await uncountRefundedAmounts(order._id);
    // A fully refunded order gives its promo code's use back (once: the flag on the order).
    await givePromoBack(store, order);
    // A cancelled event's refund is told in its one cancellation notice (domain/event-cancellation.ts).
    if (order.source !== 'direct' && order.refund_reason !== EVENT_CANCELLED_REFUND_REASON) {
      const reason = order.refund_reason ?? 'refunded';
      await outbox.enqueue({ kind: 'refund_notice', to: order.buyer.email, payload: { order: order._id, reason }, dedupeKey: `refund:${order._id}` });
    }
    return (await orderDocs.findOneAndUpdate({ _id: order._id, status: 'refunded' }, { $set: { refund_settled: true } })) ?? load(order._id);
  }

  /**
   * An order refunded in full has every ticket voided, which takes all it was paid out of the
   * figures: what its earlier refunds of an amount counted apart is taken back, once (the
   * counter is swapped to zero only from the value read).
   */
  async function uncountRefundedAmounts(orderId: string): Promise<void> {
    const order = await load(orderId);
    const counted = order.refund_counted_amount ?? 0;
    const tax = order.refund_counted_tax ?? 0;
    if (counted === 0 && tax === 0) return;
    await deps.figures?.refundsMoving(order);
    const swapped = await orderDocs.findOneAndUpdate(
      { _id: orderId, refund_counted_amount: order.refund_counted_amount ?? op.exists(false), refund_counted_tax: order.refund_counted_tax ?? op.exists(false) },
      { $set: { refund_counted_amount: 0, refund_counted_tax: 0 } },
    );
    if (swapped) await deps.figures?.addRefunded(swapped, swapped.event, -counted, -tax);
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
    return refundOrderPayment(claimed, { source: 'automatic' }, 'sold_out');
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
    // The events are recorded while the order is still `fulfilment: pending`, so a crash before
    // `done` leaves them to the sweeper, which runs this again (repair.ts).
    await domainEvents.recordOrderHistory(order);
    if (!sold) {
      await domainEvents.recordOrder('order.paid', order, [], order.paid_at ?? undefined);
      return refundUnfulfillable(order);
    }
    // Sold: a late payment keeps its discount, so it takes back the promo use its expiry gave up.
    await retakePromo(store, clock, order);
    const issued = await tickets.issueForOrder(order, event);
    return (await finishSale(order, issued)).order;
  }

  /**
   * The rest of a sale once its tickets are stored: their events-log entries and the invoice,
   * then `done`, then the mail. `alongside` is a write of the caller's that depends on nothing
   * here (the audit entry of an issue); it goes out with the log entries, sharing their commit.
   * Returns the order as it stands and its tickets.
   */
  async function finishSale(order: OrderDoc, issued: TicketDoc[], alongside?: Promise<unknown>): Promise<{ order: OrderDoc; tickets: TicketDoc[] }> {
    // `order.paid` and one `ticket.issued` per ticket, each recorded once whatever the order, in
    // one insert. The invoice comes before `done`, so a crash here leaves the order to the
    // sweeper, which issues it then; the tickets mail, queued after, finds it
    // (docs/gst.md#invoices-and-credit-notes). None of these depends on another, so they are
    // sent together (docs/decisions/0053-issuance-write-rounds.md).
    const paid = { type: 'order.paid' as const, account: order.account, livemode: order.livemode, snapshot: { kind: 'order' as const, order, tickets: issued } };
    await Promise.all([
      domainEvents.recordAll([
        order.paid_at ? { ...paid, at: order.paid_at } : paid,
        ...issued.map((ticket) => ({ type: 'ticket.issued' as const, account: ticket.account, livemode: ticket.livemode, snapshot: { kind: 'ticket' as const, ticket } })),
      ]),
      invoices.issueForOrder(order),
      alongside,
    ]);
    const done = await orderDocs.findOneAndUpdate({ _id: order._id, status: 'paid', fulfilment: 'pending' }, { $set: { fulfilment: 'done', updated_at: clock.now() } });
    if (!done) {
      // A sold-out refund claimed the order meanwhile: the tickets just issued must not stand.
      const current = await load(order._id);
      if (current.status === 'refunded' || current.fulfilment === 'refunding') await tickets.voidForOrder(current);
      return { order: await load(order._id), tickets: await tickets.listForOrder(order._id) };
    }
    if (order.send_email) {
      await outbox.enqueue({ kind: 'tickets', to: order.buyer.email, payload: { order: order._id }, dedupeKey: `tickets:${order._id}` });
      // An attendee with an email of their own also gets their ticket (docs/attendee-details.md); the buyer keeps getting all.
      for (const ticket of issued) {
        if (ticket.holder.email === order.buyer.email) continue;
        await outbox.enqueue({ kind: 'tickets', to: ticket.holder.email, payload: { order: order._id, ticket: ticket._id }, dedupeKey: `tickets:${order._id}:${ticket._id}` });
      }
    }
    return { order: done, tickets: issued };
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
      payment = await confirmPayment(await gateways.gatewayOf(order), { gatewayOrderId, paymentId, expectedAmount: order.amount, currency: order.currency });
    } catch (err) {
      // Refused (another amount, say) but possibly captured already: give the money back.
      if (err instanceof AppError && err.code === 'PAYMENT_VERIFICATION_FAILED') await refundUnwanted(order, paymentId, 'payment_rejected');
      throw err;
    }
    return completePayment(order._id, payment.id);
  }

  /** Narrows a webhook's order lookup to the account that signed it (the platform's orders are checked after the read). */
  function scopeFilter(scope: WebhookScope): { account?: string; livemode?: boolean } {
    return 'platform' in scope ? {} : { account: scope.account, livemode: scope.livemode };
  }

  /**
   * The order a gateway payment was made for, if `scope` may touch it: the order it paid, or
   * the order a refunded second payment was made against (found through its refund).
   */
  async function orderOfPayment(paymentId: string, scope: WebhookScope): Promise<OrderDoc | null> {
    let order = await orderDocs.findOne({ 'payment.gateway_payment_id': paymentId, ...scopeFilter(scope) });
    if (!order) {
      const refund = await refunds.forPayment(paymentId);
      order = refund ? await orderDocs.findOne({ _id: refund.order, ...scopeFilter(scope) }) : null;
    }
    return order && inWebhookScope(order, scope) ? order : null;
  }

  /** The answer to a second, different payment for an order that another payment already paid. */
  function alreadyPaid(order: OrderDoc): AppError {
    return new AppError('ORDER_NOT_PAYABLE', `The order is already ${order.status}; a second payment for it is refunded.`);
  }

  /**
   * Issues tickets (see `issue`) and answers with them as stored, so the caller need not read
   * them back. The order's own writes are those of any sale (docs/decisions/0053-issuance-write-rounds.md):
   * the order, its seats, its tickets with `order.created` beside them, then the events log, the
   * invoice and the audit entry together, then `done`.
   */
  async function issueWithTickets(owner: Owner, input: IssueInput, audit?: AuditContext): Promise<{ order: OrderDoc; tickets: TicketDoc[] }> {
    const event = await events.findOne({ _id: input.event, account: owner.account, livemode: owner.livemode });
    if (!event) throw notFound('event', input.event);
    if (event.status === 'cancelled') throw new AppError('SALES_CLOSED', 'The event is cancelled.');
    const type = event.ticket_types.find((t) => t.id === input.ticket_type);
    if (!type) {
      throw new AppError('VALIDATION_FAILED', 'The request has invalid fields.', [{ field: 'ticket_type', message: 'is not a ticket type of this event' }]);
    }
    const now = clock.now();
    const id = newSortableId('ord');
    const soldOut = (left: EventDoc) =>
      new AppError('SOLD_OUT', `Only ${Math.min(left.inventory.available, left.inventory.types[type.id]?.available ?? Infinity)} ${type.name} tickets are left.`);
    if (typeAvailable(event, type.id) < input.quantity) throw soldOut(event);
    const order = newOrderDocument({
      id,
      owner,
      event: event._id,
      status: 'paid',
      items: [{ ticket_type: type.id, name: type.name, quantity: input.quantity, unit_price: 0 }],
      buyer: { name: input.holder.name, email: input.holder.email.toLowerCase(), phone: null },
      // Issued tickets have no buyer session: nothing can present a client secret for them.
      clientSecretHash: '',
      expiresAt: now,
      verificationRequired: false,
      payment: { gateway: 'external', key_id: null, gateway_order_id: null, gateway_payment_id: null, reference: input.external_reference ?? null },
      fulfilment: 'pending',
      source: 'direct',
      sendEmail: input.send_email ?? true,
      now,
      paidAt: now,
    });
    // The order is written before the seats are taken: a crash in between leaves a paid order
    // that the sweeper fulfils, never seats sold to nobody. The hold's claim goes out with the
    // order's insert; the counters wait for the insert (`ready`), and a claim whose order never
    // landed moves no seat and is dropped by the sweeper.
    const stored = orderDocs.insertOne(order);
    const [, sold] = await Promise.all([stored, inventory.sell(event, id, [{ ticketType: type.id, quantity: input.quantity }], stored)]);
    if (!sold) {
      await orderDocs.updateOne({ _id: id, status: 'paid', fulfilment: 'pending' }, { $set: { status: 'cancelled', fulfilment: 'none', updated_at: clock.now() } });
      throw soldOut((await events.findOne({ _id: event._id })) ?? event);
    }
    // The seats are sold to this order now: what `fulfil` would read and sell again is known, and
    // a new order has no promo use to take back. `order.created` needs only the order, so it goes
    // out with the tickets' insert; both come before `done`, as in `fulfil`.
    const issued = await tickets.issueForOrder(order, event, () => domainEvents.recordOrderHistory(order));
    const audited = audit && auditIssue(audit, order, input, issued);
    return finishSale(order, issued, audited);
  }

  /** The audit entry of an issue (`ticket.issued`, about the order that holds the tickets). */
  function auditIssue(audit: AuditContext, order: OrderDoc, input: IssueInput, issued: readonly TicketDoc[]) {
    const after = {
      event: order.event,
      ticket_type: input.ticket_type,
      quantity: input.quantity,
      holder: order.buyer.email,
      external_reference: input.external_reference ?? null,
      send_email: input.send_email ?? true,
      tickets: issued.map((t) => t._id),
    };
    const changes = changesBetween(null, after, ['event', 'ticket_type', 'quantity', 'holder', 'external_reference', 'send_email', 'tickets']);
    return auditLog.record(audit, { action: 'ticket.issued', target: { type: 'order', id: order._id }, changes, domainEvent: domainEventId(order._id, 'order.paid') });
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
      const gateway = await gateways.gatewayOf(order);
      const genuine =
        input.gateway_order_id === stored && gateway.verifyPaymentCallback({ gatewayOrderId: stored, paymentId: input.gateway_payment_id, signature: input.signature });
      if (!genuine) throw new AppError('PAYMENT_VERIFICATION_FAILED', 'The payment signature does not match this order.');
      if (order.status === 'paid' || order.status === 'partially_refunded' || order.status === 'refunded') {
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
        (await gateways.gatewayOf(order)).verifyPaymentCallback({ gatewayOrderId: stored, paymentId: input.gateway_payment_id, signature: input.signature });
      if (!genuine) throw new AppError('PAYMENT_VERIFICATION_FAILED', 'The payment signature does not match this order.');
      return this.pay({ owner }, id, input);
    },

    /**
     * Completes the order a gateway payment belongs to (webhooks); unknown orders, and orders
     * outside the webhook's `scope`, are ignored.
     */
    async completeByGatewayOrder(gatewayOrderId: string, paymentId: string, scope: WebhookScope): Promise<OrderDoc | null> {
      const order = await orderDocs.findOne({ 'payment.gateway_order_id': gatewayOrderId, ...scopeFilter(scope) });
      if (!order || !inWebhookScope(order, scope)) return null;
      if (order.status === 'paid' || order.status === 'partially_refunded' || order.status === 'refunded') {
        await refundIfDuplicate(order, paymentId);
        return fulfil(order);
      }
      return confirmAndComplete(order, paymentId);
    },

    /**
     * Notes a failed attempt (the buyer may try again while the hold lasts). `scope` is the
     * webhook's; callers that found the order for its owner already pass none.
     */
    async recordPaymentFailure(gatewayOrderId: string, reason: string, scope?: WebhookScope): Promise<void> {
      const order = await orderDocs.findOne({ 'payment.gateway_order_id': gatewayOrderId, status: 'awaiting_payment', ...(scope ? scopeFilter(scope) : {}) });
      if (!order || (scope && !inWebhookScope(order, scope))) return;
      await orderDocs.updateOne({ _id: order._id, status: 'awaiting_payment' }, { $set: { last_payment_error: reason.slice(0, 300), updated_at: clock.now() } });
    },

    /**
     * Refunds a paid order: `amount` paise, chosen `tickets` (voided, seats freed), or without
     * either what remains; repeatable until everything paid went back (docs/domain-rules.md#refunds).
     * Asking again after a failed refund (the balance topped up, say) asks for a new refund.
     */
    async refund(owner: Owner, id: string, input: RefundInput = {}, audit?: AuditContext): Promise<OrderDoc> {
      const order = await findOrderFor(orderDocs, { owner }, id);
      const partial = input.amount !== undefined || input.tickets !== undefined;
      if (order.status === 'refunded' && !partial) return order.refund_settled === false ? settleRefund(order) : order;
      if (order.status === 'refunded') {
        const details: RefundExceedsRemainingDetails = { requested: input.amount ?? 0, remaining: 0 };
        throw new AppError('REFUND_EXCEEDS_REMAINING', 'The order is refunded in full already.', { ...details });
      }
      if (!REFUNDABLE.includes(order.status)) throw new AppError('ORDER_NOT_PAYABLE', `Only paid orders can be refunded; this one is ${order.status}.`);
      const source = input.source ?? (audit?.actor.type === 'user' ? 'console' : 'api');
      const after = await refundOrderPayment(order, { ...input, source }, input.reason ?? 'requested_by_organizer');
      if (audit) {
        // The refund's event is recorded when the gateway settles it, now or later; its id is known already.
        const made = Object.keys(after.refund_log ?? {}).find((key) => !(key in (order.refund_log ?? {})));
        const full = reservedRefunds(after) >= after.amount;
        const domainEvent = full ? domainEventId(id, 'order.refunded') : domainEventId(id, 'order.partially_refunded', made);
        const changes = changesBetween(order, after, ['status', 'refund', 'refund_reason', 'refunded_amount']);
        await auditLog.record(audit, { action: 'order.refund_requested', target: { type: 'order', id }, changes, domainEvent });
      }
      return after;
    },

    markRefunded,

    /**
     * Razorpay reports a refund processed (`refund.processed`): ours ends (and refunds the order
     * if it was the order's); one made in Razorpay's dashboard is adopted as ours, once.
     */
    async refundProcessed(paymentId: string, refundId: string, refundedAmount: number, scope: WebhookScope): Promise<OrderDoc | null> {
      const order = await orderOfPayment(paymentId, scope);
      if (!order) return null;
      if (await refunds.processed(paymentId, refundId)) return orderDocs.findOne({ _id: order._id });
      if (order.payment?.gateway_payment_id !== paymentId) return order;
      if (!(await adoptGatewayRefund(order, paymentId, refundId))) return order;
      const current = await load(order._id);
      // The payment's running total says it all went back even when earlier dashboard refunds
      // were never counted (made before they were adopted): the order is refunded either way.
      if (refundedAmount < current.amount || !REFUNDABLE.includes(current.status)) return current;
      return markRefunded(current, 'refunded_at_gateway');
    },

    /** Razorpay reports a refund failed (`refund.failed`): the order stays paid and its organizer is told. */
    async refundFailed(paymentId: string, refundId: string, reason: string, scope: WebhookScope): Promise<void> {
      if (!(await orderOfPayment(paymentId, scope))) return;
      await refunds.failed(paymentId, refundId, reason);
    },

    /**
     * Tickets for a payment taken elsewhere, or complimentary ones (the seed's `payment: false`).
     * `audit` names who issued them, for the audit log (`ticket.issued`, about the order that holds them).
     */
    async issue(owner: Owner, input: IssueInput, audit?: AuditContext): Promise<OrderDoc> {
      return (await issueWithTickets(owner, input, audit)).order;
    },

    issueWithTickets,

    /**
     * For the repair jobs (`repair.ts`): confirms a gateway payment found for the order
     * (fetch, match, capture) and completes it.
     */
    confirmAndComplete,
    /** For the repair jobs: claims and refunds a paid order whose seats are gone. */
    refundUnfulfillable,
    /** For the repair jobs: finishes a refunded order's tickets, seats and mail. */
    settleRefund,
    /** For the repair jobs: numbers invoices and credit notes a crash left unnumbered, at most `limit`. */
    numberStaleInvoices: (limit: number) => invoices.numberStale(limit),
    /** For the repair jobs: retries refunds the gateway has not settled yet, at most `limit`. */
    retryDueRefunds: (limit: number) => refunds.retryDue(limit),
    /** For the repair jobs: gives back refunds reserved on their order whose record a crash kept from being written. */
    releaseUnrecordedRefunds,
  };
}

export type FulfilmentService = ReturnType<typeof createFulfilmentService>;
