import type { Collection, Filter, Update } from '../store/port.js';
import type { Clock } from './clock.js';
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
 * finds ledger entries without a live order and releases them.
 */

export interface SeatLine {
  ticketType: string;
  quantity: number;
}

export interface LedgerEntry {
  state: 'held' | 'sold';
  quantity: number;
  /** Seats per ticket type. */
  types: Record<string, number>;
  /** When a `held` entry lapses (the order's `expires_at`). */
  expires_at: Date;
  at: Date;
}

export type InventoryLedger = Record<string, LedgerEntry>;

/** Sold entries stay this long, so a late racer still sees "already sold" (then the sweeper drops them). */
export const SOLD_ENTRY_RETENTION_MS = 60 * 60_000;

function perType(lines: readonly SeatLine[]): Record<string, number> {
  const types: Record<string, number> = {};
  for (const line of lines) types[line.ticketType] = (types[line.ticketType] ?? 0) + line.quantity;
  return types;
}

/**
 * Filter and counter changes that take `lines` seats out of `available` for an
 * event, guarded so that no counter (event or capped type) can go negative.
 */
function takeSeats(event: EventDoc, lines: readonly SeatLine[], into: 'held' | 'sold') {
  const types = perType(lines);
  const quantity = Object.values(types).reduce((a, b) => a + b, 0);
  const filter: Filter = { _id: event._id, 'inventory.available': { $gte: quantity } };
  const inc: Record<string, number> = { 'inventory.available': -quantity, [`inventory.${into}`]: quantity };
  for (const [typeId, n] of Object.entries(types)) {
    inc[`inventory.types.${typeId}.${into}`] = n;
    const capped = event.ticket_types.find((t) => t.id === typeId)?.capacity != null;
    if (capped) {
      filter[`inventory.types.${typeId}.available`] = { $gte: n };
      inc[`inventory.types.${typeId}.available`] = -n;
    }
  }
  return { filter, inc, types, quantity };
}

export function createInventory({ events, clock }: { events: Collection<EventDoc>; clock: Clock }) {
  const entryPath = (orderId: string) => `inventory.holds.${orderId}`;

  return {
    /**
     * Holds seats for an order (or sells them outright, for tickets issued
     * without checkout). False when they are not available or sales stopped.
     */
    async hold(event: EventDoc, orderId: string, lines: readonly SeatLine[], expiresAt: Date, as: 'held' | 'sold' = 'held'): Promise<boolean> {
      const { filter, inc, types, quantity } = takeSeats(event, lines, as);
      const entry: LedgerEntry = { state: as, quantity, types, expires_at: expiresAt, at: clock.now() };
      const result = await events.updateOne(
        // Buyers hold only while the event is on sale; organizers may issue to any event not cancelled.
        { ...filter, status: as === 'held' ? 'published' : { $ne: 'cancelled' }, [entryPath(orderId)]: { $exists: false } },
        { $inc: inc, $set: { [entryPath(orderId)]: entry } },
      );
      return result.matched === 1;
    },

    /** Returns held seats to sale. Idempotent: only a `held` entry is released. */
    async release(eventId: string, orderId: string, entry: LedgerEntry): Promise<boolean> {
      const inc: Record<string, number> = { 'inventory.available': entry.quantity, 'inventory.held': -entry.quantity };
      for (const [typeId, n] of Object.entries(entry.types)) {
        inc[`inventory.types.${typeId}.held`] = -n;
        inc[`inventory.types.${typeId}.available`] = n;
      }
      return this.applyToEntry(eventId, orderId, 'held', { $inc: inc, $unset: { [entryPath(orderId)]: '' } });
    },

    /**
     * Makes an order's seats sold. Converts its hold when it still has one;
     * re-holds as sold when its hold was released (a payment that arrived after
     * the hold expired). Returns false only when the seats are gone.
     */
    async sell(event: EventDoc, orderId: string, lines: readonly SeatLine[]): Promise<boolean> {
      for (let attempt = 0; attempt < 3; attempt++) {
        const current = await events.findOne({ _id: event._id });
        const entry = current?.inventory.holds?.[orderId];
        if (entry?.state === 'sold') return true;
        if (entry?.state === 'held') {
          const inc: Record<string, number> = { 'inventory.held': -entry.quantity, 'inventory.sold': entry.quantity };
          for (const [typeId, n] of Object.entries(entry.types)) {
            inc[`inventory.types.${typeId}.held`] = -n;
            inc[`inventory.types.${typeId}.sold`] = n;
          }
          const converted = await this.applyToEntry(event._id, orderId, 'held', {
            $inc: inc,
            $set: { [`${entryPath(orderId)}.state`]: 'sold', [`${entryPath(orderId)}.at`]: clock.now() },
          });
          if (converted) return true;
          continue; // released or converted meanwhile: look again
        }
        const { filter, inc, types, quantity } = takeSeats(current ?? event, lines, 'sold');
        const entryDoc: LedgerEntry = { state: 'sold', quantity, types, expires_at: clock.now(), at: clock.now() };
        const reheld = await events.updateOne(
          { ...filter, [entryPath(orderId)]: { $exists: false } },
          { $inc: inc, $set: { [entryPath(orderId)]: entryDoc } },
        );
        if (reheld.matched === 1) return true;
        const again = await events.findOne({ _id: event._id });
        if (!again?.inventory.holds?.[orderId]) return false;
      }
      return false;
    },

    /** Returns sold seats to sale (a refund or a voided ticket). */
    async unsell(eventId: string, types: Record<string, number>): Promise<void> {
      const quantity = Object.values(types).reduce((a, b) => a + b, 0);
      const inc: Record<string, number> = { 'inventory.available': quantity, 'inventory.sold': -quantity };
      const event = await events.findOne({ _id: eventId });
      for (const [typeId, n] of Object.entries(types)) {
        inc[`inventory.types.${typeId}.sold`] = -n;
        // Only capped types keep their own `available` counter.
        if (event?.inventory.types[typeId]?.available !== undefined) inc[`inventory.types.${typeId}.available`] = n;
      }
      await events.updateOne({ _id: eventId }, { $inc: inc });
    },

    /** Drops a settled `sold` entry once no racer can still be looking for it. */
    async forgetSold(eventId: string, orderId: string): Promise<boolean> {
      return this.applyToEntry(eventId, orderId, 'sold', { $unset: { [entryPath(orderId)]: '' } });
    },

    /** The ledger of an event, for the sweeper. */
    ledger(event: EventDoc): InventoryLedger {
      return event.inventory.holds ?? {};
    },

    /** Applies `update` only while the order's ledger entry is in `state`: the idempotency guard. */
    async applyToEntry(eventId: string, orderId: string, state: LedgerEntry['state'], update: Update): Promise<boolean> {
      const result = await events.updateOne({ _id: eventId, [`${entryPath(orderId)}.state`]: state }, update);
      return result.matched === 1;
    },
  };
}

export type Inventory = ReturnType<typeof createInventory>;
