import type { CheckinReason } from '@trendy-tickets/sdk';
import type { CheckinDoc } from '../domain/checkins.js';
import type { TicketDoc } from '../domain/tickets.js';
import { when } from './format.js';

/** Every refusal in the words door staff read out. */
export const REASON_WORDS: Record<CheckinReason, string> = {
  already_checked_in: 'Already checked in',
  invalid_code: 'Not a valid ticket code',
  not_found: 'No such ticket',
  wrong_event: 'Ticket is for another event',
  not_yet_valid: 'Not valid yet',
  expired: 'Ticket has expired',
  voided: 'Ticket was voided',
  event_cancelled: 'Event is cancelled',
  not_on_list: 'Ticket type not on this list',
  outside_list_window: 'List is closed at this time',
};

/** A scan as the door scanner shows it: verdict, reason in words, who, and when. */
export interface ScanView {
  id: string;
  result: 'accepted' | 'rejected';
  /** `IN` or `OUT` for an accepted scan on a list with re-entry. */
  verdict: 'ADMITTED' | 'REFUSED' | 'IN' | 'OUT';
  reason: CheckinReason | null;
  /** `REASON_WORDS[reason]`, or null when admitted. */
  reason_text: string | null;
  /** More about the refusal: the first scan, or the validity window. */
  detail: string | null;
  holder: string | null;
  ticket_type: string | null;
  ticket: string | null;
  first_checkin: { at: string; at_text: string; by: string | null } | null;
  at: string;
  at_text: string;
  by: string;
}

/**
 * Shapes a scan for the scanner (its JSON answer and the server-rendered list), with times
 * in the event's time zone so the phone need not know it.
 *
 * @example
 * const view = scanView(outcome.checkin, outcome.ticket, event.timezone);
 * view.verdict; // 'REFUSED'
 * view.detail; // 'First scanned 8 Jun, 2030, 7:42 pm IST by gate@example.com'
 */
export function scanView(checkin: CheckinDoc, ticket: TicketDoc | null, timeZone: string): ScanView {
  const first = checkin.first_checkin;
  let detail: string | null = null;
  if (checkin.reason === 'already_checked_in' && first) {
    detail = `First scanned ${when(first.at, timeZone)}${first.by ? ` by ${first.by}` : ''}`;
  } else if (checkin.reason === 'not_yet_valid' && ticket?.valid_from) {
    detail = `Admits from ${when(ticket.valid_from, timeZone)}`;
  } else if (checkin.reason === 'expired' && ticket?.valid_until) {
    detail = `Admitted until ${when(ticket.valid_until, timeZone)}`;
  }
  return {
    id: checkin._id,
    result: checkin.result,
    verdict: checkin.result !== 'accepted' ? 'REFUSED' : checkin.direction === 'in' ? 'IN' : checkin.direction === 'out' ? 'OUT' : 'ADMITTED',
    reason: checkin.reason,
    reason_text: checkin.reason ? REASON_WORDS[checkin.reason] : null,
    detail,
    holder: ticket?.holder.name ?? null,
    ticket_type: ticket?.ticket_type_name ?? null,
    ticket: ticket?._id ?? checkin.ticket,
    first_checkin: first ? { at: first.at.toISOString(), at_text: when(first.at, timeZone), by: first.by } : null,
    at: checkin.at.toISOString(),
    at_text: when(checkin.at, timeZone),
    by: checkin.by,
  };
}
