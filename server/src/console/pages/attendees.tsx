/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import type { CheckinDoc } from '../../domain/checkins.js';
import type { EventDoc } from '../../domain/events.js';
import type { OrderRefundDoc } from '../../domain/orders.js';
import type { TicketDelivery } from '../../domain/ticket-mail.js';
import type { TicketDoc } from '../../domain/tickets.js';
import { mayUse } from '../../http/route-permissions.js';
import type { Page } from '../../store/paginate.js';
import type { ConsoleUser } from '../context.js';
import { count, rupees, when } from '../format.js';
import { scanView } from '../scan-view.js';
import { Checkbox, Select } from './fields.js';
import { CsrfField, Shell, type Flash } from './layout.js';

/** Who the attendee list shows. */
export type AttendeeFilter = 'all' | 'attended' | 'missed';

const STATUS_WORDS: Record<TicketDoc['status'], string> = { valid: 'Not checked in', checked_in: 'Checked in', voided: 'Voided' };

/** Props of {@link AttendeesPage}. */
export interface AttendeesPageProps {
  user: ConsoleUser;
  event: EventDoc;
  page: Page<TicketDoc>;
  q: string;
  filter: AttendeeFilter;
  /** Whether this is a later page (a cursor was given). */
  paged: boolean;
  /** The query string (`q`, `filter`) that this list and its CSV share. */
  query: string;
  flash?: Flash | undefined;
}

/**
 * `/console/events/:id/attendees`: search by name, email or ticket id, filter by who came,
 * page through, download the same list as CSV.
 *
 * @example
 * return renderConsole(c, <AttendeesPage user={user} event={event} page={page} q="" filter="all" paged={false} query="" />);
 */
export const AttendeesPage: FC<AttendeesPageProps> = ({ user, event, page, q, filter, paged, query, flash }) => {
  // A door member looks attendees up here; a ticket's page (orders, mail, refunds) is not theirs.
  const ticketPages = mayUse(user.actor, 'GET', '/console/tickets/tkt_x');
  const base = `/console/events/${event._id}/attendees`;
  const searching = q !== '' || filter !== 'all';
  const withQuery = (extra: string) => `${base}?${[query, extra].filter(Boolean).join('&')}`;
  return (
    <Shell title={`Attendees · ${event.name}`} user={user} section="events" here={base} flash={flash}>
      <div class="page-head">
        <div>
          <h1>Attendees</h1>
          <p class="sub">
            <a href={`/console/events/${event._id}`}>{event.name}</a> · {when(event.starts_at, event.timezone)}
          </p>
        </div>
        <div class="actions">
          <a class="btn secondary" href={`/console/events/${event._id}/attendees.csv${query ? `?${query}` : ''}`} download>
            Download CSV
          </a>
          <a class="btn" href={`/console/events/${event._id}/scan`}>
            Door scanner
          </a>
        </div>
      </div>
      {/* biome-ignore lint/a11y/useSemanticElements: a form with role="search" is the landmark every screen reader knows; <search> is younger than some browsers the console serves. */}
      <form method="get" action={base} class="search card" role="search">
        <div class="field">
          <label for="f-q">Search</label>
          <input id="f-q" name="q" type="search" value={q} maxlength={100} placeholder="Name, email or tkt_…" autocomplete="off" />
        </div>
        <Select
          name="filter"
          label="Show"
          value={filter}
          options={[
            ['all', 'Everyone'],
            ['attended', 'Attended (checked in)'],
            ['missed', 'Missed (not checked in)'],
          ]}
        />
        <button type="submit" class="btn">
          Search
        </button>
      </form>
      <section class="card" aria-labelledby="list-h">
        <h2 id="list-h" class="visually-hidden">
          Attendee list
        </h2>
        {page.data.length === 0 ? (
          <div class="empty">
            <strong>{searching ? 'Nobody matches' : paged ? 'No more attendees' : 'No attendees yet'}</strong>
            <p>
              {searching
                ? 'Try part of a name or an email, or show everyone.'
                : paged
                  ? 'You have reached the end of the list.'
                  : 'Tickets sold for this event show up here, with their check-in.'}
            </p>
            {searching || paged ? <a href={base}>Show everyone</a> : null}
          </div>
        ) : (
          <>
            <div class="table-wrap">
              <table class="stack">
                <thead>
                  <tr>
                    <th scope="col">Holder</th>
                    <th scope="col">Type</th>
                    <th scope="col">Status</th>
                    <th scope="col">Checked in</th>
                    <th scope="col">Campaign</th>
                    <th scope="col">Promo code</th>
                    <th scope="col" class="hide-sm">
                      Ticket
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {page.data.map((t) => (
                    <tr>
                      <td>
                        {ticketPages ? <a href={`/console/tickets/${t._id}`}>{t.holder.name}</a> : t.holder.name}
                        <div class="muted small">{t.holder.email}</div>
                      </td>
                      <td data-label="Type">{t.ticket_type_name}</td>
                      <td data-label="Status">
                        <span class={`badge ${t.status}`}>{STATUS_WORDS[t.status]}</span>
                      </td>
                      <td data-label="Checked in" class="nowrap">
                        {t.checked_in_at ? when(t.checked_in_at, event.timezone) : '—'}
                      </td>
                      <td data-label="Campaign">{t.campaign ?? '—'}</td>
                      <td data-label="Promo code">{t.promo_code ?? '—'}</td>
                      <td class="mono small hide-sm">{t._id}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <nav class="pager" aria-label="Pages">
              {paged ? <a href={withQuery('')}>First page</a> : <span />}
              {page.nextCursor ? <a href={withQuery(`cursor=${encodeURIComponent(page.nextCursor)}`)}>Next page</a> : null}
            </nav>
          </>
        )}
      </section>
    </Shell>
  );
};

/** Props of {@link TicketPage}. */
export interface TicketPageProps {
  user: ConsoleUser;
  ticket: TicketDoc;
  event: EventDoc;
  scans: CheckinDoc[];
  /** The tickets mail of the order; null for a member who may not read orders (door). */
  deliveries: TicketDelivery[] | null;
  /** The admission an undo reverses, when the ticket is checked in. */
  admission: CheckinDoc | null;
  /** The refund of the ticket's order, if one was asked for. */
  refund?: OrderRefundDoc | null;
  /** The order's invoice or receipt and credit notes, for those who may read them. */
  documents?: Array<{ _id: string; kind: string; number: string | null }>;
  flash?: Flash | undefined;
  voidError?: string | undefined;
}

const DELIVERY_WORDS: Record<TicketDelivery['state'], string> = { pending: 'Queued', sending: 'Sending', sent: 'Sent', dead: 'Failed' };

/**
 * `/console/tickets/:id`: one ticket, its mail and its scans, with the three things an
 * organizer does to a ticket: send it again, undo a mistaken check-in, void it.
 *
 * @example
 * return renderConsole(c, <TicketPage user={user} ticket={ticket} event={event} scans={scans} deliveries={deliveries} admission={null} />);
 */
const REFUND_WORDS: Record<OrderRefundDoc['status'], string> = { pending: 'Refund pending', processed: 'Refunded', failed: 'Refund failed' };

export const TicketPage: FC<TicketPageProps> = ({ user, ticket, event, scans, deliveries, admission, refund, documents, flash, voidError }) => {
  const tz = event.timezone;
  const base = `/console/tickets/${ticket._id}`;
  return (
    <Shell title={`Ticket · ${ticket.holder.name}`} user={user} section="events" here={base} flash={flash}>
      <div class="page-head">
        <div>
          <h1>{ticket.holder.name}</h1>
          <p class="sub">
            <span class={`badge ${ticket.status}`}>{STATUS_WORDS[ticket.status]}</span> {ticket.ticket_type_name} · <a href={`/console/events/${event._id}`}>{event.name}</a>
          </p>
        </div>
        <div class="actions">
          <a class="btn secondary" href={`/console/events/${event._id}/attendees`}>
            All attendees
          </a>
        </div>
      </div>
      <div class="columns">
        <div>
          <section class="card" aria-labelledby="facts-h">
            <h2 id="facts-h">Ticket</h2>
            <dl class="facts">
              <dt>Ticket id</dt>
              <dd class="mono">{ticket._id}</dd>
              <dt>Holder</dt>
              <dd>
                {ticket.holder.name} · {ticket.holder.email}
              </dd>
              <dt>Type</dt>
              <dd>
                {ticket.ticket_type_name} · {ticket.price === 0 ? 'free' : rupees(ticket.price)}
              </dd>
              <dt>Order</dt>
              <dd class="mono">{mayUse(user.actor, 'GET', `/console/orders/${ticket.order}`) ? <a href={`/console/orders/${ticket.order}`}>{ticket.order}</a> : ticket.order}</dd>
              {documents && documents.length > 0 ? (
                <>
                  <dt>Invoices</dt>
                  <dd>
                    {documents.map((d) => (
                      <span>
                        <a href={`/console/invoices/${d._id}/pdf`}>
                          {d.kind === 'credit_note' ? 'Credit note' : d.kind === 'receipt' ? 'Receipt' : 'Tax invoice'} {d.number}
                        </a>{' '}
                      </span>
                    ))}
                  </dd>
                </>
              ) : null}
              {refund ? (
                <>
                  <dt>Refund</dt>
                  <dd>
                    <span class={`badge ${refund.status === 'failed' ? 'dead' : refund.status}`}>{REFUND_WORDS[refund.status]}</span> {rupees(refund.amount)} ·{' '}
                    {when(refund.updated_at, tz)}
                    {refund.status === 'failed' && refund.failure_reason ? (
                      <p class="small">{refund.failure_reason} The order is still paid and this ticket still admits; the buyer was not told of a refund.</p>
                    ) : null}
                    {refund.status === 'pending' ? (
                      <p class="muted small">{ticket.livemode ? 'Razorpay' : 'The test gateway'} has not finished it yet; the order stays paid until it has.</p>
                    ) : null}
                  </dd>
                </>
              ) : null}
              <dt>Issued</dt>
              <dd>{when(ticket.created_at, tz)}</dd>
              <dt>Admits</dt>
              <dd>
                {ticket.valid_from ? when(ticket.valid_from, tz) : 'any time'} to {when(ticket.valid_until ?? event.ends_at, tz)}
              </dd>
              <dt>Checked in</dt>
              <dd>{ticket.checked_in_at ? `${when(ticket.checked_in_at, tz)}${ticket.checked_in_by ? ` by ${ticket.checked_in_by}` : ''}` : 'Not yet'}</dd>
              {ticket.voided_at ? (
                <>
                  <dt>Voided</dt>
                  <dd>{when(ticket.voided_at, tz)}</dd>
                </>
              ) : null}
            </dl>
            <p class="actions">
              <a href={`/tickets/${ticket._id}`} target="_blank" rel="noopener">
                Open the ticket page
              </a>
            </p>
          </section>
          <section class="card" aria-labelledby="scans-h">
            <h2 id="scans-h">Scans</h2>
            {scans.length === 0 ? (
              <p class="muted">Not scanned yet.</p>
            ) : (
              <ul class="feed">
                {scans.map((checkin) => {
                  const view = scanView(checkin, ticket, tz);
                  return (
                    <li>
                      <span class={`badge ${view.result}`}>{view.result === 'accepted' ? 'Admitted' : 'Refused'}</span>
                      <span class="what">
                        {view.reason_text ?? 'Checked in'}
                        {checkin.undone_at ? ' · undone' : ''}
                        <span class="muted small"> · by {view.by}</span>
                      </span>
                      <time datetime={view.at}>{view.at_text}</time>
                    </li>
                  );
                })}
              </ul>
            )}
          </section>
        </div>
        <div>
          {ticket.status === 'voided' || deliveries === null ? null : (
            <section class="card" aria-labelledby="mail-h">
              <h2 id="mail-h">Email</h2>
              {deliveries.length === 0 ? (
                <p class="muted">No tickets email was sent for this order (issued without one).</p>
              ) : (
                <ul class="feed">
                  {deliveries.map((d) => (
                    <li>
                      <span class={`badge ${d.state}`}>{DELIVERY_WORDS[d.state]}</span>
                      <span class="what">
                        {d.resent ? 'Sent again' : 'With the order'} to {d.to}
                        {d.state === 'dead' ? ` · gave up after ${count(d.attempts)} attempts` : ''}
                      </span>
                      <time datetime={(d.sent_at ?? d.created_at).toISOString()}>{when(d.sent_at ?? d.created_at, tz)}</time>
                    </li>
                  ))}
                </ul>
              )}
              <form method="post" action={`${base}/resend`}>
                <CsrfField token={user.csrf} />
                <button type="submit" class="btn secondary">
                  Resend tickets email
                </button>
              </form>
            </section>
          )}
          {admission && mayUse(user.actor, 'POST', `${base}/undo`) ? (
            <section class="card" aria-labelledby="undo-h">
              <h2 id="undo-h">Undo check-in</h2>
              <p class="muted small">For a mistaken scan: the ticket admits again.</p>
              <form method="post" action={`${base}/undo`}>
                <CsrfField token={user.csrf} />
                <button type="submit" class="btn secondary">
                  Undo check-in
                </button>
              </form>
            </section>
          ) : null}
          {ticket.status === 'voided' || !mayUse(user.actor, 'POST', `${base}/void`) ? null : (
            <section class="card" aria-labelledby="void-h">
              <h2 id="void-h">Void ticket</h2>
              <p class="muted small">The ticket stops admitting and its seat goes back on sale. This does not refund the buyer.</p>
              <form method="post" action={`${base}/void`}>
                <CsrfField token={user.csrf} />
                <Checkbox name="confirm" label="Yes, void this ticket" checked={false} required errors={voidError ? { confirm: voidError } : undefined} />
                <button type="submit" class="btn danger">
                  Void ticket
                </button>
              </form>
            </section>
          )}
        </div>
      </div>
    </Shell>
  );
};
