import type { Owner } from './events.js';
import type { OrderDoc, OrderItemDoc } from './orders.js';

/**
 * What differs between the ways an order comes to exist: a buyer's checkout (`orders.create`)
 * and tickets issued directly (`fulfilment.issue`). Everything else starts the same.
 */
export interface NewOrder {
  id: string;
  owner: Owner;
  event: string;
  status: OrderDoc['status'];
  items: OrderItemDoc[];
  /** Checkout only: the tax and fee figures, whose total is the amount (default: none). */
  breakdown?: OrderDoc['breakdown'];
  buyer: OrderDoc['buyer'];
  /** Checkout only: the campaign the buyer came from (default: none). */
  tracking?: OrderDoc['tracking'];
  /** Checkout only: who the invoice is made out to (default: the buyer alone). */
  billing?: OrderDoc['billing'];
  /** Checkout only: the promo code's discount (default: none). */
  discount?: OrderDoc['discount'];
  clientSecretHash: string;
  expiresAt: Date;
  /** Whether the buyer must confirm their email with a code before paying. */
  verificationRequired: boolean;
  payment: OrderDoc['payment'];
  fulfilment: OrderDoc['fulfilment'];
  source: OrderDoc['source'];
  sendEmail: boolean;
  now: Date;
  paidAt: Date | null;
}

/**
 * The one place an order document is written from scratch, so a new order field gets its
 * starting value here once rather than in every path that creates orders. The quantity is the
 * items' sum, and the amount the breakdown's total (the items' sum without one), never passed
 * separately, so they cannot disagree with the lines.
 *
 * @example
 * await orders.insertOne(newOrderDocument({ id, owner, event: event._id, status: 'awaiting_payment', items, … }));
 */
export function newOrderDocument(o: NewOrder): OrderDoc {
  return {
    _id: o.id,
    account: o.owner.account,
    livemode: o.owner.livemode,
    event: o.event,
    status: o.status,
    items: o.items,
    quantity: o.items.reduce((sum, i) => sum + i.quantity, 0),
    amount: o.breakdown?.total ?? o.items.reduce((sum, i) => sum + i.quantity * i.unit_price, 0),
    ...(o.breakdown ? { breakdown: o.breakdown } : {}),
    currency: 'INR',
    buyer: o.buyer,
    tracking: o.tracking ?? null,
    discount: o.discount ?? null,
    ...(o.billing ? { billing: o.billing } : {}),
    client_secret_hash: o.clientSecretHash,
    expires_at: o.expiresAt,
    verification: { required: o.verificationRequired, sent_to: null, code_id: null, code_hash: null, code_expires_at: null, attempts: 0, verified_at: null },
    payment: o.payment,
    fulfilment: o.fulfilment,
    source: o.source,
    send_email: o.sendEmail,
    last_payment_error: null,
    refund_reason: null,
    created_at: o.now,
    updated_at: o.now,
    paid_at: o.paidAt,
  };
}
