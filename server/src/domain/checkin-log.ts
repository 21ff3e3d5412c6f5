/**
 * Reading the scans at the door: an event's scan log, a ticket's own scans, and the admission
 * an undo would take. Every scan is kept, accepted or not (docs/domain-rules.md#check-in).
 */
import { paginate, type Page, type PageParams } from '../store/paginate.js';
import { op, type Collection } from '../store/port.js';
import { notFound } from '../kernel/errors.js';
import type { EventDoc, Owner } from './events.js';
import type { TicketDoc } from './tickets.js';
import { DEFAULT_LIST } from './checkin-lists.js';
import type { CheckinDoc } from './checkins.js';

/** One line of an event's scan log: the scan, and the ticket it was for (null for a code that matched none). */
export interface ScanLogEntry {
  checkin: CheckinDoc;
  ticket: TicketDoc | null;
}

/** The collections the scan reads go through. */
export interface CheckinLogDeps {
  checkins: Collection<CheckinDoc>;
  tickets: Collection<TicketDoc>;
  events: Collection<EventDoc>;
}

/**
 * The reads of the check-in service: scan logs and a ticket's scans.
 *
 * @example
 * const reading = createCheckinLog({ checkins, tickets, events });
 * const page = await reading.log(owner, 'evt_…', { limit: 50 });
 */
export function createCheckinLog({ checkins, tickets, events }: CheckinLogDeps) {
  async function list(owner: Owner, eventId: string, page: PageParams, filter: { list?: string | undefined } = {}): Promise<Page<CheckinDoc>> {
    const event = await events.findOne({ _id: eventId, account: owner.account, livemode: owner.livemode });
    if (!event) throw notFound('event', eventId);
    return paginate(
      checkins,
      { account: owner.account, event: eventId, ...(filter.list === undefined ? {} : { list: filter.list === DEFAULT_LIST ? op.exists(false) : filter.list }) },
      page,
    );
  }

  return {
    /**
     * A ticket's scans, newest first (at most `limit`).
     * @throws AppError NOT_FOUND for a ticket of another account or mode
     *
     * @example
     * const history = await checkins.listForTicket(owner, 'tkt_…', 20);
     */
    async listForTicket(owner: Owner, ticketId: string, limit: number): Promise<CheckinDoc[]> {
      const ticket = await tickets.findOne({ _id: ticketId, account: owner.account, livemode: owner.livemode });
      if (!ticket) throw notFound('ticket', ticketId);
      return checkins.find({ ticket: ticketId, account: owner.account }, { sort: { created_at: -1, _id: -1 }, limit });
    },

    /**
     * The accepted scan that admitted a ticket that is checked in now: the one `undo` takes.
     * Null when the ticket is not checked in.
     * @throws AppError NOT_FOUND for a ticket of another account or mode
     *
     * @example
     * const admission = await checkins.admissionOf(owner, 'tkt_…');
     * if (admission) await checkins.undo(owner, admission._id, 'Box office');
     */
    async admissionOf(owner: Owner, ticketId: string): Promise<CheckinDoc | null> {
      const ticket = await tickets.findOne({ _id: ticketId, account: owner.account, livemode: owner.livemode });
      if (!ticket) throw notFound('ticket', ticketId);
      if (ticket.status !== 'checked_in' || !ticket.checked_in_at) return null;
      return checkins.findOne({ ticket: ticketId, account: owner.account, result: 'accepted', undone_at: null, at: ticket.checked_in_at });
    },

    /**
     * The event a scan was for (null for an unknown scan): what the permission guard reads
     * before a door member, limited to their events, undoes a scan.
     */
    async eventOfScan(id: string): Promise<string | null> {
      return (await checkins.findOne({ _id: id }))?.event ?? null;
    },

    /** An event's scan log, newest first. */
    list,

    /**
     * An event's scan log with each scan's ticket, newest first, read in two queries: what the
     * API's scan list and the console's event and scanner pages show.
     * @throws AppError NOT_FOUND for an event of another account or mode
     */
    async log(owner: Owner, eventId: string, page: PageParams, filter: { list?: string | undefined } = {}): Promise<Page<ScanLogEntry>> {
      const scans = await list(owner, eventId, page, filter);
      const ids = [...new Set(scans.data.flatMap((chk) => (chk.ticket ? [chk.ticket] : [])))];
      const found = new Map(ids.length === 0 ? [] : (await tickets.find({ _id: op.in(ids) })).map((t) => [t._id, t]));
      return { ...scans, data: scans.data.map((checkin) => ({ checkin, ticket: checkin.ticket ? (found.get(checkin.ticket) ?? null) : null })) };
    },
  };
}
