import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../kernel/clock.js';
import { AppError } from '../kernel/errors.js';
import { confirmPayment, verifyPaymentSignature } from './gateway.js';
import {
  createTestGateway,
  isCheckoutFailure,
  TEST_GATEWAY_COLLECTIONS,
  TEST_GATEWAY_INDEXES,
  type CheckoutFailure,
  type CheckoutSuccess,
  type TestGateway,
} from './test-gateway.js';
import { createEmbeddedStore } from '../store/embedded.js';
import type { Store } from '../store/port.js';

const secret = 'install_test_secret_0123456789';
let store: Store;
let clock: ManualClock;
let gateway: TestGateway;

async function newOrder(amount = 49_900): Promise<string> {
  return (await gateway.createOrder({ amount, currency: 'INR', receipt: 'ord_Receipt0001' })).gatewayOrderId;
}

async function pay(gatewayOrderId: string, capture = false): Promise<CheckoutSuccess> {
  const result = await gateway.simulatePayment({ gatewayOrderId, outcome: 'success', capture });
  if (isCheckoutFailure(result)) throw new Error('expected success');
  return result;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => expect.fail('expected a rejection'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return (error as AppError).code;
}

describe('test gateway on the embedded store', () => {
  beforeEach(async () => {
    store = await createEmbeddedStore({});
    await store.ensureIndexes(TEST_GATEWAY_INDEXES);
    clock = new ManualClock('2026-03-01T10:00:00Z');
    gateway = createTestGateway({ store, secret, clock });
  });

  afterEach(async () => {
    await store.close();
  });

  describe('simulatePayment', () => {
    it('answers a success exactly as Checkout does, signed with the install secret', async () => {
      const gatewayOrderId = await newOrder();
      expect(gatewayOrderId).toMatch(/^order_[0-9A-Za-z]{14}$/);
      const result = await pay(gatewayOrderId);
      expect(Object.keys(result).sort()).toEqual(['razorpay_order_id', 'razorpay_payment_id', 'razorpay_signature']);
      expect(result.razorpay_payment_id).toMatch(/^pay_[0-9A-Za-z]{14}$/);
      expect(result.razorpay_order_id).toBe(gatewayOrderId);
      const check = { gatewayOrderId, paymentId: result.razorpay_payment_id, signature: result.razorpay_signature };
      expect(verifyPaymentSignature({ ...check, secret })).toBe(true);
      expect(verifyPaymentSignature({ ...check, secret: 'another_install' })).toBe(false);
      expect(verifyPaymentSignature({ ...check, secret, gatewayOrderId: await newOrder() })).toBe(false);
    });

    it("answers a failure with Checkout's payment.failed shape and records a failed payment", async () => {
      const gatewayOrderId = await newOrder();
      const result = (await gateway.simulatePayment({ gatewayOrderId, outcome: 'failure' })) as CheckoutFailure;
      expect(isCheckoutFailure(result)).toBe(true);
      expect(result).toEqual({
        error: {
          code: 'BAD_REQUEST_ERROR',
          description: expect.any(String),
          source: 'customer',
          step: 'payment_authorization',
          reason: 'payment_failed',
          metadata: { order_id: gatewayOrderId, payment_id: expect.stringMatching(/^pay_[0-9A-Za-z]{14}$/) },
        },
      });
      const paymentId = result.error.metadata.payment_id;
      expect(await gateway.fetchPayment(paymentId)).toMatchObject({ status: 'failed', errorCode: 'BAD_REQUEST_ERROR', captured: false });
      const error = await confirmPayment(gateway, { gatewayOrderId, paymentId, expectedAmount: 49_900, currency: 'INR' }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'PAYMENT_VERIFICATION_FAILED', message: 'The payment failed; no money was taken' });
    });

    it('refuses unknown orders and orders already paid', async () => {
      expect(await codeOf(gateway.simulatePayment({ gatewayOrderId: 'order_Unknown0000000', outcome: 'success' }))).toBe('NOT_FOUND');
      const gatewayOrderId = await newOrder();
      await pay(gatewayOrderId, true);
      expect(await codeOf(gateway.simulatePayment({ gatewayOrderId, outcome: 'success' }))).toBe('ORDER_NOT_PAYABLE');
    });
  });

  describe('the port, backed by the store', () => {
    it('confirms a payment by capturing it, marking the gateway order paid', async () => {
      const gatewayOrderId = await newOrder();
      const { razorpay_payment_id: paymentId } = await pay(gatewayOrderId);
      expect((await gateway.fetchPayment(paymentId)).status).toBe('authorized');
      const payment = await confirmPayment(gateway, { gatewayOrderId, paymentId, expectedAmount: 49_900, currency: 'INR' });
      expect(payment).toMatchObject({ id: paymentId, orderId: gatewayOrderId, status: 'captured', captured: true, method: 'test' });
      const order = await store.collection(TEST_GATEWAY_COLLECTIONS.orders).findOne({ _id: gatewayOrderId });
      expect(order).toMatchObject({ status: 'paid', amount_paid: 49_900, attempts: 1 });
      // Confirming again (webhook, reconciler) is harmless.
      expect((await confirmPayment(gateway, { gatewayOrderId, paymentId, expectedAmount: 49_900, currency: 'INR' })).status).toBe('captured');
      expect(await codeOf(gateway.capturePayment(paymentId, 49_900, 'INR'))).toBe('CONFLICT');
    });

    it('shares state with a second gateway instance on the same store', async () => {
      const gatewayOrderId = await newOrder();
      const { razorpay_payment_id: paymentId } = await pay(gatewayOrderId);
      const otherServer = createTestGateway({ store, secret, clock });
      expect((await otherServer.listOrderPayments(gatewayOrderId)).map((p) => p.id)).toEqual([paymentId]);
      await confirmPayment(otherServer, { gatewayOrderId, paymentId, expectedAmount: 49_900, currency: 'INR' });
      expect((await gateway.fetchPayment(paymentId)).status).toBe('captured');
      expect(await codeOf(gateway.simulatePayment({ gatewayOrderId, outcome: 'success' }))).toBe('ORDER_NOT_PAYABLE');
    });

    it('lists every attempt on an order, oldest first, for the reconciler', async () => {
      const gatewayOrderId = await newOrder();
      const failed = (await gateway.simulatePayment({ gatewayOrderId, outcome: 'failure' })) as CheckoutFailure;
      clock.advance(30_000);
      const { razorpay_payment_id } = await pay(gatewayOrderId);
      const listed = await gateway.listOrderPayments(gatewayOrderId);
      expect(listed.map((p) => [p.id, p.status])).toEqual([
        [failed.error.metadata.payment_id, 'failed'],
        [razorpay_payment_id, 'authorized'],
      ]);
      expect(listed[1]?.createdAt).toEqual(new Date('2026-03-01T10:00:30Z'));
      expect(await gateway.listOrderPayments(await newOrder())).toEqual([]);
    });

    it('refuses a payment of another order, or of another amount, without capturing it', async () => {
      const cheap = await newOrder(100);
      const sameAmount = await newOrder(100);
      const { razorpay_payment_id: paymentId } = await pay(cheap);
      expect(await codeOf(confirmPayment(gateway, { gatewayOrderId: sameAmount, paymentId, expectedAmount: 100, currency: 'INR' }))).toBe('PAYMENT_VERIFICATION_FAILED');
      expect(await codeOf(confirmPayment(gateway, { gatewayOrderId: cheap, paymentId, expectedAmount: 99_900, currency: 'INR' }))).toBe('PAYMENT_VERIFICATION_FAILED');
      expect((await gateway.fetchPayment(paymentId)).status).toBe('authorized');
    });

    it('refunds in parts, never more than was captured', async () => {
      const gatewayOrderId = await newOrder();
      const { razorpay_payment_id: paymentId } = await pay(gatewayOrderId, true);
      expect(await gateway.refundPayment(paymentId, 20_000)).toMatchObject({ amount: 20_000, status: 'processed', refundId: expect.stringMatching(/^rfnd_/) });
      expect(await codeOf(gateway.refundPayment(paymentId, 30_000))).toBe('CONFLICT');
      const [a, b] = await Promise.allSettled([gateway.refundPayment(paymentId, 20_000), gateway.refundPayment(paymentId, 20_000)]);
      expect([a.status, b.status].sort()).toEqual(['fulfilled', 'rejected']);
      expect((await gateway.refundPayment(paymentId)).amount).toBe(9_900);
      expect(await gateway.fetchPayment(paymentId)).toMatchObject({ status: 'refunded', amountRefunded: 49_900 });
      expect(await codeOf(gateway.refundPayment(paymentId))).toBe('CONFLICT');
    });

    it('refuses an authorized payment for refund and a refused amount for capture', async () => {
      const gatewayOrderId = await newOrder();
      const { razorpay_payment_id: paymentId } = await pay(gatewayOrderId);
      expect(await codeOf(gateway.refundPayment(paymentId))).toBe('CONFLICT');
      expect(await codeOf(gateway.capturePayment(paymentId, 100, 'INR'))).toBe('VALIDATION_FAILED');
    });

    it('treats query-shaped or foreign ids as unknown instead of passing them to the store', async () => {
      const gatewayOrderId = await newOrder();
      await pay(gatewayOrderId);
      const operator = { $ne: null } as unknown as string;
      expect(await codeOf(gateway.fetchPayment(operator))).toBe('NOT_FOUND');
      expect(await gateway.listOrderPayments(operator)).toEqual([]);
      expect(await codeOf(gateway.simulatePayment({ gatewayOrderId: operator, outcome: 'success' }))).toBe('NOT_FOUND');
      expect(await codeOf(gateway.fetchPayment('pay_Unknown0000000'))).toBe('NOT_FOUND');
    });

    it('applies the port’s order rules', async () => {
      expect(await codeOf(gateway.createOrder({ amount: 0, currency: 'INR', receipt: 'r' }))).toBe('VALIDATION_FAILED');
      expect(await codeOf(gateway.createOrder({ amount: 100, currency: 'inr', receipt: 'r' }))).toBe('VALIDATION_FAILED');
      expect(await codeOf(gateway.createOrder({ amount: 100, currency: 'INR', receipt: 'r'.repeat(41) }))).toBe('VALIDATION_FAILED');
      expect(gateway).toMatchObject({ name: 'test', keyId: 'tts_test_gateway' });
    });
  });
});
