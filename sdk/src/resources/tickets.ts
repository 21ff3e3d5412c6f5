import type { TrendyTickets } from '../client.js';
import type { RequestOptions } from '../internal/http.js';
import type { IssueTicketsParams, List, PublicTicket, Ticket } from '../types.js';

const path = (id: string, rest = '') => `/v1/tickets/${encodeURIComponent(id)}${rest}`;

/**
 * Tickets (secret key): issue them for a payment you took yourself (the seed's `payment: false`),
 * read and void them.
 *
 * @example
 * const { data: tickets } = await tts.tickets.issue(
 *   { event: 'evt_…', ticket_type: 'tt_…', quantity: 2, holder: { name: 'Asha Rao', email: 'asha@example.com' }, external_reference: 'pay_123' },
 *   { idempotencyKey: 'pay_123' },
 * );
 */
export class TicketsResource {
  constructor(private readonly client: TrendyTickets) {}

  /**
   * Issues `quantity` tickets to the holder, takes the seats (`SOLD_OUT` when there are none)
   * and mails them unless `send_email` is false. Pass your payment id as `idempotencyKey`
   * so a repeated call issues once.
   *
   * @example
   * const { data } = await tts.tickets.issue({ event, ticket_type, holder: { name, email } }, { idempotencyKey: paymentId });
   */
  issue(params: IssueTicketsParams, options?: RequestOptions): Promise<List<Ticket>> {
    return this.client.request<List<Ticket>>({ ...options, method: 'POST', path: '/v1/tickets', body: params });
  }

  /**
   * The whole ticket (secret key of its organizer).
   *
   * @example
   * const { status, checked_in_at } = await tts.tickets.retrieve('tkt_…');
   */
  retrieve(id: string, options?: RequestOptions): Promise<Ticket> {
    return this.client.request<Ticket>({ ...options, method: 'GET', path: path(id) });
  }

  /**
   * What anyone with the ticket id may see: sent without a key.
   *
   * @example
   * const { holder_first_name, status } = await tts.tickets.retrievePublic('tkt_…');
   */
  retrievePublic(id: string, options?: RequestOptions): Promise<PublicTicket> {
    return this.client.request<PublicTicket>({ ...options, method: 'GET', path: path(id), auth: false });
  }

  /**
   * Voids a ticket: it stops admitting and its seat returns to sale.
   *
   * @example
   * const voided = await tts.tickets.void('tkt_…'); // status: 'voided'
   */
  void(id: string, options?: RequestOptions): Promise<Ticket> {
    return this.client.request<Ticket>({ ...options, method: 'POST', path: path(id, '/void') });
  }
}
