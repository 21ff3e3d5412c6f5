/**
 * The organizer's dashboard: figures across all of an account's events in one mode (test
 * or live), read from the counters the ticket transitions keep (domain/figures.ts), so a
 * dashboard costs the events and days it shows, not the tickets ever sold.
 */
import type { CheckinReason, IssuedTicketCounts, OrderStatus } from '@trendy-tickets/sdk';
import { op, type IndexSpec, type Store } from '../store/port.js';
import type { CheckinDoc } from './checkins.js';
import type { Clock } from '../kernel/clock.js';
import { yieldToEventLoop } from '../kernel/event-loop.js';
import type { EventDoc, Owner } from './events.js';
import { issuedCounts } from './issued-counts.js';
import type { OrderDoc } from './orders.js';
import type { TicketDoc } from './tickets.js';
import { moneyFigures, type FiguresService } from './figures.js';
import { lastZonedDays, zonedDateKey } from '../kernel/zoned-time.js';

/** Days the sales chart covers, today included. */
export const SALES_CHART_DAYS = 30;
/** Entries in the recent activity feed. */
export const RECENT_ACTIVITY_LIMIT = 10;
/** Upcoming events listed. */
export const UPCOMING_EVENTS_LIMIT = 5;

/**
 * The dashboard reads by account and mode, newest first; without these MongoDB would scan
 * every ticket, order and scan of every account.
 *
 * @example
 * await store.ensureIndexes([...INDEXES, ...DASHBOARD_INDEXES]);
 */
export const DASHBOARD_INDEXES: readonly IndexSpec[] = [
  { collection: 'orders', keys: { account: 1, livemode: 1, created_at: -1 } },
  { collection: 'checkins', keys: { account: 1, livemode: 1, created_at: -1 } },
  // The activity feed picks its newest entries by the time it shows for each. Sales (paid or
  // partly refunded) walk the orders by payment time and skip the refunded ones on the way:
  // SQLite cannot merge two status ranges in order, and sorted every paid order instead.
  { collection: 'orders', keys: { account: 1, livemode: 1, paid_at: -1, _id: -1 } },
  { collection: 'orders', keys: { account: 1, livemode: 1, status: 1, updated_at: -1, _id: -1 } },
  { collection: 'checkins', keys: { account: 1, livemode: 1, at: -1, _id: -1 } },
  // Upcoming events, soonest first.
  { collection: 'events', keys: { account: 1, livemode: 1, status: 1, starts_at: 1, _id: 1 } },
  // The events that have started, whatever their status, for the attendance rate: a range of
  // this index rather than a read of every event the account ever had (the one above puts
  // status before the start, so without a status it reads them all).
  { collection: 'events', keys: { account: 1, livemode: 1, starts_at: 1 } },
  // How many events are on sale and not over, counted from this index alone: every field the
  // count names is in it, so no event's document is read. It ends with the end time rather than
  // ranging over it so that SQLite, which keeps no statistics, still walks the one above for the
  // upcoming list in start order instead of sorting every active event.
  { collection: 'events', keys: { account: 1, livemode: 1, status: 1, starts_at: 1, _id: 1, ends_at: 1 } },
];

/** A sale in the activity feed. */
export interface OrderActivity {
  kind: 'order';
  at: Date;
  order: string;
  event: string;
  event_name: string;
  buyer_name: string;
  quantity: number;
  amount: number;
  status: OrderStatus;
}

/** A door scan in the activity feed. */
export interface ScanActivity {
  kind: 'scan';
  at: Date;
  checkin: string;
  event: string | null;
  event_name: string | null;
  ticket: string | null;
  holder_name: string | null;
  result: 'accepted' | 'rejected';
  reason: CheckinReason | null;
  by: string;
}

export type Activity = OrderActivity | ScanActivity;

/** One day of the sales chart (`date` is `YYYY-MM-DD` in the dashboard's time zone). */
export interface SalesDay {
  date: string;
  tickets: number;
  revenue: number;
}

/** Everything the dashboard shows. */
export interface DashboardSummary {
  timezone: string;
  generated_at: Date;
  /** Published events that have not ended. */
  active_events: number;
  /** Tickets that admit or admitted (not voided), across every event. */
  tickets_sold: number;
  /** Paise paid through checkout, from those tickets; issued tickets add nothing. */
  revenue: number;
  /** Gross, GST, convenience fees and net over those tickets (docs/gst.md#figures). */
  money: { gross: number; tax: number; fees: number; net: number };
  /** Of those tickets, the ones issued through `POST /v1/tickets`: comps and ones paid for elsewhere. */
  issued: IssuedTicketCounts;
  /** Tickets checked in since midnight in `timezone`. */
  checkins_today: number;
  /** Over events that have started: the share of their tickets that were checked in; null before any. */
  attendance: { checked_in: number; tickets: number; rate: number | null };
  /** Exactly {@link SALES_CHART_DAYS} days, oldest first, days without sales at zero. */
  sales_by_day: SalesDay[];
  /** Newest first: paid orders (at payment), refunded orders (at the refund) and door scans. */
  recent: Activity[];
  /** Active events, soonest first. */
  upcoming: EventDoc[];
}

const round4 = (n: number): number => Math.round(n * 10_000) / 10_000;

/**
 * Builds dashboard figures for an owner.
 *
 * @example
 * const dashboard = createDashboardService({ store, clock, figures });
 * const summary = await dashboard.summary(owner, { timezone: 'Asia/Kolkata' });
 */
export function createDashboardService({ store, clock, figures }: { store: Store; clock: Clock; figures: FiguresService }) {
  const events = store.collection<EventDoc>('events');
  const tickets = store.collection<TicketDoc>('tickets');
  const orders = store.collection<OrderDoc>('orders');
  const checkins = store.collection<CheckinDoc>('checkins');

  async function salesByDay(owner: Owner, now: Date, timezone: string): Promise<SalesDay[]> {
    const dates = lastZonedDays(now, timezone, SALES_CHART_DAYS);
    const rows = await figures.accountDays(owner, timezone, dates[0] ?? '');
    const byDay = new Map(rows.map((r) => [r.date, r]));
    return dates.map((date) => ({ date, tickets: byDay.get(date)?.tickets ?? 0, revenue: byDay.get(date)?.revenue ?? 0 }));
  }

  async function recentActivity(owner: Owner): Promise<Activity[]> {
    const mine = { account: owner.account, livemode: owner.livemode };
    const newestBy = (field: 'paid_at' | 'updated_at' | 'at') => ({ sort: { [field]: -1 as const, _id: -1 as const }, limit: RECENT_ACTIVITY_LIMIT });
    // Each list is picked by the time the feed shows for it, or an old order paid late (or a
    // scan replayed after an outage) would be shown out of place or left out.
    const [paid, refunded, scans] = await Promise.all([
      orders.find({ ...mine, status: op.in(['paid', 'partially_refunded']) }, newestBy('paid_at')),
      // Moving an order to `refunded` stamps `updated_at` (fulfilment.ts) and nothing writes it
      // again afterwards, so for a refunded order it is the refund's time.
      orders.find({ ...mine, status: 'refunded' }, newestBy('updated_at')),
      checkins.find(mine, newestBy('at')),
    ]);
    const sales = [...paid, ...refunded];
    const eventIds = [...new Set([...sales.map((o) => o.event), ...scans.flatMap((s) => (s.event ? [s.event] : []))])];
    const ticketIds = [...new Set(scans.flatMap((s) => (s.ticket ? [s.ticket] : [])))];
    // By id alone, the account checked here: with the account in the filter, SQLite may walk the
    // account's index, every ticket it ever sold, instead of looking the ten ids up.
    const [eventDocs, ticketDocs] = await Promise.all([
      eventIds.length > 0 ? events.find({ _id: op.in(eventIds) }) : Promise.resolve([]),
      ticketIds.length > 0 ? tickets.find({ _id: op.in(ticketIds) }) : Promise.resolve([]),
    ]);
    const own = <T extends { account: string }>(docs: T[]) => docs.filter((doc) => doc.account === owner.account);
    const eventName = new Map(own(eventDocs).map((e) => [e._id, e.name]));
    const holder = new Map(own(ticketDocs).map((t) => [t._id, t.holder.name]));
    const items: Activity[] = [
      ...sales.map(
        (o): OrderActivity => ({
          kind: 'order',
          at: o.status === 'refunded' ? o.updated_at : (o.paid_at ?? o.created_at),
          order: o._id,
          event: o.event,
          event_name: eventName.get(o.event) ?? o.event,
          buyer_name: o.buyer.name,
          quantity: o.quantity,
          amount: o.amount,
          status: o.status,
        }),
      ),
      ...scans.map(
        (s): ScanActivity => ({
          kind: 'scan',
          at: s.at,
          checkin: s._id,
          event: s.event,
          event_name: s.event ? (eventName.get(s.event) ?? null) : null,
          ticket: s.ticket,
          holder_name: s.ticket ? (holder.get(s.ticket) ?? null) : null,
          result: s.result,
          reason: s.reason,
          by: s.by,
        }),
      ),
    ];
    return items.sort((a, b) => b.at.getTime() - a.at.getTime()).slice(0, RECENT_ACTIVITY_LIMIT);
  }

  return {
    /**
     * The dashboard of an owner. `timezone` decides what "today" and each chart day mean
     * (the organizer's, not the server's).
     */
    async summary(owner: Owner, { timezone }: { timezone: string }): Promise<DashboardSummary> {
      const now = clock.now();
      const active = { account: owner.account, livemode: owner.livemode, status: 'published', ends_at: op.gt(now) };
      // Days first: reading a zone not kept yet builds its days, which the figures below then agree with.
      const sales_by_day = await salesByDay(owner, now, timezone);
      // A turn between the parts: the embedded store answers synchronously, so without them a
      // dashboard is one block of the event loop that a door's scans wait behind, and an
      // organizer's browser refreshing it is exactly what runs during doors (docs/decisions/0051-long-reads-yield.md).
      await yieldToEventLoop();
      const [activeCount, upcoming, totals, today, started] = await Promise.all([
        events.count(active),
        events.find(active, { sort: { starts_at: 1, _id: 1 }, limit: UPCOMING_EVENTS_LIMIT }),
        figures.account(owner),
        figures.accountDays(owner, timezone, zonedDateKey(now, timezone)),
        events.find({ account: owner.account, livemode: owner.livemode, starts_at: op.lte(now) }),
      ]);
      await yieldToEventLoop();
      const recent = await recentActivity(owner);
      await yieldToEventLoop();
      // Attendance is only meaningful for events whose doors have opened.
      let attendedTickets = 0;
      let attendedCheckedIn = 0;
      for (const row of await figures.events(started.map((e) => e._id))) {
        attendedTickets += row.tickets ?? 0;
        attendedCheckedIn += row.checked_in ?? 0;
      }
      const checkinsToday = today.find((d) => d.date === zonedDateKey(now, timezone))?.checkins ?? 0;
      const ticketsSold = totals?.tickets ?? 0;
      const revenue = totals?.revenue ?? 0;

      return {
        timezone,
        generated_at: now,
        active_events: activeCount,
        tickets_sold: ticketsSold,
        revenue,
        money: moneyFigures(totals),
        issued: issuedCounts(totals),
        checkins_today: checkinsToday,
        attendance: {
          checked_in: attendedCheckedIn,
          tickets: attendedTickets,
          rate: attendedTickets === 0 ? null : round4(attendedCheckedIn / attendedTickets),
        },
        sales_by_day,
        recent,
        upcoming,
      };
    },
  };
}

export type DashboardService = ReturnType<typeof createDashboardService>;
