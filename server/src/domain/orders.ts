import type { OrderTracking } from '@trendy-tickets/sdk';
import type { OrderStatus } from '@trendy-tickets/sdk';
import { refusalOf, type CreateGatewayOrderInput, type GatewayOrder, type PaymentGateway } from '../payments/gateway.js';
import { DuplicateKeyError, op, type Collection, type IndexSpec, type Store } from '../store/port.js';
import { deriveClientSecret, hashClientSecret } from './client-secret.js';
import type { Clock } from '../kernel/clock.js';
import { AppError, notFound, type FieldIssue } from '../kernel/errors.js';
import { assertCanSellFrom, publicAvailable, salesOpen, type EventDoc, type Owner } from './events.js';
import { newSortableId } from '../kernel/ids.js';
import type { Inventory, SeatLine } from './inventory.js';
import { newOrderDocument } from './order-document.js';
import type { RateLimiter } from './rate-limit.js';
import type { RefundFailureCode, RefundSource } from './refunds.js';
import { countCodeSend, freshCode, sameDigest, spendCodeAttempt } from './verification.js';
import type { Outbox } from './ports.js';
import { type AuditContext, type AuditLog, changesBetween, createAuditLog } from './audit-log.js';
import { createDomainEvents, domainEventId, type DomainEvents } from './domain-events.js';
import { orderBreakdown, type OrderBreakdownDoc } from './event-tax.js';
import { createTaxProfileService } from './tax-profiles.js';
import { keptBilling } from './order-billing.js';
import { checkAttendees, type AttendeeDoc, type AttendeeInput, type Answers } from './attendee-answers.js';
import { createPromoCodeService, givePromoBack, type PromoCodeDoc, type PromoCodeService } from './promo-codes.js';
import { discountTotal, promoDiscounts, type LineDiscount } from './promo-pricing.js';

export const AWAITING: readonly OrderStatus[] = ['awaiting_verification', 'awaiting_payment'];

export interface OrderItemDoc {
  ticket_type: string;
  name: string;
  quantity: number;
  unit_price: number;
}

export interface OrderDoc {
  _id: string;
  account: string;
  livemode: boolean;
  event: string;
  status: OrderStatus;
  items: OrderItemDoc[];
  quantity: number;
  /** What the buyer is charged: the breakdown's `total` when there is one, else the items' sum. */
  amount: number;
  /** Tax and fee figures (docs/gst.md); absent or null on orders of events without tax or fee settings. */
  breakdown?: OrderBreakdownDoc | null;
  currency: 'INR';
  buyer: { name: string; email: string; phone: string | null };
  /** Who the invoice is made out to, when the buyer asked for it at checkout (docs/gst.md#invoices-and-credit-notes); absent or null otherwise. */
  billing?: OrderBillingDoc | null;
  /** Where the buyer came from (docs/domain-rules.md#campaign-tracking); absent on orders from before it, null without one. */
  tracking?: OrderTracking | null;
  /** Each ticket's attendee, by the ticket's position (docs/attendee-details.md); absent or null when checkout asked none. */
  attendees?: AttendeeDoc[] | null;
  /** Answers to the event's order-scope questions, by question id; absent on orders without any. */
  answers?: Answers;
  /** The promo code used and the paise it took off before tax (docs/promo-codes.md); absent on orders from before it, null without one. */
  discount?: OrderDiscountDoc | null;
  /**
   * SHA-256 of the client secret (derived from TTS_SECRET and the id, see client-secret.ts):
   * the secret itself is shown to the order's creator, and to a replay of the creating request.
   */
  client_secret_hash: string;
  expires_at: Date;
  verification: {
    required: boolean;
    sent_to: string | null;
    code_id: string | null;
    code_hash: string | null;
    code_expires_at: Date | null;
    attempts: number;
    verified_at: Date | null;
  };
  payment: {
    gateway: 'razorpay' | 'test' | 'external';
    /**
     * The gateway configuration that took the order (`GatewayBinding.config`); absent on orders
     * from before it was stored, which used the installation's keys for their mode.
     */
    config?: string | null;
    key_id: string | null;
    gateway_order_id: string | null;
    gateway_payment_id: string | null;
    reference: string | null;
  } | null;
  /**
   * `pending` from the moment the order is paid until its tickets exist; `refunding` while a
   * paid order whose seats were gone is being refunded (claimed, so no fulfilment races it).
   */
  fulfilment: 'none' | 'pending' | 'done' | 'refunding';
  source: 'checkout' | 'direct';
  send_email: boolean;
  last_payment_error: string | null;
  refund_reason: string | null;
  /** False from the refund until its tickets are voided and seats returned (the sweeper finishes it). */
  refund_settled?: boolean;
  /** The refund of the order's payment changed last, as the gateway last reported it; absent or null before any. */
  refund?: OrderRefundDoc | null;
  /**
   * Paise reserved by refunds not failed (pending and processed): raised by the one conditional
   * update that asks for a refund, so it never exceeds `amount` (docs/domain-rules.md#refunds).
   * Absent before the order's first partial refund (then read as `refund`'s amount unless failed).
   */
  refunded_amount?: number;
  /** Paise of processed refunds; `refunded` once it reaches `amount`. */
  refund_processed_amount?: number;
  /** Of those, the paise of refunds of an amount the figures count as refunded (zero again once the order is refunded in full). */
  refund_counted_amount?: number;
  /**
   * The GST the credit notes of its processed refunds reversed beyond what their voided tickets
   * carried, as the figures count it apart (`refunded_tax`); zero again once refunded in full.
   */
  refund_counted_tax?: number;
  /** The processed refunds whose credit note's tax is counted in `refund_counted_tax`. */
  refunds_taxed?: string[];
  /** Refunds whose end was applied to the order (processed: counted; failed: reservation given back), so each is applied once. */
  refunds_applied?: string[];
  /**
   * When the sweeper checks that each refund reserved on the order got its record (a crash in
   * between leaves the amount reserved with nothing to refund it); set by each reservation,
   * removed by the check.
   */
  refund_check_at?: Date;
  /** Each refund of the order by id (`rf_…`), as last reported; absent before any. */
  refund_log?: Record<string, OrderRefundLogDoc>;
  /** When the reconciler last asked the gateway about this order. */
  reconciled_at?: Date;
  created_at: Date;
  updated_at: Date;
  paid_at: Date | null;
}

/**
 * An order's promo code: `code` as the organizer wrote it, `promo` its id (`pc_…`), `amount` the
 * paise taken off before tax. `returned` turns true once, by one conditional update, when the
 * order gives its redemption back (it expired, was cancelled or fully refunded), so the code's
 * `uses` is lowered exactly once (docs/decisions/0039-promo-code-rounding-and-give-back.md).
 */
export interface OrderDiscountDoc {
  code: string;
  promo: string;
  amount: number;
  returned: boolean;
  /** True once a late payment took back the use the order gave up when it ended unpaid (domain/promo-retake.ts). */
  retaken?: boolean;
  /** True when that late payment counted the use past the code's `max_uses`. */
  over_limit?: boolean;
}

/** A buyer's invoice details: a company name, a billing address and a GSTIN, each optional. */
export interface OrderBillingDoc {
  company: string | null;
  address: string | null;
  gstin: string | null;
}

/**
 * A refund of the order's payment. The order turns `refunded` only once the gateway says the
 * refund is `processed`; while it is `pending` the order stays `paid`, and a `failed` one
 * leaves it `paid` for the organizer to act on (docs/domain-rules.md#payments).
 */
export interface OrderRefundDoc {
  status: 'pending' | 'processed' | 'failed';
  amount: number;
  reason: string;
  /** Why the gateway refused or failed it, in words the organizer can act on. */
  failure_reason: string | null;
  /** The same as a code (`insufficient_balance`, `too_old`, `failed_at_gateway`, …); absent on older orders. */
  failure_code?: RefundFailureCode | null;
  /** Who made the refund (domain/refund-source.ts reads it); absent on older orders. */
  source?: RefundSource;
  requested_at: Date;
  updated_at: Date;
}

/** One refund of the order, as `refund_log` keeps it. */
export interface OrderRefundLogDoc extends OrderRefundDoc {
  id: string;
  tickets: string[];
}

/** The states in which an order has tickets to show (voided ones included). */
export const HAS_TICKETS: readonly OrderStatus[] = ['paid', 'partially_refunded', 'refunded'];

/** The states an order may be refunded from. */
export const REFUNDABLE: readonly OrderStatus[] = ['paid', 'partially_refunded'];

/**
 * Paise refunded or being refunded: `refunded_amount`, or for an order from before partial
 * refunds, its one refund unless that failed.
 */
export function reservedRefunds(order: OrderDoc): number {
  if (order.refunded_amount !== undefined) return order.refunded_amount;
  return order.refund && order.refund.status !== 'failed' ? order.refund.amount : 0;
}

export const ORDER_INDEXES: readonly IndexSpec[] = [
  { collection: 'orders', keys: { status: 1, expires_at: 1 } },
  { collection: 'orders', keys: { 'payment.gateway_order_id': 1 } },
  { collection: 'orders', keys: { fulfilment: 1, paid_at: 1 } },
  { collection: 'orders', keys: { status: 1, reconciled_at: 1, created_at: 1 } },
  { collection: 'orders', keys: { event: 1, created_at: -1 } },
  // The sweeper's refunds to finish: the few with `refund_settled: false`, not every refunded order.
  { collection: 'orders', keys: { refund_settled: 1, updated_at: 1 } },
  // Reservations the sweeper checks for a record: only orders with one due carry the field.
  { collection: 'orders', keys: { refund_check_at: 1 } },
];

/** Which gateway takes a new order's payment, and which of its configurations (set of keys) it is. */
export interface GatewayBinding {
  gateway: PaymentGateway;
  /**
   * Names the keys the gateway was built from (`test`, `platform`, or a connected account's
   * `gwc_…`); stored on the order as `payment.config`, so its later calls use the same keys.
   */
  config: string;
}

/**
 * Which orders a verified gateway webhook may touch: those of the one account (and mode) whose
 * own webhook secret signed it, or, for the installation-wide webhook, those taken with the
 * installation's keys. So a signature made with one organizer's secret never reaches another's order.
 */
export type WebhookScope = { account: string; livemode: boolean } | { platform: true };

/** One set of keys a webhook to some URL may have been signed with, and what it may touch. */
export interface WebhookSender {
  gateway: PaymentGateway;
  config: string;
  scope: WebhookScope;
}

/** The configuration an order's payment was taken with; orders from before it was stored used the installation's. */
export function gatewayConfigOf(order: Pick<OrderDoc, 'payment'>): string | null {
  const payment = order.payment;
  if (!payment || payment.gateway === 'external') return null;
  return payment.config ?? (payment.gateway === 'test' ? 'test' : 'platform');
}

/** Whether a webhook with this scope may act on the order. */
export function inWebhookScope(order: Pick<OrderDoc, 'account' | 'livemode' | 'payment'>, scope: WebhookScope): boolean {
  if ('platform' in scope) return gatewayConfigOf(order) === 'platform';
  return order.account === scope.account && order.livemode === scope.livemode && gatewayConfigOf(order)?.startsWith('gwc_') === true;
}

/**
 * Chooses gateways. A new order gets the gateway of its account and mode (`gatewayFor`); an
 * existing order keeps the one that took it (`gatewayOf`), even after its organizer changed
 * or disconnected their keys, so its capture, refund and reconciliation go to the same account.
 * Built in `payments/resolver.ts`.
 */
export interface GatewayResolver {
  /** Throws `PAYMENT_ACCOUNT_REQUIRED` for a live account that connected no payment account (unless the platform collects). */
  gatewayFor(account: string, livemode: boolean): Promise<GatewayBinding>;
  gatewayOf(order: Pick<OrderDoc, 'account' | 'livemode' | 'payment'>): Promise<PaymentGateway>;
  /**
   * Who may sign a webhook posted to the installation's URL (`account` null: the platform's
   * keys) or to one account's URL (that account's connected keys, both modes, newest first).
   */
  webhookSenders(account: string | null): Promise<WebhookSender[]>;
}

/** What claiming a waiting-list offer creates an order from: the offer's held order id, type and quantity. */
export interface ClaimedOrderInput extends AttendeeInput {
  orderId: string;
  event: string;
  ticketType: string;
  quantity: number;
  buyer: { name: string; email: string };
}

export interface CreateOrderInput {
  event: string;
  items?: Array<{ ticket_type: string; quantity: number }> | undefined;
  amount?: number | undefined;
  ticket_type?: string | undefined;
  buyer: { name: string; email: string; phone?: string | null | undefined };
  billing?: { company?: string | null | undefined; address?: string | null | undefined; gstin?: string | null | undefined } | null | undefined;
  tracking?: { [K in keyof OrderTracking]?: string | undefined } | undefined;
  attendees?: AttendeeInput['attendees'];
  answers?: AttendeeInput['answers'];
  /** A promo code as the buyer typed it (docs/promo-codes.md). */
  promo_code?: string | undefined;
}

// What an order keeps of the campaign its buyer came from is the wire type, each value already checked (1–100 characters).
export type { OrderTracking };

/** The tracking fields that were given, or null when none were. */
export function keptTracking(given: CreateOrderInput['tracking']): OrderTracking | null {
  const kept = Object.fromEntries(Object.entries(given ?? {}).filter(([, v]) => typeof v === 'string' && v !== '')) as OrderTracking;
  return Object.keys(kept).length > 0 ? kept : null;
}

/** Who is reaching an order: its organizer (secret key) or its buyer (publishable key + client secret). */
export type OrderAccess = { owner: Owner; clientSecret?: string | undefined };

export interface OrderServiceDeps {
  store: Store;
  clock: Clock;
  secret: string;
  inventory: Inventory;
  outbox: Outbox;
  limiter: RateLimiter;
  gateways: GatewayResolver;
  /** Completes an order with nothing to pay (free tickets): fulfilment's `completePayment`. */
  completeUnpaid: (orderId: string) => Promise<OrderDoc>;
  /** The events log (default: one over the same store). */
  domainEvents?: DomainEvents;
  /** The audit log (default: one over the same store). */
  auditLog?: AuditLog;
  /** Promo codes (default: a service over the same store). */
  promoCodes?: PromoCodeService;
}

/**
 * An order as `access` may see it: the owner's, and with a client secret only
 * when it matches. Anything else is the same 404, so ids cannot be probed.
 */
export async function findOrderFor(orders: Collection<OrderDoc>, access: OrderAccess, id: string): Promise<OrderDoc> {
  const order = await orders.findOne({ _id: id, account: access.owner.account, livemode: access.owner.livemode });
  if (!order) throw notFound('order', id);
  if (access.clientSecret !== undefined && !sameDigest(hashClientSecret(access.clientSecret), order.client_secret_hash)) {
    throw notFound('order', id);
  }
  return order;
}

/**
 * Turns what the buyer asked for into priced lines, or names every problem at once. A hidden
 * type is sold only with a code that unlocks it (`unlocks`); without one it is unknown.
 */
function priceOrder(event: EventDoc, input: CreateOrderInput, unlocks: readonly string[]): OrderItemDoc[] {
  const issues: FieldIssue[] = [];
  const typeOf = (id: string) => event.ticket_types.find((t) => t.id === id && (!t.hidden || unlocks.includes(t.id)));
  if (input.amount !== undefined) {
    if (input.items !== undefined) issues.push({ field: 'amount', message: 'send either items or amount, not both' });
    if (!event.open_amount) {
      issues.push({ field: 'amount', message: 'this event has fixed prices; send items' });
    } else if (input.amount < event.open_amount.min || input.amount > event.open_amount.max) {
      issues.push({ field: 'amount', message: `must be between ${event.open_amount.min} and ${event.open_amount.max} paise` });
    }
    const type = typeOf(input.ticket_type ?? event.ticket_types[0]?.id ?? '');
    if (!type) issues.push({ field: 'ticket_type', message: 'is not a ticket type of this event' });
    if (issues.length > 0 || !type) throw new AppError('VALIDATION_FAILED', 'The order is not valid.', issues);
    return [{ ticket_type: type.id, name: type.name, quantity: 1, unit_price: input.amount }];
  }
  if (!input.items || input.items.length === 0) {
    throw new AppError('VALIDATION_FAILED', 'The order is not valid.', [{ field: 'items', message: 'choose at least one ticket' }]);
  }
  const seen = new Set<string>();
  const items = input.items.flatMap((item, i): OrderItemDoc[] => {
    const type = typeOf(item.ticket_type);
    if (!type) {
      issues.push({ field: `items.${i}.ticket_type`, message: 'is not a ticket type of this event' });
      return [];
    }
    if (seen.has(type.id)) issues.push({ field: `items.${i}.ticket_type`, message: 'appears twice; combine the quantities' });
    seen.add(type.id);
    if (item.quantity > type.max_per_order) {
      issues.push({ field: `items.${i}.quantity`, message: `at most ${type.max_per_order} ${type.name} tickets per order` });
    }
    return [{ ticket_type: type.id, name: type.name, quantity: item.quantity, unit_price: type.price }];
  });
  if (issues.length > 0) throw new AppError('VALIDATION_FAILED', 'The order is not valid.', issues);
  return items;
}

/** What an order keeps of the code it used. */
function discountOf(promo: PromoCodeDoc, discounts: ReadonlyArray<LineDiscount | null>): OrderDoc['discount'] {
  return { code: promo.code, promo: promo._id, amount: discountTotal(discounts), returned: false };
}

/** A ticket type's tax settings, without its other fields. */
function pickTax(type: EventDoc['ticket_types'][number] | undefined) {
  return { tax_rate: type?.tax_rate ?? null, tax_inclusive: type?.tax_inclusive ?? true, ...(type?.sac === undefined ? {} : { sac: type.sac }) };
}

/** Why seats could not be held: sales stopped, or not enough left (with what is left). */
function holdRefusal(event: EventDoc, items: readonly OrderItemDoc[], now: Date): AppError {
  if (!salesOpen(event, now)) return new AppError('SALES_CLOSED', 'Ticket sales for this event are closed.');
  const available = Object.fromEntries(items.map((i) => [i.ticket_type, publicAvailable(event, i.ticket_type)]));
  const short = items.find((i) => (available[i.ticket_type] ?? 0) < i.quantity);
  const message = short
    ? available[short.ticket_type] === 0
      ? `${short.name} is sold out.`
      : `Only ${available[short.ticket_type]} ${short.name} tickets are left.`
    : `Only ${event.inventory.available} tickets are left.`;
  return new AppError('SOLD_OUT', message, { available, event_available: event.inventory.available });
}

/**
 * Orders from creation to payment set-up: seat holds, email codes and access.
 * What happens once money arrives is in `fulfilment.ts`.
 *
 * @example
 * const { order, clientSecret } = await orders.create(owner, input, { ip });
 */
export function createOrderService(deps: OrderServiceDeps) {
  const { store, clock, secret, inventory, outbox, limiter, gateways, completeUnpaid } = deps;
  const domainEvents = deps.domainEvents ?? createDomainEvents({ store, clock });
  const auditLog = deps.auditLog ?? createAuditLog({ store, clock });
  const orders = store.collection<OrderDoc>('orders');
  const events = store.collection<EventDoc>('events');
  const taxProfiles = createTaxProfileService({ store, clock });
  const promoCodes =
    deps.promoCodes ?? createPromoCodeService({ store, clock, auditLog, eventOf: (owner, id) => events.findOne({ _id: id, account: owner.account, livemode: owner.livemode }) });

  /**
   * The order's tax and fee figures, or null for an event with neither tax rates nor a fee (and
   * an order without a discount), whose orders stay exactly as before tax existed. The
   * organizer's profile is read now: the figures of an order never change afterwards.
   */
  async function breakdownFor(event: EventDoc, items: readonly OrderItemDoc[], discounts: ReadonlyArray<LineDiscount | null>): Promise<OrderBreakdownDoc | null> {
    const typeOf = (id: string) => event.ticket_types.find((t) => t.id === id);
    const discounted = discounts.some((d) => d !== null);
    if (!discounted && !event.convenience_fee && items.every((i) => typeOf(i.ticket_type)?.tax_rate == null)) return null;
    const profile = await taxProfiles.find(event.account);
    const taxable = items.map((i, n) => ({ ...i, ...pickTax(typeOf(i.ticket_type)), discount: discounts[n] ?? null }));
    return orderBreakdown(taxable, event.convenience_fee ?? null, profile, event.venue_state);
  }

  /** Replaces the order's code with a fresh one (old codes stop working) and queues the mail. */
  async function sendCode(order: OrderDoc): Promise<OrderDoc> {
    const email = order.buyer.email;
    const now = clock.now();
    const { code, codeId, fields } = freshCode(secret, order._id, now);
    const updated = await orders.findOneAndUpdate({ _id: order._id, status: 'awaiting_verification' }, { $set: { ...fields, 'verification.sent_to': email, updated_at: now } });
    if (!updated) throw new AppError('ORDER_NOT_PAYABLE', 'This order no longer needs an email code.');
    // The code travels in the outbox payload only until it is mailed; dedupe per code, never per order.
    await outbox.enqueue({
      kind: 'verification_code',
      to: email,
      payload: { order: order._id, code },
      dedupeKey: `code:${order._id}:${codeId}`,
      secretFields: ['code'],
    });
    return updated;
  }

  /** Creates the gateway order an order will be paid against (phase 1 of the gateway port). */
  async function newPayment(orderId: string, amount: number, eventId: string, owner: Owner): Promise<NonNullable<OrderDoc['payment']>> {
    const { gateway, config } = await gateways.gatewayFor(owner.account, owner.livemode);
    const created = await createOrReuse(gateway, { amount, currency: 'INR', receipt: orderId, notes: { order: orderId, event: eventId } });
    const checkout = gateway.checkoutOptions(created);
    return { gateway: gateway.name, config, key_id: checkout.key, gateway_order_id: created.gatewayOrderId, gateway_payment_id: null, reference: null };
  }

  /**
   * Creates the gateway order, or reuses the one an earlier try made: the receipt is our order
   * id, and accounts where Razorpay enforces unique receipts refuse a retried create whose first
   * answer was lost ("An order with the same receipt value has already been created") for good.
   * @see https://razorpay.com/docs/api/orders/fetch-all/
   */
  async function createOrReuse(gateway: PaymentGateway, input: CreateGatewayOrderInput): Promise<GatewayOrder> {
    try {
      return await gateway.createOrder(input);
    } catch (err) {
      if (refusalOf(err) !== 'receipt_taken') throw err;
      const earlier = await gateway.findOrderByReceipt(input.receipt);
      if (!earlier || earlier.amount !== input.amount || earlier.currency !== input.currency) throw err;
      return earlier;
    }
  }

  /**
   * Gets an order awaiting payment ready to be paid: creates its gateway order once
   * (racing callers agree on the first one stored), or completes it when it is free.
   */
  async function ensurePayment(order: OrderDoc): Promise<OrderDoc> {
    if (order.status !== 'awaiting_payment' || order.payment?.gateway_order_id) return order;
    if (order.amount === 0) return completeUnpaid(order._id);
    const payment = await newPayment(order._id, order.amount, order.event, { account: order.account, livemode: order.livemode });
    const stored = await orders.findOneAndUpdate({ _id: order._id, payment: null }, { $set: { payment, updated_at: clock.now() } });
    return stored ?? (await orders.findOne({ _id: order._id })) ?? order;
  }

  const get = (access: OrderAccess, id: string) => findOrderFor(orders, access, id);

  async function expireIfLapsed(order: OrderDoc): Promise<OrderDoc> {
    if (!AWAITING.includes(order.status) || clock.now() < order.expires_at) return order;
    return (await releaseOrder(order, 'expired')) ?? order;
  }

  /**
   * Moves an unpaid order to `expired` or `cancelled` and frees its seats (both steps idempotent).
   * Seats are freed only for an order that did end unpaid: one paid meanwhile keeps its hold,
   * which its fulfilment turns into a sale.
   */
  async function releaseOrder(order: OrderDoc, to: 'expired' | 'cancelled'): Promise<OrderDoc | null> {
    const moved = await orders.findOneAndUpdate({ _id: order._id, status: op.in([...AWAITING]) }, { $set: { status: to, updated_at: clock.now() } });
    const current = moved ?? (await orders.findOne({ _id: order._id }));
    if (current?.status !== 'expired' && current?.status !== 'cancelled') return moved;
    // The promo code's use comes back once, whichever caller gets here first (the flag on the order).
    await givePromoBack(store, current);
    // Recorded before the seats are freed: a crash in between leaves the hold, and the ledger
    // sweep that frees it records the event (repair.ts).
    await domainEvents.recordOrderEnded(current);
    const hold = await inventory.holdOf(order._id);
    if (hold) await inventory.release(order.event, order._id, hold.entry); // a no-op unless still held
    return moved;
  }

  return {
    get,
    ensurePayment,
    releaseOrder,

    /**
     * `context.origin` is the web page's origin for a browser request from another site
     * (undefined for servers and our own pages): the event must allow it (`canSellFrom`),
     * checked before anything is held.
     */
    async create(owner: Owner, input: CreateOrderInput, context: { ip: string; origin?: string | undefined }): Promise<{ order: OrderDoc; clientSecret: string }> {
      const event = await events.findOne({ _id: input.event, account: owner.account, livemode: owner.livemode });
      if (!event || event.status === 'draft') throw notFound('event', input.event);
      assertCanSellFrom(event, context.origin);
      const now = clock.now();
      if (!salesOpen(event, now)) throw holdRefusal(event, [], now);
      const promo = input.promo_code === undefined ? null : await promoCodes.usable(event, input.promo_code);
      const items = priceOrder(event, input, promo?.unlocks ?? []);
      const { attendees, answers } = checkAttendees(event, items, input);
      const quantity = items.reduce((sum, i) => sum + i.quantity, 0);
      const discounts = promo ? promoDiscounts(promo, items) : [];
      const breakdown = await breakdownFor(event, items, discounts);
      const amount = breakdown?.total ?? items.reduce((sum, i) => sum + i.quantity * i.unit_price, 0);
      const buyer = { name: input.buyer.name, email: input.buyer.email.toLowerCase(), phone: input.buyer.phone ?? null };
      const billing = keptBilling(input.billing);
      const required = event.require_email_verification;
      // An account that cannot take payments in this mode refuses before anything is held or mailed.
      if (amount > 0) await gateways.gatewayFor(owner.account, owner.livemode);
      // Count the code send before taking seats, so a refused buyer holds nothing.
      if (required) await countCodeSend(limiter, buyer.email, context.ip);

      // Sold out as of the read we already have: refuse without trying (most of a rush's requests).
      if (items.some((i) => publicAvailable(event, i.ticket_type) < i.quantity) || event.inventory.available < quantity) {
        throw holdRefusal(event, items, now);
      }
      const id = newSortableId('ord');
      const expiresAt = new Date(now.getTime() + event.hold_minutes * 60_000);
      const lines: SeatLine[] = items.map((i) => ({ ticketType: i.ticket_type, quantity: i.quantity }));
      // The code's use is taken before the seats (one conditional update, like a hold), so the
      // buyers who lose the race for its last use hold nothing; a failed hold gives it back.
      if (promo) await promoCodes.redeem(promo);
      if (!(await inventory.hold(event, id, lines))) {
        if (promo) await promoCodes.unredeem(promo);
        const fresh = (await events.findOne({ _id: event._id })) ?? event;
        throw holdRefusal(fresh, items, now);
      }
      // Without a code to verify, the order is payable at once: create its gateway order before
      // storing it, so it is written once, complete. A gateway failure gives the seats back.
      let payment: OrderDoc['payment'] = null;
      if (!required && amount > 0) {
        try {
          payment = await newPayment(id, amount, event._id, owner);
        } catch (err) {
          const held = await inventory.holdOf(id);
          if (held) await inventory.release(event._id, id, held.entry);
          if (promo) await promoCodes.unredeem(promo);
          throw err;
        }
      }

      const clientSecret = deriveClientSecret(secret, id);
      const order = newOrderDocument({
        id,
        owner,
        event: event._id,
        status: required ? 'awaiting_verification' : 'awaiting_payment',
        items,
        breakdown,
        buyer,
        tracking: keptTracking(input.tracking),
        billing,
        attendees,
        answers,
        discount: promo ? discountOf(promo, discounts) : null,
        clientSecretHash: hashClientSecret(clientSecret),
        expiresAt,
        verificationRequired: required,
        payment,
        fulfilment: 'none',
        source: 'checkout',
        sendEmail: true,
        now,
        paidAt: null,
      });
      await orders.insertOne(order);
      await domainEvents.recordOrder('order.created', order, [], order.created_at);
      if (!required) return { order: amount === 0 ? await completeUnpaid(id) : order, clientSecret };
      try {
        return { order: await sendCode(order), clientSecret };
      } catch (err) {
        // The code could not be queued: nothing can verify this order, so give the seats back.
        await releaseOrder(order, 'cancelled');
        throw err;
      }
    },

    /**
     * The order a waiting-list offer turns into when claimed (docs/waiting-list.md): written with
     * the id its seats are already held under, so it takes no new hold; the buyer's email was
     * confirmed when they joined, so it awaits payment at once, at today's price. Attendees and
     * answers are checked as checkout checks them. Writing it twice (a retried claim) is harmless:
     * the second insert is refused and the first order returned.
     */
    async createClaimed(input: ClaimedOrderInput): Promise<{ order: OrderDoc; clientSecret: string }> {
      const event = await events.findOne({ _id: input.event });
      if (!event) throw notFound('event', input.event);
      const type = event.ticket_types.find((t) => t.id === input.ticketType);
      if (!type) throw new AppError('CONFLICT', 'The ticket type of this offer no longer exists.');
      const items: OrderItemDoc[] = [{ ticket_type: type.id, name: type.name, quantity: input.quantity, unit_price: type.price }];
      const { attendees, answers } = checkAttendees(event, items, input);
      const breakdown = await breakdownFor(event, items, []);
      const now = clock.now();
      const clientSecret = deriveClientSecret(secret, input.orderId);
      const order = newOrderDocument({
        id: input.orderId,
        owner: { account: event.account, livemode: event.livemode },
        event: event._id,
        status: 'awaiting_payment',
        items,
        breakdown,
        buyer: { name: input.buyer.name, email: input.buyer.email, phone: null },
        attendees,
        answers,
        clientSecretHash: hashClientSecret(clientSecret),
        expiresAt: new Date(now.getTime() + event.hold_minutes * 60_000),
        verificationRequired: false,
        payment: null,
        fulfilment: 'none',
        source: 'checkout',
        sendEmail: true,
        now,
        paidAt: null,
      });
      try {
        await orders.insertOne(order);
      } catch (err) {
        if (!(err instanceof DuplicateKeyError)) throw err;
        const existing = await orders.findOne({ _id: input.orderId });
        if (!existing) throw err;
        return { order: await ensurePayment(existing), clientSecret };
      }
      await domainEvents.recordOrder('order.created', order, [], order.created_at);
      return { order: await ensurePayment(order), clientSecret };
    },

    /** Checks the buyer's email code; on success the order awaits payment. */
    async verify(access: OrderAccess, id: string, code: string): Promise<OrderDoc> {
      let order = await expireIfLapsed(await get(access, id));
      if (order.status === 'awaiting_payment') {
        // A verify repeated after a crash finishes what the first one left: the events.
        await domainEvents.recordOrderHistory(order);
        return ensurePayment(order);
      }
      if (order.status === 'expired') throw new AppError('HOLD_EXPIRED', 'The seats were held for this order too long and have been released; start again.');
      if (order.status !== 'awaiting_verification') throw new AppError('ORDER_NOT_PAYABLE', `The order is ${order.status}.`);
      const codeId = await spendCodeAttempt(orders, order, { secret, code, now: clock.now() });
      const now = clock.now();
      order =
        (await orders.findOneAndUpdate(
          { _id: id, status: 'awaiting_verification', 'verification.code_id': codeId },
          { $set: { status: 'awaiting_payment', 'verification.verified_at': now, 'verification.code_hash': null, updated_at: now } },
        )) ?? (await get(access, id));
      if (order.status !== 'awaiting_payment') throw new AppError('ORDER_NOT_PAYABLE', `The order is ${order.status}.`);
      await domainEvents.recordOrderHistory(order);
      return ensurePayment(order);
    },

    async resendCode(access: OrderAccess, id: string, context: { ip: string }): Promise<OrderDoc> {
      const order = await expireIfLapsed(await get(access, id));
      if (order.status === 'expired') throw new AppError('HOLD_EXPIRED', 'The seats were held for this order too long and have been released; start again.');
      if (order.status !== 'awaiting_verification') throw new AppError('ORDER_NOT_PAYABLE', 'This order no longer needs an email code.');
      await countCodeSend(limiter, order.buyer.email, context.ip);
      return sendCode(order);
    },

    /** The owner's order paying through a gateway order id (the test gateway is asked for ids, not orders). */
    async findByGatewayOrder(owner: Owner, gatewayOrderId: string): Promise<OrderDoc> {
      const order = await orders.findOne({ 'payment.gateway_order_id': gatewayOrderId, account: owner.account, livemode: owner.livemode });
      if (!order) throw notFound('gateway order', gatewayOrderId);
      return order;
    },

    /**
     * The client secret of an order created through checkout, computed again (it is never
     * stored), or null when there is no such order or the secret it was created with differs
     * (TTS_SECRET was changed since). Only for handing it back to its creator: a replay of
     * the request that created the order.
     */
    async clientSecretOf(id: string): Promise<string | null> {
      const order = await orders.findOne({ _id: id });
      if (!order?.client_secret_hash) return null;
      const clientSecret = deriveClientSecret(secret, id);
      return sameDigest(hashClientSecret(clientSecret), order.client_secret_hash) ? clientSecret : null;
    },

    async retrieve(access: OrderAccess, id: string): Promise<OrderDoc> {
      return expireIfLapsed(await get(access, id));
    },

    /**
     * Releases an unpaid order's seats. Cancelling a cancelled order returns it unchanged.
     * `audit` names the organizer who cancelled it, for the audit log; a buyer cancelling their
     * own order with its client secret passes none (docs/audit-log.md).
     */
    async cancel(access: OrderAccess, id: string, audit?: AuditContext): Promise<OrderDoc> {
      const order = await get(access, id);
      if (order.status === 'cancelled' || order.status === 'expired') return order;
      if (!AWAITING.includes(order.status)) throw new AppError('ORDER_NOT_PAYABLE', `A ${order.status} order cannot be cancelled; refund it instead.`);
      const moved = await releaseOrder(order, 'cancelled');
      const cancelled = await get(access, id);
      // Only the request that moved the order records it: a racing cancel or expiry adds nothing.
      if (audit && moved && cancelled.status === 'cancelled') {
        await auditLog.record(audit, {
          action: 'order.cancelled',
          target: { type: 'order', id },
          changes: changesBetween(order, cancelled, ['status']),
          domainEvent: domainEventId(id, 'order.cancelled'),
        });
      }
      return cancelled;
    },

    /** Expires every unpaid order whose hold has lapsed; returns how many. */
    async expireLapsedOrders(limit = 500): Promise<number> {
      const lapsed = await orders.find({ status: op.in([...AWAITING]), expires_at: op.lte(clock.now()) }, { limit });
      let expired = 0;
      for (const order of lapsed) if (await releaseOrder(order, 'expired')) expired += 1;
      return expired;
    },
  };
}

export type OrderService = ReturnType<typeof createOrderService>;
