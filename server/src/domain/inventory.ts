import type { SeatsBack } from './seats-back.js';
import { DuplicateKeyError, op, type Filter, type IndexSpec, type Store, type Update } from '../store/port.js';
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
 *   by no document.
 * - **release, sell**: a conditional write on the hold document's exact entry first claims
 *   the movement (held → `releasing` or `selling`); of every caller racing to do it (the
 *   expirer, a cancel, the sweeper; a browser, a webhook, the reconciler), exactly one wins,
 *   and only the winner moves the counters, then settles the document (deleted, or sold).
 * - **re-hold as sold** (a payment that arrived after its hold was released): the order
 *   claims its document first (`taking`), then takes the seats, then marks it sold.
 *
 * A racer that finds a movement under way waits for its outcome. One whose mover died (past
 * the grace) is settled in the direction that can never sell a seat twice: a sale or a
 * re-hold is done again, a release is dropped. What that can leave, seats counted as held
 * that no document holds, or a re-sale counted twice, the recount sets right once the
 * event's seats have been still for a while (`recount`); a re-hold done twice keeps its
 * seats off sale (sold counts are not recounted here).
 *
 * Entries are short strings, also the token every conditional write matches on. Times in
 * base-36 milliseconds:
 *
 *     held       h:<at>:<ticket type>=<seats>[,<ticket type>=<seats>…]
 *     releasing  r:<at>:…      selling  c:<at>:…      taking  t:<at>:…   (same seats part)
 *     sold       s:<at>
 *
 * A sold entry needs no seat counts: refunds and voids count seats from tickets.
 *
 * The sweeper finds the holds that need a look through `due_at` (indexed): a hold once its
 * grace has passed, a sale once it may be forgotten, and whatever time it sets for the next look.
 */

/** Hold documents, one per order that took seats. */
export const SEAT_HOLDS = 'seat_holds';

/** The sweeper's index (holds due a look), the public view's (an event's oldest hold) and the recount's. */
export const INVENTORY_INDEXES: readonly IndexSpec[] = [
  { collection: SEAT_HOLDS, keys: { due_at: 1 } },
  { collection: SEAT_HOLDS, keys: { event: 1, state: 1, at: 1 } },
  { collection: 'events', keys: { 'inventory.recount_due': 1 }, sparse: true },
];

export interface SeatLine {
  ticketType: string;
  quantity: number;
}

/** A ledger entry as stored. */
export type LedgerEntry = string;
/** The ledger an earlier version kept inside the event document, keyed by order id (read once, by `migrateLedgers`). */
export type InventoryLedger = Record<string, LedgerEntry>;

/** Seats in the middle of a movement: claimed by one caller, which moves the counters next. */
export type Moving = 'taking' | 'selling' | 'releasing';

export type ParsedEntry = { state: 'held' | Moving; at: number; types: Record<string, number>; quantity: number } | { state: 'sold'; at: number };

const SEAT_STATES = { h: 'held', t: 'taking', c: 'selling', r: 'releasing' } as const;
type SeatState = keyof typeof SEAT_STATES;

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

function seatsEntry(state: SeatState, at: Date, types: Record<string, number>): LedgerEntry {
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
  if (!state || !(state in SEAT_STATES) || !seats) return null;
  const types: Record<string, number> = {};
  let quantity = 0;
  for (const pair of seats.split(',')) {
    const [type, n] = pair.split('=');
    const count = Number(n);
    if (!type || !Number.isInteger(count) || count < 1) return null;
    types[type] = count;
    quantity += count;
  }
  return { state: SEAT_STATES[state as SeatState], at, types, quantity };
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

/** A recount waits until an event's seats have not moved for this long, so no movement is half done. */
export const RECOUNT_QUIET_MS = 2 * 60_000;

/** A ticket type whose `held` counter disagreed with its hold documents, and was set right. */
export interface SeatDrift {
  event: string;
  ticket_type: string;
  /** What the counter said. */
  counted: number;
  /** What the hold documents hold. */
  held: number;
}

/**
 * @example
 * const inventory = createInventory({ store, clock });
 * if (!(await inventory.hold(event, orderId, [{ ticketType, quantity: 2 }]))) throw soldOut();
 */
export function createInventory({ store, clock, seatsBack }: { store: Store; clock: Clock; seatsBack?: SeatsBack | undefined }) {
  const events = store.collection<EventDoc>('events');
  const holds = store.collection<SeatHoldDoc>(SEAT_HOLDS);

  /**
   * The update that moves the counters by `inc`: it also bumps `moves` and `moved_at` and
   * marks the event for a recount, so the recount knows when the seats were last moved.
   */
  function move(inc: Record<string, number>): Update {
    return { $inc: { ...inc, 'inventory.moves': 1 }, $max: { 'inventory.moved_at': clock.now() }, $set: { 'inventory.recount_due': true } };
  }

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
      if ((await events.updateOne({ _id: eventId, rev: event.rev }, move(inc))).matched === 1) {
        // People wait for these seats: their offer need not wait for the job's next round.
        if (event.inventory.waitlist_due) seatsBack?.notify(eventId);
        return;
      }
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
      if ((await events.updateOne(filter, move(inc))).matched === 1) {
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

  /** Moves held seats to sold for an order whose hold document is the `selling` entry `mine`, then marks it sold. */
  async function finishSelling(eventId: string, orderId: string, types: Record<string, number>, mine: LedgerEntry): Promise<void> {
    const quantity = Object.values(types).reduce((a, b) => a + b, 0);
    const inc: Record<string, number> = { 'inventory.held': -quantity, 'inventory.sold': quantity };
    for (const [typeId, n] of Object.entries(types)) {
      inc[`inventory.types.${typeId}.held`] = -n;
      inc[`inventory.types.${typeId}.sold`] = n;
    }
    await events.updateOne({ _id: eventId }, move(inc));
    await holds.updateOne({ _id: orderId, entry: mine }, { $set: becomes(soldEntry(clock.now())) });
  }

  /** Claims the hold document that is exactly `raw`, turning it into `next`; only one caller wins. */
  async function claim(orderId: string, raw: LedgerEntry, next: LedgerEntry): Promise<boolean> {
    return (await holds.updateOne({ _id: orderId, entry: raw }, { $set: becomes(next) })).matched === 1;
  }

  const fresh = (entry: ParsedEntry) => clock.now().getTime() <= entryDueAt(entry);

  /**
   * Takes `types` as held for `orderId` while the event is published. A buyer's hold
   * (`public`) also needs that nobody waits for any of its types or for the event's shared
   * seats: a field never written counts as 0, which `$not: {$gt: 0}` matches, so from the
   * moment someone waits, freed seats can only go to the waiting list (docs/waiting-list.md).
   */
  async function holdSeats(event: EventDoc, orderId: string, types: Record<string, number>, isPublic: boolean): Promise<boolean> {
    let current: EventDoc | null = event;
    for (let attempt = 0; attempt < 3 && current; attempt++) {
      const { filter, inc } = takeSeats(current, types, 'held');
      // Buyers hold only while the event is on sale.
      const guarded: Filter = { ...filter, status: 'published' };
      if (isPublic) {
        guarded['inventory.waiting'] = op.not(op.gt(0));
        for (const typeId of Object.keys(types)) guarded[`inventory.types.${typeId}.waiting`] = op.not(op.gt(0));
      }
      const result = await events.updateOne(guarded, move(inc));
      if (result.matched === 1) {
        await holds.insertOne(holdDoc(event._id, orderId, seatsEntry('h', clock.now(), types)));
        return true;
      }
      const fresh: EventDoc | null = await events.findOne({ _id: event._id });
      if (!fresh || fresh.rev === current.rev) return false; // refused on the facts, not on a stale plan
      current = fresh;
    }
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
     * The counters move first: a crash before the hold document is written leaves seats
     * held by nobody, which the recount returns to sale, rather than seats sold twice.
     */
    async hold(event: EventDoc, orderId: string, lines: readonly SeatLine[]): Promise<boolean> {
      return holdSeats(event, orderId, perType(lines), true);
    },

    /**
     * Holds seats for a waiting-list offer: as `hold`, but the seats may be taken while people
     * wait (they are the ones taking them). The entry's order id keys the hold.
     */
    async holdForOffer(event: EventDoc, orderId: string, lines: readonly SeatLine[]): Promise<boolean> {
      return holdSeats(event, orderId, perType(lines), false);
    },

    /**
     * Returns held seats to sale. Exactly once: only the caller that claims the held entry
     * `raw` moves the counters (the claim is `releasing` until they have moved, then deleted).
     */
    async release(eventId: string, orderId: string, raw: LedgerEntry): Promise<boolean> {
      const held = parseEntry(raw);
      if (held?.state !== 'held') return false;
      const mine = seatsEntry('r', clock.now(), held.types);
      if (!(await claim(orderId, raw, mine))) return false;
      await giveBack(eventId, held.types, 'held');
      await holds.deleteOne({ _id: orderId, entry: mine });
      return true;
    },

    /**
     * Makes an order's seats sold. Converts its hold when it still has one; re-holds as
     * sold when its hold was released (a payment that arrived after the hold expired).
     * Returns false only when the seats are gone. `event` is the caller's fresh read.
     * `ready` is a write of the caller's that must have landed before any seat moves (the new
     * order's insert, sent in the same turn as the hold's claim): the counters wait for it, and
     * if it fails they never move, leaving a claim of nobody's that the sweeper drops.
     */
    async sell(event: EventDoc, orderId: string, lines: readonly SeatLine[], ready?: Promise<unknown>): Promise<boolean> {
      for (let look = 0; look < TAKING_POLLS; look++) {
        const hold = await holds.findOne({ _id: orderId });
        const entry = parseEntry(hold?.entry);
        if (entry?.state === 'sold') return true;
        if (hold && entry?.state === 'held') {
          const mine = seatsEntry('c', clock.now(), entry.types);
          if (!(await claim(orderId, hold.entry, mine))) continue;
          await ready;
          await finishSelling(event._id, orderId, entry.types, mine);
          return true;
        }
        if (hold && entry && entry.state !== 'held' && fresh(entry)) {
          // Another request is moving these seats right now: wait for its outcome.
          await pause();
          continue;
        }
        const types = perType(lines);
        if (hold && entry?.state === 'selling') {
          // Its seller died: sell again (if it had moved the counters, the recount moves the
          // seats counted twice back from sold to held).
          const mine = seatsEntry('c', clock.now(), entry.types);
          if (!(await claim(orderId, hold.entry, mine))) continue;
          await ready;
          await finishSelling(event._id, orderId, entry.types, mine);
          return true;
        }
        const mine = seatsEntry('t', clock.now(), types);
        if (hold && entry?.state === 'taking') {
          // Its taker died: take over (at worst the seats are taken twice, never not at all).
          if (!(await claim(orderId, hold.entry, mine))) continue;
          await ready;
          return finishTaking(event, orderId, types, mine);
        }
        if (hold && entry?.state === 'releasing') {
          // Its releaser died: the recount returns the seats if it had not; start afresh.
          await holds.deleteOne({ _id: orderId, entry: hold.entry });
          continue;
        }
        if (hold) return false; // an entry this code never wrote: leave it for a person to look at
        try {
          await holds.insertOne(holdDoc(event._id, orderId, mine));
        } catch (err) {
          if (err instanceof DuplicateKeyError) continue; // a racer claimed it first: look again
          throw err;
        }
        await ready;
        return finishTaking(event, orderId, types, mine);
      }
      throw new Error(`seats for order ${orderId} are still being moved by another request`);
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

    /**
     * Settles a hold whose mover died mid-way (`taking`, `selling`, `releasing`, past its grace),
     * for an order that no fulfilment will pick up: a release or a re-hold is dropped (the
     * recount returns seats held by nobody), a sale is finished. False when it changed meanwhile.
     */
    async settleStale(hold: SeatHoldDoc): Promise<boolean> {
      const entry = parseEntry(hold.entry);
      if (!entry || entry.state === 'held' || entry.state === 'sold' || fresh(entry)) return false;
      if (entry.state === 'selling') {
        const mine = seatsEntry('c', clock.now(), entry.types);
        if (!(await claim(hold._id, hold.entry, mine))) return false;
        await finishSelling(hold.event, hold._id, entry.types, mine);
        return true;
      }
      return (await holds.deleteOne({ _id: hold._id, entry: hold.entry })) === 1;
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
     * Sets each `held` counter right by the hold documents, for events whose seats have not
     * moved for RECOUNT_QUIET_MS since they last did: what a crash between the two writes of
     * a movement leaves. Seats counted as held with no hold document return to sale; seats a
     * re-sale counted twice return from sold to held. An event with a movement still under
     * way waits for the next round, and a fix applies only if no seat moved while it read.
     */
    async recount(limit: number): Promise<SeatDrift[]> {
      const drifts: SeatDrift[] = [];
      const quietSince = new Date(clock.now().getTime() - RECOUNT_QUIET_MS);
      for (const event of await events.find({ 'inventory.recount_due': true, 'inventory.moved_at': op.lt(quietSince) }, { limit })) {
        const docs = await holds.find({ event: event._id });
        const entries = docs.map((d) => parseEntry(d.entry));
        if (entries.some((e) => e && e.state !== 'held' && e.state !== 'sold')) continue; // being moved, or its mover died: settled first
        const heldBy: Record<string, number> = {};
        for (const e of entries) if (e?.state === 'held') for (const [typeId, n] of Object.entries(e.types)) heldBy[typeId] = (heldBy[typeId] ?? 0) + n;
        const inc: Record<string, number> = {};
        const add = (path: string, n: number) => {
          inc[`inventory.${path}`] = (inc[`inventory.${path}`] ?? 0) + n;
        };
        const found: SeatDrift[] = [];
        for (const typeId of new Set([...Object.keys(event.inventory.types), ...Object.keys(heldBy)])) {
          const counted = event.inventory.types[typeId]?.held ?? 0;
          const held = heldBy[typeId] ?? 0;
          const drift = counted - held;
          if (drift === 0) continue;
          found.push({ event: event._id, ticket_type: typeId, counted, held });
          add(`types.${typeId}.held`, -drift);
          add('held', -drift);
          if (drift > 0) {
            add('available', drift);
            if (event.inventory.types[typeId]?.available !== undefined) add(`types.${typeId}.available`, drift);
          } else {
            add(`types.${typeId}.sold`, drift);
            add('sold', drift);
          }
        }
        const update: Update = { $unset: { 'inventory.recount_due': '' }, ...(found.length > 0 ? { $inc: inc } : {}) };
        const filter = { _id: event._id, rev: event.rev, 'inventory.moves': event.inventory.moves ?? op.exists(false) };
        if ((await events.updateOne(filter, update)).matched === 1) drifts.push(...found);
      }
      return drifts;
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
