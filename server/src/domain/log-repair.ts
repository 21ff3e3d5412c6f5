/**
 * Repairs the events log for the changes no later job finishes: events created, edited or
 * cancelled, scans logged and scans undone (docs/domain-events.md, "As reliable as the change").
 * A process killed between such a change and its entry leaves the change stored and the entry
 * missing; each pass of the sweeper reads the changes made since its last pass, through an index
 * on the time of the change, and records the entries that are not there.
 *
 * Where it got to is kept in the `log_repair_marks` collection, one document per kind of change,
 * so a pass costs the changes made since the last one, never the history.
 */
import type { Clock } from '../kernel/clock.js';
import { yieldToEventLoop } from '../kernel/event-loop.js';
import { op, type Doc, type Filter, type IndexSpec, type Store } from '../store/port.js';
import type { CheckinDoc } from './checkins.js';
import type { DomainEventType, DomainEvents, RecordInput } from './domain-events.js';
import { eventLogInputs, type EventDoc } from './events.js';
import type { TicketDoc } from './tickets.js';

/**
 * Changes younger than this are left to the request making them: it records their entry itself
 * a moment after the change, and a repair racing it would only record the same entry first.
 */
export const LOG_REPAIR_SETTLE_MS = 60_000;
/**
 * Each pass reads again this far behind where the last one stopped: a change is stamped with its
 * server's clock before its write lands, so a slow write, or a server whose clock runs behind,
 * can make a change appear behind a point already read. Changes stamped further back than this
 * are missed.
 */
export const LOG_REPAIR_MARGIN_MS = 10 * 60_000;
/** Documents of one kind read per page; a pass reads at most {@link LOG_REPAIR_PAGES} pages of each kind. */
export const LOG_REPAIR_PAGE = 100;
/** Pages of one kind one pass reads; a backlog larger than that is picked up where it stopped by the next pass. */
export const LOG_REPAIR_PAGES = 10;

export const LOG_REPAIR_MARKS_COLLECTION = 'log_repair_marks';

/** Where the repair of one kind of change got to (collection `log_repair_marks`). */
export interface LogRepairMarkDoc {
  /** The kind of change: `events`, `checkins` or `undone_checkins`. */
  _id: string;
  /** Every change stamped up to this time was looked at by a pass that reached the present. */
  through: Date;
  /** Set while a backlog is being worked through: the last change looked at, to go on after. */
  resume: { at: Date; id: string } | null;
  updated_at: Date;
}

/** The reads of each pass: changes in time order, from where the last pass stopped. */
export const LOG_REPAIR_INDEXES: readonly IndexSpec[] = [
  { collection: 'events', keys: { updated_at: 1, _id: 1 } },
  { collection: 'checkins', keys: { created_at: 1, _id: 1 } },
  { collection: 'checkins', keys: { undone_at: 1, _id: 1 } },
];

/** One kind of change the repair follows: which documents, by which time field, and the entries they imply. */
interface ChangeStream<T extends Doc> {
  name: string;
  collection: string;
  /** When the document last made a change the log records. */
  field: keyof T & string;
  /** The entries a page of documents implies, each about the object as it is now. */
  entries(docs: T[]): Promise<RecordInput[]>;
}

/** How many entries one pass recorded, by type (types with none left out). */
export type LogRepairReport = Partial<Record<DomainEventType, number>>;

export interface LogRepairDeps {
  store: Store;
  clock: Clock;
  domainEvents: DomainEvents;
}

/**
 * The events-log repair the sweeper runs each round.
 *
 * @example
 * const logRepair = createLogRepair({ store, clock, domainEvents });
 * const recorded = await logRepair.pass(); // { 'event.updated': 1 }
 */
export function createLogRepair({ store, clock, domainEvents }: LogRepairDeps) {
  const marks = store.collection<LogRepairMarkDoc>(LOG_REPAIR_MARKS_COLLECTION);
  const tickets = store.collection<TicketDoc>('tickets');

  async function ticketsOf(checkins: CheckinDoc[]): Promise<Map<string, TicketDoc>> {
    const ids = [...new Set(checkins.flatMap((c) => (c.ticket ? [c.ticket] : [])))];
    return new Map(ids.length === 0 ? [] : (await tickets.find({ _id: op.in(ids) })).map((t) => [t._id, t]));
  }

  const checkinEntry = (type: 'checkin.created' | 'checkin.deleted', checkin: CheckinDoc, found: Map<string, TicketDoc>, at: Date): RecordInput => ({
    type,
    account: checkin.account,
    livemode: checkin.livemode,
    snapshot: { kind: 'checkin', checkin, ticket: checkin.ticket ? (found.get(checkin.ticket) ?? null) : null },
    at,
  });

  const events: ChangeStream<EventDoc> = {
    name: 'events',
    collection: 'events',
    // Set by creating, editing and cancelling, and by nothing else (holds leave it alone).
    field: 'updated_at',
    entries: async (docs) => docs.flatMap(eventLogInputs),
  };
  const checkins: ChangeStream<CheckinDoc> = {
    name: 'checkins',
    collection: 'checkins',
    // The server's time of the scan: `at` may be a scanner's own, up to a day earlier.
    field: 'created_at',
    entries: async (docs) => {
      const found = await ticketsOf(docs);
      return docs.map((c) => checkinEntry('checkin.created', c, found, c.created_at));
    },
  };
  const undone: ChangeStream<CheckinDoc> = {
    name: 'undone_checkins',
    collection: 'checkins',
    field: 'undone_at',
    entries: async (docs) => {
      const found = await ticketsOf(docs);
      return docs.flatMap((c) => (c.undone_at ? [checkinEntry('checkin.deleted', c, found, c.undone_at)] : []));
    },
  };

  /**
   * Looks at one kind of change from where the last pass stopped up to the settle delay, a page
   * at a time. Entries found that were written after the last pass are handed to subscribers
   * again, since a crash may have come between writing an entry and queuing its deliveries.
   */
  async function follow<T extends Doc>(stream: ChangeStream<T>, report: LogRepairReport): Promise<void> {
    const docs = store.collection<T>(stream.collection);
    const now = clock.now();
    const until = new Date(now.getTime() - LOG_REPAIR_SETTLE_MS);
    const mark = await marks.findOne({ _id: stream.name });
    let after = mark?.resume ?? null;
    // The first pass starts a margin back: changes from before the repair existed are not its to look at.
    const from = new Date((mark?.through ?? until).getTime() - LOG_REPAIR_MARGIN_MS);
    const through = mark?.through ?? from;

    for (let page = 0; page < LOG_REPAIR_PAGES; page++) {
      const window: Filter = after
        ? { $or: [{ [stream.field]: op.and(op.gt(after.at), op.lte(until)) }, { [stream.field]: after.at, _id: op.gt(after.id) }] }
        : { [stream.field]: op.and(op.gte(from), op.lte(until)) };
      const changed = await docs.find(window, { sort: { [stream.field]: 1, _id: 1 }, limit: LOG_REPAIR_PAGE });
      const { recorded, existing } = await domainEvents.recordMissing(await stream.entries(changed));
      for (const entry of recorded) report[entry.type] = (report[entry.type] ?? 0) + 1;
      await domainEvents.announce(existing.filter((e) => e.created_at > through));
      const last = changed.at(-1);
      if (changed.length < LOG_REPAIR_PAGE || !last) {
        // Reached the present: the next pass starts a margin behind it.
        await marks.updateOne({ _id: stream.name }, { $set: { resume: null, updated_at: now }, $max: { through: until } }, { upsert: true });
        return;
      }
      after = { at: (last as Record<string, unknown>)[stream.field] as Date, id: last._id };
      // The embedded store answers at once: without a turn here a backlog's pages run back to back.
      await yieldToEventLoop();
    }
    // A backlog: the next pass goes on after the last change read, without going back a margin
    // (which could hold more than a pass reads, and keep it from ever getting further).
    await marks.updateOne({ _id: stream.name }, { $set: { through, resume: after, updated_at: now } }, { upsert: true });
  }

  return {
    /**
     * One pass: records the entries of recent event and scan changes that are missing, and says
     * how many of each type it recorded (none when nothing was lost).
     */
    async pass(): Promise<LogRepairReport> {
      const report: LogRepairReport = {};
      await follow(events, report);
      await follow(checkins, report);
      await follow(undone, report);
      return report;
    },
  };
}

export type LogRepair = ReturnType<typeof createLogRepair>;
