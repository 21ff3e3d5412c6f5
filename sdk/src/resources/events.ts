import type { TrendyTickets } from '../client.js';
import type { RequestOptions } from '../internal/http.js';
import type { PagedList } from '../pagination.js';
import type {
  AttendeesFilter,
  AttendeesListParams,
  Checkin,
  CheckinLogParams,
  CreateEventParams,
  Event,
  EventStats,
  ListParams,
  PublicEvent,
  PublicEventParams,
  Ticket,
  UpdateEventParams,
  VerificationKey,
} from '../types.js';

const path = (id: string, rest = '') => `/v1/events/${encodeURIComponent(id)}${rest}`;
const flag = (value: boolean | undefined) => (value === undefined ? undefined : String(value));

/**
 * Events (secret key unless noted): create, read, update, cancel, and the organizer's views
 * of sales, attendees and the door.
 *
 * @example
 * const event = await tts.events.create({
 *   name: 'Monsoon Jazz Night',
 *   starts_at: '2030-07-18T14:00:00Z',
 *   ends_at: '2030-07-18T17:30:00Z',
 *   capacity: 300,
 *   ticket_types: [{ name: 'General', price: 99_900 }],
 * });
 */
export class EventsResource {
  constructor(private readonly client: TrendyTickets) {}

  /**
   * Creates an event; its id (`evt_…`) is the Event Token partner pages embed.
   *
   * @example
   * const event = await tts.events.create({ name: 'Gig', starts_at, ends_at, capacity: 100, ticket_types: [{ name: 'General', price: 49_900 }] });
   */
  create(params: CreateEventParams, options?: RequestOptions): Promise<Event> {
    return this.client.request<Event>({ ...options, method: 'POST', path: '/v1/events', body: params });
  }

  /**
   * Reads an event.
   *
   * @example
   * const { sold, available } = await tts.events.retrieve('evt_…');
   */
  retrieve(id: string, options?: RequestOptions): Promise<Event> {
    return this.client.request<Event>({ ...options, method: 'GET', path: path(id) });
  }

  /**
   * The public view buyers see (publishable or secret key).
   *
   * @example
   * const { sales_open, ticket_types } = await new TrendyTickets({ apiKey: 'pk_test_…' }).events.retrievePublic('evt_…');
   * const { promo } = await tts.events.retrievePublic('evt_…', { promo_code: 'earlybird' }); // hidden types it unlocks are listed too
   */
  retrievePublic(id: string, params: PublicEventParams = {}, options?: RequestOptions): Promise<PublicEvent> {
    return this.client.request<PublicEvent>({ ...options, method: 'GET', path: `/v1/public/events/${encodeURIComponent(id)}`, query: { promo_code: params.promo_code } });
  }

  /**
   * Changes the fields sent. `ticket_types`, when sent, is the whole list (keep a type by its `id`).
   *
   * @example
   * await tts.events.update('evt_…', { capacity: 400 });
   */
  update(id: string, params: UpdateEventParams, options?: RequestOptions): Promise<Event> {
    return this.client.request<Event>({ ...options, method: 'PATCH', path: path(id), body: params });
  }

  /**
   * Events, newest first: await for the first page, or `for await` them all.
   *
   * @example
   * for await (const event of tts.events.list()) console.log(event.id, event.name);
   * const firstPage = await tts.events.list({ limit: 10 }).page();
   */
  list(params: ListParams = {}, options?: RequestOptions): PagedList<Event> {
    return this.client.list<Event>('/v1/events', { ...params }, options);
  }

  /**
   * Stops sales for good; its tickets are refused at the door with `event_cancelled`.
   *
   * @example
   * const cancelled = await tts.events.cancel('evt_…'); // status: 'cancelled'
   */
  cancel(id: string, options?: RequestOptions): Promise<Event> {
    return this.client.request<Event>({ ...options, method: 'POST', path: path(id, '/cancel') });
  }

  /**
   * Sold, held, available, revenue, check-ins and no-shows, per ticket type and by day.
   *
   * @example
   * const { sold, revenue, attendance_rate } = await tts.events.stats('evt_…');
   */
  stats(id: string, options?: RequestOptions): Promise<EventStats> {
    return this.client.request<EventStats>({ ...options, method: 'GET', path: path(id, '/stats') });
  }

  /**
   * Tickets not voided, newest first, filtered by `checked_in` and searched with `q`.
   *
   * @example
   * for await (const t of tts.events.attendees('evt_…', { checked_in: false })) console.log(t.holder.name);
   */
  attendees(id: string, params: AttendeesListParams = {}, options?: RequestOptions): PagedList<Ticket> {
    const { checked_in, ...rest } = params;
    return this.client.list<Ticket>(path(id, '/attendees'), { ...rest, checked_in: flag(checked_in) }, options);
  }

  /**
   * Every attendee as CSV text (UTF-8 with a BOM, ready for Excel), with the list's filters.
   *
   * @example
   * await writeFile('attendees.csv', await tts.events.attendeesCsv('evt_…'));
   */
  attendeesCsv(id: string, params: AttendeesFilter = {}, options?: RequestOptions): Promise<string> {
    return this.client.request<string>({
      ...options,
      method: 'GET',
      path: path(id, '/attendees.csv'),
      query: { checked_in: flag(params.checked_in), q: params.q },
      as: 'text',
    });
  }

  /**
   * The scan log, newest first: every scan, accepted or not; with `list`, only that check-in list's.
   *
   * @example
   * for await (const scan of tts.events.checkins('evt_…')) console.log(scan.at, scan.result, scan.reason);
   */
  checkins(id: string, params: CheckinLogParams = {}, options?: RequestOptions): PagedList<Checkin> {
    return this.client.list<Checkin>(path(id, '/checkins'), { ...params }, options);
  }

  /**
   * The Ed25519 public key for checking ticket codes offline (publishable key is enough);
   * pass `public_key` to `verifyTicketCode`.
   *
   * @example
   * const { public_key } = await tts.events.verificationKey('evt_…');
   * const { valid } = await verifyTicketCode(scanned, public_key);
   */
  verificationKey(id: string, options?: RequestOptions): Promise<VerificationKey> {
    return this.client.request<VerificationKey>({ ...options, method: 'GET', path: path(id, '/verification-key') });
  }
}
