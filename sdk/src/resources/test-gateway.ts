import type { TrendyTickets } from '../client.js';
import type { RequestOptions } from '../internal/http.js';
import type { TestGatewayPayment, TestGatewayPayParams } from '../types.js';

/**
 * Test mode's stand-in for Razorpay Checkout (test keys only; 403 with live keys).
 *
 * @example
 * const payment = await tts.testGateway.pay({ gateway_order_id: verified.payment!.gateway_order_id! });
 * await tts.orders.pay(order.id, { client_secret, gateway_order_id: payment.gateway_order_id, gateway_payment_id: payment.gateway_payment_id, signature: payment.signature! });
 */
export class TestGatewayResource {
  constructor(private readonly client: TrendyTickets) {}

  /**
   * Pays (or, with `outcome: 'failure'`, fails) a test gateway order and returns what Checkout
   * would hand your page, signed as Razorpay signs.
   *
   * @example
   * const { gateway_payment_id, signature } = await tts.testGateway.pay({ gateway_order_id });
   */
  pay(params: TestGatewayPayParams, options?: RequestOptions): Promise<TestGatewayPayment> {
    return this.client.request<TestGatewayPayment>({
      ...options,
      method: 'POST',
      path: '/v1/test-gateway/payments',
      body: { outcome: 'success', ...params },
    });
  }
}
