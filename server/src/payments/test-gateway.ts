/**
 * The built-in test gateway, used with test-mode keys (`sk_test_`/`pk_test_`) so an
 * integration can be tried end to end without a Razorpay account.
 *
 * It implements the same port as Razorpay and keeps its orders and payments in the store
 * (`test_gateway_orders`, `test_gateway_payments`), so any number of servers behind one
 * database see the same state. Ids and Checkout answers have Razorpay's shapes, so the
 * code that verifies a test payment is the code that verifies a live one.
 *
 * Refunds are processed at once, unless the buyer's email asks for another ending
 * (`testRefundOutcome`): refused as for a low balance, or pending and then processed or
 * failed a minute later, as Razorpay's refunds can be. Nothing pushes that ending: the
 * sweeper finds it by asking again, as it does for Razorpay when a webhook is missed.
 * @see https://razorpay.com/docs/payments/payment-gateway/web-integration/standard/build-integration/
 */
import type { Clock } from '../kernel/clock.js';
import { AppError } from '../kernel/errors.js';
import { randomBase62 } from '../kernel/ids.js';
import { op, type Doc, type IndexSpec, type Store } from '../store/port.js';
import {
  assertOrderInput,
  GatewayError,
  paymentSignature,
  verifyPaymentSignature,
  type CreateGatewayOrderInput,
  type GatewayOrder,
  type GatewayPayment,
  type GatewayPaymentStatus,
  type GatewayRefund,
  type RefundTags,
  type PaymentGateway,
} from './gateway.js';

/** The collections the test gateway owns. */
export const TEST_GATEWAY_COLLECTIONS = {
  orders: 'test_gateway_orders',
  payments: 'test_gateway_payments',
  refunds: 'test_gateway_refunds',
} as const;

/**
 * How a test refund ends, chosen by the buyer's email (docs/domain-rules.md#trying-refunds-in-test-mode):
 * the part before `@` (and before any `+tag`) is `refund-fails` (refused at once, as Razorpay
 * refuses a refund when the balance is too low), `refund-pending` (pending, then processed a
 * minute later) or `refund-pending-fails` (pending, then failed a minute later). Any other
 * email: processed at once.
 */
export type TestRefundOutcome = 'processed' | 'fails' | 'pending' | 'pending-fails';

const REFUND_MARKERS: Readonly<Record<string, TestRefundOutcome>> = {
  'refund-fails': 'fails',
  'refund-pending': 'pending',
  'refund-pending-fails': 'pending-fails',
};

/** A pending test refund ends this long after it was made: the sweeper's first second look. */
export const TEST_REFUND_PENDING_MS = 60_000;

/**
 * The refund ending a buyer's email asks for.
 *
 * @example testRefundOutcome('refund-pending+asha@example.com') // 'pending'
 */
export function testRefundOutcome(email: string | null | undefined): TestRefundOutcome {
  const local = (email ?? '').toLowerCase().split('@')[0]!.split('+')[0]!;
  return REFUND_MARKERS[local] ?? 'processed';
}

/** Indexes for `store.ensureIndexes`: the reconciler lists payments by order. */
export const TEST_GATEWAY_INDEXES: readonly IndexSpec[] = [
  { collection: TEST_GATEWAY_COLLECTIONS.payments, keys: { order_id: 1, created_at: 1 } },
  { collection: TEST_GATEWAY_COLLECTIONS.orders, keys: { receipt: 1, created_at: -1 } },
  // A payment's refunds, newest first (`listRefunds`).
  { collection: TEST_GATEWAY_COLLECTIONS.refunds, keys: { payment_id: 1, created_at: -1 } },
];

/** The key id handed to the browser in test mode; deliberately not `rzp_…`, so nothing loads Razorpay for it. */
export const TEST_GATEWAY_KEY_ID = 'tts_test_gateway';

interface TestOrderDoc extends Doc {
  amount: number;
  currency: string;
  receipt: string;
  notes: Record<string, string>;
  status: 'created' | 'attempted' | 'paid';
  attempts: number;
  amount_paid: number;
  created_at: Date;
}

interface TestPaymentDoc extends Doc {
  order_id: string;
  amount: number;
  currency: string;
  status: GatewayPaymentStatus;
  captured: boolean;
  amount_refunded: number;
  refunds: { id: string; amount: number; created_at: Date }[];
  /** The payer's email, as Razorpay's payment entity has it; decides how its refunds end. */
  email?: string | null;
  error_code: string | null;
  error_description: string | null;
  created_at: Date;
  captured_at?: Date;
}

/** A refund as the test gateway keeps it, so a pending one can end later, once. */
interface TestRefundDoc extends Doc {
  payment_id: string;
  amount: number;
  status: GatewayRefund['status'];
  /** When a pending refund ends, and how; null for one that ended at once. */
  settles_at: Date | null;
  ends_as: 'processed' | 'failed' | null;
  /** The receipt it was asked for with (our refund id); absent on refunds from before receipts. */
  receipt?: string | null;
  created_at: Date;
}

/** What Razorpay Checkout's `handler` receives after a successful payment. */
export interface CheckoutSuccess {
  razorpay_payment_id: string;
  razorpay_order_id: string;
  razorpay_signature: string;
}

/** What Razorpay Checkout's `payment.failed` event carries. @see https://razorpay.com/docs/payments/payment-gateway/web-integration/standard/build-integration/#handle-payment-failure */
export interface CheckoutFailure {
  error: {
    code: 'BAD_REQUEST_ERROR';
    description: string;
    source: string;
    step: string;
    reason: 'payment_failed';
    metadata: { order_id: string; payment_id: string };
  };
}

/** A simulated attendee paying (or failing to pay) a test gateway order. */
export interface SimulatePaymentInput {
  gatewayOrderId: string;
  outcome: 'success' | 'failure';
  /** Capture at once (Razorpay's auto-capture); by default the payment stays `authorized` until `confirmPayment`. */
  capture?: boolean;
  /** The buyer's email, which Checkout prefills and Razorpay keeps on the payment; see `testRefundOutcome`. */
  email?: string | null;
}

/** The test gateway: the port plus the one thing Razorpay Checkout would do in the browser. */
export interface TestGateway extends PaymentGateway {
  readonly name: 'test';
  /** Records a payment against the order and answers exactly as Checkout would. */
  simulatePayment(input: SimulatePaymentInput): Promise<CheckoutSuccess | CheckoutFailure>;
}

/** Dependencies of the test gateway. */
export interface TestGatewayOptions {
  store: Store;
  /** The per-install test secret that signs payments (the key secret's role); `/pay` verifies with it. */
  secret: string;
  clock: Clock;
  keyId?: string;
}

/** Tells the two `simulatePayment` answers apart. */
export function isCheckoutFailure(result: CheckoutSuccess | CheckoutFailure): result is CheckoutFailure {
  return 'error' in result;
}

/**
 * Creates the test gateway.
 *
 * @example
 * const gateway = createTestGateway({ store, secret: config.testGatewaySecret, clock: systemClock });
 * const { gatewayOrderId } = await gateway.createOrder({ amount: 49900, currency: 'INR', receipt: 'ord_…' });
 * const answer = await gateway.simulatePayment({ gatewayOrderId, outcome: 'success' });
 */
export function createTestGateway(options: TestGatewayOptions): TestGateway {
  const { store, secret, clock, keyId = TEST_GATEWAY_KEY_ID } = options;
  if (!secret) throw new Error('the test gateway needs a secret to sign payments');
  const orders = store.collection<TestOrderDoc>(TEST_GATEWAY_COLLECTIONS.orders);
  const payments = store.collection<TestPaymentDoc>(TEST_GATEWAY_COLLECTIONS.payments);
  const refunds = store.collection<TestRefundDoc>(TEST_GATEWAY_COLLECTIONS.refunds);

  async function findPayment(paymentId: string): Promise<TestPaymentDoc> {
    const payment = isId(paymentId, 'pay_') ? await payments.findOne({ _id: paymentId }) : null;
    if (!payment) throw new GatewayError('not_found', 'The test gateway has no such payment');
    return payment;
  }

  /**
   * Ends a pending refund whose time has come, once (one conditional update): a failed one
   * gives the money back to the payment, as Razorpay's do.
   */
  async function settle(doc: TestRefundDoc): Promise<TestRefundDoc> {
    if (doc.status !== 'pending' || !doc.settles_at || !doc.ends_as || doc.settles_at > clock.now()) return doc;
    const ended = await refunds.findOneAndUpdate({ _id: doc._id, status: 'pending' }, { $set: { status: doc.ends_as } });
    if (!ended) return (await refunds.findOne({ _id: doc._id })) ?? doc;
    if (ended.status === 'failed') {
      await payments.updateOne({ _id: doc.payment_id }, { $inc: { amount_refunded: -doc.amount }, $set: { status: 'captured' } });
    }
    return ended;
  }

  return {
    name: 'test',
    keyId,

    checkoutOptions: (order) => ({ key: keyId, order_id: order.gatewayOrderId, amount: order.amount, currency: order.currency }),

    // Signed as Razorpay Checkout signs, with the per-install secret in the key secret's role.
    verifyPaymentCallback: ({ gatewayOrderId, paymentId, signature }) => verifyPaymentSignature({ gatewayOrderId, paymentId, signature, secret }),

    // The test gateway sends no webhooks: its payments are reported by `simulatePayment`'s caller.
    verifyWebhook: () => ({ signed: false }),

    async createOrder(input: CreateGatewayOrderInput): Promise<GatewayOrder> {
      assertOrderInput(input);
      const doc: TestOrderDoc = {
        _id: `order_${randomBase62(14)}`,
        amount: input.amount,
        currency: input.currency,
        receipt: input.receipt,
        notes: { ...input.notes },
        status: 'created',
        attempts: 0,
        amount_paid: 0,
        created_at: clock.now(),
      };
      await orders.insertOne(doc);
      return { gatewayOrderId: doc._id, amount: doc.amount, currency: doc.currency, status: doc.status };
    },

    async findOrderByReceipt(receipt: string): Promise<GatewayOrder | null> {
      const [doc] = await orders.find({ receipt }, { sort: { created_at: -1 }, limit: 1 });
      return doc ? { gatewayOrderId: doc._id, amount: doc.amount, currency: doc.currency, status: doc.status } : null;
    },

    async fetchPayment(paymentId: string): Promise<GatewayPayment> {
      return toGatewayPayment(await findPayment(paymentId));
    },

    async listOrderPayments(gatewayOrderId: string): Promise<GatewayPayment[]> {
      if (!isId(gatewayOrderId, 'order_')) return [];
      const docs = await payments.find({ order_id: gatewayOrderId }, { sort: { created_at: 1 } });
      return docs.map(toGatewayPayment);
    },

    async capturePayment(paymentId: string, amount: number, currency: string): Promise<GatewayPayment> {
      const payment = await findPayment(paymentId);
      if (payment.amount !== amount || payment.currency !== currency) {
        throw new AppError('VALIDATION_FAILED', 'Capture amount must be equal to the amount authorized');
      }
      // One conditional update, so racing captures settle the payment once.
      const captured = await payments.findOneAndUpdate({ _id: paymentId, status: 'authorized' }, { $set: { status: 'captured', captured: true, captured_at: clock.now() } });
      if (!captured) {
        const now = await findPayment(paymentId);
        throw now.captured
          ? new GatewayError('already_captured', 'This payment has already been captured')
          : new GatewayError('refused', `A ${now.status} payment cannot be captured`);
      }
      await orders.updateOne({ _id: captured.order_id, status: op.ne('paid') }, { $set: { status: 'paid', amount_paid: captured.amount } });
      return toGatewayPayment(captured);
    },

    async refundPayment(paymentId: string, amount?: number, tags?: RefundTags): Promise<GatewayRefund> {
      const payment = await findPayment(paymentId);
      // Nothing left to refund is a state, not a bad amount: Razorpay answers a second full
      // refund with "fully refunded already" (`already_refunded`).
      if (payment.status === 'refunded' || (amount === undefined && payment.amount_refunded >= payment.amount)) {
        throw new GatewayError('already_refunded', 'The payment has been fully refunded already');
      }
      if (payment.status !== 'captured') throw new GatewayError('refused', `A ${payment.status} payment cannot be refunded`);
      const refundAmount = amount ?? payment.amount - payment.amount_refunded;
      if (!Number.isSafeInteger(refundAmount) || refundAmount <= 0) {
        throw new AppError('VALIDATION_FAILED', 'refund amount must be a positive integer');
      }
      const outcome = testRefundOutcome(payment.email);
      if (outcome === 'fails') {
        // Razorpay's answer when the balance is short. @see https://razorpay.com/docs/payments/refunds/errors/
        throw new GatewayError(
          'insufficient_balance',
          'The test gateway refused the refund, as Razorpay does when your balance is too low: Your account does not have enough balance to carry out the refund operation. (Test mode: the buyer’s email starts with refund-fails.)',
        );
      }
      const refund = { id: `rfnd_${randomBase62(14)}`, amount: refundAmount, created_at: clock.now() };
      // The filter is the invariant itself (never refund more than was captured), so
      // concurrent partial refunds both succeed when they fit and one fails when they don't.
      const updated = await payments.findOneAndUpdate(
        { _id: paymentId, status: 'captured', amount_refunded: op.lte(payment.amount - refundAmount) },
        { $inc: { amount_refunded: refundAmount }, $push: { refunds: refund } },
      );
      if (!updated) throw new GatewayError('already_refunded', 'The refund amount is greater than the amount not yet refunded');
      if (updated.amount_refunded === updated.amount) {
        await payments.updateOne({ _id: paymentId, amount_refunded: updated.amount }, { $set: { status: 'refunded' } });
      }
      // Processed at once, like most of Razorpay's normal-speed refunds, unless the buyer's
      // email asks for one that stays pending (as refunds to some banks do) and ends later.
      const pending = outcome === 'pending' || outcome === 'pending-fails';
      await refunds.insertOne({
        _id: refund.id,
        payment_id: paymentId,
        amount: refundAmount,
        status: pending ? 'pending' : 'processed',
        settles_at: pending ? new Date(refund.created_at.getTime() + TEST_REFUND_PENDING_MS) : null,
        ends_as: pending ? (outcome === 'pending' ? 'processed' : 'failed') : null,
        receipt: tags?.receipt ?? null,
        created_at: refund.created_at,
      });
      return { refundId: refund.id, paymentId, amount: refundAmount, status: pending ? 'pending' : 'processed', receipt: tags?.receipt ?? null };
    },

    async fetchRefund(paymentId: string, refundId: string): Promise<GatewayRefund> {
      const doc = isId(refundId, 'rfnd_') ? await refunds.findOne({ _id: refundId, payment_id: paymentId }) : null;
      if (doc) return toGatewayRefund(await settle(doc));
      // Refunds made before they had their own collection were all processed at once.
      const refund = (await findPayment(paymentId)).refunds.find((r) => r.id === refundId);
      if (!refund) throw new GatewayError('not_found', 'The test gateway has no such refund');
      return { refundId: refund.id, paymentId, amount: refund.amount, status: 'processed' };
    },

    async listRefunds(paymentId: string): Promise<GatewayRefund[]> {
      const payment = await findPayment(paymentId);
      const docs = await refunds.find({ payment_id: paymentId }, { sort: { created_at: -1 } });
      const listed = await Promise.all(docs.map(async (doc) => toGatewayRefund(await settle(doc))));
      // Refunds made before they had their own collection: processed, without a receipt.
      const older = payment.refunds
        .filter((r) => !docs.some((d) => d._id === r.id))
        .map((r) => ({ refundId: r.id, paymentId, amount: r.amount, status: 'processed' as const, receipt: null }));
      return [...listed, ...older];
    },

    async simulatePayment(input: SimulatePaymentInput): Promise<CheckoutSuccess | CheckoutFailure> {
      const { gatewayOrderId, outcome, capture = false, email = null } = input;
      const order = isId(gatewayOrderId, 'order_') ? await orders.findOne({ _id: gatewayOrderId }) : null;
      if (!order) throw new AppError('NOT_FOUND', 'The test gateway has no such order');
      // Checkout refuses to open for a paid order; so do we.
      if (order.status === 'paid') throw new AppError('ORDER_NOT_PAYABLE', 'This order has already been paid');
      const now = clock.now();
      const failed = outcome === 'failure';
      const captured = !failed && capture;
      const payment: TestPaymentDoc = {
        _id: `pay_${randomBase62(14)}`,
        order_id: order._id,
        amount: order.amount,
        currency: order.currency,
        status: failed ? 'failed' : captured ? 'captured' : 'authorized',
        captured,
        amount_refunded: 0,
        refunds: [],
        email,
        error_code: failed ? 'BAD_REQUEST_ERROR' : null,
        error_description: failed ? 'Payment failed (simulated by the test gateway)' : null,
        created_at: now,
        ...(captured ? { captured_at: now } : {}),
      };
      await payments.insertOne(payment);
      await orders.updateOne(
        { _id: order._id, status: op.ne('paid') },
        captured ? { $set: { status: 'paid', amount_paid: payment.amount }, $inc: { attempts: 1 } } : { $set: { status: 'attempted' }, $inc: { attempts: 1 } },
      );
      if (failed) {
        return {
          error: {
            code: 'BAD_REQUEST_ERROR',
            description: payment.error_description ?? 'Payment failed',
            source: 'customer',
            step: 'payment_authorization',
            reason: 'payment_failed',
            metadata: { order_id: order._id, payment_id: payment._id },
          },
        };
      }
      return {
        razorpay_payment_id: payment._id,
        razorpay_order_id: order._id,
        razorpay_signature: paymentSignature(order._id, payment._id, secret),
      };
    },
  };
}

/** Only plain ids reach a store filter: a JSON object here would be a query operator. */
function isId(id: unknown, prefix: string): id is string {
  return typeof id === 'string' && id.startsWith(prefix) && /^[A-Za-z0-9_]{1,64}$/.test(id);
}

function toGatewayRefund(doc: TestRefundDoc): GatewayRefund {
  return { refundId: doc._id, paymentId: doc.payment_id, amount: doc.amount, status: doc.status, receipt: doc.receipt ?? null };
}

function toGatewayPayment(doc: TestPaymentDoc): GatewayPayment {
  return {
    id: doc._id,
    orderId: doc.order_id,
    amount: doc.amount,
    currency: doc.currency,
    status: doc.status,
    captured: doc.captured,
    amountRefunded: doc.amount_refunded,
    method: 'test',
    errorCode: doc.error_code,
    errorDescription: doc.error_description,
    createdAt: new Date(doc.created_at),
  };
}
