/**
 * Loads Razorpay Checkout (`checkout.js`) on demand: only when the attendee clicks Pay in live
 * mode, never on page load, so a page that shows the ticket button pays nothing for it.
 * @see https://razorpay.com/docs/payments/payment-gateway/web-integration/standard/build-integration/
 */

/** Where Razorpay serves its checkout script. */
export const RAZORPAY_CHECKOUT_URL = 'https://checkout.razorpay.com/v1/checkout.js';

/** What Checkout hands the `handler` after a successful payment. */
export interface RazorpaySuccess {
  razorpay_payment_id: string;
  razorpay_order_id: string;
  razorpay_signature: string;
}

/** The `payment.failed` callback's argument. */
export interface RazorpayFailure {
  error: { code?: string; description?: string; reason?: string; metadata?: { order_id?: string; payment_id?: string } };
}

/** The options of `new Razorpay(options)` the widget uses. */
export interface RazorpayOptions {
  key: string;
  order_id: string;
  amount: number;
  currency: string;
  name: string;
  description: string;
  prefill: { name: string; email: string; contact: string };
  theme: { color: string };
  /** Seconds until Checkout stops taking the payment; tied to the seat hold. */
  timeout?: number;
  /** In-app browsers: Razorpay posts the result to `callback_url` instead of calling `handler`. */
  redirect?: boolean;
  callback_url?: string;
  handler(response: RazorpaySuccess): void;
  modal: { ondismiss(): void };
}

/** An opened (or openable) Checkout. */
export interface RazorpayCheckout {
  open(): void;
  on(event: 'payment.failed', callback: (response: RazorpayFailure) => void): void;
}

export type RazorpayConstructor = new (options: RazorpayOptions) => RazorpayCheckout;

declare global {
  interface Window {
    Razorpay?: RazorpayConstructor;
  }
}

let loading: Promise<RazorpayConstructor> | null = null;

/**
 * Resolves Razorpay's constructor, injecting `checkout.js` once per page (a page that already
 * loaded it is reused). A failed load rejects and is forgotten, so the next Pay click retries.
 *
 * @example
 * const Razorpay = await loadRazorpay();
 * new Razorpay({ key, order_id, amount, currency, name, description, prefill, theme, handler, modal }).open();
 */
export function loadRazorpay(src = RAZORPAY_CHECKOUT_URL): Promise<RazorpayConstructor> {
  if (window.Razorpay) return Promise.resolve(window.Razorpay);
  loading ??= new Promise<RazorpayConstructor>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.async = true;
    script.onload = () => (window.Razorpay ? resolve(window.Razorpay) : script.onerror?.(new Event('error')));
    script.onerror = () => {
      // A failed tag stays failed: drop it so the retry injects a fresh one.
      script.remove();
      loading = null;
      reject(new Error(`Could not load ${src}`));
    };
    document.head.append(script);
  });
  return loading;
}
