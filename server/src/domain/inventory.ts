import { DuplicateKeyError, op, type Filter, type IndexSpec, type Store } from '../store/port.js';
import type { Clock } from '../kernel/clock.js';
import type { EventDoc } from './events.js';

/**
 * Seat movements: the seat counters live in the event document, and each order that takes
 * seats has a hold document of its own in `seat_holds`, keyed by the order's id.
 *
 * The counters are moved by one conditional update on the event (`available ≥ n`), so no
 * race can oversell. The hold document says what the order holds or bought, so the event
 * document stays the same small size however many orders are open: every purchase reads
 * and rewrites it, and when the ledger lived inside it (one key per order) a rush made it
 * tens of kilobytes and most of a sale's CPU went to decoding and encoding it
 * (docs/decisions/0033-hold-ledger-in-its-own-collection.md).
 *
 * The store has no transactions, so the two writes of a movement are ordered so that a
 * race counts nothing twice and a crash between them can only keep seats off sale, never
 * sell one twice:
 *
 * - **hold**: the counters first, then the hold document. A crash between leaves seats held
 *   with no document (off sale, never oversold).
 * - **release, convert, forget**: the hold document first, by a conditional write on its
 *   exact entry (delete, or held → sold). Of every caller racing to do it (the expirer, a
 *   cancel, the sweeper; a browser, a webhook, the reconciler), exactly one wins, and only
 *   the winner moves the counters. A crash between leaves seats off sale (a release) or
 *   counted as held rather than sold (a conversion), never double-counted.
 * - **re-hold as sold** (a payment that arrived after its hold was released): the order
 *   claims its document first (`taking`), then takes the seats, then marks it sold. A racer
 *   that finds a fresh `taking` document waits for its outcome; one older than the grace is
 *   taken over (its taker died: at worst the seats are taken twice, never not at all).
 *
 * Entries are short strings, also the token every conditional write matches on. Times in
 * base-36 milliseconds:
 *
 *     held     h:<at>:<ticket type>=<seats>[,<ticket type>=<seats>…]
 *     taking   t:<at>:<ticket type>=<seats>[,…]
 *     sold     s:<at>
 *
 * A sold entry needs no seat counts: refunds and voids count seats from tickets.
 *
 * The sweeper finds the holds that need a look through `due_at` (indexed): a hold once its
 * grace has passed, a sale once it may be forgotten, and whatever time it sets for the next look.
 */

/** Hold documents, one per order that took seats. */
export const SEAT_HOLDS = 'seat_holds';

/**
 * The sweeper's index (holds due a look) and the public view's (an event's oldest hold).
 */
export const INVENTORY_INDEXES: readonly IndexSpec[] = [
  { collection: SEAT_HOLDS, keys: { due_at: 1 } },
  { collection: SEAT_HOLDS, keys: { event: 1, state: 1, at: 1 } },
];

export interface SeatLine {
  ticketType: string;
  quantity: number;
}

/** A ledger entry as stored. */
export type LedgerEntry = string;
/** The ledger an earlier version kept inside the event document, keyed by order id (read once, by `migrateLedgers`). */
export type InventoryLedger = Record<string, LedgerEntry>;

export type ParsedEntry = { state: 'held' | 'taking'; at: number; types: Record<string, number>; quantity: number } | { state: 'sold'; at: number };

/** What one order holds or bought. */
export interface SeatHoldDoc {
  /** The order's id. */
  _id: string;
  event: string;
  state: ParsedEntry['state'];
  /** The exact entry: every conditional write on the hold matches it. */
  entry: LedgerEntry;
  at: Date;
  /** When the sweeper should next look at this hold. */
  due_at: Date;
}

/** Sold entries stay this long, so a late racer still sees "already sold"; then the sweeper drops them. */
export const SOLD_ENTRY_RETENTION_MS = 10 * 60_000;

/** A held entry with no live order is released after this grace (covers a crash mid-create). */
export const ORPHAN_GRACE_MS = 60_000;

/** How often a racer looks again at a re-hold another request is making (it takes a few writes). */
const TAKING_POLL_MS = 10;
const TAKING_POLLS = 300;

/**
 * When the sweeper may first act on an entry, judging by the entry alone: a hold once its
 * grace has passed (an order that never got written), a sale once it may be forgotten.
 * It acts only strictly after this time.
 */
export function entryDueAt(entry: ParsedEntry): number {
  return entry.at + (entry.state === 'sold' ? SOLD_ENTRY_RETENTION_MS : ORPHAN_GRACE_MS);
}

function perType(lines: readonly SeatLine[]): Record<string, number> {
  const types: Record<string, number> = {};
  for (const line of lines) types[line.ticketType] = (types[line.ticketType] ?? 0) + line.quantity;
  return types;
}

function seatsEntry(state: 'h' | 't', at: Date, types: Record<string, number>): LedgerEntry {
  return `${state}:${at.getTime().toString(36)}:${Object.entries(types)
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
  if ((state !== 'h' && state !== 't') || !seats) return null;
  const types: Record<string, number> = {};
  let quantity = 0;
  for (const pair of seats.split(',')) {
    const [type, n] = pair.split('=');
    const count = Number(n);
    if (!type || !Number.isInteger(count) || count < 1) return null;
    types[type] = count;
    quantity += count;
  }
  return { state: state === 'h' ? 'held' : 'taking', at, types, quantity };
}

/** The hold document of `orderId` for `raw` (which must parse). */
function holdDoc(eventId: string, orderId: string, raw: LedgerEntry): SeatHoldDoc {
  const entry = parseEntry(raw);
  if (!entry) throw new Error(`refusing to write a malformed ledger entry '${raw}'`);
  return { _id: orderId, event: eventId, state: entry.state, entry: raw, at: new Date(entry.at), due_at: new Date(entryDueAt(entry)) };
}

/** The `$set` that turns a hold document into `raw`'s. */
function becomes(raw: LedgerEntry): Record<string, unknown> {
  const { _id: _order, event: _event, ...fields } = holdDoc('', '', raw);
  return fields;
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

const pause = () => new Promise((resolve) => setTimeout(resolve, TAKING_POLL_MS));

/**
 * @example
 * const inventory = createInventory({ store, clock });
 * if (!(await inventory.hold(event, orderId, [{ ticketType, quantity: 2 }]))) throw soldOut();
 */
export function createInventory({ store, clock }: { store: Store; clock: Clock }) {
  const events = store.collection<EventDoc>('events');
  const holds = store.collection<SeatHoldDoc>(SEAT_HOLDS);

  /**
   * Moves seats the caller has already claimed (its hold document is gone or changed) back to
   * `available`, from `from`. Never gives up on a seat it claimed: retries while organizer edits
   * change which types keep their own `available` counter.
   */
  async function giveBack(eventId: string, types: Record<string, number>, from: 'held' | 'sold'): Promise<void> {
    const quantity = Object.values(types).reduce((a, b) => a + b, 0);
    for (let attempt = 0; attempt < 10; attempt++) {
      const event = await events.findOne({ _id: eventId });
      if (!event) return;
      const inc: Record<string, number> = { 'inventory.available': quantity, [`inventory.${from}`]: -quantity };
      for (const [typeId, n] of Object.entries(types)) {
        inc[`inventory.types.${typeId}.${from}`] = -n;
        // Only capped types keep their own `available` counter (as of this read: hence `rev`).
        if (event.inventory.types[typeId]?.available !== undefined) inc[`inventory.types.${typeId}.available`] = n;
      }
      if ((await events.updateOne({ _id: eventId, rev: event.rev }, { $inc: inc })).matched === 1) return;
    }
    throw new Error(`could not return seats to event ${eventId}: it kept changing`);
  }

  /**
   * Takes seats as sold for an order whose hold document is the `taking` entry `mine`, then
   * marks it sold. False (and the claim dropped) when the seats are gone.
   */
  async function finishTaking(event: EventDoc, orderId: string, types: Record<string, number>, mine: LedgerEntry): Promise<boolean> {
    let current: EventDoc | null = event;
    for (let attempt = 0; attempt < 3 && current; attempt++) {
      const { filter, inc } = takeSeats(current, types, 'sold');
      if ((await events.updateOne(filter, { $inc: inc })).matched === 1) {
        await holds.updateOne({ _id: orderId, entry: mine }, { $set: becomes(soldEntry(clock.now())) });
        return true;
      }
      const fresh: EventDoc | null = await events.findOne({ _id: event._id });
      if (!fresh || fresh.rev === current.rev) break; // refused on the facts, not on a stale plan
      current = fresh;
    }
    await holds.deleteOne({ _id: orderId, entry: mine });
    return false;
  }

  return {
    parseEntry,

    /** The hold document of an order, or null when it holds nothing. */
    async holdOf(orderId: string): Promise<SeatHoldDoc | null> {
      return holds.findOne({ _id: orderId });
    },

    /**
     * Holds seats for a new order. False when they are not available or sales stopped.
     * The counters move first: a crash before the hold document is written keeps the
     * seats off sale rather than sells them twice.
     */
    async hold(event: EventDoc, orderId: string, lines: readonly SeatLine[]): Promise<boolean> {
      const types = perType(lines);
      let current: EventDoc | null = event;
      for (let attempt = 0; attempt < 3 && current; attempt++) {
        const { filter, inc } = takeSeats(current, types, 'held');
        // Buyers hold only while the event is on sale.
        const result = await events.updateOne({ ...filter, status: 'published' }, { $inc: inc });
        if (result.matched === 1) {
          await holds.insertOne(holdDoc(event._id, orderId, seatsEntry('h', clock.now(), types)));
          return true;
        }
        const fresh: EventDoc | null = await events.findOne({ _id: event._id });
        if (!fresh || fresh.rev === current.rev) return false; // refused on the facts, not on a stale plan
        current = fresh;
      }
      return false;
    },

    /** Returns held seats to sale. Exactly once: only the caller that deletes the held entry `raw` moves the counters. */
    async release(eventId: string, orderId: string, raw: LedgerEntry): Promise<boolean> {
      const held = parseEntry(raw);
      if (held?.state !== 'held') return false;
      if ((await holds.deleteOne({ _id: orderId, entry: raw })) !== 1) return false;
      await giveBack(eventId, held.types, 'held');
      return true;
    },

    /**
     * Makes an order's seats sold. Converts its hold when it still has one; re-holds as
     * sold when its hold was released (a payment that arrived after the hold expired).
     * Returns false only when the seats are gone. `event` is the caller's fresh read.
     */
    async sell(event: EventDoc, orderId: string, lines: readonly SeatLine[]): Promise<boolean> {
      for (let look = 0; look < TAKING_POLLS; look++) {
        const hold = await holds.findOne({ _id: orderId });
        const entry = parseEntry(hold?.entry);
        if (entry?.state === 'sold') return true;
        if (hold && entry?.state === 'held') {
          // Claim the conversion; only the winner moves the counters (held → sold).
          if ((await holds.updateOne({ _id: orderId, entry: hold.entry }, { $set: becomes(soldEntry(clock.now())) })).matched !== 1) continue;
          const inc: Record<string, number> = { 'inventory.held': -entry.quantity, 'inventory.sold': entry.quantity };
          for (const [typeId, n] of Object.entries(entry.types)) {
            inc[`inventory.types.${typeId}.held`] = -n;
            inc[`inventory.types.${typeId}.sold`] = n;
          }
          await events.updateOne({ _id: event._id }, { $inc: inc });
          return true;
        }
        const types = perType(lines);
        const mine = seatsEntry('t', clock.now(), types);
        if (hold && entry?.state === 'taking') {
          // Another request is taking these seats right now: wait for its outcome. One whose
          // taker died long ago is taken over.
          if (clock.now().getTime() <= entryDueAt(entry)) {
            await pause();
            continue;
          }
          if ((await holds.updateOne({ _id: orderId, entry: hold.entry }, { $set: becomes(mine) })).matched !== 1) continue;
          return finishTaking(event, orderId, types, mine);
        }
        if (hold) return false; // an entry this code never wrote: leave it for a person to look at
        try {
          await holds.insertOne(holdDoc(event._id, orderId, mine));
        } catch (err) {
          if (err instanceof DuplicateKeyError) continue; // a racer claimed it first: look again
          throw err;
        }
        return finishTaking(event, orderId, types, mine);
      }
      throw new Error(`seats for order ${orderId} are still being taken by another request`);
    },

    /** Returns sold seats to sale (a refund or a voided ticket). */
    async unsell(eventId: string, types: Record<string, number>): Promise<void> {
      await giveBack(eventId, types, 'sold');
    },

    /** Drops a settled sold entry once no racer can still be looking for it. */
    async forgetSold(orderId: string, raw: LedgerEntry): Promise<boolean> {
      if (parseEntry(raw)?.state !== 'sold') return false;
      return (await holds.deleteOne({ _id: orderId, entry: raw })) === 1;
    },

    /** Drops a `taking` entry whose order will never sell (its taker died; the seats may stay off sale). */
    async dropTaking(orderId: string, raw: LedgerEntry): Promise<boolean> {
      if (parseEntry(raw)?.state !== 'taking') return false;
      return (await holds.deleteOne({ _id: orderId, entry: raw })) === 1;
    },

    /** Holds due a look, earliest first: read through the index, so never more than are due. */
    async dueHolds(limit: number): Promise<SeatHoldDoc[]> {
      return holds.find({ due_at: op.lt(clock.now()) }, { sort: { due_at: 1 }, limit });
    },

    /** Sets when the sweeper next looks at `hold` (ms); nothing when its entry changed since the read. */
    async reschedule(hold: SeatHoldDoc, next: number): Promise<boolean> {
      return (await holds.updateOne({ _id: hold._id, entry: hold.entry }, { $set: { due_at: new Date(next) } })).matched === 1;
    },

    /**
     * When the first seat held by an unpaid order comes back if its buyer does not pay: the
     * oldest hold plus the event's hold length; null when nothing is held.
     */
    async earliestHoldExpiry(event: EventDoc): Promise<Date | null> {
      if (event.inventory.held <= 0) return null;
      const oldest = await holds.findOne({ event: event._id, state: 'held' }, { sort: { at: 1 } });
      return oldest ? new Date(oldest.at.getTime() + event.hold_minutes * 60_000) : null;
    },

    /**
     * Moves hold ledgers an earlier version kept inside event documents
     * (`inventory.holds`) into hold documents. Run at start, before serving; it matches
     * nothing once they have moved. Each entry's document is written before the entry is
     * removed, so a crash midway leaves it to the next start, never a hold lost.
     */
    async migrateLedgers(): Promise<number> {
      let moved = 0;
      for (const event of await events.find({ 'inventory.holds': op.exists(true) })) {
        const ledger: InventoryLedger = event.inventory.holds ?? {};
        let left = 0;
        for (const [orderId, raw] of Object.entries(ledger)) {
          if (!parseEntry(raw)) {
            left += 1; // never written by this code: left where it is for a person to look at
            continue;
          }
          try {
            await holds.insertOne(holdDoc(event._id, orderId, raw));
          } catch (err) {
            if (!(err instanceof DuplicateKeyError)) throw err; // moved by an earlier, interrupted start
          }
          await events.updateOne({ _id: event._id, [`inventory.holds.${orderId}`]: raw }, { $unset: { [`inventory.holds.${orderId}`]: '' } });
          moved += 1;
        }
        const unset: Record<string, ''> = { 'inventory.ledger_due_at': '', 'inventory.ledger_seq': '' };
        if (left === 0) unset['inventory.holds'] = '';
        await events.updateOne({ _id: event._id }, { $unset: unset });
      }
      return moved;
    },
  };
}

export type Inventory = ReturnType<typeof createInventory>;
