import { Hono } from 'hono';
import { AppError } from '../../kernel/errors.js';
import { hostedCheckoutPage } from '../../pages/checkout.js';
import type { AppEnv } from '../context.js';
import { message, orderAccess, orderUrl } from './checkout.js';
import { widgetPageCsp } from './widget.js';

/**
 * Keeps the order named by its `<script>` tag's data attributes where the widget looks for the
 * open order of an event (`sessionStorage`, `tts-order:<event>`, as widget/src/resume.ts keeps
 * it), so the widget that loads next resumes that order at its step. A file of its own, served
 * from this origin, because the page's CSP allows no inline script.
 */
const KEEP_ORDER_JS = `(function () {
  var d = document.currentScript && document.currentScript.dataset;
  if (!d || !d.event || !d.order || !d.secret) return;
  try {
    var left = Number(d.holdLeft);
    sessionStorage.setItem('tts-order:' + d.event, JSON.stringify({ id: d.order, secret: d.secret, deadline: Date.now() + (left > 0 ? left : 0) }));
  } catch (e) {
    // Storage off (a private mode): the widget then starts a new checkout.
  }
})();
`;

/**
 * `/checkout/orders/:orderId/pay`: an order started elsewhere (a waiting-list claim, the no-script
 * checkout) paid in the hosted widget page, with Razorpay Checkout where the no-script page has no
 * way to pay live. Opened like the order's page: the publishable key in `?key=` and the order's
 * client secret in its `/checkout` cookie. An order that is no longer payable goes to its page.
 *
 * @example
 * app.route('/', checkoutPayRoutes()); // before checkoutRoutes(), whose `/checkout/:eventId` would take the script's path
 */
export function checkoutPayRoutes() {
  const router = new Hono<AppEnv>();

  router.get('/checkout/keep-order.js', (c) => {
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=3600');
    c.header('X-Content-Type-Options', 'nosniff');
    return c.body(KEEP_ORDER_JS);
  });

  router.get('/checkout/orders/:orderId/pay', async function payInWidget(c) {
    const ctx = await orderAccess(c);
    if (ctx instanceof Response) return ctx;
    const { services, deps } = c.var;
    const order = await services.orders.retrieve(ctx.access, ctx.id).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'NOT_FOUND') return null;
      throw err;
    });
    if (!order) return message(c, 404, 'Order not found', ['There is no such order for this checkout link.']);
    if (order.status !== 'awaiting_verification' && order.status !== 'awaiting_payment') return c.redirect(orderUrl(order._id, ctx.key), 303);
    const event = await services.events.get(ctx.access.owner, order.event);
    const keep = { id: order._id, clientSecret: ctx.access.clientSecret ?? '', holdLeftMs: Math.max(0, order.expires_at.getTime() - deps.clock.now().getTime()) };
    c.header('Content-Security-Policy', widgetPageCsp(deps.config.publicUrl, { inlineStyles: true }));
    // The page carries the client secret: never cached, never sent on as a referrer.
    c.header('Cache-Control', 'no-store');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('X-Robots-Tag', 'noindex, nofollow');
    return c.html(hostedCheckoutPage({ event, publishableKey: ctx.key, keep }));
  });

  return router;
}
