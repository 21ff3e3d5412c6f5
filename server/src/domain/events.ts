import type { SeatsBack } from './seats-back.js';
import type { AttendeeDetails, EventStatus, OpenAmount } from '@trendy-tickets/sdk';
import { op, type IndexSpec, type Store } from '../store/port.js';
import { paginate, type Page, type PageParams } from '../store/paginate.js';
import type { Clock } from '../kernel/clock.js';
import { AppError, notFound } from '../kernel/errors.js';
import { newId } from '../kernel/ids.js';
import { type AuditContext, type AuditLog, changesBetween, createAuditLog } from './audit-log.js';
import { createDomainEvents, domainEventId, type DomainEvents, type RecordInput } from './domain-events.js';
import { TtlCache } from './ttl-cache.js';
import type { Inventory as SeatInventory, InventoryLedger } from './inventory.js';
import type { ConvenienceFeeDoc, TicketTypeTax } from './event-tax.js';
import type { QuestionDoc } from './questions.js';
import type { CancellationRunDoc } from './event-cancellation-run.js';
import { planEdit } from './event-edit-plan.js';
import { DEFAULT_OFFER_HOURS, editableFields, toTicketTypes } from './event-fields.js';
import { checkEventRules, checkTicketTypeIds } from './event-rules.js';

/** A ticket type; its tax settings (`TicketTypeTax`) are absent on types made before tax existed. */
export interface TicketTypeDoc extends TicketTypeTax {
  id: string;
  name: string;
  price: number;
  capacity: number | null;
  max_per_order: number;
  /** Shown and sold only with a promo code that unlocks it (docs/promo-codes.md); absent on types from before it: not hidden. */
  hidden?: boolean;
}

/** Counters of one ticket type; `available` exists only when the type has its own capacity. */
export interface TypeInventory {
  sold: number;
  held: number;
  available?: number;
  /** Seats asked for by the type's waiting-list entries in line: while above 0 buyers may not hold the type (docs/waiting-list.md). */
  waiting?: number;
}

/**
 * Every seat counter of an event, in the event's own document so that a hold is
 * one conditional update: `available` never goes below zero because every
 * decrement is filtered on `available ≥ n`: `sold + held ≤ capacity` (docs/domain-rules.md#capacity).
 */
export interface Inventory {
  sold: number;
  held: number;
  available: number;
  types: Record<string, TypeInventory>;
  /**
   * Where an earlier version kept each order's hold, with its sweep schedule; moved into the
   * `seat_holds` collection at start (`migrateLedgers` in inventory.ts), absent afterwards.
   */
  holds?: InventoryLedger;
  ledger_due_at?: Date;
  ledger_seq?: number;
  /** Bumped by every seat movement, with `moved_at`: a recount applies only if neither moved while it read. */
  moves?: number;
  moved_at?: Date;
  /** Set by every seat movement; the recount clears it once it has checked the counters (inventory.ts). */
  recount_due?: boolean;
  /**
   * Seats asked for by waiting-list entries in line for types without their own capacity: while
   * above 0 no buyer may hold any seat (docs/waiting-list.md). Absent until the first such entry.
   */
  waiting?: number;
  /** Set while entries wait: the offer job looks at these events (domain/waiting-list-offers.ts). */
  waitlist_due?: boolean;
  /** The last place in line handed out: each entry's `seq` comes from one `$inc` of it. */
  waitlist_seq?: number;
}

export interface EventDoc {
  _id: string;
  account: string;
  livemode: boolean;
  name: string;
  description: string | null;
  venue: string | null;
  starts_at: Date;
  ends_at: Date;
  timezone: string;
  capacity: number;
  currency: 'INR';
  status: EventStatus;
  ticket_types: TicketTypeDoc[];
  sales_start_at: Date | null;
  sales_end_at: Date | null;
  valid_from: Date | null;
  valid_until: Date | null;
  allowed_origins: string[];
  open_amount: OpenAmount | null;
  require_email_verification: boolean;
  hold_minutes: number;
  /** GST state code of the venue, the place of supply (docs/gst.md); absent on events from before it. */
  venue_state?: string | null;
  /** Absent on events from before it: no fee. */
  convenience_fee?: ConvenienceFeeDoc | null;
  /** What checkout asks of each ticket's attendee (docs/attendee-details.md); absent on events from before it: `none`. */
  attendee_details?: AttendeeDetails;
  /** The questions checkout asks, deleted ones kept for their answers (domain/questions.ts); absent before the first. */
  questions?: QuestionDoc[];
  inventory: Inventory;
  /** Bumped by every organizer edit; guards concurrent edits (holds do not touch it). */
  rev: number;
  created_at: Date;
  updated_at: Date;
  cancelled_at: Date | null;
  /** What cancelling chose to do for the buyers, and how far it got; absent when sales were only stopped. */
  cancellation?: CancellationRunDoc;
  /** The waiting list's settings (docs/waiting-list.md); absent on events from before it: off, 24-hour offers. */
  waiting_list?: WaitingListSettingsDoc;
}

/** Whether a sold-out type's buyers may join its waiting list, and how long an offer holds its seats. */
export interface WaitingListSettingsDoc {
  enabled: boolean;
  offer_hours: number;
}

/** An event's waiting-list settings, defaults filled in for events from before it. */
export function waitingListOf(event: Pick<EventDoc, 'waiting_list'>): WaitingListSettingsDoc {
  return { enabled: event.waiting_list?.enabled ?? false, offer_hours: event.waiting_list?.offer_hours ?? DEFAULT_OFFER_HOURS };
}

/**
 * Seats of a type a buyer may hold now: none while anyone waits for the type or for the
 * event's shared seats, since freed seats go to the waiting list first (docs/waiting-list.md).
 */
export function publicAvailable(event: EventDoc, typeId: string): number {
  if ((event.inventory.waiting ?? 0) > 0 || (event.inventory.types[typeId]?.waiting ?? 0) > 0) return 0;
  return typeAvailable(event, typeId);
}

export interface TicketTypeInput {
  id?: string | undefined;
  name: string;
  price: number;
  capacity?: number | null | undefined;
  max_per_order?: number | undefined;
  tax_rate?: TicketTypeTax['tax_rate'] | undefined;
  tax_inclusive?: boolean | undefined;
  sac?: string | undefined;
  hidden?: boolean | undefined;
}

/** The convenience fee as the organizer sets it; the defaults fill what is left out. */
export interface ConvenienceFeeInput {
  paid_by: 'buyer' | 'organizer';
  percent_bp?: number | undefined;
  fixed?: number | undefined;
  tax_rate?: TicketTypeTax['tax_rate'] | undefined;
}

/** Event fields as the organizer sets them, already shape-checked and with Dates parsed. */
export interface EventInput {
  name: string;
  description?: string | null | undefined;
  venue?: string | null | undefined;
  starts_at: Date;
  ends_at: Date;
  timezone?: string | undefined;
  capacity: number;
  ticket_types: TicketTypeInput[];
  sales_start_at?: Date | null | undefined;
  sales_end_at?: Date | null | undefined;
  valid_from?: Date | null | undefined;
  valid_until?: Date | null | undefined;
  allowed_origins?: string[] | undefined;
  open_amount?: OpenAmount | null | undefined;
  require_email_verification?: boolean | undefined;
  hold_minutes?: number | undefined;
  venue_state?: string | null | undefined;
  convenience_fee?: ConvenienceFeeInput | null | undefined;
  status?: 'draft' | 'published' | undefined;
  attendee_details?: AttendeeDetails | undefined;
  waiting_list?: { enabled?: boolean | undefined; offer_hours?: number | undefined } | undefined;
}

export type EventPatch = Partial<EventInput>;

/** Who is asking: events belong to one account and one mode (test or live). */
export interface Owner {
  account: string;
  livemode: boolean;
}

/** The events list, paged newest first by (created_at, _id). */
export const EVENT_INDEXES: readonly IndexSpec[] = [{ collection: 'events', keys: { account: 1, livemode: 1, created_at: -1, _id: -1 } }];

/**
 * How long one server reuses an event it read for the public view. Availability shown to
 * buyers may lag this much; what they can buy never does, because holds are conditional
 * updates on the stored counters. The organizer's own edits clear it at once.
 */
export const PUBLIC_EVENT_CACHE_MS = 1_000;

/**
 * The events-log entries an event as stored implies, each at the time it happened: its
 * `event.created`, and the entry of its latest change, `event.cancelled` for a cancelled event
 * (cancelling is the last change an event can have) or `event.updated` of its current revision.
 * An earlier revision's entry cannot be derived from the event any more; the next edit or the
 * cancellation records it first (see `update` and `cancel`), while the event is still at it.
 *
 * @example
 * await domainEvents.recordMissing(eventLogInputs(event));
 */
export function eventLogInputs(event: EventDoc): RecordInput[] {
  const entry = (type: RecordInput['type'], at: Date, sequence?: number): RecordInput => ({
    type,
    account: event.account,
    livemode: event.livemode,
    snapshot: { kind: 'event', event },
    at,
    ...(sequence === undefined ? {} : { sequence }),
  });
  const inputs = [entry('event.created', event.created_at)];
  if (event.status === 'cancelled') inputs.push(entry('event.cancelled', event.cancelled_at ?? event.updated_at));
  else if (event.rev > 0) inputs.push(entry('event.updated', event.updated_at, event.rev));
  return inputs;
}

export { DEFAULT_HOLD_MINUTES, DEFAULT_MAX_PER_ORDER, DEFAULT_OFFER_HOURS, DEFAULT_TIMEZONE } from './event-fields.js';
export { checkEventRules } from './event-rules.js';
const MAX_EDIT_ATTEMPTS = 5;

/** Seats of a type a buyer can still take: the tighter of the type's and the event's. */
export function typeAvailable(event: EventDoc, typeId: string): number {
  const own = event.inventory.types[typeId]?.available;
  return own === undefined ? event.inventory.available : Math.min(own, event.inventory.available);
}

/**
 * Whether a web page at `origin` may sell the event: one of its `allowed_origins`; with none
 * listed, any page in test mode and none in live mode. `origin` is undefined for a request
 * that comes from no other site (a server, or our own hosted pages), which may always sell
 * (docs/api-conventions.md#cors-and-allowed-origins).
 *
 * @example
 * canSellFrom(event, 'https://shop.example.com');
 */
export function canSellFrom(event: Pick<EventDoc, 'allowed_origins' | 'livemode'>, origin: string | undefined): boolean {
  if (origin === undefined || event.allowed_origins.includes(origin)) return true;
  return event.allowed_origins.length === 0 && !event.livemode;
}

/**
 * Refuses a sale from a page the event does not allow ({@link canSellFrom}).
 * @throws AppError FORBIDDEN naming the origin and the event's allowed origins
 */
export function assertCanSellFrom(event: Pick<EventDoc, 'allowed_origins' | 'livemode'>, origin: string | undefined): void {
  if (canSellFrom(event, origin)) return;
  throw new AppError('FORBIDDEN', `The origin ${origin} may not sell this event. Add it to the event's allowed_origins.`, {
    origin,
    allowed_origins: event.allowed_origins,
  });
}

/** Whether sales are open at `now`: published, inside the sales window, before the end. */
export function salesOpen(event: EventDoc, now: Date): boolean {
  if (event.status !== 'published') return false;
  if (event.sales_start_at && now < event.sales_start_at) return false;
  return now < (event.sales_end_at ?? event.ends_at);
}

function docToInput(doc: EventDoc): EventInput {
  return { ...doc, status: doc.status === 'cancelled' ? undefined : doc.status };
}

/** Whether an edit made more seats available, for the event or one of its capped types. */
function seatsAdded(before: EventDoc, after: EventDoc): boolean {
  if (after.inventory.available > before.inventory.available) return true;
  return Object.entries(after.inventory.types).some(([id, type]) => (type.available ?? 0) > (before.inventory.types[id]?.available ?? 0));
}

export interface EventServiceDeps {
  store: Store;
  clock: Clock;
  /** The events log (default: one over the same store). */
  domainEvents?: DomainEvents;
  /** The audit log (default: one over the same store). */
  auditLog?: AuditLog;
  /** Where the public view learns when the oldest hold runs out (default: it never says). */
  inventory?: Pick<SeatInventory, 'earliestHoldExpiry'>;
  /** Told when an edit adds seats to an event with people waiting (docs/waiting-list.md). */
  seatsBack?: SeatsBack | undefined;
}

/** The public view of an event: the event, and when its oldest hold runs out (null when nothing is held). */
export interface PublicEventRead {
  event: EventDoc;
  holdsExpireAt: Date | null;
}

/** The fields of an event an organizer changes, as the audit log compares them (never the ledger or counters). */
const EVENT_AUDIT_FIELDS = [
  'name',
  'description',
  'venue',
  'starts_at',
  'ends_at',
  'timezone',
  'capacity',
  'status',
  'ticket_types',
  'sales_start_at',
  'sales_end_at',
  'valid_from',
  'valid_until',
  'allowed_origins',
  'open_amount',
  'require_email_verification',
  'hold_minutes',
  'attendee_details',
  'waiting_list',
  // The buyers' refunds or notices chosen when cancelling.
  'cancellation',
] as const satisfies readonly (keyof EventDoc)[];

/**
 * Events and their seat inventory.
 *
 * @example
 * const events = createEventService({ store, clock });
 * const event = await events.create({ account, livemode: false }, input);
 */
export function createEventService({
  store,
  clock,
  domainEvents = createDomainEvents({ store, clock }),
  auditLog = createAuditLog({ store, clock }),
  inventory,
  seatsBack,
}: EventServiceDeps) {
  const events = store.collection<EventDoc>('events');
  /** Records who made an event change (when a person or key made it), naming its events-log entry. */
  const auditChange = async (
    context: AuditContext | undefined,
    action: 'event.created' | 'event.updated' | 'event.cancelled',
    before: EventDoc | null,
    after: EventDoc,
    sequence?: number,
  ) => {
    if (!context) return;
    const changes = changesBetween(before, after, EVENT_AUDIT_FIELDS);
    await auditLog.record(context, { action, target: { type: 'event', id: after._id }, changes, domainEvent: domainEventId(after._id, action, sequence) });
  };
  const recordEvent = (type: 'event.created' | 'event.updated' | 'event.cancelled', event: EventDoc, sequence?: number) =>
    domainEvents.record({ type, account: event.account, livemode: event.livemode, snapshot: { kind: 'event', event }, ...(sequence === undefined ? {} : { sequence }) });
  const publicCache = new TtlCache<string, EventDoc>(clock, PUBLIC_EVENT_CACHE_MS, 1_000);
  // Kept beside the event for as long: buyers who find every seat held are told this moment.
  const expiryCache = new TtlCache<string, { at: Date | null }>(clock, PUBLIC_EVENT_CACHE_MS, 1_000);

  async function get(owner: Owner, id: string): Promise<EventDoc> {
    const event = await events.findOne({ _id: id, account: owner.account, livemode: owner.livemode });
    if (!event) throw notFound('event', id);
    return event;
  }

  return {
    get,

    /** Drops the cached public view of an event changed elsewhere (its questions), so buyers see the change at once. */
    forgetCached(id: string): void {
      publicCache.delete(id);
    },

    /** An event by id alone, for pages reached through a ticket link. */
    async findById(id: string): Promise<EventDoc | null> {
      return events.findOne({ _id: id });
    },

    /** `findById` through the short per-server cache (see PUBLIC_EVENT_CACHE_MS): for the door scanner. */
    async findByIdCached(id: string): Promise<EventDoc | null> {
      const cached = publicCache.get(id);
      if (cached) return cached;
      const event = await events.findOne({ _id: id });
      return event ? publicCache.set(id, event) : null;
    },

    /** Creates an event; `audit` names who did it, for the audit log. */
    async create(owner: Owner, input: EventInput, audit?: AuditContext): Promise<EventDoc> {
      const withId = input.ticket_types.findIndex((t) => t.id !== undefined);
      if (withId >= 0) {
        throw new AppError('VALIDATION_FAILED', 'The event is not valid.', [
          { field: `ticket_types.${withId}.id`, message: 'is assigned by the server; send it only when editing' },
        ]);
      }
      checkEventRules(input);
      const now = clock.now();
      const ticketTypes = toTicketTypes(input.ticket_types);
      const doc: EventDoc = {
        _id: newId('evt'),
        account: owner.account,
        livemode: owner.livemode,
        ...editableFields(input),
        currency: 'INR',
        ticket_types: ticketTypes,
        inventory: {
          sold: 0,
          held: 0,
          available: input.capacity,
          types: Object.fromEntries(ticketTypes.map((t) => [t.id, t.capacity === null ? { sold: 0, held: 0 } : { sold: 0, held: 0, available: t.capacity }])),
        },
        rev: 0,
        created_at: now,
        updated_at: now,
        cancelled_at: null,
      };
      await events.insertOne(doc);
      await recordEvent('event.created', doc);
      await auditChange(audit, 'event.created', null, doc);
      return doc;
    },

    async list(owner: Owner, page: PageParams): Promise<Page<EventDoc>> {
      return paginate(events, { account: owner.account, livemode: owner.livemode }, page);
    },

    /**
     * Applies an organizer's edit. `ticket_types`, when given, is the whole new
     * list: entries with an `id` keep that type, entries without one are added,
     * and missing types are removed (only while none are sold or held).
     */
    async update(owner: Owner, id: string, patch: EventPatch, audit?: AuditContext): Promise<EventDoc> {
      for (let attempt = 0; attempt < MAX_EDIT_ATTEMPTS; attempt++) {
        const current = await get(owner, id);
        if (current.status === 'cancelled') throw new AppError('CONFLICT', 'A cancelled event cannot be changed.');
        // Ids first: a duplicate or unknown id is the caller's mistake, whatever the other rules say.
        checkTicketTypeIds(current, patch.ticket_types ?? []);
        const next: EventInput = { ...docToInput(current), ...definedOnly(patch) };
        // A partial waiting-list setting changes only what it names.
        if (patch.waiting_list) next.waiting_list = { ...waitingListOf(current), ...definedOnly(patch.waiting_list) };
        checkEventRules(next);
        const { filter, update } = planEdit(current, next, clock.now());
        // The revision being replaced keeps its entry: one lost to a crash right after its edit
        // can only be recorded while the event is still at that revision.
        await domainEvents.recordMissing(eventLogInputs(current));
        const updated = await events.findOneAndUpdate(filter, update);
        if (updated) {
          publicCache.delete(id);
          // One event per revision: the revision number tells two edits apart.
          await recordEvent('event.updated', updated, updated.rev);
          await auditChange(audit, 'event.updated', current, updated, updated.rev);
          // A capacity raised while people wait: their offers need not wait for the job's round.
          if (updated.inventory.waitlist_due && seatsAdded(current, updated)) seatsBack?.notify(id);
          return updated;
        }
        // Someone else edited, or holds took the seats we were removing: read again and re-plan.
      }
      throw new AppError('CONFLICT', 'The event is being changed by someone else; try again.');
    },

    /**
     * Stops sales for good. Cancelling a cancelled event returns it unchanged. `cancellation`,
     * the run that refunds or tells the buyers (`domain/event-cancellation.ts`), is written with
     * the status, so the `event.cancelled` entry carries the organizer's choice.
     */
    async cancel(owner: Owner, id: string, audit?: AuditContext, cancellation?: CancellationRunDoc): Promise<EventDoc> {
      const before = await get(owner, id);
      // As for an edit: the last revision's entry, if a crash lost it, before the event moves on.
      if (before.status !== 'cancelled') await domainEvents.recordMissing(eventLogInputs(before));
      const now = clock.now();
      const updated = await events.findOneAndUpdate(
        { _id: id, account: owner.account, status: op.ne('cancelled') },
        { $set: { status: 'cancelled', cancelled_at: now, updated_at: now, ...(cancellation ? { cancellation } : {}) }, $inc: { rev: 1 } },
      );
      publicCache.delete(id);
      // Also when it was cancelled already: cancelling again after a crash records the event.
      const cancelled = updated ?? (await get(owner, id));
      await recordEvent('event.cancelled', cancelled);
      // Only the request that cancelled it: cancelling again changes nothing, so it audits nothing.
      if (updated) await auditChange(audit, 'event.cancelled', before, updated);
      return cancelled;
    },

    /** An event as a publishable key may see it: drafts do not exist publicly. */
    async getPublic(owner: Owner, id: string): Promise<EventDoc> {
      const event = await get(owner, id);
      if (event.status === 'draft') throw notFound('event', id);
      return event;
    },

    /**
     * `getPublic` for the hottest read of all, the public event view that every embedded
     * checkout loads: served from a per-process cache for up to PUBLIC_EVENT_CACHE_MS.
     */
    async readPublic(owner: Owner, id: string): Promise<PublicEventRead> {
      const cached = publicCache.get(id);
      const event = cached ?? publicCache.set(id, await get(owner, id));
      if (event.account !== owner.account || event.livemode !== owner.livemode || event.status === 'draft') throw notFound('event', id);
      const expiry = (cached && expiryCache.get(id)) || expiryCache.set(id, { at: (await inventory?.earliestHoldExpiry(event)) ?? null });
      return { event, holdsExpireAt: expiry.at };
    },
  };
}

export type EventService = ReturnType<typeof createEventService>;

/** Drops keys whose value is `undefined`, so a patch only overrides what it names. */
function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}
