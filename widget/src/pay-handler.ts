/**
 * How the checkout takes a payment: one {@link PayHandler} per gateway (`order.payment.gateway`).
 * The flow (checkout-flow.ts) hands the handler the order and a few callbacks; the handler gets
 * the gateway's proof of payment and gives it to `confirm`, which the server checks. A new
 * gateway is one new handler, registered with the element (tts-checkout.ts).
 */
import type { Order, PayOrderParams, PublicEvent } from '@trendy-tickets/sdk';
import { CheckoutError, newIdempotencyKey, type CheckoutApi } from './api.js';

/** What a gateway hands back for the server to check: `POST /v1/orders/{id}/pay` without the secret. */
export type PaymentProof = Omit<PayOrderParams, 'client_secret'>;

/** What a handler may do to the checkout while it takes a payment. */
export interface PayCallbacks {
  /** The test panel's choice; a real gateway ignores it. */
  outcome: 'success' | 'failure';
  /** The event being paid for (its name titles a gateway's window). */
  event: PublicEvent | null;
  /** Whole seconds the seats are still held, 0 when unknown: a gateway's window should close by then. */
  holdLeft: number;
  /**
   * Has the server check the gateway's proof (or what `proof()` resolves to), with the checkout
   * busy and paying meanwhile, then moves it to where the order is. A failure is shown to the
   * buyer, with "Try again" (which runs it all again) where a retry can help.
   */
  confirm(proof: PaymentProof | (() => Promise<PaymentProof>)): void;
  /** A gateway's window has the screen (or no longer has): closing the checkout asks first, Start again waits. */
  paying(on: boolean): void;
  /** The handler is getting ready (loading a gateway's script): the checkout shows it is busy. */
  loading(on: boolean): void;
  /** Shows a failure to the buyer and fires `tts-error`; `retry` is offered where a retry can help. */
  fail(error: CheckoutError, retry?: () => void): void;
}

/** Takes the payment of an order awaiting it, through one gateway. */
export interface PayHandler {
  /** Called once per Pay press, with `order.payment` set and not busy. */
  pay(order: Order, callbacks: PayCallbacks): void;
}

/**
 * The handler of every gateway an order can name, or `null` for one the checkout never pays
 * through: a `Record` over the SDK's union, so a gateway added there does not compile until the
 * element says how to pay through it.
 */
export type PayHandlers = Record<NonNullable<Order['payment']>['gateway'], PayHandler | null>;

/**
 * The built-in test gateway (test mode): no window, the test panel's Pay or Fail button asks the
 * API to simulate the outcome, and a success is confirmed as a real payment is.
 *
 * @example const handlers = { test: testGatewayHandler(() => createApi(base, key)) };
 */
export function testGatewayHandler(api: () => CheckoutApi): PayHandler {
  return {
    pay(order, { outcome, confirm }) {
      const gatewayOrderId = order.payment!.gateway_order_id!;
      // One key per press: a retry after a lost answer replays the simulated payment.
      const attempt = { key: newIdempotencyKey() };
      confirm(async () => {
        const result = await api().testPay(gatewayOrderId, outcome, attempt);
        if (!result.signature) throw new CheckoutError('PAYMENT_FAILED', result.error?.description ?? 'The payment was declined.');
        return { gateway_order_id: gatewayOrderId, gateway_payment_id: result.gateway_payment_id, signature: result.signature };
      });
    },
  };
}

/**
 * A handler whose code is fetched on the first Pay press (a gateway's module of its own, as
 * Razorpay's is: `/widget/v1/tts-checkout.razorpay.js`), so pages that never take a live payment
 * do not carry it. A failed fetch is offered again ("Try again" fetches anew). Errors from the
 * fetched module are made this bundle's own, so the flow still tells their codes apart.
 *
 * @example const handlers = { razorpay: lazyHandler(() => import(url).then((m) => m.razorpayHandler(host))) };
 */
export function lazyHandler(load: () => Promise<PayHandler>): PayHandler {
  let handler: Promise<PayHandler> | undefined;
  const lazy: PayHandler = {
    pay(order, callbacks) {
      callbacks.loading(true);
      handler ??= load();
      handler.then(
        (h) => {
          callbacks.loading(false);
          h.pay(order, { ...callbacks, fail: (e, retry) => callbacks.fail(new CheckoutError(e.code, e.message, e.requestId, e.details, e.retryAfter), retry) });
        },
        (err: unknown) => {
          handler = undefined;
          callbacks.loading(false);
          callbacks.fail(new CheckoutError('GATEWAY_UNAVAILABLE', String(err)), () => lazy.pay(order, callbacks));
        },
      );
    },
  };
  return lazy;
}
