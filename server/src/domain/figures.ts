/**
 * Figures kept as counters (docs/domain-rules.md#figures, decision 0018): what an organizer's
 * stats, door counts and dashboard show, read in O(events shown), never by scanning tickets.
 *
 * Two collections:
 *
 * - `figures`: one document per event (`_id` is the event) and one per account and mode
 *   (`_id` is `<account>:<test|live>`): `tickets`, `revenue`, `checked_in`, and per ticket type
 *   for events.
 * - `figure_days`: one document per scope, time zone and day (`<scope>:<zone>:<date>`),
 *   upserted with `$inc`: `tickets` and `revenue` sold that day, `checkins` that day, and
 *   `hours.<HH>` check-ins by local hour. Events keep their days in their own zone; accounts
 *   in each zone their dashboard is read in.
 *
 * Each ticket says what the figures count it as (`counted`): nothing, `valid`, or
 * `checked_in:<when>`. A ticket's change of state sets `tally_due_at` in the same update
 * (one document, atomic). The follow-up {@link FiguresService.settle} then claims the
 * transition, `counted: old → new` in one conditional update, so of any racers (the request,
 * the sweeper) exactly one moves the counters, and then applies the difference with `$inc`.
 * A crash before the claim leaves `tally_due_at` for the sweeper; the short window between
 * the claim and the `$inc` is closed by the periodic recount, which compares the counters
 * with what the tickets say they count and repairs the drift.
 */
import { op, type Collection, type IndexSpec, type Store } from '../store/port.js';
import type { Clock } from '../kernel/clock.js';
import { DEFAULT_TIMEZONE, type EventDoc, type Owner } from './events.js';
import type { TicketDoc } from './tickets.js';
import type { OrderDoc } from './orders.js';
import {
  accountScope,
  contribute,
  countedAs,
  DASHBOARD_TIMEZONE,
  eventZone,
  Tally,
  type FigureDayDoc,
  type FiguresDoc,
  type Target,
  type ZonedEvent,
  type Zones,
} from './figures-tally.js';
import { createFiguresApply, type TallyPart } from './figures-apply.js';
import { createFiguresRecount } from './figures-recount.js';

export {
  accountScope,
  campaignKey,
  contribute,
  countedAs,
  DASHBOARD_TIMEZONE,
  eventZone,
  moneyFigures,
  Tally,
  type FigureDayDoc,
  type FiguresDoc,
  type TypeFigures,
  type ZonedEvent,
  type Zones,
} from './figures-tally.js';
export { MOVING_FRESH_MS } from './figures-apply.js';
export {
  RECOUNT_EVERY_MS,
  RECOUNT_PAGE_SIZE,
  RECOUNT_QUIET_MS,
  SETTLE_GRACE_MS,
  yieldToEventLoop,
  type Drift,
  type RepairReport,
} from './figures-recount.js';

export const FIGURES_INDEXES: readonly IndexSpec[] = [
  { collection: 'figure_days', keys: { scope: 1, zone: 1, date: 1 } },
  { collection: 'figure_days', keys: { account: 1, livemode: 1 } },
  { collection: 'figures', keys: { account: 1, livemode: 1, kind: 1 } },
  // The recount visits accounts least recently recounted first.
  { collection: 'figures', keys: { kind: 1, recounted_at: 1 } },
  // Transitions whose follow-up has not run (only those carry the field). Not sparse: the
  // embedded store (nedb 4.1.2) finds nothing by a range over a sparse index.
  { collection: 'tickets', keys: { tally_due_at: 1 } },
  // The recount pages over an account's tickets.
  { collection: 'tickets', keys: { account: 1, livemode: 1, created_at: -1, _id: -1 } },
];

/** The ports the figures read and write through. */
export interface FiguresDeps {
  store: Store;
  clock: Clock;
}

/**
 * Keeps and reads the counters.
 *
 * @example
 * const figures = createFiguresService({ store, clock });
 * await figures.settle(ticket); // after any write that changed a ticket's state
 * const totals = await figures.event('evt_…');
 */
export function createFiguresService({ store, clock }: FiguresDeps) {
  const figures: Collection<FiguresDoc> = store.collection<FiguresDoc>('figures');
  const days: Collection<FigureDayDoc> = store.collection<FigureDayDoc>('figure_days');
  const tickets = store.collection<TicketDoc>('tickets');
  const events = store.collection<EventDoc>('events');
  const orders = store.collection<OrderDoc>('orders');
  const { write, touchAccount, markMoving, applyShared } = createFiguresApply({ figures, days, clock });

  /**
   * Claims one ticket's transition (`counted` old → new, one conditional update) and adds the
   * difference to `tally`. Idempotent: a transition already claimed by another caller is not
   * counted again.
   */
  async function claim(given: TicketDoc, tally: Tally, zones: Zones): Promise<void> {
    let ticket: TicketDoc | null = given;
    for (let attempt = 0; attempt < 5 && ticket; attempt++) {
      const to = countedAs(ticket);
      const claimed = await tickets.findOneAndUpdate(
        { _id: ticket._id, counted: ticket.counted ?? null, status: ticket.status, checked_in_at: ticket.checked_in_at },
        { $set: { counted: to }, $unset: { tally_due_at: '' } },
      );
      if (claimed) {
        contribute(tally, ticket, ticket.counted, -1, zones);
        contribute(tally, ticket, to, 1, zones);
        return;
      }
      // Changed meanwhile: look again; whoever changed it settles its own transition too.
      ticket = await tickets.findOne({ _id: ticket._id });
      if (ticket && ticket.tally_due_at === undefined && ticket.counted === countedAs(ticket)) return;
    }
  }

  /**
   * The follow-up of tickets' changes of state (all of one account and mode): claims each
   * transition, then moves every counter once by the sum of their differences, so an order of
   * ten tickets costs ten claims and one write per counter document, not ten of each.
   *
   * The claims go out together, and so do the counter writes (the account's last): each is
   * its own conditional update, so their order does not matter, and on the embedded store
   * writes sent in one turn share one commit, so a sale or a scan waits for a few commits
   * instead of one per write (docs/decisions/0037-write-paths.md). `known` are events the
   * caller holds, whose zone need not be read again.
   */
  async function settleMany(list: readonly TicketDoc[], known: readonly ZonedEvent[] = []): Promise<void> {
    const first = list[0];
    if (!first) return;
    const accountZones = await markMoving(first);
    const zoneOf = await zonesOf(list, known);
    const tally = new Tally();
    await Promise.all(list.map((ticket) => claim(ticket, tally, { event: zoneOf.get(ticket.event) ?? DEFAULT_TIMEZONE, account: accountZones })));
    // The bump after the claims rides on the account's own totals when they move (one write fewer per scan or sale).
    await applyShared(first, Promise.resolve({ tally, zoneOf }));
  }

  /** The zone of each ticket's event: the caller's events first, the rest read at once. */
  async function zonesOf(list: readonly TicketDoc[], known: readonly ZonedEvent[]): Promise<Map<string, string>> {
    const zoneOf = new Map<string, string>(known.map((event) => [event._id, eventZone(event)]));
    const missing = [...new Set(list.map((ticket) => ticket.event))].filter((id) => !zoneOf.has(id));
    if (missing.length > 0) for (const event of await events.find({ _id: op.in(missing) })) zoneOf.set(event._id, eventZone(event));
    return zoneOf;
  }

  /** The follow-up of one ticket's change of state (see {@link settleMany}); `event` is its event, when the caller has it. */
  const settle = (ticket: TicketDoc, event?: ZonedEvent): Promise<void> => settleMany([ticket], event ? [event] : []);

  /** Settles an order's tickets together (one account and mode), each counter written once; `known` as for {@link settleMany}. */
  async function settleAll(list: readonly TicketDoc[], known: readonly ZonedEvent[] = []): Promise<void> {
    const byOwner = new Map<string, TicketDoc[]>();
    for (const ticket of list) {
      const scope = accountScope(ticket);
      byOwner.set(scope, [...(byOwner.get(scope) ?? []), ticket]);
    }
    for (const group of byOwner.values()) await settleMany(group, known);
  }

  const recounting = createFiguresRecount({ figures, days, tickets, events, orders, clock, write, settleAll });

  /** The zones an account's dashboard days are kept in. */
  async function accountZones(owner: Owner): Promise<string[]> {
    return (await figures.findOne({ _id: accountScope(owner) }))?.zones ?? [DASHBOARD_TIMEZONE];
  }

  return {
    settle,

    /**
     * Marks an account's figures as moving before a write that claims its own transition
     * ({@link settleClaimed}); cheap while they moved lately. Returns nothing to keep: call it
     * and await it before that write.
     */
    async beforeClaim(owner: Owner): Promise<void> {
      await markMoving(owner);
    },

    /**
     * The follow-up of writes that claimed their transitions themselves: an admission that set
     * `counted` with the ticket's status, tickets inserted already counted `valid`. Each
     * `ticket` is as that write stored it; the counters move by its difference from `from`
     * (what it counted as before: null for a new ticket) to its `counted`, without claiming
     * again (a later change has a claim of its own, from that `counted`). Only the caller whose write
     * stored the transition may call it, once, after {@link beforeClaim}. A crash before it
     * ends leaves the counters short, which the recount repairs; it can never count twice.
     * The difference joins the account's shared apply of this turn: the promise resolves when
     * that apply is stored, and rejects when it fails (the recount then adds what it missed).
     */
    async settleClaimed(claimed: ReadonlyArray<{ ticket: TicketDoc; from: string | null }>, known: readonly ZonedEvent[] = []): Promise<void> {
      const first = claimed[0]?.ticket;
      if (!first) return;
      // Joins the turn's shared apply before its first await, so the apply is scheduled ahead of the caller's next writes.
      const part = (async (): Promise<TallyPart> => {
        const accountZones = await markMoving(first);
        const zoneOf = await zonesOf(
          claimed.map((c) => c.ticket),
          known,
        );
        const tally = new Tally();
        for (const { ticket, from } of claimed) {
          const zones = { event: zoneOf.get(ticket.event) ?? DEFAULT_TIMEZONE, account: accountZones };
          contribute(tally, ticket, from, -1, zones);
          contribute(tally, ticket, ticket.counted, 1, zones);
        }
        return { tally, zoneOf };
      })();
      return applyShared(first, part);
    },

    /**
     * Marks an account's figures as moving before an order's refund counters move, so a
     * recount running meanwhile stands aside instead of counting the order ahead of the figures.
     */
    async refundsMoving(owner: Owner): Promise<void> {
      await touchAccount(owner);
    },

    /**
     * Counts paise given back (or, negative, takes them back) by refunds of an amount, and the
     * GST their credit notes reversed beyond the voided tickets' (`tax`), on the event's and the
     * account's figures. Call `refundsMoving` before moving the order's counters.
     */
    async addRefunded(owner: Owner, eventId: string, paise: number, tax = 0): Promise<void> {
      const inc = { ...(paise === 0 ? {} : { refunded: paise }), ...(tax === 0 ? {} : { refunded_tax: tax }) };
      if (Object.keys(inc).length === 0) return;
      await figures.updateOne({ _id: eventId }, { $inc: inc });
      await figures.updateOne({ _id: accountScope(owner) }, { $inc: { ...inc, seq: 1 }, $set: { updated_at: clock.now() } });
    },

    settleAll,

    /** An event's totals (zeros before its first ticket). */
    async event(eventId: string): Promise<FiguresDoc | null> {
      return figures.findOne({ _id: eventId });
    },

    /** Several events' totals by id. */
    async events(eventIds: readonly string[]): Promise<FiguresDoc[]> {
      if (eventIds.length === 0) return [];
      // By id alone: with the kind in the filter SQLite walks the kind's index, every event's figures.
      return (await figures.find({ _id: op.in([...eventIds]) })).filter((doc) => doc.kind === 'event');
    },

    /** An account's totals in one mode. */
    async account(owner: Owner): Promise<FiguresDoc | null> {
      return figures.findOne({ _id: accountScope(owner) });
    },

    /**
     * An event's days in its zone, oldest first. Days in a zone the event no longer has (its
     * zone was changed) are rebuilt from its tickets first, once.
     */
    async eventDays(event: EventDoc): Promise<FigureDayDoc[]> {
      const zone = eventZone(event);
      const totals = await figures.findOne({ _id: event._id });
      if (totals && totals.days_zone !== zone) {
        const owner = { account: event.account, livemode: event.livemode };
        await figures.updateOne({ _id: event._id }, { $set: { days_zone: zone } });
        await recounting.reconcile(owner, { event: event._id }, (collection, _id, set) => collection === 'figure_days' && set.scope === event._id, {
          account: [],
          event: () => zone,
        });
      }
      return days.find({ scope: event._id, zone }, { sort: { date: 1 } });
    },

    /**
     * An account's days in `zone` from `from` (a `YYYY-MM-DD`) on. A zone not kept yet is
     * added, and its days built once from the account's tickets.
     */
    async accountDays(owner: Owner, zone: string, from: string): Promise<FigureDayDoc[]> {
      const scope = accountScope(owner);
      const zones = await accountZones(owner);
      if (!zones.includes(zone)) {
        // Follow-ups bucket in the new zone from now on; the rebuild adds what came before.
        const identity = { kind: 'account', account: owner.account, livemode: owner.livemode };
        await figures.updateOne({ _id: scope }, { $set: { ...identity, zones: [...zones, zone] } }, { upsert: true });
        const mine = (collection: Target['collection'], _id: string, set: Record<string, unknown>) => collection === 'figure_days' && set.scope === scope && set.zone === zone;
        await recounting.reconcile(owner, { account: owner.account, livemode: owner.livemode }, mine, { account: [zone] });
      }
      return days.find({ scope, zone, date: op.gte(from) }, { sort: { date: 1 } });
    },
    recount: recounting.recount,
    accountsToRecount: recounting.accountsToRecount,
    settleOverdue: recounting.settleOverdue,
    repair: recounting.repair,
    scheduleUncounted: recounting.scheduleUncounted,
  };
}

export type FiguresService = ReturnType<typeof createFiguresService>;
