/**
 * Check-in lists (docs/domain-rules.md#check-in-lists): an event's doors beyond its main one
 * (a VIP lounge, day 2), each limited to some ticket types and optionally a time window. A
 * ticket admits once *per list*; a list that allows re-entry alternates in and out.
 *
 * Every event has a default list that is not stored: it is the ticket's own `valid →
 * checked_in` admission (`domain/checkins.ts`), so scans that name no list behave as before.
 *
 * A ticket's state on a named list is one `checkin_passes` document whose `_id` is
 * `<list>:<ticket>`: the first admission is its insert (the unique `_id` lets one of any
 * number of racers in), and each later re-entry scan flips `inside` by one conditional update
 * on the state it read (`inside` and `moves`), so two racers can never both make the same move.
 * Only the winner of an update moves the list's counters (`admitted`, `inside`), with `$inc`.
 */
import { DuplicateKeyError, type IndexSpec, type Store } from '../store/port.js';
import type { Clock } from '../kernel/clock.js';
import { AppError, notFound } from '../kernel/errors.js';
import { newId } from '../kernel/ids.js';
import { paginate, type Page, type PageParams } from '../store/paginate.js';
import type { EventDoc, Owner } from './events.js';
import { type AuditContext, type AuditLog, changesBetween, createAuditLog } from './audit-log.js';

/** The id every event's default list answers to. */
export const DEFAULT_LIST = 'default';

/** Named lists an event may have: doors and days, not a list per person. */
export const MAX_LISTS = 50;

/** An event's check-in list, with its counters. */
export interface CheckinListDoc {
  _id: string;
  account: string;
  livemode: boolean;
  event: string;
  name: string;
  /** Ticket type ids the list admits; null for every type. */
  ticket_types: string[] | null;
  /** When the list admits: both ends optional, null for always. */
  window: { opens_at: Date | null; closes_at: Date | null } | null;
  /** Whether holders may leave and come back: scans then alternate in and out. */
  reentry: boolean;
  /** Tickets admitted at least once. */
  admitted: number;
  /** Tickets inside now (equal to `admitted` on a list without re-entry). */
  inside: number;
  created_at: Date;
  updated_at: Date;
}

/** One ticket's state on one list. */
export interface CheckinPassDoc {
  /** `<list>:<ticket>`: unique, so a ticket has one pass per list. */
  _id: string;
  account: string;
  list: string;
  event: string;
  ticket: string;
  inside: boolean;
  /** Moves in or out after the first admission: part of every update's condition. */
  moves: number;
  first_at: Date;
  first_by: string;
  /** The accepted scan that admitted it first. */
  first_checkin: string;
  last_at: Date;
  /** When the pass was made (its first admission): the paging order. */
  created_at: Date;
}

export const CHECKIN_LIST_INDEXES: readonly IndexSpec[] = [
  { collection: 'checkin_lists', keys: { event: 1, account: 1, livemode: 1, created_at: 1, _id: 1 } },
  // A list's passes, and who is inside now, newest admission first.
  { collection: 'checkin_passes', keys: { list: 1, created_at: -1, _id: -1 } },
  { collection: 'checkin_passes', keys: { list: 1, inside: 1, created_at: -1, _id: -1 } },
  // A list's own scan log.
  { collection: 'checkins', keys: { list: 1, account: 1, event: 1, created_at: -1, _id: -1 } },
];

/** What an organizer sets on a list. */
export interface CheckinListInput {
  name: string;
  ticket_types?: string[] | null | undefined;
  window?: { opens_at?: Date | null | undefined; closes_at?: Date | null | undefined } | null | undefined;
  reentry?: boolean | undefined;
}

/** Why a list refuses a ticket before its state is looked at, or null when the list may admit it. */
export function listRefusal(list: CheckinListDoc, ticketType: string, at: Date): 'not_on_list' | 'outside_list_window' | null {
  if (list.ticket_types !== null && !list.ticket_types.includes(ticketType)) return 'not_on_list';
  const opens = list.window?.opens_at;
  const closes = list.window?.closes_at;
  if ((opens && at < opens) || (closes && at > closes)) return 'outside_list_window';
  return null;
}

/** The outcome of one scan on a named list. */
export type PassMove =
  | { kind: 'admitted'; pass: CheckinPassDoc; direction: 'in' }
  | { kind: 'moved'; pass: CheckinPassDoc; direction: 'in' | 'out' }
  | { kind: 'already'; pass: CheckinPassDoc };

/**
 * Check-in lists and the passes that record each ticket's state on them.
 *
 * @example
 * const vip = await lists.create(owner, 'evt_…', { name: 'VIP lounge', ticket_types: ['tt_vip'], reentry: true });
 */
export function createCheckinListService({
  store,
  clock,
  eventOf,
  auditLog = createAuditLog({ store, clock }),
}: {
  store: Store;
  clock: Clock;
  /** The owner's event, or null. */
  eventOf: (owner: Owner, id: string) => Promise<EventDoc | null>;
  auditLog?: AuditLog;
}) {
  const lists = store.collection<CheckinListDoc>('checkin_lists');
  const passes = store.collection<CheckinPassDoc>('checkin_passes');
  const figures = store.collection<{ _id: string; checked_in?: number }>('figures');

  async function eventFor(owner: Owner, eventId: string): Promise<EventDoc> {
    const event = await eventOf(owner, eventId);
    if (!event) throw notFound('event', eventId);
    return event;
  }

  /** Checks what an organizer set against the event: known ticket types, a window that opens before it closes. */
  function checked(event: EventDoc, input: Partial<CheckinListInput>): void {
    const issues: Array<{ field: string; message: string }> = [];
    const known = new Set(event.ticket_types.map((t) => t.id));
    input.ticket_types?.forEach((id, i) => {
      if (!known.has(id)) issues.push({ field: `ticket_types.${i}`, message: `is not a ticket type of this event (${id})` });
    });
    const opens = input.window?.opens_at;
    const closes = input.window?.closes_at;
    if (opens && closes && closes <= opens) issues.push({ field: 'window.closes_at', message: 'must be after opens_at' });
    if (issues.length > 0) throw new AppError('VALIDATION_FAILED', 'The check-in list is not valid.', issues);
  }

  const windowOf = (w: CheckinListInput['window']): CheckinListDoc['window'] =>
    w && (w.opens_at || w.closes_at) ? { opens_at: w.opens_at ?? null, closes_at: w.closes_at ?? null } : null;

  /** The default list is the ticket's own admission: there is nothing stored to change. */
  function refuseDefault(listId: string): void {
    if (listId === DEFAULT_LIST) throw new AppError('CONFLICT', 'The default check-in list cannot be changed or deleted.');
  }

  /**
   * The event's default list, as a list: every ticket type, no window, no re-entry, and the
   * event's own check-in counter (docs/domain-rules.md#figures).
   */
  async function defaultList(event: EventDoc): Promise<CheckinListDoc> {
    const totals = await figures.findOne({ _id: event._id });
    const admitted = totals?.checked_in ?? 0;
    return {
      _id: DEFAULT_LIST,
      account: event.account,
      livemode: event.livemode,
      event: event._id,
      name: 'Default',
      ticket_types: null,
      window: null,
      reentry: false,
      admitted,
      inside: admitted,
      created_at: event.created_at,
      updated_at: event.created_at,
    };
  }

  function namedLists(owner: Owner, eventId: string): Promise<CheckinListDoc[]> {
    return lists.find({ event: eventId, account: owner.account, livemode: owner.livemode }, { sort: { created_at: 1, _id: 1 }, limit: MAX_LISTS });
  }

  async function get(owner: Owner, eventId: string, listId: string): Promise<CheckinListDoc> {
    if (listId === DEFAULT_LIST) return defaultList(await eventFor(owner, eventId));
    const list = await lists.findOne({ _id: listId, event: eventId, account: owner.account, livemode: owner.livemode });
    if (!list) throw notFound('check-in list', listId);
    return list;
  }

  return {
    /**
     * An event's lists: the default one first, then the named ones, oldest first.
     * @throws AppError NOT_FOUND for an event of another account or mode
     */
    async list(owner: Owner, eventId: string): Promise<CheckinListDoc[]> {
      const event = await eventFor(owner, eventId);
      return [await defaultList(event), ...(await namedLists(owner, eventId))];
    },

    /** One list of an event (`default` included). @throws AppError NOT_FOUND */
    get,

    /**
     * A new list for an event.
     * @throws AppError VALIDATION_FAILED for a ticket type the event lacks, or a window that closes before it opens
     */
    async create(owner: Owner, eventId: string, input: CheckinListInput, audit?: AuditContext): Promise<CheckinListDoc> {
      const event = await eventFor(owner, eventId);
      checked(event, input);
      if ((await lists.count({ event: eventId, account: owner.account })) >= MAX_LISTS) {
        throw new AppError('CONFLICT', `An event has at most ${MAX_LISTS} check-in lists.`);
      }
      const now = clock.now();
      const doc: CheckinListDoc = {
        _id: newId('chl'),
        account: owner.account,
        livemode: owner.livemode,
        event: eventId,
        name: input.name,
        ticket_types: input.ticket_types ?? null,
        window: windowOf(input.window),
        reentry: input.reentry ?? false,
        admitted: 0,
        inside: 0,
        created_at: now,
        updated_at: now,
      };
      await lists.insertOne(doc);
      if (audit)
        await auditLog.record(audit, {
          action: 'checkin_list.created',
          target: { type: 'checkin_list', id: doc._id },
          changes: changesBetween(null, doc, ['name', 'ticket_types', 'reentry']),
        });
      return doc;
    },

    /**
     * Changes a list's name, ticket types, window or re-entry. Passes already made stay.
     * @throws AppError NOT_FOUND, VALIDATION_FAILED; CONFLICT for the default list
     */
    async update(owner: Owner, eventId: string, listId: string, input: Partial<CheckinListInput>, audit?: AuditContext): Promise<CheckinListDoc> {
      refuseDefault(listId);
      const event = await eventFor(owner, eventId);
      const before = await get(owner, eventId, listId);
      checked(event, input);
      const set: Partial<CheckinListDoc> = { updated_at: clock.now() };
      if (input.name !== undefined) set.name = input.name;
      if (input.ticket_types !== undefined) set.ticket_types = input.ticket_types;
      if (input.window !== undefined) set.window = windowOf(input.window);
      if (input.reentry !== undefined) set.reentry = input.reentry;
      const after = await lists.findOneAndUpdate({ _id: listId }, { $set: set });
      if (!after) throw notFound('check-in list', listId);
      if (audit)
        await auditLog.record(audit, {
          action: 'checkin_list.updated',
          target: { type: 'checkin_list', id: listId },
          changes: changesBetween(before, after, ['name', 'ticket_types', 'reentry']),
        });
      return after;
    },

    /**
     * Deletes a list and the passes made on it; its scans stay in the event's log.
     * @throws AppError NOT_FOUND; CONFLICT for the default list
     */
    async delete(owner: Owner, eventId: string, listId: string, audit?: AuditContext): Promise<CheckinListDoc> {
      refuseDefault(listId);
      const list = await get(owner, eventId, listId);
      await lists.deleteOne({ _id: listId });
      await passes.deleteMany({ list: listId });
      if (audit) await auditLog.record(audit, { action: 'checkin_list.deleted', target: { type: 'checkin_list', id: listId }, changes: changesBetween(list, null, ['name']) });
      return list;
    },

    /**
     * The passes of a list, by ticket id; with `inside`, only the tickets inside now (or outside).
     * @throws AppError NOT_FOUND
     */
    async passes(owner: Owner, eventId: string, listId: string, filter: { inside?: boolean | undefined }, page: PageParams): Promise<Page<CheckinPassDoc>> {
      await get(owner, eventId, listId);
      return paginate(passes, { list: listId, ...(filter.inside === undefined ? {} : { inside: filter.inside }) }, page);
    },

    /**
     * Records one scan of a ticket on a list the caller has judged it may enter: the first
     * admission, a move in or out on a re-entry list, or `already` for a second admission on a
     * list without re-entry. Each is one insert or one conditional update; a racer that loses
     * reads the new state and tries its own move on it, so every scan on a re-entry list is
     * exactly one move and they alternate.
     */
    async move(list: CheckinListDoc, ticket: { _id: string; event: string }, at: Date, by: string, checkinId: string): Promise<PassMove> {
      const id = `${list._id}:${ticket._id}`;
      const pass: CheckinPassDoc = {
        _id: id,
        account: list.account,
        list: list._id,
        event: ticket.event,
        ticket: ticket._id,
        inside: true,
        moves: 0,
        first_at: at,
        first_by: by,
        first_checkin: checkinId,
        last_at: at,
        created_at: at,
      };
      try {
        await passes.insertOne(pass);
        await lists.updateOne({ _id: list._id }, { $inc: { admitted: 1, inside: 1 } });
        return { kind: 'admitted', pass, direction: 'in' };
      } catch (err) {
        if (!(err instanceof DuplicateKeyError)) throw err;
      }
      for (;;) {
        const current = await passes.findOne({ _id: id });
        if (!current) throw new AppError('CONFLICT', 'The check-in list changed while scanning; scan again.');
        if (!list.reentry) return { kind: 'already', pass: current };
        const moved = await passes.findOneAndUpdate(
          { _id: id, inside: current.inside, moves: current.moves },
          { $set: { inside: !current.inside, last_at: at }, $inc: { moves: 1 } },
        );
        if (moved) {
          await lists.updateOne({ _id: list._id }, { $inc: { inside: moved.inside ? 1 : -1 } });
          return { kind: 'moved', pass: moved, direction: moved.inside ? 'in' : 'out' };
        }
      }
    },
  };
}

export type CheckinListService = ReturnType<typeof createCheckinListService>;
