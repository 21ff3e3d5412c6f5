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
import { op, type Collection, type Filter, type IndexSpec, type Store } from '../store/port.js';
import type { Clock } from '../kernel/clock.js';
import { DEFAULT_TIMEZONE, type EventDoc, type Owner } from './events.js';
import type { TicketDoc } from './tickets.js';
import type { OrderDoc } from './orders.js';
import { olderThan } from '../store/paginate.js';
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

/** Tickets read per page when figures are recounted; the loop yields to other requests between pages. */
export const RECOUNT_PAGE_SIZE = 500;
/** A recount leaves an account alone while its figures moved this recently: a follow-up may be in flight. */
export const RECOUNT_QUIET_MS = 2 * 60_000;
/**
 * An account is recounted at most this often. The recount reads every ticket of the account:
 * at a million tickets, seconds of CPU taken from every request while it runs, so the job
 * visiting each minute would slow the server for good. Drift only comes from a crash between
 * two writes or a hand edit, and crashes are settled within a minute by the due follow-ups.
 */
export const RECOUNT_EVERY_MS = 60 * 60_000;
/** A transition not settled after this long is settled by the sweeper (its request died, or is slow). */
export const SETTLE_GRACE_MS = 30_000;

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

/** Numeric leaves of a figures document by dot path, bookkeeping fields left out. */
function numbers(doc: object, prefix = '', out: Record<string, number> = {}): Record<string, number> {
  for (const [key, value] of Object.entries(doc)) {
    if (prefix === '' && (key === 'seq' || key === '_id')) continue;
    if (typeof value === 'number') out[`${prefix}${key}`] = value;
    else if (value && typeof value === 'object' && !(value instanceof Date) && !Array.isArray(value)) numbers(value, `${prefix}${key}.`, out);
  }
  return out;
}

/** Lets other requests run between pages of a long read (one page must not hold the CPU for long). */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** One figure a recount found wrong, and what it set it to. */
export interface Drift {
  collection: 'figures' | 'figure_days';
  id: string;
  field: string;
  was: number;
  now: number;
}

/** What one repair round did. */
export interface RepairReport {
  /** Transitions settled by the sweeper rather than by their own request. */
  settled: number;
  recounted: number;
  /** Accounts left for a later round because their figures were moving. */
  busy: number;
  drifts: Array<Drift & Owner>;
}

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

  /**
   * Rebuilds figures from the tickets, paging and yielding, and moves each counter that
   * disagrees by the difference. `source` picks the tickets, `keep` the documents compared.
   */
  async function reconcile(
    owner: Owner,
    source: Filter,
    keep: (collection: Target['collection'], id: string, set: Record<string, unknown>) => boolean,
    zones: { account: readonly string[]; event?: (eventId: string) => string | undefined },
    stillQuiet: () => Promise<boolean> = async () => true,
    orderCounters = false,
  ): Promise<Drift[] | null> {
    const want = new Tally();
    if (orderCounters) await countRefunds(owner, want);
    const zoneOf = new Map<string, string>();
    let cursor: { created_at: Date; _id: string } | undefined;
    for (;;) {
      const page = await tickets.find(cursor === undefined ? source : { $and: [source, olderThan(cursor.created_at, cursor._id)] }, {
        sort: { created_at: -1, _id: -1 },
        limit: RECOUNT_PAGE_SIZE,
      });
      const missing = [...new Set(page.map((t) => t.event).filter((id) => !zoneOf.has(id)))];
      if (missing.length > 0) {
        for (const e of await events.find({ _id: op.in(missing) })) zoneOf.set(e._id, zones.event?.(e._id) ?? eventZone(e));
      }
      for (const ticket of page) {
        contribute(want, ticket, ticket.counted, 1, { event: zoneOf.get(ticket.event) ?? DEFAULT_TIMEZONE, account: zones.account });
      }
      const last = page.at(-1);
      if (!last || page.length < RECOUNT_PAGE_SIZE) break;
      cursor = { created_at: last.created_at, _id: last._id };
      await yieldToEventLoop();
    }
    const mine = { account: owner.account, livemode: owner.livemode };
    const [haveTotals, haveDays] = await Promise.all([figures.find(mine), days.find(mine)]);
    const fix = new Tally();
    const drifts: Drift[] = [];
    const seen = new Set<string>();
    const compare = (collection: Target['collection'], id: string, set: Record<string, unknown>, wanted: Record<string, number>, have: Record<string, number>) => {
      if (!keep(collection, id, set)) return;
      seen.add(`${collection}|${id}`);
      for (const field of new Set([...Object.keys(wanted), ...Object.keys(have)])) {
        const diff = (wanted[field] ?? 0) - (have[field] ?? 0);
        if (diff === 0) continue;
        fix.add(collection, id, set, field, diff);
        drifts.push({ collection, id, field, was: have[field] ?? 0, now: wanted[field] ?? 0 });
      }
    };
    const haveOf = new Map<string, Record<string, number>>();
    for (const doc of haveTotals) haveOf.set(`figures|${doc._id}`, numbers(doc));
    for (const doc of haveDays) haveOf.set(`figure_days|${doc._id}`, numbers(doc));
    for (const target of want.targets.values()) {
      compare(target.collection, target.id, target.set, target.inc, haveOf.get(`${target.collection}|${target.id}`) ?? {});
    }
    for (const doc of haveTotals) {
      if (!seen.has(`figures|${doc._id}`)) compare('figures', doc._id, { kind: doc.kind, ...mine }, {}, numbers(doc));
    }
    for (const doc of haveDays) {
      if (!seen.has(`figure_days|${doc._id}`)) {
        compare('figure_days', doc._id, { scope: doc.scope, ...mine, zone: doc.zone, date: doc.date }, {}, numbers(doc));
      }
    }
    if (!(await stillQuiet())) return null;
    await write(fix.nonZero());
    return drifts;
  }

  /**
   * What refunds of an account's orders count apart from their tickets (`refunded`,
   * `refunded_tax`), as the orders record it: the order's counter moves in the same update that
   * applies the refund, the figures' after it, so the orders are the truth the recount restores.
   */
  async function countRefunds(owner: Owner, want: Tally): Promise<void> {
    const source = { account: owner.account, livemode: owner.livemode, refunds_applied: op.exists(true) };
    let cursor: { created_at: Date; _id: string } | undefined;
    for (;;) {
      const page = await orders.find(cursor === undefined ? source : { $and: [source, olderThan(cursor.created_at, cursor._id)] }, {
        sort: { created_at: -1, _id: -1 },
        limit: RECOUNT_PAGE_SIZE,
      });
      const scope = accountScope(owner);
      for (const order of page) {
        const counted = { refunded: order.refund_counted_amount ?? 0, refunded_tax: order.refund_counted_tax ?? 0 };
        for (const [path, n] of Object.entries(counted)) {
          want.add('figures', order.event, { kind: 'event', ...owner }, path, n);
          want.add('figures', scope, { kind: 'account', ...owner }, path, n);
        }
      }
      const last = page.at(-1);
      if (!last || page.length < RECOUNT_PAGE_SIZE) return;
      cursor = { created_at: last.created_at, _id: last._id };
      await yieldToEventLoop();
    }
  }

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

    /** Settles an order's tickets together (one account and mode), each counter written once; `known` as for {@link settleMany}. */
    async settleAll(list: readonly TicketDoc[], known: readonly ZonedEvent[] = []): Promise<void> {
      const byOwner = new Map<string, TicketDoc[]>();
      for (const ticket of list) {
        const scope = accountScope(ticket);
        byOwner.set(scope, [...(byOwner.get(scope) ?? []), ticket]);
      }
      for (const group of byOwner.values()) await settleMany(group, known);
    },

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
        await reconcile(owner, { event: event._id }, (collection, _id, set) => collection === 'figure_days' && set.scope === event._id, {
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
        await reconcile(owner, { account: owner.account, livemode: owner.livemode }, mine, { account: [zone] });
      }
      return days.find({ scope, zone, date: op.gte(from) }, { sort: { date: 1 } });
    },

    /**
     * Recounts an account's figures from its tickets and repairs what drifted. Leaves the
     * account alone (`busy`) while follow-ups move its figures: it would count a transition
     * whose counters are about to move. Returns what it fixed.
     */
    async recount(owner: Owner): Promise<{ busy: boolean; drifts: Drift[] }> {
      const scope = accountScope(owner);
      const before = await figures.findOne({ _id: scope });
      const now = clock.now();
      // Stamped busy or not, so the rounds move on to other accounts instead of waiting on a busy one.
      const visited = () => figures.updateOne({ _id: scope }, { $set: { kind: 'account', account: owner.account, livemode: owner.livemode, recounted_at: now } }, { upsert: true });
      if (before?.updated_at && now.getTime() - before.updated_at.getTime() < RECOUNT_QUIET_MS) {
        await visited();
        return { busy: true, drifts: [] };
      }
      const zones = before?.zones ?? [DASHBOARD_TIMEZONE];
      const seq = before?.seq ?? 0;
      // Any follow-up that began since `before` bumped `seq`: then the tickets read may be ahead of the counters.
      const stillQuiet = async () => ((await figures.findOne({ _id: scope }))?.seq ?? 0) === seq;
      const drifts = await reconcile(owner, { account: owner.account, livemode: owner.livemode }, () => true, { account: zones }, stillQuiet, true);
      await visited();
      if (drifts === null) return { busy: true, drifts: [] };
      await figures.updateOne({ _id: scope }, { $set: { recount_done_at: now } });
      return { busy: false, drifts };
    },

    /** Accounts (with mode) not recounted for {@link RECOUNT_EVERY_MS}, least recently recounted first. */
    async accountsToRecount(limit: number): Promise<Owner[]> {
      const due = clock.now().getTime() - RECOUNT_EVERY_MS;
      const docs = await figures.find({ kind: 'account' }, { sort: { recounted_at: 1 }, limit });
      // A busy visit stamps `recounted_at` only, so a busy account is tried again next round.
      return docs.filter((d) => d.recount_done_at === undefined || d.recount_done_at.getTime() <= due).map((d) => ({ account: d.account, livemode: d.livemode }));
    },

    /** Tickets whose follow-up has not run within {@link SETTLE_GRACE_MS}, settled now. */
    async settleOverdue(limit: number): Promise<number> {
      const before = new Date(clock.now().getTime() - SETTLE_GRACE_MS);
      const due = await tickets.find({ tally_due_at: op.lte(before) }, { sort: { tally_due_at: 1 }, limit });
      await this.settleAll(due);
      return due.length;
    },

    /**
     * One round of the repair job: settles overdue transitions, then recounts the accounts
     * recounted longest ago. Returns what it fixed, for the job's log.
     */
    async repair({ settleLimit = 500, accounts = 5 } = {}): Promise<RepairReport> {
      const settled = await this.settleOverdue(settleLimit);
      const report: RepairReport = { settled, recounted: 0, busy: 0, drifts: [] };
      for (const owner of await this.accountsToRecount(accounts)) {
        const { busy, drifts } = await this.recount(owner);
        if (busy) report.busy += 1;
        else report.recounted += 1;
        report.drifts.push(...drifts.map((d) => ({ ...d, account: owner.account, livemode: owner.livemode })));
      }
      return report;
    },

    /** Puts tickets from before counters existed on the sweeper's list (run at start; matches nothing afterwards). */
    async scheduleUncounted(): Promise<number> {
      // A marker, so that later starts do not read every ticket again to find none.
      const marker = 'migration:counted';
      if (await figures.findOne({ _id: marker })) return 0;
      const result = await tickets.updateMany({ counted: op.exists(false) }, { $set: { counted: null, tally_due_at: new Date(0) } });
      await figures.updateOne({ _id: marker }, { $set: { kind: 'migration', done_at: clock.now() } }, { upsert: true });
      return result.modified;
    },
  };
}

export type FiguresService = ReturnType<typeof createFiguresService>;
