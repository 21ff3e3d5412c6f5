import { op, type Collection, type Filter, type IndexSpec, type Update } from '../store/port.js';
import type { Clock } from '../kernel/clock.js';
import type { EventDoc } from './events.js';

/**
 * Seat movements, each one conditional update on the event document.
 *
 * Every order that takes seats leaves an entry in the event's hold ledger,
 * `inventory.holds.<order id>`, written by the same update that moves the
 * counters. That makes each movement idempotent per order: releasing a hold
 * twice, converting it to a sale twice, or re-holding a late payment twice
 * matches nothing the second time. So racing confirmations (browser, webhook,
 * reconciler), sweeper retries, and a crash between writing the order and
 * writing the event can neither count a seat twice nor leak one: the sweeper
 * finds entries without a live order and releases them.
 *
 * Entries are short strings, not objects: the event document is read and
 * rewritten by every purchase, so during a rush its size is the cost of each
 * sale (an object entry made a 500-seat event's document ~85 KB; a string entry
 * keeps it near 20 KB). Formats, with times in base-36 milliseconds:
 *
 *     held   h:<at>:<ticket type>=<seats>[,<ticket type>=<seats>…]
 *     sold   s:<at>
 *
 * A sold entry needs no seat counts: refunds and voids count seats from tickets.
 *
 * The sweeper finds the events whose ledger needs a look without reading the others:
 * `inventory.ledger_due_at` is the earliest time any entry may need it (an index
 * serves `ledger_due_at < now`). The update that writes an entry lowers it with `$min`
 * and bumps `inventory.ledger_seq`, in the same conditional update that moves the
 * seats, so the schedule can never miss an entry. The sweeper moves it later only
 * while `ledger_seq` is what it read (see `reschedule`), so it cannot push an entry
 * written meanwhile out of view. Removing an entry leaves the schedule alone: at
 * worst the sweeper looks once more and finds nothing to do.
 */

/** The index the sweeper finds due ledgers through (single-field, so the embedded store uses it too). */
export const INVENTORY_INDEXES: readonly IndexSpec[] = [{ collection: 'events', keys: { 'inventory.ledger_due_at': 1 } }];

export interface SeatLine {
  ticketType: string;
  quantity: number;
}

/** A ledger entry as stored. */
export type LedgerEntry = string;
export type InventoryLedger = Record<string, LedgerEntry>;

export type ParsedEntry = { state: 'held'; at: number; types: Record<string, number>; quantity: number } | { state: 'sold'; at: number };

/** Sold entries stay this long, so a late racer still sees "already sold"; then the sweeper drops them. */
export const SOLD_ENTRY_RETENTION_MS = 10 * 60_000;

/** A held entry with no live order is released after this grace (covers a crash mid-create). */
export const ORPHAN_GRACE_MS = 60_000;

/**
 * When the sweeper may first act on an entry, judging by the entry alone: a hold once
 * its grace has passed (an order that never got written), a sale once it may be forgotten.
 * It acts only strictly after this time.
 */
export function entryDueAt(entry: ParsedEntry): number {
  return entry.at + (entry.state === 'held' ? ORPHAN_GRACE_MS : SOLD_ENTRY_RETENTION_MS);
}

/**
 * The update that writes `raw` as an order's entry, with the seat counters' `inc`. It also
 * keeps the sweeper's schedule in step: the ledger is due no later than the new entry.
 */
function writeEntry(orderId: string, raw: LedgerEntry, inc: Record<string, number>): Update {
  const entry = parseEntry(raw);
  if (!entry) throw new Error(`refusing to write a malformed ledger entry '${raw}'`);
  return {
    $inc: { ...inc, 'inventory.ledger_seq': 1 },
    $set: { [`inventory.holds.${orderId}`]: raw },
    $min: { 'inventory.ledger_due_at': new Date(entryDueAt(entry)) },
  };
}

function perType(lines: readonly SeatLine[]): Record<string, number> {
  const types: Record<string, number> = {};
  for (const line of lines) types[line.ticketType] = (types[line.ticketType] ?? 0) + line.quantity;
  return types;
}

function heldEntry(at: Date, types: Record<string, number>): LedgerEntry {
  return `h:${at.getTime().toString(36)}:${Object.entries(types)
    .map(([type, n]) => `${type}=${n}`)
    .join(',')}`;
}

function soldEntry(at: Date): LedgerEntry {
  return `s:${at.getTime().toString(36)}`;
}

/** Reads an entry; null for anything malformed (never written by this code). */
export function parseEntry(raw: LedgerEntry | undefined): ParsedEntry | null {
  if (typeof raw !== 'string') return null;
  const [state, at36, seats] = raw.split(':');
  const at = parseInt(at36 ?? '', 36);
  if (!Number.isFinite(at)) return null;
  if (state === 's') return { state: 'sold', at };
  if (state !== 'h' || !seats) return null;
  const types: Record<string, number> = {};
  let quantity = 0;
  for (const pair of seats.split(',')) {
    const [type, n] = pair.split('=');
    const count = Number(n);
    if (!type || !Number.isInteger(count) || count < 1) return null;
    types[type] = count;
    quantity += count;
  }
  return { state: 'held', at, types, quantity };
}

/**
 * Filter and counter changes that take seats out of `available`, guarded so
 * that no counter (event or capped type) can go negative.
 */
function takeSeats(event: EventDoc, types: Record<string, number>, into: 'held' | 'sold') {
  const quantity = Object.values(types).reduce((a, b) => a + b, 0);
  // `rev` pins the read this plan came from: which types are capped changes only with an
  // organizer's edit, which bumps `rev`; holds do not, so they never contend on it.
  const filter: Filter = { _id: event._id, rev: event.rev, 'inventory.available': op.gte(quantity) };
  const inc: Record<string, number> = { 'inventory.available': -quantity, [`inventory.${into}`]: quantity };
  for (const [typeId, n] of Object.entries(types)) {
    inc[`inventory.types.${typeId}.${into}`] = n;
    const capped = event.ticket_types.find((t) => t.id === typeId)?.capacity != null;
    if (capped) {
      filter[`inventory.types.${typeId}.available`] = op.gte(n);
      inc[`inventory.types.${typeId}.available`] = -n;
    }
  }
  return { filter, inc };
}

export function createInventory({ events, clock }: { events: Collection<EventDoc>; clock: Clock }) {
  const entryPath = (orderId: string) => `inventory.holds.${orderId}`;

  /** Applies `update` only while the order's entry is exactly `raw`: the idempotency guard. */
  async function whileEntryIs(eventId: string, orderId: string, raw: LedgerEntry, update: Update): Promise<boolean> {
    return (await events.updateOne({ _id: eventId, [entryPath(orderId)]: raw }, update)).matched === 1;
  }

  /** Converts a held entry to sold; false when the entry changed meanwhile. */
  async function convert(eventId: string, orderId: string, raw: LedgerEntry): Promise<boolean> {
    const held = parseEntry(raw);
    if (held?.state !== 'held') return false;
    const inc: Record<string, number> = { 'inventory.held': -held.quantity, 'inventory.sold': held.quantity };
    for (const [typeId, n] of Object.entries(held.types)) {
      inc[`inventory.types.${typeId}.held`] = -n;
      inc[`inventory.types.${typeId}.sold`] = n;
    }
    return whileEntryIs(eventId, orderId, raw, writeEntry(orderId, soldEntry(clock.now()), inc));
  }

  return {
    parseEntry,

    /**
     * Holds seats for an order (or sells them outright, for tickets issued
     * without checkout). False when they are not available or sales stopped.
     */
    async hold(event: EventDoc, orderId: string, lines: readonly SeatLine[], as: 'held' | 'sold' = 'held'): Promise<boolean> {
      const types = perType(lines);
      let current: EventDoc | null = event;
      for (let attempt = 0; attempt < 3 && current; attempt++) {
        const { filter, inc } = takeSeats(current, types, as);
        const now = clock.now();
        const result = await events.updateOne(
          // Buyers hold only while the event is on sale; organizers may issue to any event not cancelled.
          { ...filter, status: as === 'held' ? 'published' : op.ne('cancelled'), [entryPath(orderId)]: op.exists(false) },
          writeEntry(orderId, as === 'held' ? heldEntry(now, types) : soldEntry(now), inc),
        );
        if (result.matched === 1) return true;
        const fresh: EventDoc | null = await events.findOne({ _id: event._id });
        if (!fresh || fresh.rev === current.rev) return false; // refused on the facts, not on a stale plan
        current = fresh;
      }
      return false;
    },

    /** Returns held seats to sale. Idempotent: only the held entry `raw` is released. */
    async release(eventId: string, orderId: string, raw: LedgerEntry): Promise<boolean> {
      const held = parseEntry(raw);
      if (held?.state !== 'held') return false;
      const inc: Record<string, number> = { 'inventory.available': held.quantity, 'inventory.held': -held.quantity };
      for (const [typeId, n] of Object.entries(held.types)) {
        inc[`inventory.types.${typeId}.held`] = -n;
        inc[`inventory.types.${typeId}.available`] = n;
      }
      for (let attempt = 0; attempt < 3; attempt++) {
        const event = await events.findOne({ _id: eventId });
        if (event?.inventory.holds?.[orderId] !== raw) return false;
        // A type without its own capacity has no `available` counter to give seats back to.
        const update = { ...inc };
        for (const typeId of Object.keys(held.types)) {
          if (event.inventory.types[typeId]?.available === undefined) delete update[`inventory.types.${typeId}.available`];
        }
        const result = await events.updateOne({ _id: eventId, rev: event.rev, [entryPath(orderId)]: raw }, { $inc: update, $unset: { [entryPath(orderId)]: '' } });
        if (result.matched === 1) return true;
      }
      return false;
    },

    /**
     * Makes an order's seats sold. Converts its hold when it still has one;
     * re-holds as sold when its hold was released (a payment that arrived after
     * the hold expired). Returns false only when the seats are gone.
     * `event` is the caller's fresh read, saving a read in the common case.
     */
    async sell(event: EventDoc, orderId: string, lines: readonly SeatLine[]): Promise<boolean> {
      let current: EventDoc | null = event;
      for (let attempt = 0; attempt < 3 && current; attempt++) {
        const raw = current.inventory.holds?.[orderId];
        const entry = parseEntry(raw);
        if (entry?.state === 'sold') return true;
        if (entry?.state === 'held' && raw !== undefined) {
          if (await convert(event._id, orderId, raw)) return true;
        } else {
          const { filter, inc } = takeSeats(current, perType(lines), 'sold');
          const reheld = await events.updateOne({ ...filter, [entryPath(orderId)]: op.exists(false) }, writeEntry(orderId, soldEntry(clock.now()), inc));
          if (reheld.matched === 1) return true;
        }
        // Released, converted or sold out meanwhile: look again.
        current = await events.findOne({ _id: event._id });
        if (current && current.inventory.holds?.[orderId] === undefined && attempt > 0) return false;
      }
      return false;
    },

    /** Returns sold seats to sale (a refund or a voided ticket). */
    async unsell(eventId: string, types: Record<string, number>): Promise<void> {
      const quantity = Object.values(types).reduce((a, b) => a + b, 0);
      for (let attempt = 0; attempt < 5; attempt++) {
        const event = await events.findOne({ _id: eventId });
        if (!event) return;
        const inc: Record<string, number> = { 'inventory.available': quantity, 'inventory.sold': -quantity };
        for (const [typeId, n] of Object.entries(types)) {
          inc[`inventory.types.${typeId}.sold`] = -n;
          // Only capped types keep their own `available` counter (as of this read: hence `rev`).
          if (event.inventory.types[typeId]?.available !== undefined) inc[`inventory.types.${typeId}.available`] = n;
        }
        if ((await events.updateOne({ _id: eventId, rev: event.rev }, { $inc: inc })).matched === 1) return;
      }
      throw new Error(`could not return seats to event ${eventId}: it kept changing`);
    },

    /** Drops a settled sold entry once no racer can still be looking for it. */
    async forgetSold(eventId: string, orderId: string, raw: LedgerEntry): Promise<boolean> {
      if (parseEntry(raw)?.state !== 'sold') return false;
      return whileEntryIs(eventId, orderId, raw, { $unset: { [entryPath(orderId)]: '' } });
    },

    /** The ledger of an event, for the sweeper. */
    ledger(event: EventDoc): InventoryLedger {
      return event.inventory.holds ?? {};
    },

    /** Events whose ledger is due a look, earliest first: read through the index, so never more than are due. */
    async dueLedgers(limit: number): Promise<EventDoc[]> {
      return events.find({ 'inventory.ledger_due_at': op.lt(clock.now()) }, { sort: { 'inventory.ledger_due_at': 1 }, limit });
    },

    /**
     * Sets when the sweeper next looks at the ledger it read in `event`: at `next` (ms), or
     * never when nothing is left to look at; `emptied` also drops the emptied ledger. Only
     * while no entry was written since that read: otherwise the schedule already covers the
     * new entry and stays as it is (still due, so the sweeper looks again). False then.
     */
    async reschedule(event: EventDoc, next: number | null, emptied: boolean): Promise<boolean> {
      const seq = event.inventory.ledger_seq;
      const update: Update =
        next === null ? { $unset: { 'inventory.ledger_due_at': '', ...(emptied ? { 'inventory.holds': '' } : {}) } } : { $set: { 'inventory.ledger_due_at': new Date(next) } };
      const filter = { _id: event._id, 'inventory.ledger_seq': seq ?? op.exists(false) };
      return (await events.updateOne(filter, update)).matched === 1;
    },

    /**
     * Puts ledgers written before the schedule existed on it, due now, so the sweeper looks
     * at each once. Run at start; it matches nothing once they have been looked at.
     */
    async scheduleUnscheduledLedgers(): Promise<number> {
      const result = await events.updateMany(
        { 'inventory.holds': op.exists(true), 'inventory.ledger_due_at': op.exists(false) },
        { $set: { 'inventory.ledger_due_at': clock.now() } },
      );
      return result.modified;
    },
  };
}

export type Inventory = ReturnType<typeof createInventory>;
