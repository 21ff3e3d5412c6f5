import { Hono, type Context } from 'hono';
import { jsx } from 'hono/jsx';
import { z } from 'zod';
import { AppError } from '../../kernel/errors.js';
import { idPattern } from '../../kernel/ids.js';
import { MessagePage, renderPage } from '../../pages/layout.js';
import type { AppEnv } from '../context.js';
import { limitBody } from '../middleware/body-limit.js';
import { orderUrl, ownerFromKey, rememberOrder } from './checkout.js';

const ORDER_ID = idPattern('ord');
const RazorpayId = z.string().regex(/^[A-Za-z0-9_]{1,64}$/);

/** What Razorpay posts after a successful payment. */
const Succeeded = z.object({
  razorpay_payment_id: RazorpayId,
  razorpay_order_id: RazorpayId,
  razorpay_signature: z.string().regex(/^[0-9a-fA-F]{64}$/),
});

/** What it posts when the buyer gave up or the payment failed (`error[...]` form fields). */
const Failed = z.object({
  'error[description]': z.string().max(500).optional(),
  'error[reason]': z.string().max(100).optional(),
});

/** Where an in-app browser lands after paying: see `razorpayCallbackRoutes`. */
export const razorpayCallbackPath = (orderId: string) => `/gateway/razorpay/callback/${orderId}`;

const page = (c: Context<AppEnv>, status: 400 | 402 | 404, title: string, lines: string[]) => renderPage(c, jsx(MessagePage, { title, lines, tone: 'bad' }), status);

/**
 * Razorpay Checkout's redirect flow (docs/widget.md#in-app-browsers). Checkout's modal and its
 * `handler` callback do not work in in-app browsers (Instagram, Facebook Messenger and other
 * webviews) or after a UPI app took the buyer away, so there the widget opens Checkout with
 * `redirect: true` and `callback_url` pointing here. Razorpay then posts a form to it from its
 * own origin, a cross-site POST by design (so it lives outside `/checkout/*`, whose forms must
 * be same-origin): `razorpay_payment_id`, `razorpay_order_id` and `razorpay_signature`, or
 * `error[…]` fields. A genuine signature completes the order exactly as the widget's `/pay`
 * would, and lands the buyer on the order's hosted page with the tickets.
 * @see https://razorpay.com/docs/payments/payment-gateway/web-integration/standard/configure-payment-methods/#redirect
 * @see https://razorpay.com/docs/payments/payment-gateway/web-integration/standard/build-integration/#callback-url
 *
 * @example
 * app.route('/', razorpayCallbackRoutes());
 */
export function razorpayCallbackRoutes() {
  const router = new Hono<AppEnv>();
  router.use('/gateway/razorpay/callback/*', limitBody<AppEnv>({ maxBytes: 16 * 1024, onTooLarge: (c) => page(c, 400, 'Form too large', ['The form sent was too large.']) }));

  router.post('/gateway/razorpay/callback/:orderId', async function razorpayCallback(c) {
    const id = c.req.param('orderId');
    const resolved = await ownerFromKey(c);
    if (resolved instanceof Response) return resolved;
    if (!ORDER_ID.test(id)) return page(c, 404, 'Order not found', ['There is no such order for this payment.']);
    const form = await c.req.parseBody().catch(() => null);
    const succeeded = Succeeded.safeParse(form);
    if (!succeeded.success) {
      const failed = Failed.safeParse(form ?? {});
      const why = failed.success ? (failed.data['error[description]'] ?? null) : null;
      return page(c, 402, 'Payment not completed', [
        why ?? 'The payment did not go through.',
        'No money was taken for a payment that failed. Go back to the event page to try again while your seats are held.',
      ]);
    }
    const { razorpay_payment_id, razorpay_order_id, razorpay_signature } = succeeded.data;
    const { services } = c.var;
    try {
      await services.fulfilment.payByRedirect(resolved.owner, id, {
        gateway_order_id: razorpay_order_id,
        gateway_payment_id: razorpay_payment_id,
        signature: razorpay_signature,
      });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (err.code === 'NOT_FOUND') return page(c, 404, 'Order not found', ['There is no such order for this payment.']);
      if (err.code === 'PAYMENT_VERIFICATION_FAILED') return page(c, 402, 'Payment not confirmed', [err.message, 'If money was taken, it is refunded.']);
      // A second payment of a paid order (refunded), or one that is still being confirmed: the order page says where it stands.
      if (err.code !== 'ORDER_NOT_PAYABLE') throw err;
    }
    // The signature proved this browser made the payment: it may open the order (and its tickets).
    const clientSecret = await services.orders.clientSecretOf(id);
    if (clientSecret) rememberOrder(c, id, clientSecret);
    return c.redirect(orderUrl(id, resolved.key), 303);
  });

  return router;
}
