import type { TrendyTickets } from '../client.js';
import type { RequestOptions } from '../internal/http.js';
import type { Checkin, CreateCheckinParams } from '../types.js';

/**
 * Door scans (secret key). Both outcomes are HTTP 200: read `result` and `reason`. The scan log
 * of an event is `events.checkins(id)`.
 *
 * @example
 * const scan = await tts.checkins.create({ code: ticket.code, event: 'evt_…', by: 'Gate 1' });
 * if (scan.result === 'rejected') console.log(scan.reason, scan.first_checkin);
 */
export class CheckinsResource {
  constructor(private readonly client: TrendyTickets) {}

  /**
   * Scans a code (QR content or ticket id): the first scan admits, later ones are refused.
   * Send a `nonce` from offline scanners so a re-sent scan gets the first answer.
   *
   * @example
   * const { result, reason } = await tts.checkins.create({ code, event, by: 'Gate 2', nonce: 'gate2-000123' });
   */
  create(params: CreateCheckinParams, options?: RequestOptions): Promise<Checkin> {
    return this.client.request<Checkin>({ ...options, method: 'POST', path: '/v1/checkins', body: params });
  }

  /**
   * Undoes an accepted scan: the ticket admits again.
   *
   * @example
   * await tts.checkins.undo('chk_…');
   */
  undo(id: string, options?: RequestOptions): Promise<Checkin> {
    return this.client.request<Checkin>({ ...options, method: 'DELETE', path: `/v1/checkins/${encodeURIComponent(id)}` });
  }
}
