import type { TrendyTickets } from '../client.js';
import type { RequestOptions } from '../internal/http.js';
import type { PagedList } from '../pagination.js';
import type { EventLogEntry, EventLogListParams } from '../types.js';

/**
 * The events log (secret key): what happened to the account's orders, tickets, scans and
 * events, newest first, each entry with the object as it was then.
 *
 * @example
 * for await (const entry of tts.eventsLog.list({ type: 'order.paid' })) {
 *   if (entry.type === 'order.paid') console.log(entry.data.object.id, entry.data.object.amount);
 * }
 */
export class EventsLogResource {
  constructor(private readonly client: TrendyTickets) {}

  /**
   * Entries newest first, optionally of one `type` or about one `object` id.
   *
   * @example
   * const page = await tts.eventsLog.list({ object: 'ord_…' }).page();
   */
  list(params: EventLogListParams = {}, options?: RequestOptions): PagedList<EventLogEntry> {
    return this.client.list<EventLogEntry>('/v1/events_log', { ...params }, options);
  }

  /**
   * One entry by its id (`ev_…`).
   *
   * @example
   * const entry = await tts.eventsLog.retrieve('ev_…');
   */
  retrieve(id: string, options?: RequestOptions): Promise<EventLogEntry> {
    return this.client.request<EventLogEntry>({ ...options, method: 'GET', path: `/v1/events_log/${encodeURIComponent(id)}` });
  }
}
