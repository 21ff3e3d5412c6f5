import type { CheckinReason } from '@trendy-tickets/sdk';
import { DuplicateKeyError, type IndexSpec, type Store } from '../store/port.js';
import type { Clock } from '../kernel/clock.js';
import { AppError, notFound } from '../kernel/errors.js';
import type { EventDoc, Owner } from './events.js';
import { countedAs, type FiguresService } from './figures.js';
import { newSortableId } from '../kernel/ids.js';
import { parseTicketCode, type TicketCodes } from './ticket-codes.js';
import type { TicketDoc } from './tickets.js';
import { type AuditChanges, type AuditContext, type AuditLog, createAuditLog } from './audit-log.js';
import { createDomainEvents, domainEventId, type DomainEvents } from './domain-events.js';
import { type CheckinListDoc, type CheckinListService, createCheckinListService, DEFAULT_LIST, listRefusal } from './checkin-lists.js';
import { createCheckinUndo } from './checkin-undo.js';
import { createCheckinLog } from './checkin-log.js';

export { UNDO_CLAIM_MS } from './checkin-undo.js';
export type { ScanLogEntry } from './checkin-log.js';

/** One scan at the door, accepted or not: every scan is kept (docs/domain-rules.md#check-in). */
export interface CheckinDoc {
  _id: string;
  account: string;
  livemode: boolean;
  /** The event the scan was for: the ticket's, or the one the scanner was set to. */
  event: string | null;
  ticket: string | null;
  result: 'accepted' | 'rejected';
  reason: CheckinReason | null;
  /** For `already_checked_in`: when and by whom the ticket was first admitted. */
  first_checkin: { at: Date; by: string | null } | null;
  at: Date;
  /** Who scanned: a console user, a device name, or the API key used. */
  by: string;
  /** The scanner's own id for this scan: a replay returns this scan's answer. */
  nonce: string | null;
  /**
   * `<account>:<nonce>`, present only with a nonce. A single sparse field, because a sparse
   * *compound* index still indexes documents that have any one of its fields (MongoDB and
   * nedb alike), so `(account, nonce)` would make every nonce-less scan of an account collide.
   */
  nonce_key?: string;
  undone_at: Date | null;
  /**
   * Set by an undo before it reopens the ticket and cleared once the scan is marked undone:
   * an undo cut short between the two writes leaves it, for `finishCutUndos` to finish.
   */
  undo_started_at?: Date;
  /** Who started that undo. */
  undo_started_by?: string;
  created_at: Date;
  /** The named check-in list scanned on; absent for the event's default list. */
  list?: string;
  /** On a list with re-entry, whether an accepted scan let the holder in or out. */
  direction?: 'in' | 'out';
}

export const CHECKIN_INDEXES: readonly IndexSpec[] = [
  { collection: 'checkins', keys: { nonce_key: 1 }, unique: true, sparse: true },
  // The scan log, paged newest first by (created_at, _id).
  { collection: 'checkins', keys: { event: 1, account: 1, created_at: -1, _id: -1 } },
  // A ticket's own scans: its history in the console, and the admission an undo reverses.
  { collection: 'checkins', keys: { ticket: 1, account: 1, created_at: -1, _id: -1 } },
  // Undos cut short, for the repair job: only a scan being undone carries the field.
  { collection: 'checkins', keys: { undo_started_at: 1 }, sparse: true },
];

export interface ScanInput {
  /** The QR content (`TTS1.…`) or a typed ticket id (`tkt_…`). */
  code: string;
  /** The event this door admits to; a ticket for another event is `wrong_event`. */
  event?: string | undefined;
  nonce?: string | undefined;
  by: string;
  /**
   * When the scanner made the scan, for one sent late from its offline queue. Taken only
   * within {@link SCAN_TIME_WINDOW} of the clock (no later than now, within its skew); outside
   * it, or absent, the scan is dated now. The ticket is admitted, and judged valid or expired,
   * as of that time.
   */
  at?: Date | undefined;
  /** The check-in list scanned on (`chl_…`); absent or `default` for the event's default list. */
  list?: string | undefined;
}

/**
 * How far a scanner's own time for a scan may be from the server's and still be recorded:
 * up to a day late (a door that was offline for an evening), and a little early (a phone's
 * clock running ahead), which is recorded as now so no scan is dated in the future.
 */
export const SCAN_TIME_WINDOW = { maxAgeMs: 24 * 60 * 60_000, maxSkewMs: 2 * 60_000 } as const;

/** The time a scan is recorded at: the scanner's, when it is believable, else the clock's. */
function scanTime(claimed: Date | undefined, now: Date): Date {
  if (claimed === undefined || Number.isNaN(claimed.getTime())) return now;
  const age = now.getTime() - claimed.getTime();
  if (age > SCAN_TIME_WINDOW.maxAgeMs || age < -SCAN_TIME_WINDOW.maxSkewMs) return now;
  return age < 0 ? now : claimed;
}

export interface ScanOutcome {
  checkin: CheckinDoc;
  ticket: TicketDoc | null;
}

const TICKET_ID = /^tkt_[0-9A-Za-z]{10,40}$/;

/**
 * Door check-in: a ticket admits exactly once, by one conditional update
 * `valid → checked_in`; 100 scanners presenting one ticket at the same instant
 * produce one `accepted` and 99 `already_checked_in` naming the first scan.
 *
 * @example
 * const { checkin } = await checkins.scan(owner, { code, event, by: 'Gate 2' });
 */
export function createCheckinService({
  store,
  clock,
  codes,
  eventOf,
  figures,
  domainEvents = createDomainEvents({ store, clock }),
  auditLog = createAuditLog({ store, clock }),
  lists = createCheckinListService({
    store,
    clock,
    auditLog,
    eventOf: (owner, id) => store.collection<EventDoc>('events').findOne({ _id: id, account: owner.account, livemode: owner.livemode }),
  }),
}: {
  store: Store;
  clock: Clock;
  codes: TicketCodes;
  figures: FiguresService;
  /** Reads the scanned ticket's event; may be a moment stale (a cancellation reaches other servers within the events cache's time). */
  eventOf: (id: string) => Promise<EventDoc | null>;
  /** The events log (default: one over the same store). */
  domainEvents?: DomainEvents;
  /** The audit log (default: one over the same store). */
  auditLog?: AuditLog;
  /** Check-in lists, for scans that name one (default: one over the same store). */
  lists?: CheckinListService;
}) {
  /** A scan's event; a replayed scan records it again, so one cut short by a crash gets it on the retry. */
  const recordScan = (type: 'checkin.created' | 'checkin.deleted', checkin: CheckinDoc, ticket: TicketDoc | null) =>
    domainEvents.record({ type, account: checkin.account, livemode: checkin.livemode, snapshot: { kind: 'checkin', checkin, ticket } });

  const checkins = store.collection<CheckinDoc>('checkins');
  const tickets = store.collection<TicketDoc>('tickets');
  const events = store.collection<EventDoc>('events');
  const checkinLists = store.collection<CheckinListDoc>('checkin_lists');
  const passes = store.collection<{ _id: string; first_checkin: string }>('checkin_passes');

  /** The named list a scan is for, or null for the default list. */
  async function listOf(owner: Owner, input: ScanInput): Promise<CheckinListDoc | null> {
    if (input.list === undefined || input.list === DEFAULT_LIST) return null;
    const list = await checkinLists.findOne({ _id: input.list, account: owner.account, livemode: owner.livemode });
    if (!list) throw notFound('check-in list', input.list);
    if (input.event !== undefined && input.event !== list.event) {
      throw new AppError('VALIDATION_FAILED', 'The check-in list belongs to another event.', [{ field: 'list', message: `is a list of ${list.event}` }]);
    }
    return list;
  }

  /** Finds the ticket a scanned value names, or why none is admissible before looking at state. */
  async function resolveTicket(owner: Owner, code: string): Promise<{ ticket: TicketDoc } | { reason: CheckinReason }> {
    const value = code.trim();
    if (TICKET_ID.test(value)) {
      const ticket = await tickets.findOne({ _id: value, account: owner.account, livemode: owner.livemode });
      return ticket ? { ticket } : { reason: 'not_found' };
    }
    const parsed = parseTicketCode(value);
    if (!parsed) return { reason: 'invalid_code' };
    const ticket = await tickets.findOne({ _id: parsed.ticketId, account: owner.account, livemode: owner.livemode });
    // The code we issued and stored for this ticket is genuine without checking its signature
    // again; anything else must carry a valid signature to be more than an invalid code.
    if (ticket && ticket.code === value) return { ticket };
    if (!(await codes.verify(owner.account, parsed))) return { reason: 'invalid_code' };
    if (!ticket) return { reason: 'not_found' };
    return { reason: 'invalid_code' }; // signed, but not the code this ticket carries
  }

  /** Decides a scan and applies it; the admission itself is the one conditional update. */
  async function decide(
    owner: Owner,
    input: ScanInput,
    now: Date,
    list: CheckinListDoc | null,
    checkinId: string,
  ): Promise<
    Omit<CheckinDoc, '_id' | 'account' | 'livemode' | 'at' | 'by' | 'nonce' | 'undone_at' | 'created_at'> & { ticketDoc: TicketDoc | null; claimed?: boolean; eventDoc?: EventDoc }
  > {
    // Logged under the door's event when the scanner names one: that is whose log staff read.
    const reject = (reason: CheckinReason, ticket: TicketDoc | null, first: CheckinDoc['first_checkin'] = null) => ({
      event: input.event ?? ticket?.event ?? null,
      ticket: ticket?._id ?? null,
      result: 'rejected' as const,
      reason,
      first_checkin: first,
      ticketDoc: ticket,
    });
    const found = await resolveTicket(owner, input.code);
    if ('reason' in found) return reject(found.reason, null);
    const { ticket } = found;
    if (input.event !== undefined && ticket.event !== input.event) return reject('wrong_event', ticket);
    const event = await eventOf(ticket.event);
    if (!event || event.status === 'cancelled') return reject('event_cancelled', ticket);
    if (ticket.status === 'voided') return reject('voided', ticket);
    if (list) return decideOnList(list, ticket, input, now, checkinId, reject);
    if (ticket.status === 'checked_in') return reject('already_checked_in', ticket, { at: ticket.checked_in_at ?? now, by: ticket.checked_in_by });
    if (ticket.valid_from && now < ticket.valid_from) return reject('not_yet_valid', ticket);
    if (ticket.valid_until && now > ticket.valid_until) return reject('expired', ticket);

    const admitted = await admit(owner, ticket, now, input.by);
    if (admitted) {
      return {
        event: ticket.event,
        ticket: ticket._id,
        result: 'accepted',
        reason: null,
        first_checkin: null,
        ticketDoc: admitted.ticket,
        claimed: admitted.claimed,
        eventDoc: event,
      };
    }
    // Another scanner won the race (or the ticket was voided meanwhile): say which.
    const now2 = (await tickets.findOne({ _id: ticket._id })) ?? ticket;
    if (now2.status === 'voided') return reject('voided', now2);
    return reject('already_checked_in', now2, { at: now2.checked_in_at ?? now, by: now2.checked_in_by });
  }

  /**
   * The admission: one conditional update `valid → checked_in`. When the ticket's issue is
   * counted already (`counted: 'valid'`, the usual case), the same update claims the figures'
   * transition (`counted` set to the check-in), so the follow-up only moves counters and no
   * second write to the ticket is waited for (docs/decisions/0048-door-and-issuance-at-a-million.md).
   * The account's figures are marked as moving first, as every claim requires. Otherwise the
   * ticket is left due (`tally_due_at`) for the follow-up to claim as before. `claimed` says which.
   */
  async function admit(owner: Owner, ticket: TicketDoc, now: Date, by: string): Promise<{ ticket: TicketDoc; claimed: boolean } | null> {
    const admission = { status: 'checked_in', checked_in_at: now, checked_in_by: by };
    if (ticket.counted === 'valid') {
      await figures.beforeClaim(owner);
      const claimed = await tickets.findOneAndUpdate(
        { _id: ticket._id, status: 'valid', counted: 'valid' },
        { $set: { ...admission, counted: countedAs({ status: 'checked_in', checked_in_at: now }) } },
      );
      if (claimed) return { ticket: claimed, claimed: true };
    }
    // Not counted yet, or its count moved since it was read: the follow-up claims it.
    const admitted = await tickets.findOneAndUpdate({ _id: ticket._id, status: 'valid' }, { $set: { ...admission, tally_due_at: clock.now() } });
    return admitted ? { ticket: admitted, claimed: false } : null;
  }

  /**
   * A scan on a named list: the list's own ticket types and window, then one move of the
   * ticket's pass (docs/domain-rules.md#check-in-lists). The ticket's own status is left
   * alone: that is the default list's admission.
   */
  async function decideOnList(
    list: CheckinListDoc,
    ticket: TicketDoc,
    input: ScanInput,
    now: Date,
    checkinId: string,
    reject: (
      reason: CheckinReason,
      ticket: TicketDoc | null,
      first?: CheckinDoc['first_checkin'],
    ) => Omit<CheckinDoc, '_id' | 'account' | 'livemode' | 'at' | 'by' | 'nonce' | 'undone_at' | 'created_at'> & { ticketDoc: TicketDoc | null },
  ) {
    if (ticket.valid_from && now < ticket.valid_from) return reject('not_yet_valid', ticket);
    if (ticket.valid_until && now > ticket.valid_until) return reject('expired', ticket);
    const refusal = listRefusal(list, ticket.ticket_type, now);
    if (refusal) return reject(refusal, ticket);
    const move = await lists.move(list, ticket, now, input.by, checkinId);
    if (move.kind === 'already') return reject('already_checked_in', ticket, { at: move.pass.first_at, by: move.pass.first_by });
    return {
      event: ticket.event,
      ticket: ticket._id,
      result: 'accepted' as const,
      reason: null,
      first_checkin: null,
      ticketDoc: ticket,
      direction: list.reentry ? move.direction : undefined,
    };
  }

  /**
   * The figures' follow-up of an admission, with the ticket's event as the door read it (no
   * read of its own). An admission that claimed its transition only moves the counters, in
   * the apply its account shares with the other follow-ups of this turn; called before the
   * scan's other writes, so the counters can share their commit.
   */
  function settleScan(ticket: TicketDoc, claimed: boolean, event: EventDoc | undefined): Promise<void> {
    if (claimed) return figures.settleClaimed([{ ticket, from: 'valid' }], event ? [event] : []);
    return figures.settle(ticket, event);
  }

  async function loadTicket(id: string | null): Promise<TicketDoc | null> {
    return id ? tickets.findOne({ _id: id }) : null;
  }

  const undoing = createCheckinUndo({ checkins, tickets, checkinLists, passes, clock, figures, auditLog, recordScan, loadTicket });

  const reading = createCheckinLog({ checkins, tickets, events });

  return {
    /**
     * Scans a ticket. `audit` names who scanned, for the audit log: an admission (and only an
     * admission, once) is recorded with one insert and no read, so the door stays fast.
     */
    async scan(owner: Owner, input: ScanInput, audit?: AuditContext): Promise<ScanOutcome> {
      const nonceKey = input.nonce === undefined ? undefined : `${owner.account}:${input.nonce}`;
      if (nonceKey !== undefined) {
        const replay = await checkins.findOne({ nonce_key: nonceKey });
        if (replay) {
          const ticket = await loadTicket(replay.ticket);
          await recordScan('checkin.created', replay, ticket);
          return { checkin: replay, ticket };
        }
      }
      const list = await listOf(owner, input);
      const now = clock.now();
      const at = scanTime(input.at, now);
      const id = newSortableId('chk');
      const { ticketDoc, direction, claimed = false, eventDoc, ...decision } = await decide(owner, { ...input, event: input.event ?? list?.event }, at, list, id);
      // A list scan leaves the ticket's own state, and so the event's figures, alone.
      const settles = list === null && decision.result === 'accepted';
      const checkin: CheckinDoc = {
        _id: id,
        account: owner.account,
        livemode: owner.livemode,
        ...decision,
        ...(list ? { list: list._id } : {}),
        ...(direction ? { direction } : {}),
        at,
        by: input.by,
        nonce: input.nonce ?? null,
        ...(nonceKey === undefined ? {} : { nonce_key: nonceKey }),
        undone_at: null,
        created_at: now,
      };
      // The figures' follow-up starts with the log entry rather than after it: the writes are
      // independent, and sent together they share commits (docs/decisions/0037-write-paths.md).
      const settled = settles && ticketDoc ? settleScan(ticketDoc, claimed, eventDoc) : Promise.resolve();
      // Awaited below on every path; this only keeps a failure from counting as unhandled meanwhile.
      settled.catch(() => undefined);
      /** The scan's event and, for an admission, its audit entry: only for a scan whose log entry is (or will be) stored. */
      const entries = (): Promise<unknown> => {
        const logged = recordScan('checkin.created', checkin, ticketDoc);
        if (!audit || checkin.result !== 'accepted' || !ticketDoc) return logged;
        // A list scan leaves the ticket's status alone: its entry names the list and the move instead.
        const effect: AuditChanges = list
          ? { list: { before: null, after: list._id }, ...(direction ? { direction: { before: null, after: direction } } : {}) }
          : { status: { before: 'valid', after: 'checked_in' } };
        const audited = auditLog.record(audit, {
          action: 'checkin.admitted',
          target: { type: 'checkin', id: checkin._id },
          changes: { ticket: { before: null, after: ticketDoc._id }, event: { before: null, after: ticketDoc.event }, ...effect },
          domainEvent: domainEventId(checkin._id, 'checkin.created'),
        });
        return Promise.all([logged, audited]);
      };
      if (nonceKey === undefined) {
        // Without a nonce the log entry's only key is its new id, so its insert cannot lose a
        // race: the scan's event and audit entry go out with it and share its commit, one round
        // fewer (docs/decisions/0052-coalesced-figure-follow-ups.md).
        await Promise.all([checkins.insertOne(checkin), entries(), settled]);
        return { checkin, ticket: ticketDoc };
      }
      try {
        await checkins.insertOne(checkin);
      } catch (err) {
        // The same nonce raced in twice: the first one stored is the answer for both.
        await settled;
        if (!(err instanceof DuplicateKeyError) || nonceKey === undefined) throw err;
        const first = await checkins.findOne({ nonce_key: nonceKey });
        if (!first) throw err;
        const firstTicket = await loadTicket(first.ticket);
        await recordScan('checkin.created', first, firstTicket);
        return { checkin: first, ticket: firstTicket };
      }
      // With a nonce, only after the log entry is stored: a scan that lost the nonce's race
      // answers with the first one's, and must leave no event or audit entry of its own.
      await Promise.all([entries(), settled]);
      return { checkin, ticket: ticketDoc };
    },

    undo: undoing.undo,
    finishCutUndos: undoing.finishCutUndos,

    listForTicket: reading.listForTicket,
    admissionOf: reading.admissionOf,
    eventOfScan: reading.eventOfScan,
    list: reading.list,
    log: reading.log,
  };
}

export type CheckinService = ReturnType<typeof createCheckinService>;
