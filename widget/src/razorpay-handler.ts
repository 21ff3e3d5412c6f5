/**
 * Live payments through Razorpay Checkout, as a {@link PayHandler}: loads `checkout.js` on the
 * Pay press (razorpay-loader.ts), opens Razorpay's window with the order, and hands its signed
 * answer to the flow to confirm. In in-app browsers, where the window's callback never comes,
 * Razorpay redirects to the server instead (in-app-browser.ts).
 */
import { CheckoutError } from './api.js';
import { isInAppBrowser, razorpayContact } from './in-app-browser.js';
import type { PayHandler } from './pay-handler.js';
import { loadRazorpay, type RazorpayConstructor } from './razorpay-loader.js';

/** What the Razorpay handler needs from the element that hosts it. */
export interface RazorpayHost {
  /** The Trendy Ticket Service server, no trailing slash: the in-app browser's callback goes there. */
  base(): string;
  /** The publishable key, which the callback page needs to show the order. */
  key(): string;
  /** The page's `--tts-accent`, for Razorpay's window ('' when unset). */
  accent(): string;
  /** Razorpay's modal takes the screen: put the checkout's own dialog away (a modal dialog would leave it inert). */
  away(): void;
  /** Razorpay's window is gone: bring the checkout back and focus the step. */
  back(): void;
}

/**
 * The Razorpay handler. `load` and `userAgent` are Razorpay's loader and the browser's user
 * agent unless given.
 *
 * @example const handlers = { razorpay: razorpayHandler({ base, key, accent, away, back }) };
 */
export function razorpayHandler(host: RazorpayHost, load: () => Promise<RazorpayConstructor> = loadRazorpay, userAgent = () => navigator.userAgent): PayHandler {
  return {
    pay(order, { event, holdLeft, confirm, paying, loading, fail }) {
      const payment = order.payment!;
      const attempt = async (): Promise<void> => {
        loading(true);
        let Razorpay: RazorpayConstructor;
        try {
          Razorpay = await load();
        } catch (err) {
          loading(false);
          // "Try again" loads again: a failed script tag is dropped by the loader.
          return fail(new CheckoutError('GATEWAY_UNAVAILABLE', String(err)), () => void attempt());
        }
        loading(false);
        let settled = false;
        const accent = host.accent();
        // In-app browsers cannot run Checkout's popup: Razorpay posts the result to our server instead,
        // which completes the order and shows the tickets on the order's hosted page.
        const redirect = isInAppBrowser(userAgent())
          ? { redirect: true, callback_url: `${host.base()}/gateway/razorpay/callback/${encodeURIComponent(order.id)}?key=${encodeURIComponent(host.key())}` }
          : {};
        let failure: CheckoutError | null = null;
        const checkout = new Razorpay({
          key: payment.key_id ?? '',
          order_id: payment.gateway_order_id!,
          amount: payment.amount,
          currency: payment.currency,
          name: event?.name ?? '',
          description: order.items.map((i) => `${i.quantity} × ${i.name}`).join(', '),
          prefill: { name: order.buyer.name, email: order.buyer.email, contact: razorpayContact(order.buyer.phone) },
          theme: { color: /^#[\da-f]{3,8}$/i.test(accent) ? accent : '#1d4ed8' },
          // Checkout stops taking the payment when the seats stop being held (Razorpay's minimum is 60 s).
          ...(holdLeft > 0 ? { timeout: Math.max(60, holdLeft) } : {}),
          ...redirect,
          handler: (r) => {
            settled = true;
            host.back();
            confirm({ gateway_order_id: r.razorpay_order_id, gateway_payment_id: r.razorpay_payment_id, signature: r.razorpay_signature });
          },
          modal: {
            ondismiss: () => {
              if (settled) return;
              paying(false);
              host.back();
              // Razorpay's window offers a retry after a failed attempt: it failed only once the buyer gives up.
              if (failure) fail(failure);
            },
          },
        });
        checkout.on('payment.failed', (r) => {
          failure = new CheckoutError('PAYMENT_FAILED', r.error?.description ?? r.error?.reason ?? 'The payment was declined.');
        });
        paying(true);
        host.away();
        checkout.open();
      };
      void attempt();
    },
  };
}
