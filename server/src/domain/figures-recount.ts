/**
 * The recount and repair of the figures (docs/domain-rules.md#figures, decision 0018): the
 * periodic job that settles transitions whose follow-up never ran, recounts an account's
 * figures from its tickets and orders, and repairs what drifted. Drift only comes from a crash
 * between a claim and its `$inc`, or a hand edit; the follow-ups themselves never count twice.
 */
import { op, type Collection, type Filter } from '../store/port.js';
import type { Clock } from '../kernel/clock.js';
import { DEFAULT_TIMEZONE, type EventDoc, type Owner } from './events.js';
import type { TicketDoc } from './tickets.js';
import type { OrderDoc } from './orders.js';
import { olderThan } from '../store/paginate.js';
import { accountScope, contribute, DASHBOARD_TIMEZONE, eventZone, Tally, type FigureDayDoc, type FiguresDoc, type Target } from './figures-tally.js';

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

/** What the recount reads and writes through, and the follow-up it settles overdue transitions with. */
export interface FiguresRecountDeps {
  figures: Collection<FiguresDoc>;
  days: Collection<FigureDayDoc>;
  tickets: Collection<TicketDoc>;
  events: Collection<EventDoc>;
  orders: Collection<OrderDoc>;
  clock: Clock;
  /** Moves counters by what a tally gathered (the figures' own writer). */
  write: (targets: readonly Target[]) => Promise<void>;
  /** The figures' follow-up of tickets' changes of state. */
  settleAll: (list: readonly TicketDoc[]) => Promise<void>;
}

/**
 * The part of the figures service that recounts and repairs; `reconcile` also rebuilds days
 * kept in a zone that changed or was added.
 *
 * @example
 * const recounting = createFiguresRecount({ figures, days, tickets, events, orders, clock, write, settleAll });
 * const { busy, drifts } = await recounting.recount(owner);
 */
export function createFiguresRecount({ figures, days, tickets, events, orders, clock, write, settleAll }: FiguresRecountDeps) {
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

  return {
    reconcile,

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
      await settleAll(due);
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

/** The recount and repair, as {@link createFiguresRecount} builds them. */
export type FiguresRecount = ReturnType<typeof createFiguresRecount>;
