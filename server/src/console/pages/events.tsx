/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { EventStats } from '@trendy-tickets/sdk';
import type { FC } from 'hono/jsx';
import type { CheckinDoc } from '../../domain/checkins.js';
import { salesOpen, type EventDoc } from '../../domain/events.js';
import type { TicketDoc } from '../../domain/tickets.js';
import type { Page } from '../../store/paginate.js';
import type { ConsoleUser } from '../context.js';
import { eventFieldLabel, type EventForm, type TicketTypeRow } from '../event-form.js';
import { qrSvg } from '../../delivery/qr.js';
import { count, percent, revenueNote, rupees, when } from '../format.js';
import { scanView } from '../scan-view.js';
import { Figure, MoneyFigure } from './dashboard.js';
import { Checkbox, ErrorSummary, Field, Select, TextArea, type FieldErrors } from './fields.js';
import { ListFigures } from './list-figures.js';
import { CsrfField, Shell, type Flash } from './layout.js';
import { CancellationChoice, CancellationSummary } from './event-cancellation.js';

/** Common zones, offered as suggestions; any IANA zone is accepted. */
const ZONES = [
  'Asia/Kolkata',
  'Asia/Dubai',
  'Asia/Singapore',
  'Asia/Kathmandu',
  'Asia/Dhaka',
  'Asia/Colombo',
  'Europe/London',
  'Europe/Berlin',
  'America/New_York',
  'America/Los_Angeles',
  'Australia/Sydney',
];

/**
 * The state of an event in one word, for its badge.
 *
 * @example
 * eventState(event, clock.now()); // { label: 'On sale', tone: 'published' }
 */
export function eventState(event: EventDoc, now: Date): { label: string; tone: string } {
  if (event.status === 'cancelled') return { label: 'Cancelled', tone: 'cancelled' };
  if (event.status === 'draft') return { label: 'Draft', tone: 'draft' };
  if (now >= event.ends_at) return { label: 'Ended', tone: 'neutral' };
  return salesOpen(event, now) ? { label: 'On sale', tone: 'published' } : { label: 'Published', tone: 'draft' };
}

/**
 * `/console/events`: every event of this mode, newest first, a page at a time.
 *
 * @example
 * return renderConsole(c, <EventsListPage user={user} page={page} now={now} />);
 */
export const EventsListPage: FC<{ user: ConsoleUser; page: Page<EventDoc>; now: Date; paged: boolean; flash?: Flash | undefined }> = ({ user, page, now, paged, flash }) => (
  <Shell title="Events" user={user} section="events" here="/console/events" flash={flash}>
    <div class="page-head">
      <h1>Events</h1>
      <div class="actions">
        <a class="btn" href="/console/events/new">
          New event
        </a>
      </div>
    </div>
    {page.data.length === 0 ? (
      <section class="card empty">
        <strong>{paged ? 'No more events' : `No ${user.owner.livemode ? 'live' : 'test'} events yet`}</strong>
        <p>{paged ? 'You have reached the end of the list.' : 'An event has ticket types, a capacity and dates. Its id is the Event Token partner pages embed.'}</p>
        <a class="btn" href={paged ? '/console/events' : '/console/events/new'}>
          {paged ? 'Back to the first page' : 'Create your first event'}
        </a>
      </section>
    ) : (
      <section class="card">
        <div class="table-wrap">
          <table class="stack">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Starts</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">
                  Sold
                </th>
                <th scope="col" class="num hide-sm">
                  Held
                </th>
                <th scope="col" class="num hide-sm">
                  Left
                </th>
              </tr>
            </thead>
            <tbody>
              {page.data.map((e) => {
                const state = eventState(e, now);
                return (
                  <tr>
                    <td>
                      <a href={`/console/events/${e._id}`}>{e.name}</a>
                      {e.venue ? <div class="muted small">{e.venue}</div> : null}
                    </td>
                    <td data-label="Starts" class="nowrap">
                      {when(e.starts_at, e.timezone)}
                    </td>
                    <td data-label="Status">
                      <span class={`badge ${state.tone}`}>{state.label}</span>
                    </td>
                    <td data-label="Sold" class="num">
                      {count(e.inventory.sold)} / {count(e.capacity)}
                    </td>
                    <td class="num hide-sm">{count(e.inventory.held)}</td>
                    <td class="num hide-sm">{count(e.inventory.available)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <nav class="pager" aria-label="Pages">
          {paged ? <a href="/console/events">First page</a> : <span />}
          {page.nextCursor ? <a href={`/console/events?cursor=${encodeURIComponent(page.nextCursor)}`}>Next page</a> : null}
        </nav>
      </section>
    )}
  </Shell>
);

const TypeRow: FC<{ row: TicketTypeRow; index: number; errors: FieldErrors; sold: number }> = ({ row, index, errors, sold }) => {
  const name = (field: string) => `ticket_types.${index}.${field}`;
  return (
    <div class="ticket-type">
      {row.id ? <input type="hidden" name={name('id')} value={row.id} /> : null}
      <div class="fields">
        <Field
          name={name('name')}
          label={row.id ? `Type ${index + 1}` : `New type ${index + 1}`}
          value={row.name}
          errors={errors}
          maxlength={100}
          placeholder="General admission"
        />
        <Field name={name('price')} label="Price (₹)" value={row.price} errors={errors} inputmode="decimal" placeholder="499" />
        <Field name={name('capacity')} label="Seats" value={row.capacity} errors={errors} inputmode="numeric" placeholder="shared" />
        <Field name={name('max_per_order')} label="Most per order" value={row.max_per_order} errors={errors} inputmode="numeric" placeholder="10" />
      </div>
      <Checkbox name={name('hidden')} label="Hidden: sold only with a promo code that unlocks it" checked={row.hidden === 'on'} />
      {row.id ? (
        sold > 0 ? (
          <p class="hint">{count(sold)} sold or held: this type can be renamed or repriced, not removed.</p>
        ) : (
          <Checkbox name={name('remove')} label="Remove this ticket type" checked={row.remove === 'on'} />
        )
      ) : null}
    </div>
  );
};

/** Props of {@link EventFormPage}. */
export interface EventFormPageProps {
  user: ConsoleUser;
  /** The event being edited; absent when creating. */
  event?: EventDoc | undefined;
  form: EventForm;
  errors: FieldErrors;
  csrf: string;
  flash?: Flash | undefined;
}

/**
 * The event form, for creating and for editing: every field the API takes, times as the
 * venue's wall clock, money in rupees, each problem right under its field.
 *
 * @example
 * return renderConsole(c, <EventFormPage user={user} form={blankEventForm()} errors={{}} csrf={user.csrf} />);
 */
export const EventFormPage: FC<EventFormPageProps> = ({ user, event, form, errors, csrf, flash }) => {
  const v = form.values;
  const editing = event !== undefined;
  const title = editing ? `Edit ${event.name}` : 'New event';
  const action = editing ? `/console/events/${event._id}/edit` : '/console/events';
  const soldOf = (id: string) => (event ? (event.inventory.types[id]?.sold ?? 0) + (event.inventory.types[id]?.held ?? 0) : 0);
  return (
    <Shell title={title} user={user} section="events" here={editing ? `/console/events/${event._id}/edit` : '/console/events/new'} flash={flash}>
      <div class="page-head">
        <div>
          <h1>{title}</h1>
          {editing ? (
            <p class="sub">
              <a href={`/console/events/${event._id}`}>Back to the event</a>
            </p>
          ) : (
            <p class="sub">{`A ${user.owner.livemode ? 'live' : 'test'} event. Its id is the Event Token your pages embed.`}</p>
          )}
        </div>
      </div>
      <ErrorSummary errors={errors} labels={eventFieldLabel} />
      <form method="post" action={action} class="card" novalidate>
        <CsrfField token={csrf} />
        <fieldset>
          <legend>About</legend>
          <Field name="name" label="Name" value={v.name} errors={errors} required maxlength={200} />
          <Field name="venue" label="Venue" value={v.venue} errors={errors} maxlength={300} placeholder="NCPA, Mumbai" />
          <TextArea name="description" label="Description" value={v.description} errors={errors} maxlength={5000} />
        </fieldset>
        <fieldset>
          <legend>When</legend>
          <div class="pair">
            <Field name="starts_at" label="Starts" type="datetime-local" value={v.starts_at} errors={errors} required />
            <Field name="ends_at" label="Ends" type="datetime-local" value={v.ends_at} errors={errors} required />
          </div>
          <Field
            name="timezone"
            label="Time zone"
            value={v.timezone}
            errors={errors}
            list="zones"
            autocomplete="off"
            hint="The venue's time zone: the times above are read in it."
          />
          <datalist id="zones">
            {ZONES.map((z) => (
              <option value={z} />
            ))}
          </datalist>
        </fieldset>
        <fieldset>
          <legend>Tickets</legend>
          <Field name="capacity" label="Capacity" value={v.capacity} errors={errors} inputmode="numeric" required hint="Seats in total, across every ticket type." />
          <p class="hint">Leave a row empty to skip it. Seats per type are optional: without them a type shares the event's capacity.</p>
          {form.ticketTypes.map((row, i) => (
            <TypeRow row={row} index={i} errors={errors} sold={row.id ? soldOf(row.id) : 0} />
          ))}
        </fieldset>
        <fieldset>
          <legend>Sales and admission</legend>
          <div class="pair">
            <Field name="sales_start_at" label="Sales open" type="datetime-local" value={v.sales_start_at} errors={errors} hint="Empty: at once." />
            <Field name="sales_end_at" label="Sales close" type="datetime-local" value={v.sales_end_at} errors={errors} hint="Empty: when the event ends." />
            <Field name="valid_from" label="Tickets admit from" type="datetime-local" value={v.valid_from} errors={errors} hint="Empty: from when sales open." />
            <Field name="valid_until" label="Tickets admit until" type="datetime-local" value={v.valid_until} errors={errors} hint="Empty: until the event ends." />
          </div>
          <Field
            name="hold_minutes"
            label="Hold time (minutes)"
            value={v.hold_minutes}
            errors={errors}
            inputmode="numeric"
            hint="How long an unpaid order keeps its seats: 5 to 120."
          />
          <Checkbox name="require_email_verification" label="Buyers confirm their email with a one-time code" checked={v.require_email_verification === 'on'} errors={errors} />
          <Select
            name="attendee_details"
            label="Attendee details"
            value={v.attendee_details}
            options={[
              ['none', 'None: the buyer holds every ticket'],
              ['name', 'A name per ticket'],
              ['name_email', 'A name and an optional email per ticket'],
            ]}
            errors={errors}
            hint="An attendee with their own email also gets their ticket by mail. Questions are on the event's Questions page."
          />
        </fieldset>
        <fieldset>
          <legend>Open amount</legend>
          <Checkbox
            name="open_amount_enabled"
            label="Let buyers choose the amount (donations, weddings)"
            checked={v.open_amount_enabled === 'on'}
            hint="Buyers then pay an amount between these two, for one ticket of the first type."
          />
          <div class="pair">
            <Field name="open_amount_min" label="Lowest amount (₹)" value={v.open_amount_min} errors={errors} inputmode="decimal" />
            <Field name="open_amount_max" label="Highest amount (₹)" value={v.open_amount_max} errors={errors} inputmode="decimal" />
          </div>
        </fieldset>
        <fieldset>
          <legend>Where it sells</legend>
          <TextArea
            name="allowed_origins"
            label="Allowed origins"
            value={v.allowed_origins}
            errors={errors}
            rows={3}
            hint="One per line, such as https://www.example.com. Sites allowed to sell this event with your publishable key. Empty: any site in test mode, none in live mode."
          />
          <Select
            name="status"
            label="Status"
            value={v.status}
            options={[
              ['published', 'Published: on sale in its sales window'],
              ['draft', 'Draft: hidden from buyers'],
            ]}
            errors={errors}
          />
        </fieldset>
        <div class="actions">
          <button type="submit" class="btn">
            {editing ? 'Save changes' : 'Create event'}
          </button>
          <a class="btn secondary" href={editing ? `/console/events/${event._id}` : '/console/events'}>
            Cancel
          </a>
        </div>
      </form>
    </Shell>
  );
};

/** What the Embed panel can show: the snippets need the publishable key in full. */
export interface EmbedProps {
  publicUrl: string;
  /** The publishable key this browser remembers (decision 0011), or null. */
  publishableKey: string | null;
  /** `pk_test_…abcd` of the account's newest publishable key in this mode, when there is one. */
  keyDisplay: string | null;
  pasteError?: string | undefined;
  csrf: string;
}

/**
 * The Embed panel: the script tag and element, the SDK's browser loader and the hosted
 * checkout link, ready to copy, with the publishable key filled in.
 *
 * @example
 * <EmbedPanel event={event} embed={{ publicUrl, publishableKey, keyDisplay, csrf }} />
 */
export const EmbedPanel: FC<{ event: EventDoc; embed: EmbedProps }> = ({ event, embed }) => {
  const pk = embed.publishableKey;
  const key = pk ?? 'pk_…';
  const scriptTag = `<script src="${embed.publicUrl}/widget/v1/tts-checkout.js" async></script>\n<tts-checkout event="${event._id}" key="${key}"></tts-checkout>`;
  const sdk = `import { loadCheckout } from '@trendy-tickets/sdk/browser';\n\nconst checkout = await loadCheckout({ publishableKey: '${key}', baseUrl: '${embed.publicUrl}' });\nconst result = await checkout?.open({ event: '${event._id}' });\nif (result?.status === 'paid') console.log(result.tickets);`;
  const link = `${embed.publicUrl}/checkout/${event._id}?key=${key}`;
  const install = `npm install ${embed.publicUrl}/packages/trendy-tickets-sdk-latest.tgz`;
  return (
    <section class="card" id="embed" aria-labelledby="embed-h">
      <h2 id="embed-h">Embed</h2>
      {event.status === 'draft' ? <p class="banner warn">This event is a draft: buyers see it once you publish it.</p> : null}
      {pk ? null : (
        <div class="banner info plain">
          The snippets need your publishable key, and keys are kept only as hashes, so paste it here (it is safe in web pages).
          {embed.keyDisplay ? ` Your newest one ends in ${embed.keyDisplay.slice(-4)}.` : ' You have none in this mode yet.'} Or{' '}
          <a href="/console/developers">create or roll one on the Developers page</a>: this browser then remembers it.
        </div>
      )}
      {pk ? null : (
        <form method="post" action="/console/publishable-key" class="search">
          <CsrfField token={embed.csrf} />
          <input type="hidden" name="next" value={`/console/events/${event._id}#embed`} />
          <div class="field">
            <label for="f-publishable_key">Publishable key</label>
            <input
              id="f-publishable_key"
              name="publishable_key"
              type="text"
              autocomplete="off"
              spellcheck={false}
              placeholder={embed.keyDisplay ?? 'pk_test_…'}
              aria-invalid={embed.pasteError ? 'true' : undefined}
              aria-describedby={embed.pasteError ? 'f-publishable_key-error' : undefined}
            />
            {embed.pasteError ? (
              <p class="field-error" id="f-publishable_key-error">
                {embed.pasteError}
              </p>
            ) : null}
          </div>
          <button type="submit" class="btn secondary">
            Use this key
          </button>
        </form>
      )}
      <h3>Script tag</h3>
      <p class="muted small">Paste into any page: a button that opens the checkout in a modal.</p>
      <pre class="snippet" id="snippet-script" data-copy="script tag">
        {scriptTag}
      </pre>
      <h3>SDK</h3>
      <p class="muted small">Open the checkout from your own button. The SDK is not on the npm registry yet; until it is, install it from this server:</p>
      <pre class="snippet" id="snippet-sdk-install" data-copy="install command">
        {install}
      </pre>
      <pre class="snippet" id="snippet-sdk" data-copy="SDK snippet">
        {sdk}
      </pre>
      <h3>Hosted checkout link</h3>
      <p class="muted small">Share it anywhere: email, WhatsApp, a QR code on a poster.</p>
      <pre class="snippet" id="snippet-link" data-copy="checkout link">
        {link}
      </pre>
      {pk ? <CheckoutQr eventName={event.name} link={link} /> : <p class="muted small">Its QR code for posters appears here once the publishable key is known.</p>}
      {event.allowed_origins.length > 0 ? (
        <p class="muted small">Sells only on: {event.allowed_origins.join(', ')}.</p>
      ) : (
        <p class="muted small">
          {event.livemode
            ? 'No allowed origins yet: live checkout works only on the hosted page until you add your site.'
            : 'Any site may embed this test event. Add allowed origins before going live.'}
        </p>
      )}
    </section>
  );
};

/**
 * The hosted checkout link as a QR code, for posters and flyers: an inline SVG (no image
 * request, nothing for the CSP to allow) and the same SVG as a download.
 */
const CheckoutQr: FC<{ eventName: string; link: string }> = ({ eventName, link }) => {
  const svg = qrSvg(link, { size: 200 }).replace('aria-label="QR code"', `aria-label="QR code of the checkout link for ${escapeAttr(eventName)}"`);
  return (
    <div class="checkout-qr" id="checkout-qr">
      <div class="qr" dangerouslySetInnerHTML={{ __html: svg }} />
      <p>
        <a href={link} rel="noopener" target="_blank">
          Open the checkout page
        </a>
        <br />
        <a href={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`} download="checkout-qr.svg">
          Download the QR code (SVG)
        </a>
      </p>
    </div>
  );
};

/** Escapes text for a double-quoted HTML attribute inside markup built as a string. */
function escapeAttr(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Props of {@link EventPage}. */
export interface EventPageProps {
  user: ConsoleUser;
  event: EventDoc;
  stats: EventStats;
  scans: Array<{ checkin: CheckinDoc; ticket: TicketDoc | null }>;
  embed: EmbedProps;
  now: Date;
  flash?: Flash | undefined;
}

/**
 * `/console/events/:id`: the event's figures per ticket type, its settings, the Embed
 * panel, and the latest door scans.
 *
 * @example
 * return renderConsole(c, <EventPage user={user} event={event} stats={stats} scans={scans} embed={embed} now={now} />);
 */
export const EventPage: FC<EventPageProps> = ({ user, event, stats, scans, embed, now, flash }) => {
  const tz = event.timezone;
  const state = eventState(event, now);
  const tickets = stats.checked_in + stats.not_checked_in;
  const base = `/console/events/${event._id}`;
  return (
    <Shell title={event.name} user={user} section="events" here={base} flash={flash} scripts={['copy.js']}>
      <div class="page-head">
        <div>
          <h1>{event.name}</h1>
          <p class="sub">
            <span class={`badge ${state.tone}`}>{state.label}</span> {when(event.starts_at, tz)}
            {event.venue ? ` · ${event.venue}` : ''}
          </p>
        </div>
        <div class="actions">
          <a class="btn" href={`${base}/scan`}>
            Door scanner
          </a>
          <a class="btn secondary" href={`${base}/attendees`}>
            Attendees
          </a>
          {event.status === 'cancelled' ? null : (
            <a class="btn secondary" href={`${base}/edit`}>
              Edit
            </a>
          )}
        </div>
      </div>
      <section class="figures" aria-label="Figures">
        <Figure id="fig-sold" label="Sold" value={`${count(stats.sold)} / ${count(stats.capacity)}`} note={`${count(stats.held)} held · ${count(stats.available)} left`} />
        <Figure id="fig-revenue" label="Revenue" value={rupees(stats.revenue)} note={revenueNote(stats.issued)} />
        <MoneyFigure money={stats} />
        <Figure
          id="fig-checked-in"
          label="Checked in"
          value={`${count(stats.checked_in)} / ${count(tickets)}`}
          note={tickets === 0 ? 'no tickets yet' : `${percent(stats.attendance_rate)} attendance`}
        />
        <Figure id="fig-no-shows" label="Not checked in" value={count(stats.not_checked_in)} />
      </section>
      <div class="columns">
        <div>
          <section class="card" aria-labelledby="types-h">
            <h2 id="types-h">Ticket types</h2>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Type</th>
                    <th scope="col" class="num">
                      Price
                    </th>
                    <th scope="col" class="num">
                      Sold
                    </th>
                    <th scope="col" class="num">
                      Left
                    </th>
                    <th scope="col" class="num">
                      Revenue
                    </th>
                    <th scope="col" class="num">
                      In
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {stats.by_ticket_type.map((t) => (
                    <tr>
                      <td>{t.name}</td>
                      <td class="num">{t.price === 0 ? 'Free' : rupees(t.price)}</td>
                      <td class="num">
                        {count(t.sold)}
                        {t.capacity === null ? '' : ` / ${count(t.capacity)}`}
                      </td>
                      <td class="num">{count(t.available)}</td>
                      <td class="num">{rupees(t.revenue)}</td>
                      <td class="num">{count(t.checked_in)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <ListFigures eventId={event._id} lists={stats.checkin_lists} />
          <EmbedPanel event={event} embed={embed} />
        </div>
        <div>
          <section class="card" aria-labelledby="scans-h">
            <h2 id="scans-h">Latest scans</h2>
            <p class="small">
              <a href={`${base}/checkin-lists`}>Check-in lists</a>: doors with their own admission, re-entry, and who is inside now. <a href={`${base}/promo-codes`}>Promo codes</a>
              : discounts, and hidden ticket types they unlock. <a href={`${base}/waiting-list`}>Waiting list</a>: who waits for sold-out types, and their offers.
            </p>
            <p class="small">
              <a href={`${base}/questions`}>Questions</a>: what checkout asks once per order or of each attendee.
            </p>
            {scans.length === 0 ? (
              <p class="muted">
                No scans yet. Open the <a href={`${base}/scan`}>door scanner</a> on a phone at the entrance.
              </p>
            ) : (
              <ul class="feed">
                {scans.map(({ checkin, ticket }) => {
                  const view = scanView(checkin, ticket, tz);
                  return (
                    <li>
                      <span class={`badge ${view.result}`}>{view.result === 'accepted' ? 'Admitted' : 'Refused'}</span>
                      <span class="what">
                        {view.ticket ? <a href={`/console/tickets/${view.ticket}`}>{view.holder ?? view.ticket}</a> : 'Unknown ticket'}
                        {view.reason_text ? ` · ${view.reason_text}` : ''}
                        <span class="muted small"> · by {view.by}</span>
                      </span>
                      <time datetime={view.at}>{view.at_text}</time>
                    </li>
                  );
                })}
              </ul>
            )}
          </section>
          <section class="card" aria-labelledby="settings-h">
            <h2 id="settings-h">Settings</h2>
            <dl class="facts">
              <dt>Event Token</dt>
              <dd class="mono">{event._id}</dd>
              <dt>Mode</dt>
              <dd>{event.livemode ? 'Live' : 'Test'}</dd>
              <dt>Ends</dt>
              <dd>{when(event.ends_at, tz)}</dd>
              <dt>Time zone</dt>
              <dd>{tz}</dd>
              <dt>Sales</dt>
              <dd>
                {event.sales_start_at ? when(event.sales_start_at, tz) : 'now'} to {when(event.sales_end_at ?? event.ends_at, tz)}
              </dd>
              <dt>Tickets admit</dt>
              <dd>
                {(event.valid_from ?? event.sales_start_at) ? when(event.valid_from ?? event.sales_start_at, tz) : 'any time'} to {when(event.valid_until ?? event.ends_at, tz)}
              </dd>
              <dt>Email code</dt>
              <dd>{event.require_email_verification ? 'Required' : 'Off'}</dd>
              <dt>Attendee details</dt>
              <dd>{{ none: 'None', name: 'Name per ticket', name_email: 'Name and email per ticket' }[event.attendee_details ?? 'none']}</dd>
              <dt>Hold</dt>
              <dd>{event.hold_minutes} minutes</dd>
              <dt>Open amount</dt>
              <dd>{event.open_amount ? `${rupees(event.open_amount.min)} to ${rupees(event.open_amount.max)}` : 'Off'}</dd>
              <dt>Allowed origins</dt>
              <dd>{event.allowed_origins.length > 0 ? event.allowed_origins.join(', ') : 'Any (test mode only)'}</dd>
            </dl>
          </section>
          {event.status === 'cancelled' ? (
            <>
              <p class="banner bad">Cancelled {when(event.cancelled_at, tz)}. Its tickets are refused at the door.</p>
              <CancellationSummary event={event} />
            </>
          ) : (
            <section class="card" aria-labelledby="danger-h">
              <h2 id="danger-h">Cancel the event</h2>
              <p class="muted small">Stops sales for good; every ticket is then refused at the door. You choose whether every buyer is refunded and told.</p>
              <a class="btn danger" href={`${base}/cancel`}>
                Cancel event…
              </a>
            </section>
          )}
        </div>
      </div>
    </Shell>
  );
};

/**
 * `/console/events/:id/cancel`: the confirmation, with a box to tick so it cannot happen by a slip.
 *
 * @example
 * return renderConsole(c, <CancelEventPage user={user} event={event} />);
 */
export const CancelEventPage: FC<{ user: ConsoleUser; event: EventDoc; error?: string | undefined; choice?: string; reason?: string }> = ({
  user,
  event,
  error,
  choice,
  reason,
}) => (
  <Shell title={`Cancel ${event.name}`} user={user} section="events" here={`/console/events/${event._id}`}>
    <section class="card narrow">
      <h1>Cancel {event.name}?</h1>
      <p>Sales stop for good, and every one of its {count(event.inventory.sold)} tickets sold is refused at the door with “Event is cancelled”. This cannot be undone.</p>
      <form method="post" action={`/console/events/${event._id}/cancel`}>
        <CsrfField token={user.csrf} />
        <CancellationChoice {...(choice === undefined ? {} : { choice })} {...(reason === undefined ? {} : { reason })} />
        <Checkbox name="confirm" label={`Yes, cancel ${event.name}`} checked={false} required errors={error ? { confirm: error } : undefined} />
        <div class="actions">
          <button type="submit" class="btn danger solid">
            Cancel event
          </button>
          <a class="btn secondary" href={`/console/events/${event._id}`}>
            Keep it
          </a>
        </div>
      </form>
    </section>
  </Shell>
);
