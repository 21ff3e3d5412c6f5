import type { TrendyTickets } from '../client.js';
import type { RequestOptions } from '../internal/http.js';
import type { PagedList } from '../pagination.js';
import type {
  CreateWaitingListEntryParams,
  ResendWaitingListCodeParams,
  RetrieveWaitingListEntryParams,
  VerifyWaitingListEntryParams,
  WaitingListEntry,
  WaitingListEntryListParams,
} from '../types.js';

const path = (id: string, rest = '') => `/v1/waiting_list_entries/${encodeURIComponent(id)}${rest}`;

/**
 * The waiting list of sold-out ticket types (docs/waiting-list.md). A buyer joins with a
 * publishable key, confirms the emailed code, and is mailed a claim link when seats come back.
 * With a publishable key every call after `create` needs the entry's `client_secret`.
 *
 * @example
 * const entry = await tts.waitingList.create({ event: 'evt_…', ticket_type: 'tt_…', quantity: 1, name: 'Asha Rao', email: 'asha@example.com' });
 * const inLine = await tts.waitingList.verify(entry.id, { code: '123456', client_secret: entry.client_secret });
 */
export class WaitingListResource {
  constructor(private readonly client: TrendyTickets) {}

  /**
   * Joins a sold-out type's line and mails a code (`SEATS_AVAILABLE` when the seats can be bought).
   *
   * @example
   * const entry = await tts.waitingList.create({ event, ticket_type, quantity: 2, name: 'Asha Rao', email: 'asha@example.com' });
   */
  create(params: CreateWaitingListEntryParams, options?: RequestOptions): Promise<WaitingListEntry> {
    return this.client.request<WaitingListEntry>({ ...options, method: 'POST', path: '/v1/waiting_list_entries', body: params });
  }

  /**
   * Checks the emailed 6-digit code; the entry is then `waiting`, with its `position`.
   *
   * @example
   * const { position } = await tts.waitingList.verify(entry.id, { code: '123456', client_secret });
   */
  verify(id: string, params: VerifyWaitingListEntryParams, options?: RequestOptions): Promise<WaitingListEntry> {
    return this.client.request<WaitingListEntry>({ ...options, method: 'POST', path: path(id, '/verify'), body: params });
  }

  /**
   * Mails a new code; the old one stops working (at most 5 per address per hour).
   *
   * @example
   * await tts.waitingList.resendCode(entry.id, { client_secret });
   */
  resendCode(id: string, params: ResendWaitingListCodeParams = {}, options?: RequestOptions): Promise<WaitingListEntry> {
    return this.client.request<WaitingListEntry>({ ...options, method: 'POST', path: path(id, '/resend_code'), body: params });
  }

  /**
   * Reads an entry: its status, position in line, and offer.
   *
   * @example
   * const { status, position } = await tts.waitingList.retrieve(entry.id, { client_secret });
   */
  retrieve(id: string, params: RetrieveWaitingListEntryParams = {}, options?: RequestOptions): Promise<WaitingListEntry> {
    return this.client.request<WaitingListEntry>({ ...options, method: 'GET', path: path(id), query: { client_secret: params.client_secret } });
  }

  /**
   * An event's entries in line order (secret key).
   *
   * @example
   * for await (const entry of tts.waitingList.list('evt_…', { status: 'waiting' })) console.log(entry.position, entry.email);
   */
  list(event: string, params: WaitingListEntryListParams = {}, options?: RequestOptions): PagedList<WaitingListEntry> {
    return this.client.list<WaitingListEntry>(`/v1/events/${encodeURIComponent(event)}/waiting_list_entries`, { ...params }, options);
  }

  /**
   * Takes an entry off the list (secret key); an offered entry's seats go to the next in line.
   *
   * @example
   * await tts.waitingList.remove('wle_…');
   */
  remove(id: string, options?: RequestOptions): Promise<WaitingListEntry> {
    return this.client.request<WaitingListEntry>({ ...options, method: 'DELETE', path: path(id) });
  }
}
