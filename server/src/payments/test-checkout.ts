/**
 * Paying a test order through the built-in test gateway, standing in for Razorpay Checkout
 * in the browser. The API's `POST /v1/test-gateway/payments` and the Pay button of the
 * hosted checkout without script both go through here, so a test payment succeeds or fails
 * the same way from either, and a failure is recorded on the order as Razorpay's
 * `payment.failed` webhook records it for live orders.
 */
import type { Owner } from '../domain/events.js';
import type { FulfilmentService } from '../domain/fulfilment.js';
import type { OrderAccess, OrderService } from '../domain/orders.js';
import { AppError } from '../kernel/errors.js';
import { isCheckoutFailure, type CheckoutFailure, type CheckoutSuccess, type TestGateway } from './test-gateway.js';

/** What the simulated buyer does at the test gateway. */
export type TestPaymentOutcome = 'success' | 'failure';

/** The test gateway, and the order and fulfilment steps a test payment goes through. */
export interface TestCheckoutDeps {
  testGateway: TestGateway;
  orders: Pick<OrderService, 'findByGatewayOrder' | 'retrieve' | 'ensurePayment'>;
  fulfilment: Pick<FulfilmentService, 'recordPaymentFailure' | 'pay'>;
}

/**
 * Test payments, for the API and the hosted checkout.
 *
 * @example
 * const testCheckout = createTestCheckout({ testGateway, orders, fulfilment });
 * const answer = await testCheckout.simulate(owner, 'order_…', 'success');
 */
export function createTestCheckout({ testGateway, orders, fulfilment }: TestCheckoutDeps) {
  /** The gateway pays (or fails) the gateway order; a failure is recorded on our order. */
  async function payAtGateway(gatewayOrderId: string, outcome: TestPaymentOutcome, email: string): Promise<CheckoutSuccess | CheckoutFailure> {
    // The buyer's email picks how a later test refund ends (docs/domain-rules.md#trying-refunds-in-test-mode).
    const result = await testGateway.simulatePayment({ gatewayOrderId, outcome, email });
    if (isCheckoutFailure(result)) await fulfilment.recordPaymentFailure(gatewayOrderId, result.error.description);
    return result;
  }

  return {
    /**
     * Plays Razorpay Checkout for one of the owner's test orders: returns what Checkout would
     * hand the page, which the page then reports to `POST /v1/orders/{id}/pay`.
     * @throws AppError FORBIDDEN for a live owner, NOT_FOUND for another account's gateway order
     */
    async simulate(owner: Owner, gatewayOrderId: string, outcome: TestPaymentOutcome): Promise<CheckoutSuccess | CheckoutFailure> {
      if (owner.livemode) throw new AppError('FORBIDDEN', 'The test gateway takes test keys only; live orders are paid through Razorpay Checkout.');
      // Only this account's own test orders can be paid here.
      const order = await orders.findByGatewayOrder(owner, gatewayOrderId);
      return payAtGateway(order.payment?.gateway_order_id ?? gatewayOrderId, outcome, order.buyer.email);
    },

    /**
     * Pays a test order from the hosted checkout in one step: makes its gateway order if it
     * has none (a free order is completed there), pays it at the test gateway, and reports the
     * payment as the browser would. An order not awaiting payment is left as it is: its page
     * says what state it is in.
     * @throws AppError FORBIDDEN for a live order with something to pay, ORDER_NOT_PAYABLE
     */
    async payOrder(access: OrderAccess, orderId: string, outcome: TestPaymentOutcome): Promise<void> {
      const order = await orders.retrieve(access, orderId);
      if (order.status !== 'awaiting_payment') return;
      if (order.livemode && order.amount > 0) throw new AppError('FORBIDDEN', 'Live payments go through the secure checkout window on the organizer’s site.');
      const withPayment = await orders.ensurePayment(order);
      if (withPayment.status !== 'awaiting_payment') return;
      const gatewayOrderId = withPayment.payment?.gateway_order_id;
      if (!gatewayOrderId || withPayment.payment?.gateway !== 'test') throw new AppError('ORDER_NOT_PAYABLE', 'This order has no test payment to make.');
      const result = await payAtGateway(gatewayOrderId, outcome, order.buyer.email);
      if (isCheckoutFailure(result)) return;
      await fulfilment.pay(access, orderId, {
        gateway_order_id: result.razorpay_order_id,
        gateway_payment_id: result.razorpay_payment_id,
        signature: result.razorpay_signature,
      });
    },
  };
}

export type TestCheckout = ReturnType<typeof createTestCheckout>;
