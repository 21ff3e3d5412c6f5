/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import { formatDateTime } from '../delivery/format.js';
import type { EventDoc } from '../domain/events.js';
import type { OrderDoc } from '../domain/orders.js';
import type { WaitingListEntryDoc } from '../domain/waiting-list.js';
import type { FieldIssue } from '../kernel/errors.js';
import { AttendeeFields, unshownIssues } from './checkout-details.js';
import { ErrorBanner } from './checkout.js';
import { Layout, rupees } from './layout.js';

/** Props of {@link ClaimOfferPage}. */
export interface ClaimOfferPageProps {
  entry: WaitingListEntryDoc;
  event: EventDoc;
  /** The page's own address, which the forms post to. */
  action: string;
  /** The claimed offer's order; absent while the offer is open. */
  order?: OrderDoc | null;
  error?: string;
  /** Attendee details the event asks (docs/attendee-details.md); absent when it asks none. */
  details?: { perTicket: boolean; typed: (name: string) => string[]; issues: FieldIssue[] } | undefined;
}

/**
 * A waiting-list offer opened from its mailed link (`/waiting-list/claim/:token`), without any
 * script: the seats held, until when, and a form that claims them; once claimed, the order to
 * pay (test mode pays through the test gateway) and then its tickets' mail.
 *
 * @example return renderPage(c, <ClaimOfferPage entry={entry} event={event} action={path} />);
 */
export const ClaimOfferPage: FC<ClaimOfferPageProps> = ({ entry, event, action, order, error, details }) => {
  const type = event.ticket_types.find((t) => t.id === entry.ticket_type);
  const tickets = Array.from({ length: entry.quantity }, () => entry.ticket_type);
  // Problems no field shows are listed under the message; the rest sit beside their fields.
  const unshown = details ? unshownIssues(event, tickets, details.perTicket, details.issues) : [];
  const until = entry.offer_expires_at ? formatDateTime(entry.offer_expires_at.toISOString(), event.timezone) : '';
  return (
    <Layout title={`Your tickets for ${event.name}`} referrer="no-referrer">
      <section class="card" aria-labelledby="claim-title">
        <h1 id="claim-title">{event.name}</h1>
        <p>
          {entry.quantity} × {type?.name ?? 'Tickets'} at {rupees(type?.price ?? 0)} each
        </p>
        <ErrorBanner error={error ? { message: error, issues: unshown } : undefined} />
        {!order ? (
          <>
            <p>You are next on the waiting list: these seats are held for you until {until}.</p>
            <form method="post" action={action}>
              <label for="name">Name</label>
              <input id="name" name="name" type="text" autocomplete="name" required maxlength={200} value={entry.name} />
              {details ? <AttendeeFields event={event} tickets={tickets} perTicket={details.perTicket} typed={details.typed} issues={details.issues} /> : null}
              <button class="btn" type="submit">
                Claim and pay
              </button>
            </form>
          </>
        ) : order.status === 'awaiting_payment' ? (
          <>
            <p>
              Order {order._id}: {rupees(order.amount)} to pay before {formatDateTime(order.expires_at.toISOString(), event.timezone)}.
            </p>
            {order.livemode && entry.publishable_key ? (
              <a class="btn" href={`/checkout/orders/${order._id}/pay?key=${encodeURIComponent(entry.publishable_key)}`}>
                Pay {rupees(order.amount)}
              </a>
            ) : order.livemode ? (
              <p>Pay through the link the organizer sends you.</p>
            ) : (
              <form method="post" action={`${action}/pay`}>
                <button class="btn" type="submit">
                  Pay (test mode)
                </button>
              </form>
            )}
          </>
        ) : order.status === 'paid' ? (
          <div class="banner ok" role="status">
            Paid. Your tickets are on their way to {order.buyer.email}.
          </div>
        ) : (
          <p>This order is {order.status.replace('_', ' ')}.</p>
        )}
      </section>
    </Layout>
  );
};
