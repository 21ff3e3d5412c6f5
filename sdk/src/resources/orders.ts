import type { TrendyTickets } from '../client.js';
import type { RequestOptions } from '../internal/http.js';
import type { ClientSecretParams, CreateOrderParams, Order, PayOrderParams, RefundOrderParams, VerifyOrderParams } from '../types.js';

const path = (id: string, rest = '') => `/v1/orders/${encodeURIComponent(id)}${rest}`;

/**
 * Orders, from hold to payment. With a publishable key every call after `create` needs the
 * order's `client_secret`; with the secret key it is not needed.
 *
 * @example
 * const order = await tts.orders.create({ event: 'evt_…', items: [{ ticket_type: 'tt_…', quantity: 2 }], buyer: { name: 'Asha Rao', email: 'asha@example.com' } });
 * const verified = await tts.orders.verify(order.id, { code: '123456', client_secret: order.client_secret });
 */
export class OrdersResource {
  constructor(private readonly client: TrendyTickets) {}

  /**
   * Holds the seats (or `SOLD_OUT`) and mails the buyer a code when the event verifies email.
   *
   * @example
   * const order = await tts.orders.create({ event, items: [{ ticket_type, quantity: 2 }], buyer: { name: 'Asha Rao', email: 'asha@example.com' } });
   */
  create(params: CreateOrderParams, options?: RequestOptions): Promise<Order> {
    return this.client.request<Order>({ ...options, method: 'POST', path: '/v1/orders', body: params });
  }

  /**
   * Reads an order, with its tickets once paid.
   *
   * @example
   * const { status, tickets } = await tts.orders.retrieve('ord_…');
   */
  retrieve(id: string, params: ClientSecretParams = {}, options?: RequestOptions): Promise<Order> {
    return this.client.request<Order>({ ...options, method: 'GET', path: path(id), query: { client_secret: params.client_secret } });
  }

  /**
   * Checks the emailed 6-digit code; the order then awaits payment and `payment` says how to pay.
   *
   * @example
   * const { payment } = await tts.orders.verify(order.id, { code: '123456', client_secret });
   */
  verify(id: string, params: VerifyOrderParams, options?: RequestOptions): Promise<Order> {
    return this.client.request<Order>({ ...options, method: 'POST', path: path(id, '/verify'), body: params });
  }

  /**
   * Mails a new code; the old one stops working (at most 5 per address per hour).
   *
   * @example
   * await tts.orders.resendCode(order.id, { client_secret });
   */
  resendCode(id: string, params: ClientSecretParams = {}, options?: RequestOptions): Promise<Order> {
    return this.client.request<Order>({ ...options, method: 'POST', path: path(id, '/resend-code'), body: params });
  }

  /**
   * Completes payment with what Razorpay Checkout (or the test gateway) returned; issues the tickets once.
   *
   * @example
   * const paid = await tts.orders.pay(order.id, { client_secret, gateway_order_id, gateway_payment_id, signature });
   */
  pay(id: string, params: PayOrderParams, options?: RequestOptions): Promise<Order> {
    return this.client.request<Order>({ ...options, method: 'POST', path: path(id, '/pay'), body: params });
  }

  /**
   * Cancels an unpaid order and releases its seats at once.
   *
   * @example
   * await tts.orders.cancel('ord_…');
   */
  cancel(id: string, params: ClientSecretParams = {}, options?: RequestOptions): Promise<Order> {
    return this.client.request<Order>({ ...options, method: 'POST', path: path(id, '/cancel'), body: params });
  }

  /**
   * Refunds a paid order (secret key): `{ amount }` paise, `{ tickets }` (voided, their seats back
   * on sale, their share of the payment returned), or, with neither, what remains; repeatable until
   * all of it is refunded. Resolves with the order (`partially_refunded`, or `refunded` once
   * nothing remains), or, while Razorpay has not finished (HTTP 202), with the order as it was and
   * `refund.status: 'pending'`; it changes by itself. Asking for more than remains throws
   * `TtsConflictError` with code `REFUND_EXCEEDS_REMAINING` (`RefundExceedsRemainingDetails`); a
   * refund Razorpay refuses throws it with `REFUND_FAILED` and `RefundFailedDetails`.
   *
   * @example
   * await tts.orders.refund('ord_…', { amount: 50_000 }); // ₹500 back, status 'partially_refunded'
   * await tts.orders.refund('ord_…', { tickets: ['tkt_…'] }); // that ticket voided, its price back
   * await tts.orders.refund('ord_…'); // the rest: status 'refunded'
   */
  refund(id: string, params: RefundOrderParams = {}, options?: RequestOptions): Promise<Order> {
    return this.client.request<Order>({ ...options, method: 'POST', path: path(id, '/refund'), body: params });
  }
}
