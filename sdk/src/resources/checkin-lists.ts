import type { TrendyTickets } from '../client.js';
import type { RequestOptions } from '../internal/http.js';
import type { PagedList } from '../pagination.js';
import type { CheckinList, CheckinPass, CheckinPassListParams, CreateCheckinListParams, DeletedCheckinList, List, UpdateCheckinListParams } from '../types.js';

const path = (event: string, rest = '') => `/v1/events/${encodeURIComponent(event)}/checkin_lists${rest}`;
const one = (event: string, list: string, rest = '') => path(event, `/${encodeURIComponent(list)}${rest}`);

/**
 * An event's check-in lists (secret key): doors with their own admission, limited to some
 * ticket types and a time window, optionally with re-entry. Scan on one with
 * `checkins.create({ code, list })`.
 *
 * @example
 * const lounge = await tts.checkinLists.create('evt_…', { name: 'VIP lounge', ticket_types: ['tt_…'], reentry: true });
 * await tts.checkins.create({ code, list: lounge.id });
 */
export class CheckinListsResource {
  constructor(private readonly client: TrendyTickets) {}

  /**
   * The event's lists, the default one first, each with its counters.
   *
   * @example
   * const { data } = await tts.checkinLists.list('evt_…');
   */
  list(event: string, options?: RequestOptions): Promise<List<CheckinList>> {
    return this.client.request<List<CheckinList>>({ ...options, method: 'GET', path: path(event) });
  }

  /**
   * A new list for the event.
   *
   * @example
   * await tts.checkinLists.create('evt_…', { name: 'Day 2', window: { opens_at: '2030-06-09T04:30:00Z' } });
   */
  create(event: string, params: CreateCheckinListParams, options?: RequestOptions): Promise<CheckinList> {
    return this.client.request<CheckinList>({ ...options, method: 'POST', path: path(event), body: params });
  }

  /**
   * One list with its counters (`admitted`, `inside`); `default` for the event's default list.
   *
   * @example
   * const { inside } = await tts.checkinLists.retrieve('evt_…', 'chl_…');
   */
  retrieve(event: string, list: string, options?: RequestOptions): Promise<CheckinList> {
    return this.client.request<CheckinList>({ ...options, method: 'GET', path: one(event, list) });
  }

  /**
   * Changes the fields sent.
   *
   * @example
   * await tts.checkinLists.update('evt_…', 'chl_…', { reentry: true });
   */
  update(event: string, list: string, params: UpdateCheckinListParams, options?: RequestOptions): Promise<CheckinList> {
    return this.client.request<CheckinList>({ ...options, method: 'PATCH', path: one(event, list), body: params });
  }

  /**
   * Deletes a named list and its admissions (its scans stay in the log).
   *
   * @example
   * await tts.checkinLists.del('evt_…', 'chl_…');
   */
  del(event: string, list: string, options?: RequestOptions): Promise<DeletedCheckinList> {
    return this.client.request<DeletedCheckinList>({ ...options, method: 'DELETE', path: one(event, list) });
  }

  /**
   * The tickets a list admitted, newest first; `inside: true` for who is inside now.
   *
   * @example
   * for await (const pass of tts.checkinLists.passes('evt_…', 'chl_…', { inside: true })) console.log(pass.ticket);
   */
  passes(event: string, list: string, params: CheckinPassListParams = {}, options?: RequestOptions): PagedList<CheckinPass> {
    const { inside, ...rest } = params;
    return this.client.list<CheckinPass>(one(event, list, '/passes'), { ...rest, inside: inside === undefined ? undefined : String(inside) }, options);
  }
}
