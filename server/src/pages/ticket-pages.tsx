/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import { formatDateTime } from '../delivery/format.js';
import { qrSvg } from '../delivery/qr.js';
import type { EventDoc } from '../domain/events.js';
import { ticketUrls, type TicketDoc } from '../domain/tickets.js';
import { Layout, MessagePage } from './layout.js';

/** What a ticket page shows about a ticket right now. */
export interface TicketState {
  label: string;
  tone: 'ok' | 'bad' | 'info';
  detail: string;
  /** A ticket that can never admit shows no QR: a screenshot of it must not look like a ticket. */
  showQr: boolean;
}

/**
 * The ticket's state in words, most final first: voided and cancelled tickets never
 * admit; a checked-in one already did; the validity window decides the rest.
 *
 * @example ticketState(ticket, event, clock.now()).label // 'Valid'
 */
export function ticketState(ticket: TicketDoc, event: EventDoc, now: Date): TicketState {
  const tz = event.timezone;
  if (ticket.status === 'voided') {
    return { label: 'Voided', tone: 'bad', detail: 'This ticket was cancelled and will not admit anyone.', showQr: false };
  }
  if (event.status === 'cancelled') {
    return { label: 'Event cancelled', tone: 'bad', detail: 'The organizer cancelled this event, so this ticket will not admit.', showQr: false };
  }
  if (ticket.status === 'checked_in') {
    const at = ticket.checked_in_at ? ` at ${formatDateTime(ticket.checked_in_at.toISOString(), tz, 'short')}` : '';
    return { label: 'Checked in', tone: 'info', detail: `Already used: admitted${at}.`, showQr: true };
  }
  const until = ticket.valid_until ?? event.ends_at;
  if (now >= until) return { label: 'Expired', tone: 'bad', detail: 'The time this ticket admits has passed.', showQr: true };
  if (ticket.valid_from && now < ticket.valid_from) {
    const from = formatDateTime(ticket.valid_from.toISOString(), tz, 'short');
    return { label: 'Valid', tone: 'ok', detail: `Admits from ${from}. Show this QR code at the entrance.`, showQr: true };
  }
  return { label: 'Valid', tone: 'ok', detail: 'Show this QR code at the entrance.', showQr: true };
}

/** `20260608T140000Z`: the UTC DATE-TIME form of RFC 5545 §3.3.5 (and of Google's `dates`). */
function icsTime(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const ICS_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f]/g;

/** TEXT values escape `\ ; ,` and newlines (RFC 5545 §3.3.11); other controls are dropped. */
function icsText(value: string): string {
  return value
    .replace(/\r\n?/g, '\n')
    .replace(ICS_CONTROL, '')
    .replace(/[\\;,]/g, (ch) => `\\${ch}`)
    .replace(/\n/g, '\\n');
}

/**
 * Folds a content line at 75 octets, continuing with CRLF + space (RFC 5545 §3.1),
 * never inside a UTF-8 sequence: names here are often Devanagari or Tamil.
 */
function fold(line: string): string {
  const parts: string[] = [];
  let current = '';
  let bytes = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch);
    const limit = parts.length === 0 ? 75 : 74; // the leading space of a continuation counts
    if (bytes + size > limit) {
      parts.push(current);
      current = '';
      bytes = 0;
    }
    current += ch;
    bytes += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

/**
 * An iCalendar file with the event, for "add to calendar". The UID is the ticket id
 * (already globally unique), so downloading it twice updates one calendar entry.
 *
 * @example
 * c.body(ticketIcs(ticket, event, publicUrl, clock.now()), 200, { 'Content-Type': 'text/calendar; charset=utf-8' });
 */
export function ticketIcs(ticket: TicketDoc, event: EventDoc, publicUrl: string, now: Date): string {
  const { url } = ticketUrls(publicUrl, ticket._id);
  const cancelled = ticket.status === 'voided' || event.status === 'cancelled';
  const description = `${ticket.ticket_type_name} ticket ${ticket._id} for ${ticket.holder.name}.\nShow the QR code at the entrance: ${url}`;
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Trendy Ticket Service//Tickets//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${ticket._id}`,
    `DTSTAMP:${icsTime(now)}`,
    `DTSTART:${icsTime(event.starts_at)}`,
    `DTEND:${icsTime(event.ends_at)}`,
    `SUMMARY:${icsText(event.name)}`,
    ...(event.venue ? [`LOCATION:${icsText(event.venue)}`] : []),
    `DESCRIPTION:${icsText(description)}`,
    `URL:${url}`,
    `STATUS:${cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return `${lines.map(fold).join('\r\n')}\r\n`;
}

/**
 * Google Calendar's "create event" template link (no API key, no script).
 * @see https://github.com/InteractionDesignFoundation/add-event-to-calendar-docs/blob/main/services/google.md
 *
 * @example googleCalendarUrl(ticket, event, publicUrl) // 'https://calendar.google.com/calendar/render?action=TEMPLATE&…'
 */
export function googleCalendarUrl(ticket: TicketDoc, event: EventDoc, publicUrl: string): string {
  const params = new URLSearchParams({
    action: 'TEMPLATE',
    text: event.name,
    dates: `${icsTime(event.starts_at)}/${icsTime(event.ends_at)}`,
    details: `Your ticket: ${ticketUrls(publicUrl, ticket._id).url}`,
    ctz: event.timezone,
  });
  if (event.venue) params.set('location', event.venue);
  return `https://calendar.google.com/calendar/render?${params.toString()}`;
}

/** Props of {@link TicketPage}. */
export interface TicketPageProps {
  ticket: TicketDoc;
  event: EventDoc;
  publicUrl: string;
  now: Date;
  /** The order's invoice or receipt, when it has one: linked as `/tickets/:id/invoice.pdf`. */
  invoice?: { kind: 'tax_invoice' | 'receipt' | 'credit_note'; number: string | null } | null;
}

/**
 * The hosted ticket (`/tickets/:id`): what the attendee shows at the door. Large QR
 * first on a phone, then the facts door staff ask about, then downloads.
 *
 * @example
 * return renderPage(c, <TicketPage ticket={ticket} event={event} publicUrl={publicUrl} now={now} />);
 */
export const TicketPage: FC<TicketPageProps> = ({ ticket, event, publicUrl, now, invoice }) => {
  const tz = event.timezone;
  const state = ticketState(ticket, event, now);
  const when = (d: Date) => formatDateTime(d.toISOString(), tz, 'short');
  const validFrom = ticket.valid_from ?? ticket.created_at;
  const validUntil = ticket.valid_until ?? event.ends_at;
  return (
    <Layout title={`Ticket · ${event.name}`} referrer="no-referrer">
      <section class="card" aria-labelledby="event-name">
        {ticket.livemode ? null : (
          <div class="banner bad" role="note">
            <strong>TEST TICKET</strong> · made in test mode, not valid for entry. No money was taken.
          </div>
        )}
        <p class="muted small">
          <strong>ADMIT ONE</strong> · {ticket.ticket_type_name}
          {ticket.livemode ? null : (
            <span class="badge test" style="margin-left:.5rem">
              TEST
            </span>
          )}
        </p>
        <h1 id="event-name">{event.name}</h1>
        {event.venue ? <p class="muted">{event.venue}</p> : null}
        <p>
          <strong>{formatDateTime(event.starts_at.toISOString(), tz)}</strong>
        </p>
        <div class={`banner ${state.tone}`} role="status">
          <span class="badge">{state.label.toUpperCase()}</span> {state.detail}
        </div>
        {state.showQr ? (
          <div class="qr" dangerouslySetInnerHTML={{ __html: qrSvg(ticket.code, { size: 272 }) }} />
        ) : (
          <p class="muted">No QR code is shown because this ticket cannot be used.</p>
        )}
        <p class="mono small" style="text-align:center">
          {ticket._id}
        </p>
        <dl>
          <dt>Holder</dt>
          <dd>{ticket.holder.name}</dd>
          <dt>Ticket</dt>
          <dd>{ticket.ticket_type_name}</dd>
          <dt>Status</dt>
          <dd>{state.label}</dd>
          <dt>Starts</dt>
          <dd>{when(event.starts_at)}</dd>
          <dt>Ends</dt>
          <dd>{when(event.ends_at)}</dd>
          <dt>Valid from</dt>
          <dd>{when(validFrom)}</dd>
          <dt>Valid until</dt>
          <dd>{when(validUntil)}</dd>
          <dt>Ticket id</dt>
          <dd class="mono">{ticket._id}</dd>
        </dl>
      </section>
      <section class="card actions" aria-label="Save this ticket">
        {ticket.status === 'voided' ? null : (
          <a class="btn" href={`/tickets/${ticket._id}.pdf`}>
            Download PDF
          </a>
        )}
        {invoice?.number ? (
          <a class="btn secondary" href={`/tickets/${ticket._id}/invoice.pdf`}>
            {invoice.kind === 'receipt' ? 'Receipt' : 'Tax invoice'} {invoice.number} (PDF)
          </a>
        ) : null}
        <a class="btn secondary" href={`/tickets/${ticket._id}/calendar.ics`} download={`ticket-${ticket._id}.ics`}>
          Add to calendar (.ics)
        </a>
        <a class="btn secondary" href={googleCalendarUrl(ticket, event, publicUrl)} target="_blank" rel="noopener noreferrer">
          Add to Google Calendar
        </a>
        <p class="muted small">Anyone with this page's link can show this ticket: share it only with the person attending.</p>
        <p class="small">
          <a href="/tickets/find">Find all my tickets</a>
        </p>
      </section>
    </Layout>
  );
};

/**
 * The friendly 404 for a ticket link that leads nowhere (mistyped, or cut short by a mail client).
 *
 * @example return renderPage(c, <TicketNotFound />, 404);
 */
export const TicketNotFound: FC = () => (
  <MessagePage
    title="Ticket not found"
    tone="bad"
    lines={['We could not find a ticket at this address.', 'Open the link from your ticket email again; if your mail app split it over two lines, copy the whole link.']}
  />
);
