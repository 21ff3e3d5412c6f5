import { toPaise } from '@trendy-tickets/sdk';
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { jsx } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { AppError, type FieldIssue } from '../../kernel/errors.js';
import type { EventDoc, Owner } from '../../domain/events.js';
import { idPattern } from '../../kernel/ids.js';
import { HAS_TICKETS, type CreateOrderInput, type OrderAccess } from '../../domain/orders.js';
import { CheckoutPage, hostedCheckoutPage, OrderPage, type CheckoutFormValues, type PageError } from '../../pages/checkout.js';
import { MessagePage, renderPage } from '../../pages/layout.js';
import type { AppEnv } from '../context.js';
import { STATUS } from '../errors.js';
import { setCaller } from '../middleware/auth.js';
import { limitBody } from '../middleware/body-limit.js';
import { requireSameOrigin } from '../middleware/same-origin.js';
import { phone, text } from '../schemas/common.js';
import { CheckoutDetailsPage } from '../../pages/checkout-details.js';
import { asksDetails, asksPerTicket, type PostedForm, postedValues, readDetails } from '../schemas/checkout-details-form.js';
import { promoCodeText } from '../schemas/promo-codes.js';
import { applyPromo } from './checkout-promo.js';
import { widgetPageCsp } from './widget.js';

const EVENT_ID = idPattern('evt');
const ORDER_ID = idPattern('ord');
/** A checkout form is a few hundred bytes, its details step a few per ticket and answer; anything near this is not a person typing. */
const MAX_FORM_BYTES = 64 * 1024;
/** The client-secret cookie outlives the hold, so the paid order (and its tickets) can be reopened. */
const SECRET_COOKIE_SECONDS = 24 * 60 * 60;

/** The buyer fields, checked as strictly as `POST /v1/orders` checks them. */
const Buyer = z.object({
  name: text(200),
  email: z.string().trim().max(254).pipe(z.email('must be an email address')),
  phone: z
    .string()
    .trim()
    .transform((v) => (v === '' ? null : v))
    .pipe(phone.nullable()),
});

/** The GST invoice fields, each optional (blank is none); the GSTIN's check character is the domain's to check. */
const optional = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .transform((v) => (v === '' ? null : v));
const Billing = z.object({ company: optional(200), address: optional(500), gstin: optional(20) });

const secretCookie = (orderId: string) => `tts_cs_${orderId}`;

/**
 * Lets this browser reopen the order's page (`/checkout/orders/:id`): its client secret in an
 * HttpOnly cookie scoped to /checkout, never in a URL.
 */
export function rememberOrder(c: Context<AppEnv>, orderId: string, clientSecret: string): void {
  setCookie(c, secretCookie(orderId), clientSecret, {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/checkout',
    secure: c.var.deps.config.publicUrl.startsWith('https:'),
    maxAge: SECRET_COOKIE_SECONDS,
  });
}

/** The posted form, or VALIDATION_FAILED for a body that is not one (a mangled multipart body throws). */
async function formBody(c: Context<AppEnv>): Promise<Record<string, string | File>> {
  try {
    return (await c.req.parseBody()) as Record<string, string | File>;
  } catch {
    throw new AppError('VALIDATION_FAILED', 'That form could not be read. Please send it again.');
  }
}
/** A hosted page's refusal: a short page that says what went wrong, in the given status. */
export const message = (c: Context<AppEnv>, status: ContentfulStatusCode, title: string, lines: string[]) => renderPage(c, jsx(MessagePage, { title, lines, tone: 'bad' }), status);

/**
 * The publishable key from `?key=`, resolved to its account and mode, or the page
 * explaining what is wrong with it. A secret key is refused without being echoed:
 * it is already leaked by being in a URL, and the page must not spread it further.
 */
export async function ownerFromKey(c: Context<AppEnv>): Promise<{ owner: Owner; key: string } | Response> {
  const key = c.req.query('key') ?? '';
  if (key === '') return message(c, 400, 'Checkout link incomplete', ['This checkout link has no key. Ask the organizer for the full link.']);
  if (key.startsWith('sk_')) {
    return message(c, 403, 'Secret key in a link', [
      'This link contains a secret key. Secret keys must never be put in links or web pages.',
      'Site owner: roll that secret key now in the console, and link to checkout with your publishable key (pk_…).',
    ]);
  }
  const auth = await c.var.services.accounts.authenticateKey(key);
  if (auth?.key.kind !== 'publishable') {
    return message(c, 401, 'Checkout link not valid', ['The key in this link is not valid: it was mistyped or has been replaced. Ask the organizer for a new link.']);
  }
  setCaller(c, auth);
  return { owner: c.get('owner'), key };
}

async function loadEvent(c: Context<AppEnv>, owner: Owner, id: string): Promise<EventDoc | null> {
  if (!EVENT_ID.test(id)) return null;
  return c.var.services.events.getPublic(owner, id).catch((err: unknown) => {
    if (err instanceof AppError && err.code === 'NOT_FOUND') return null;
    throw err;
  });
}

const eventNotFound = (c: Context<AppEnv>) => message(c, 404, 'Event not found', ['There is no event at this checkout link. Check the link with the organizer.']);

/** Domain errors become the page's message; a rate limit also says when to come back. */
function pageError(c: Context<AppEnv>, err: unknown): { error: PageError; status: ContentfulStatusCode } {
  if (!(err instanceof AppError)) throw err;
  if (err.retryAfterSeconds !== undefined) c.header('Retry-After', String(Math.ceil(err.retryAfterSeconds)));
  const issues = Array.isArray(err.details) ? err.details : undefined;
  return { error: { message: err.message, ...(issues ? { issues } : {}) }, status: STATUS[err.code] };
}

/** The form as an order request, or every problem with it. */
function readForm(form: Record<string, unknown>, event: EventDoc): { values: CheckoutFormValues; input?: CreateOrderInput; issues: FieldIssue[] } {
  const str = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : '');
  const values: CheckoutFormValues = {
    name: str('name'),
    email: str('email'),
    phone: str('phone'),
    amount: str('amount'),
    quantities: {},
    company: str('company'),
    billingAddress: str('billing_address'),
    gstin: str('gstin'),
    promoCode: str('promo_code'),
  };
  const issues: FieldIssue[] = [];
  const buyer = Buyer.safeParse(values);
  if (!buyer.success) for (const i of buyer.error.issues) issues.push({ field: `buyer.${i.path.join('.')}`, message: i.message });
  const billing = Billing.safeParse({ company: values.company, address: values.billingAddress, gstin: values.gstin });
  if (!billing.success) for (const i of billing.error.issues) issues.push({ field: `billing.${i.path.join('.')}`, message: i.message });
  const input: CreateOrderInput = { event: event._id, buyer: buyer.success ? buyer.data : { name: '', email: '' }, ...(billing.success ? { billing: billing.data } : {}) };
  // A blank field is no code; a bad one is the domain's to refuse, with its reason (PROMO_CODE_INVALID).
  const promo = promoCodeText.safeParse(values.promoCode);
  if (promo.success) input.promo_code = promo.data;
  if (event.open_amount) {
    const paise = toPaise(values.amount);
    if (paise === null) issues.push({ field: 'amount', message: 'enter an amount in rupees, such as 500 or 499.50' });
    else input.amount = paise;
  } else {
    input.items = [];
    for (const type of event.ticket_types) {
      const typed = str(`qty_${type.id}`).trim();
      values.quantities[type.id] = typed;
      if (typed === '' || typed === '0') continue;
      if (!/^\d{1,3}$/.test(typed)) issues.push({ field: 'items', message: `the number of ${type.name} tickets must be a whole number` });
      else input.items.push({ ticket_type: type.id, quantity: Number(typed) });
    }
  }
  return issues.length > 0 ? { values, issues } : { values, input, issues };
}

/** The ticket type of each ticket the order asks for, in order: attendee `i` holds ticket `i`. */
function ticketsOf(event: EventDoc, input: CreateOrderInput): string[] {
  if (input.amount !== undefined) return [input.ticket_type ?? event.ticket_types[0]?.id ?? ''];
  return (input.items ?? []).flatMap((item) => Array.from({ length: item.quantity }, () => item.ticket_type));
}

/** Order routes: the key's owner, and the client secret from this order's cookie. */
export async function orderAccess(c: Context<AppEnv>): Promise<{ access: OrderAccess; key: string; id: string } | Response> {
  const id = c.req.param('orderId') ?? '';
  const resolved = await ownerFromKey(c);
  if (resolved instanceof Response) return resolved;
  const clientSecret = ORDER_ID.test(id) ? getCookie(c, secretCookie(id)) : undefined;
  if (!clientSecret) {
    return message(c, 404, 'Order not found here', [
      'This order can only be opened in the browser it was started in.',
      'If you paid, your tickets are in your email. Otherwise start again from the event page.',
    ]);
  }
  return { access: { owner: resolved.owner, clientSecret }, key: resolved.key, id };
}

/** Renders the order in its current step, with an optional message for the step. */
async function showOrder(c: Context<AppEnv>, ctx: { access: OrderAccess; key: string; id: string }, extra: { error?: PageError; status?: ContentfulStatusCode } = {}) {
  const { services, deps } = c.var;
  let order: Awaited<ReturnType<typeof services.orders.retrieve>>;
  try {
    order = await services.orders.retrieve(ctx.access, ctx.id);
  } catch (err) {
    if (err instanceof AppError && err.code === 'NOT_FOUND') return message(c, 404, 'Order not found', ['There is no such order for this checkout link.']);
    throw err;
  }
  const event = await services.events.get(ctx.access.owner, order.event);
  const tickets = HAS_TICKETS.includes(order.status) ? await services.tickets.listForOrder(order._id) : [];
  const notice = c.req.query('notice') === 'sent' ? `We sent a new code to ${order.buyer.email}.` : undefined;
  const props = { order, event, tickets, publishableKey: ctx.key, now: deps.clock.now(), notice, error: extra.error };
  return renderPage(c, jsx(OrderPage, props), extra.status ?? 200);
}

/** The hosted page of an order (its step, or its tickets once paid). */
export const orderUrl = (id: string, key: string, notice?: string) => `/checkout/orders/${id}?key=${encodeURIComponent(key)}${notice ? `&notice=${notice}` : ''}`;

/**
 * Wraps an order action: resolve access, run it, then Post/Redirect/Get back to the
 * order page; a domain error re-renders the page with the message and its 4xx.
 */
function orderAction(run: (c: Context<AppEnv>, ctx: { access: OrderAccess; key: string; id: string }) => Promise<string | void>) {
  return async function orderActionHandler(c: Context<AppEnv>) {
    const ctx = await orderAccess(c);
    if (ctx instanceof Response) return ctx;
    try {
      const notice = await run(c, ctx);
      return c.redirect(orderUrl(ctx.id, ctx.key, notice ?? undefined), 303);
    } catch (err) {
      return showOrder(c, ctx, pageError(c, err));
    }
  };
}

/**
 * The hosted checkout (docs/api-conventions.md#hosted-pages). `/checkout/:eventId?key=pk_…` is the
 * `<tts-checkout>` widget in page mode. `/checkout/:eventId/basic` is the same purchase as
 * server-rendered forms with no script at all (choose → email code → pay with the test gateway
 * → tickets), linked from the widget page's `<noscript>`: see docs/decisions/0010. In the basic
 * flow the order's client secret lives in an HttpOnly cookie scoped to /checkout, never in a URL.
 *
 * @example
 * app.route('/', checkoutRoutes());
 */
export function checkoutRoutes() {
  const router = new Hono<AppEnv>();
  const sameOrigin = requireSameOrigin({
    onRefuse: (c) => message(c, 403, 'Request refused', ['This form was sent from another website, so it was refused. Open the checkout page again and retry.']),
  });
  const limit = limitBody<AppEnv>({ maxBytes: MAX_FORM_BYTES, onTooLarge: (c) => message(c, 413, 'Form too large', ['The form sent was too large.']) });
  router.use('/checkout/*', sameOrigin); // passes GET and HEAD through
  router.use('/checkout/*', limit);

  router.get('/checkout/:eventId', async function hostedCheckout(c) {
    const resolved = await ownerFromKey(c);
    if (resolved instanceof Response) return resolved;
    const event = await loadEvent(c, resolved.owner, c.req.param('eventId'));
    if (!event) return eventNotFound(c);
    // `?amount=` (paise, from POST /payment) only pre-fills; the API checks the amount again.
    const prefill = Number(c.req.query('amount'));
    const amount = event.open_amount && Number.isSafeInteger(prefill) && prefill > 0 ? prefill : undefined;
    c.header('Content-Security-Policy', widgetPageCsp(c.var.deps.config.publicUrl, { inlineStyles: true }));
    c.header('Cache-Control', 'no-store');
    c.header('X-Robots-Tag', 'noindex, nofollow');
    return c.html(hostedCheckoutPage({ event, publishableKey: resolved.key, amount }));
  });

  router.get('/checkout/:eventId/basic', async function checkoutPage(c) {
    const resolved = await ownerFromKey(c);
    if (resolved instanceof Response) return resolved;
    const event = await loadEvent(c, resolved.owner, c.req.param('eventId'));
    if (!event) return eventNotFound(c);
    // `?amount=` (paise, from POST /payment) only pre-fills; the server checks it again on submit.
    const prefill = Number(c.req.query('amount'));
    const amount = event.open_amount && Number.isSafeInteger(prefill) && prefill > 0 ? (prefill / 100).toFixed(2).replace(/\.00$/, '') : '';
    const promoCode = c.req.query('promo_code') ?? '';
    const values: CheckoutFormValues = { name: '', email: '', phone: '', amount, quantities: {}, promoCode };
    const applied = await applyPromo(c, event, promoCode);
    return renderPage(c, jsx(CheckoutPage, { event, publishableKey: resolved.key, now: c.var.deps.clock.now(), values, ...applied }), applied.promoError ? 422 : 200);
  });

  router.post('/checkout/:eventId/basic', async function startOrder(c) {
    const resolved = await ownerFromKey(c);
    if (resolved instanceof Response) return resolved;
    const event = await loadEvent(c, resolved.owner, c.req.param('eventId'));
    if (!event) return eventNotFound(c);
    const body = await formBody(c).catch(() => null);
    if (body === null) return message(c, 400, 'That form could not be read', ['Please go back and send it again.']);
    const { values, input, issues } = readForm(body, event);
    const applied = await applyPromo(c, event, values.promoCode);
    const page = (error: PageError | undefined, status: ContentfulStatusCode, promoError = applied.promoError) =>
      renderPage(c, jsx(CheckoutPage, { event, publishableKey: resolved.key, now: c.var.deps.clock.now(), values, error, promo: applied.promo, promoError }), status);
    // "Change tickets" on the details step: the first step again, as it was filled in.
    if (body.back !== undefined) return page(undefined, 200);
    if (!input) return page({ message: 'Please fix the form.', issues }, 400);
    let detailsStep: ((error: PageError | undefined, issues: FieldIssue[], status: ContentfulStatusCode) => Promise<Response>) | undefined;
    const tickets = ticketsOf(event, input);
    if (asksDetails(event, tickets)) {
      if (tickets.length === 0) return page({ message: 'Please fix the form.', issues: [{ field: 'items', message: 'choose at least one ticket' }] }, 400);
      if (applied.promoError) return page(undefined, 422);
      // Multiple-choice answers post one field per ticked option, so every value of a name is read.
      const posted = (await c.req.parseBody({ all: true })) as PostedForm;
      const perTicket = asksPerTicket(event, tickets);
      detailsStep = (error, issues, status) =>
        renderPage(
          c,
          jsx(CheckoutDetailsPage, { event, publishableKey: resolved.key, values, tickets, perTicket, typed: (name: string) => postedValues(posted, name), error, issues }),
          status,
        );
      if (body.step !== 'details') return detailsStep(undefined, [], 200);
      const read = readDetails(posted, event, tickets);
      if (read.issues.length > 0) return detailsStep({ message: 'Please fix the form.' }, read.issues, 400);
      Object.assign(input, read.details);
    }
    try {
      const { order, clientSecret } = await c.var.services.orders.create(resolved.owner, input, { ip: c.get('clientKey') });
      rememberOrder(c, order._id, clientSecret);
      return c.redirect(orderUrl(order._id, resolved.key), 303);
    } catch (err) {
      // The code was used up or ended since it was applied: say so beside its field.
      if (err instanceof AppError && err.code === 'PROMO_CODE_INVALID') return page(undefined, 422, err.message);
      const { error, status } = pageError(c, err);
      // Refused answers go back to the details step, each beside its field; anything else to the first step.
      if (detailsStep && error.issues?.some((i) => /^(attendees|answers)(\.|$)/.test(i.field))) return detailsStep(error, error.issues, status);
      return page(error, status);
    }
  });

  router.get('/checkout/orders/:orderId', async function orderPage(c) {
    const ctx = await orderAccess(c);
    return ctx instanceof Response ? ctx : showOrder(c, ctx);
  });

  router.post(
    '/checkout/orders/:orderId/verify',
    orderAction(async (c, { access, id }) => {
      const form = await formBody(c);
      const code = (typeof form.code === 'string' ? form.code : '').replace(/\s+/g, '');
      if (!/^\d{6}$/.test(code)) throw new AppError('OTP_INVALID', 'Enter the 6-digit code from the email.');
      await c.var.services.orders.verify(access, id, code);
    }),
  );

  router.post(
    '/checkout/orders/:orderId/resend',
    orderAction(async (c, { access, id }) => {
      await c.var.services.orders.resendCode(access, id, { ip: c.get('clientKey') });
      return 'sent';
    }),
  );

  router.post(
    '/checkout/orders/:orderId/pay',
    orderAction(async (c, { access, id }) => {
      const form = await formBody(c);
      await c.var.services.testCheckout.payOrder(access, id, form.outcome === 'failure' ? 'failure' : 'success');
    }),
  );

  router.post(
    '/checkout/orders/:orderId/cancel',
    orderAction(async (c, { access, id }) => {
      await c.var.services.orders.cancel(access, id);
    }),
  );

  return router;
}
