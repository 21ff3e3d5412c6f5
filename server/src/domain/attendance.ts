import type { EventStats } from '@trendy-tickets/sdk';
import { createListFigures } from './list-figures.js';
import { op, type Collection, type Filter, type Store } from '../store/port.js';
import { paginate, type Page } from '../store/paginate.js';
import type { Clock } from '../kernel/clock.js';
import { AppError, notFound } from '../kernel/errors.js';
import { typeAvailable, type EventDoc, type Owner } from './events.js';
import { issuedCounts } from './issued-counts.js';
import type { TicketDoc } from './tickets.js';
import { csvLine } from './csv.js';
import { answerCells, exportedQuestions, questionHeading } from './answer-columns.js';
import type { OrderDoc } from './orders.js';
import { eventZone, moneyFigures, type FiguresService } from './figures.js';
import { yieldToEventLoop } from '../kernel/event-loop.js';

/** Which attendees to show: by check-in state, and by a search over holder and ticket id. */
export interface AttendeeFilters {
  /** true: checked in; false: not yet (status `valid`); absent: both. Voided tickets never show. */
  checkedIn?: boolean | undefined;
  /** Case-insensitive substring of the holder's name or email, or an exact ticket id. */
  q?: string | undefined;
}

/** A page request over an event's attendees. */
export interface AttendeeQuery extends AttendeeFilters {
  limit: number;
  cursor?: string | undefined;
}

/** The longest search an organizer may send: names and emails are shorter, and each search scans the event's tickets. */
export const MAX_QUERY_LENGTH = 100;
/** Tickets read per round trip by the CSV export: bounded memory however big the event. */
export const CSV_BATCH_SIZE = 100;
/** The export's columns, in order: a stable contract for organizers' spreadsheets and scripts. */
export const CSV_HEADER = [
  'ticket_id',
  'holder_name',
  'holder_email',
  'ticket_type',
  'status',
  'checked_in_at',
  'checked_in_by',
  'order',
  'issued_at',
  'campaign',
  'promo_code',
] as const;

const ATTENDING = ['valid', 'checked_in'] as const;

function attendeeRow(t: TicketDoc): string[] {
  return [
    t._id,
    t.holder.name,
    t.holder.email,
    t.ticket_type_name,
    t.status,
    t.checked_in_at?.toISOString() ?? '',
    t.checked_in_by ?? '',
    t.order,
    t.created_at.toISOString(),
    t.campaign ?? '',
    t.promo_code ?? '',
  ];
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The tickets filter for an event's attendees; the search is literal text, never a pattern. */
function attendeeFilter(eventId: string, { checkedIn, q }: AttendeeFilters): Filter {
  const filter: Filter = {
    event: eventId,
    status: checkedIn === undefined ? op.in([...ATTENDING]) : checkedIn ? 'checked_in' : 'valid',
  };
  // Names are stored NFC (http/schemas/common.ts `text`), so the search is too, or "é" typed
  // as e + combining accent would never match.
  const search = q?.trim().normalize('NFC') ?? '';
  if (search.length > MAX_QUERY_LENGTH) {
    throw new AppError('VALIDATION_FAILED', 'The search is too long.', [{ field: 'q', message: `must be at most ${MAX_QUERY_LENGTH} characters` }]);
  }
  if (search) {
    const pattern = new RegExp(escapeRegex(search), 'i');
    filter.$or = [{ 'holder.name': pattern }, { 'holder.email': pattern }, { _id: search }];
  }
  return filter;
}

const round4 = (n: number): number => Math.round(n * 10_000) / 10_000;

/** The ports the attendance service reads through. */
export interface AttendanceServiceDeps {
  store: Store;
  clock: Clock;
  figures: FiguresService;
}

/**
 * What an organizer watches (docs/domain-rules.md#figures): the attendee list with search, its
 * CSV export, and the event's sales and check-in figures. Reads only; the figures are the
 * counters kept by domain/figures.ts.
 *
 * @example
 * const attendance = createAttendanceService({ store, clock, figures });
 * const page = await attendance.listAttendees(owner, 'evt_…', { checkedIn: false, limit: 50 });
 * const stats = await attendance.stats(owner, 'evt_…');
 */
export function createAttendanceService({ store, clock, figures }: AttendanceServiceDeps) {
  const events = store.collection<EventDoc>('events');
  const tickets: Collection<TicketDoc> = store.collection<TicketDoc>('tickets');
  const orders = store.collection<OrderDoc>('orders');
  const listFigures = createListFigures({ store, clock });

  /** The owner's event, or NOT_FOUND (also when it belongs to another account). */
  async function ownEvent(owner: Owner, id: string): Promise<EventDoc> {
    const event = await events.findOne({ _id: id, account: owner.account, livemode: owner.livemode });
    if (!event) throw notFound('event', id);
    return event;
  }

  async function* csvLines(event: EventDoc, filter: Filter): AsyncGenerator<string> {
    const questions = exportedQuestions(event);
    yield csvLine([...CSV_HEADER, ...questions.map(questionHeading)]);
    let cursor: string | undefined;
    do {
      // Keyset pages (after the last row sent, through the (event, status, created_at, _id) index)
      // stay exact while tickets are sold during the export, and cost a page each, never a skip.
      const page = await paginate(tickets, filter, { limit: CSV_BATCH_SIZE, cursor });
      // Order-scope answers live on the orders: one read per page, and only when the event asks any.
      const orderAnswers = questions.some((q) => q.scope === 'order') ? await answersOfOrders(page.data) : new Map<string, OrderDoc['answers']>();
      // One string per page, not per row: each yield of an async generator costs a promise and a
      // turn of the microtask queue, which at 100,000 rows was a good part of the export's CPU.
      let text = '';
      for (const ticket of page.data) text += csvLine([...attendeeRow(ticket), ...answerCells(questions, ticket.answers, orderAnswers.get(ticket.order))]);
      if (text) yield text;
      cursor = page.nextCursor ?? undefined;
      // Between pages, let door scans and other requests run: an export never holds the CPU for long.
      if (cursor !== undefined) await yieldToEventLoop();
    } while (cursor !== undefined);
  }

  /** The order-scope answers of the tickets' orders, by order id. */
  async function answersOfOrders(page: readonly TicketDoc[]): Promise<Map<string, OrderDoc['answers']>> {
    const ids = [...new Set(page.map((t) => t.order))];
    if (ids.length === 0) return new Map();
    const found = await orders.find({ _id: op.in(ids) });
    return new Map(found.map((o) => [o._id, o.answers]));
  }

  return {
    /** A page of the event's attendees (tickets not voided), newest first. */
    async listAttendees(owner: Owner, eventId: string, query: AttendeeQuery): Promise<Page<TicketDoc>> {
      const filter = attendeeFilter(eventId, query);
      await ownEvent(owner, eventId);
      return paginate(tickets, filter, { limit: query.limit, cursor: query.cursor });
    },

    /**
     * Every attendee as CSV text (header first, CRLF endings), read lazily in batches of
     * {@link CSV_BATCH_SIZE}: the header, then each batch's lines as one string. Resolves only once the event is known to
     * be the owner's, so a 404 can still be sent before any CSV is.
     */
    async attendeesCsv(owner: Owner, eventId: string, filters: AttendeeFilters = {}): Promise<AsyncIterable<string>> {
      const filter = attendeeFilter(eventId, filters);
      return csvLines(await ownEvent(owner, eventId), filter);
    },

    /**
     * The two numbers a door scanner shows after every scan: tickets checked in, and tickets
     * that admit or admitted (voided ones left out). One read of the event's counters.
     *
     * @example
     * const { checked_in, total } = await attendance.doorCounts(owner, 'evt_…');
     */
    async doorCounts(owner: Owner, eventId: string): Promise<{ checked_in: number; total: number }> {
      const event = await ownEvent(owner, eventId);
      const totals = await figures.event(event._id);
      return { checked_in: totals?.checked_in ?? 0, total: totals?.tickets ?? 0 };
    },

    /**
     * Sales and door figures (docs/domain-rules.md#figures), already in wire shape. Seats come
     * from the event's inventory counters; revenue, check-ins and the day and hour buckets from
     * the figures the ticket transitions keep (domain/figures.ts), bucketed in the event's own
     * time zone so a sale at 01:30 in Mumbai is that day's. Costs the event's days, not its tickets.
     */
    async stats(owner: Owner, eventId: string): Promise<EventStats> {
      const event = await ownEvent(owner, eventId);
      const timezone = eventZone(event);
      const [totals, days, perList] = await Promise.all([figures.event(event._id), figures.eventDays(event), listFigures.forEvent(owner, event._id)]);
      const issued = issuedCounts(totals);
      const hours: Array<{ hour: string; checkins: number }> = [];
      for (const day of days) {
        for (const [hour, checkins] of Object.entries(day.hours ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
          if (checkins > 0) hours.push({ hour: `${day.date}T${hour}:00`, checkins });
        }
      }
      const revenue = totals?.revenue ?? 0;
      const money = moneyFigures(totals);
      const ticketCount = totals?.tickets ?? 0;
      const checkedIn = totals?.checked_in ?? 0;
      return {
        object: 'event_stats',
        event: event._id,
        livemode: event.livemode,
        timezone,
        currency: event.currency,
        generated_at: clock.now().toISOString(),
        capacity: event.capacity,
        sold: event.inventory.sold,
        held: event.inventory.held,
        available: event.inventory.available,
        revenue,
        ...money,
        issued,
        checked_in: checkedIn,
        not_checked_in: ticketCount - checkedIn,
        attendance_rate: ticketCount === 0 ? 0 : round4(checkedIn / ticketCount),
        by_ticket_type: event.ticket_types.map((t) => {
          const counters = event.inventory.types[t.id] ?? { sold: 0, held: 0 };
          const row = totals?.types?.[t.id];
          return {
            ticket_type: t.id,
            name: t.name,
            price: t.price,
            capacity: t.capacity,
            sold: counters.sold,
            held: counters.held,
            available: typeAvailable(event, t.id),
            revenue: row?.revenue ?? 0,
            checked_in: row?.checked_in ?? 0,
          };
        }),
        sales_by_day: days.filter((d) => (d.tickets ?? 0) > 0).map((d) => ({ date: d.date, tickets: d.tickets ?? 0, revenue: d.revenue ?? 0 })),
        checkins_by_hour: hours,
        by_campaign: Object.entries(totals?.campaigns ?? {})
          .map(([key, c]) => ({ campaign: decodeURIComponent(key), tickets: c.tickets ?? 0, revenue: c.revenue ?? 0 }))
          .filter((c) => c.tickets > 0)
          .sort((a, b) => b.tickets - a.tickets || a.campaign.localeCompare(b.campaign)),
        checkin_lists: perList,
      };
    },
  };
}

/** The attendance service's interface, for callers that receive it. */
export type AttendanceService = ReturnType<typeof createAttendanceService>;
