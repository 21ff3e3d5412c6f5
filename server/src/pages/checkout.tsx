/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { html, raw } from 'hono/html';
import type { Child, FC } from 'hono/jsx';
import { formatDateTime } from '../delivery/format.js';
import { qrSvg } from '../delivery/qr.js';
import type { FieldIssue } from '../kernel/errors.js';
import { salesOpen, typeAvailable, type EventDoc } from '../domain/events.js';
import type { OrderDoc } from '../domain/orders.js';
import type { TicketDoc } from '../domain/tickets.js';
import { MAX_CODE_ATTEMPTS } from '../domain/verification.js';
import { Layout, rupees } from './layout.js';
import { orderLines } from '../domain/order-lines.js';
import { offeredTypes, PromoCodeForm, promoPrice, type ShownPromo } from './checkout-promo.js';

/** What the buyer typed, echoed back when the form has to be shown again. */
export interface CheckoutFormValues {
  name: string;
  email: string;
  phone: string;
  /** Rupees, as typed (open-amount events). */
  amount: string;
  /** Ticket type id → quantity as typed. */
  quantities: Record<string, string>;
  /** For a GST invoice, as typed (docs/gst.md#invoices-and-credit-notes). */
  company?: string;
  billingAddress?: string;
  gstin?: string;
  /** The promo code as typed (docs/promo-codes.md). */
  promoCode?: string;
}

/** A problem to show above a form: the domain's message and, for bad fields, each field. */
export interface PageError {
  message: string;
  issues?: FieldIssue[];
}

const FIELD_LABELS: Record<string, string> = { 'buyer.name': 'Name', 'buyer.email': 'Email', 'buyer.phone': 'Phone', amount: 'Amount', code: 'Code', 'billing.gstin': 'GSTIN' };
const labelOf = (field: string) => (Object.hasOwn(FIELD_LABELS, field) ? FIELD_LABELS[field] : undefined) ?? (field.startsWith('items') ? 'Tickets' : field);

/** A form's problem above it, each bad field named. */
export const ErrorBanner: FC<{ error?: PageError | undefined }> = ({ error }) =>
  error ? (
    <div class="banner bad" role="alert">
      {error.message}
      {error.issues && error.issues.length > 0 ? (
        <ul class="errors">
          {error.issues.map((i) => (
            <li>
              {labelOf(i.field)}: {i.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  ) : null;

const TestBadge: FC<{ event: EventDoc }> = ({ event }) => (event.livemode ? null : <span class="badge test">TEST MODE</span>);

/** The event a hosted checkout page sells: name, venue, date. */
export const EventHeader: FC<{ event: EventDoc }> = ({ event }) => (
  <header class="card">
    <TestBadge event={event} />
    <h1>{event.name}</h1>
    {event.venue ? <p class="muted">{event.venue}</p> : null}
    <p>
      <strong>{formatDateTime(event.starts_at.toISOString(), event.timezone)}</strong>
    </p>
    {event.description ? <p class="muted small">{event.description}</p> : null}
  </header>
);

/** Why nothing can be bought right now, or null when sales are open. */
function closedReason(event: EventDoc, now: Date): string | null {
  if (event.status === 'cancelled') return 'This event was cancelled. Tickets are no longer sold.';
  if (salesOpen(event, now)) return null;
  if (event.sales_start_at && now < event.sales_start_at) {
    return `Ticket sales open on ${formatDateTime(event.sales_start_at.toISOString(), event.timezone, 'short')}.`;
  }
  return 'Ticket sales for this event are closed.';
}

/** Props of {@link CheckoutPage}. */
export interface CheckoutPageProps {
  event: EventDoc;
  /** The publishable key the page was opened with; it travels in the form's action. */
  publishableKey: string;
  now: Date;
  values?: CheckoutFormValues | undefined;
  error?: PageError | undefined;
  /** The promo code applied: its hidden types are offered and its discount shown. */
  promo?: ShownPromo | undefined;
  /** Why the typed promo code cannot be used, shown beside its field. */
  promoError?: string | undefined;
}

/**
 * `/checkout/:eventId/basic`: pick tickets (or an amount), give name and email, continue.
 * Plain HTML form, so it works with scripts off and on any phone.
 *
 * @example return renderPage(c, <CheckoutPage event={event} publishableKey={pk} now={now} />);
 */
export const CheckoutPage: FC<CheckoutPageProps> = ({ event, publishableKey, now, values, error, promo, promoError }) => {
  const closed = closedReason(event, now);
  const open = event.open_amount;
  const types = offeredTypes(event, promo);
  const soldOut = !open && types.every((t) => typeAvailable(event, t.id) <= 0);
  const action = `/checkout/${event._id}/basic?key=${encodeURIComponent(publishableKey)}`;
  return (
    <Layout title={`Tickets · ${event.name}`} referrer="same-origin">
      <EventHeader event={event} />
      {closed || soldOut ? (
        <section class="card">
          <ErrorBanner error={error} />
          <div class="banner bad" role="status">
            {closed ?? 'Sold out: every ticket has been taken.'}
          </div>
        </section>
      ) : (
        <>
          <PromoCodeForm event={event} publishableKey={publishableKey} typed={values?.promoCode ?? ''} promo={promo} error={promoError} />
          <form class="card" method="post" action={action}>
            <ErrorBanner error={error} />
            {promo ? <input type="hidden" name="promo_code" value={promo.code} /> : null}
            {open ? (
              <>
                <h2>Amount</h2>
                <label for="amount">
                  Amount in rupees ({rupees(open.min)} to {rupees(open.max)})
                </label>
                <input id="amount" name="amount" type="text" inputmode="decimal" required value={values?.amount ?? ''} placeholder="500" />
              </>
            ) : (
              <>
                <h2>Tickets</h2>
                {types.map((t) => {
                  const left = Math.max(0, typeAvailable(event, t.id));
                  const max = Math.min(t.max_per_order, left);
                  const discounted = promoPrice(promo, t);
                  return (
                    <div class="row">
                      <label for={`qty_${t.id}`} style="margin:0">
                        {t.name}
                        <span class="muted small" style="display:block;font-weight:400">
                          {discounted === null ? (
                            t.price === 0 ? (
                              'Free'
                            ) : (
                              rupees(t.price)
                            )
                          ) : (
                            <>
                              <s>{rupees(t.price)}</s> {discounted === 0 ? 'Free' : rupees(discounted)} with {promo?.code}
                            </>
                          )}
                          {left === 0 ? ' · Sold out' : left <= 20 ? ` · ${left} left` : ''} · up to {t.max_per_order} per order
                        </span>
                      </label>
                      {left === 0 ? (
                        <strong class="muted">Sold out</strong>
                      ) : (
                        <input id={`qty_${t.id}`} name={`qty_${t.id}`} type="number" inputmode="numeric" min="0" max={String(max)} value={values?.quantities[t.id] ?? '0'} />
                      )}
                    </div>
                  );
                })}
              </>
            )}
            <h2 style="margin-top:1.25rem">Your details</h2>
            <label for="name">Full name</label>
            <input id="name" name="name" autocomplete="name" required maxlength={200} value={values?.name ?? ''} />
            <label for="email">Email</label>
            <input id="email" name="email" type="email" autocomplete="email" required maxlength={254} value={values?.email ?? ''} />
            <label for="phone">
              Phone <span class="muted small">(optional)</span>
            </label>
            <input id="phone" name="phone" type="tel" autocomplete="tel" maxlength={24} value={values?.phone ?? ''} />
            <details open={Boolean(values?.company || values?.billingAddress || values?.gstin)} style="margin-top:.75rem">
              <summary>Need a GST invoice?</summary>
              <label for="company">
                Company name <span class="muted small">(optional)</span>
              </label>
              <input id="company" name="company" autocomplete="organization" maxlength={200} value={values?.company ?? ''} />
              <label for="billing_address">
                Billing address <span class="muted small">(optional)</span>
              </label>
              <textarea id="billing_address" name="billing_address" autocomplete="street-address" maxlength={500} rows={2}>
                {values?.billingAddress ?? ''}
              </textarea>
              <label for="gstin">
                GSTIN <span class="muted small">(optional)</span>
              </label>
              <input id="gstin" name="gstin" maxlength={15} autocapitalize="characters" value={values?.gstin ?? ''} />
            </details>
            {event.require_email_verification ? (
              <p class="muted small" style="margin-top:.75rem">
                We will email you a 6-digit code to confirm your address; your tickets go to the same address.
              </p>
            ) : null}
            <button class="btn" type="submit">
              Continue
            </button>
          </form>
        </>
      )}
    </Layout>
  );
};

/** Props of {@link OrderPage}. */
export interface OrderPageProps {
  order: OrderDoc;
  event: EventDoc;
  publishableKey: string;
  tickets: TicketDoc[];
  now: Date;
  notice?: string | undefined;
  error?: PageError | undefined;
}

const OrderSummary: FC<{ order: OrderDoc }> = ({ order }) => (
  <section class="card">
    <h2>Your order</h2>
    {orderLines(order).map((line) => (
      <div class="row">
        <span>{line.label}</span>
        <span>{line.amount === 0 ? 'Free' : rupees(line.amount)}</span>
      </div>
    ))}
    <div class="row">
      <strong>Total</strong>
      <strong>{rupees(order.amount)}</strong>
    </div>
    <p class="muted small mono">{order._id}</p>
  </section>
);

const TicketCards: FC<{ tickets: TicketDoc[] }> = ({ tickets }) => (
  <>
    {tickets.map((t, n) => (
      <section class="card" aria-label={`Ticket ${n + 1}`}>
        <p class="muted small">
          <strong>
            Ticket {n + 1} of {tickets.length}
          </strong>{' '}
          · {t.ticket_type_name} · {t.holder.name}
        </p>
        {t.status === 'voided' ? (
          <div class="banner bad">Voided: this ticket will not admit.</div>
        ) : (
          <div class="qr" dangerouslySetInnerHTML={{ __html: qrSvg(t.code, { size: 240 }) }} />
        )}
        <p class="mono small" style="text-align:center">
          {t._id}
        </p>
        <div class="actions">
          <a class="btn" href={`/tickets/${t._id}`}>
            Open ticket
          </a>
          {t.status === 'voided' ? null : (
            <a class="btn secondary" href={`/tickets/${t._id}.pdf`}>
              Download PDF
            </a>
          )}
        </div>
      </section>
    ))}
  </>
);

/**
 * `/checkout/orders/:orderId`: the step the order is in: the email code, payment
 * (the built-in test gateway in test mode), the tickets, or why it ended.
 *
 * @example return renderPage(c, <OrderPage order={order} event={event} publishableKey={pk} tickets={[]} now={now} />);
 */
export const OrderPage: FC<OrderPageProps> = ({ order, event, publishableKey, tickets, notice, error }) => {
  const base = `/checkout/orders/${order._id}`;
  const q = `?key=${encodeURIComponent(publishableKey)}`;
  const restart = `/checkout/${event._id}/basic${q}`;
  const heldUntil = formatDateTime(order.expires_at.toISOString(), event.timezone, 'short');
  const cancelForm = (
    <form method="post" action={`${base}/cancel${q}`}>
      <button class="linkbtn small" type="submit">
        Cancel this order and release the seats
      </button>
    </form>
  );
  let step: Child;
  switch (order.status) {
    case 'awaiting_verification': {
      const left = Math.max(0, MAX_CODE_ATTEMPTS - order.verification.attempts);
      step = (
        <section class="card">
          <h2>Check your email</h2>
          <ErrorBanner error={error} />
          {notice ? (
            <div class="banner ok" role="status">
              {notice}
            </div>
          ) : null}
          <p>
            We sent a 6-digit code to <strong>{order.verification.sent_to ?? order.buyer.email}</strong>. It works for 10 minutes.
          </p>
          <form method="post" action={`${base}/verify${q}`}>
            <label for="code">Code</label>
            <input id="code" name="code" class="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxlength={7} required autofocus />
            <p class="muted small" style="margin-top:.5rem">
              {left} {left === 1 ? 'try' : 'tries'} left for this code. Seats are held until {heldUntil}.
            </p>
            <button class="btn" type="submit">
              Confirm email
            </button>
          </form>
          <form method="post" action={`${base}/resend${q}`}>
            <button class="btn secondary" type="submit">
              Send a new code
            </button>
          </form>
        </section>
      );
      break;
    }
    case 'awaiting_payment':
      step = (
        <section class="card">
          <h2>Pay</h2>
          <ErrorBanner error={error ?? (order.last_payment_error ? { message: `The payment did not go through: ${order.last_payment_error}. You can try again.` } : undefined)} />
          <p class="muted small">Seats are held until {heldUntil}.</p>
          {order.amount === 0 ? (
            <form method="post" action={`${base}/pay${q}`}>
              <button class="btn" type="submit" name="outcome" value="success">
                Get my free tickets
              </button>
            </form>
          ) : order.livemode ? (
            <>
              <p>Paying {rupees(order.amount)} opens the secure payment window (Razorpay), which needs JavaScript.</p>
              <a class="btn" href={`${base}/pay${q}`}>
                Pay {rupees(order.amount)}
              </a>
            </>
          ) : (
            <div class="banner test">
              <p>
                <strong>TEST MODE.</strong> No real money moves: the built-in test gateway stands in for Razorpay.
              </p>
              <form method="post" action={`${base}/pay${q}`} class="actions">
                <button class="btn" type="submit" name="outcome" value="success">
                  Pay {rupees(order.amount)} (test)
                </button>
                <button class="btn danger" type="submit" name="outcome" value="failure">
                  Simulate a failed payment
                </button>
              </form>
            </div>
          )}
        </section>
      );
      break;
    case 'paid':
      step = (
        <>
          <section class="card">
            <div class="banner ok" role="status">
              {order.amount === 0 ? 'You are in!' : `Payment of ${rupees(order.amount)} received.`} Your tickets are below, and we have sent them to{' '}
              <strong>{order.buyer.email}</strong>.
            </div>
            {tickets.length === 0 ? (
              <p>Your tickets are being issued. Refresh this page in a moment.</p>
            ) : (
              <p class="muted small">Show a QR code at the entrance; each admits one person once.</p>
            )}
          </section>
          <TicketCards tickets={tickets} />
        </>
      );
      break;
    case 'refunded':
      step = (
        <section class="card">
          <div class="banner info">This order was refunded and its tickets were voided.</div>
        </section>
      );
      break;
    default: {
      const why = order.status === 'expired' ? 'The seats were held for a limited time and have been released.' : 'This order was cancelled and its seats released.';
      step = (
        <section class="card">
          <div class="banner bad" role="status">
            {why} No payment was taken.
          </div>
          <a class="btn" href={restart}>
            Start again
          </a>
        </section>
      );
    }
  }
  return (
    <Layout title={`Order · ${event.name}`} referrer="same-origin">
      <EventHeader event={event} />
      {step}
      <OrderSummary order={order} />
      {order.status === 'awaiting_verification' || order.status === 'awaiting_payment' ? <section class="card">{cancelForm}</section> : null}
    </Layout>
  );
};

/** What {@link hostedCheckoutPage} shows. */
export interface HostedCheckoutProps {
  event: EventDoc;
  publishableKey: string;
  /** Open-amount events: the amount (paise) to start from, as `POST /payment` passed it. */
  amount?: number | undefined;
  /** An order to open at its step instead of a new checkout (`/checkout/orders/:id/pay`). */
  keep?: KeptOrderSeed | undefined;
}

/** What `/checkout/keep-order.js` hands the widget: the order it resumes, as the widget keeps one. */
export interface KeptOrderSeed {
  id: string;
  clientSecret: string;
  /** Milliseconds the hold has left now: the browser adds its own clock, so a skewed clock still counts down right. */
  holdLeftMs: number;
}

// The page around the widget: a grey background and a centred column, as the other hosted pages.
const HOSTED_STYLE =
  'body{margin:0;background:#f3f4f6;color:#111827;font:16px/1.5 system-ui,sans-serif}main{max-width:34rem;margin:0 auto;padding:1rem}' +
  'tts-checkout{display:block}footer{text-align:center;color:#4b5563;font-size:.8125rem;padding:0 1rem 2rem}a{color:#1d4ed8}';

/**
 * `/checkout/:eventId`: the `<tts-checkout>` widget in page mode, loaded from this server.
 * Without JavaScript the element never upgrades, so its `<noscript>` child shows a link to
 * the server-rendered `/basic` flow instead.
 *
 * @example return c.html(hostedCheckoutPage({ event, publishableKey }));
 */
export function hostedCheckoutPage({ event, publishableKey, amount, keep }: HostedCheckoutProps) {
  const key = encodeURIComponent(publishableKey);
  const basic = `/checkout/${event._id}/basic?key=${key}${amount ? `&amount=${amount}` : ''}`;
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width,initial-scale=1" />
    <meta name="color-scheme" content="light" />
    <meta name="robots" content="noindex,nofollow" />
    <link rel="icon" href="data:," />
    <title>Tickets · ${event.name}</title>
    <style>${raw(HOSTED_STYLE)}</style>
    ${
      // Before the widget, and not async: the order must be kept before the widget looks for it.
      keep
        ? html`<script src="/checkout/keep-order.js" data-event="${event._id}" data-order="${keep.id}" data-secret="${keep.clientSecret}" data-hold-left="${String(keep.holdLeftMs)}"></script>`
        : ''
    }
    <script src="/widget/v1/tts-checkout.js" async></script>
  </head>
  <body>
    <main>
      <tts-checkout mode="page" event="${event._id}" key="${publishableKey}"${amount ? html` amount="${String(amount)}"` : ''}>
        <noscript>
          <p>This checkout needs JavaScript, which is off in your browser. <a href="${basic}">Use the simple checkout</a> instead: it works without it.</p>
        </noscript>
      </tts-checkout>
    </main>
    <footer>Trendy Ticket Service</footer>
  </body>
</html>`;
}
