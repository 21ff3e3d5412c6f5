import { op, DuplicateKeyError, type Doc, type Store } from '../store/port.js';
import type { Clock } from '../kernel/clock.js';

/**
 * Leases: which server runs a piece of periodic work right now.
 *
 * Every server runs the same timers, but work such as the sweeper or the payment
 * reconciler should be done once per round, not once per server. A lease is one
 * document per job in the `leases` collection: `_id` is the job's name, `holder` the
 * server instance holding it, `expires_at` when it lapses unless renewed. Taking and
 * renewing are the same single conditional upsert, so two servers can never both
 * hold one lease:
 *
 *     updateOne({ _id: job, $or: [{ holder: me }, { expires_at: { $lte: now } }] },
 *               { $set: { holder: me, expires_at: now + duration } }, { upsert: true })
 *
 * It matches when this server holds the lease already (a renewal) or when it lapsed
 * (a takeover). When neither is true the upsert tries to insert a second document
 * with the same `_id`, which the store refuses with `DuplicateKeyError`: another
 * server holds it.
 *
 * A server that stops cleanly releases its leases, so another takes over at its next
 * tick; one that dies (`kill -9`, a lost machine) holds them until they lapse. Times
 * come from each server's clock, so clocks that disagree by more than a lease's margin
 * over its job's interval could let two servers hold one job for a moment. Leases
 * save repeated work; they are not what keeps the data right. Every job is made of
 * conditional updates and stays correct when two servers do run it at once.
 */

/** The collection leases are stored in (one document per job; no index beyond `_id`). */
export const LEASES_COLLECTION = 'leases';

/** A stored lease. */
export interface LeaseDoc extends Doc {
  /** The job's name, e.g. `sweep`. */
  _id: string;
  /** The server instance holding it. */
  holder: string;
  /** When it lapses unless renewed; from then on any server may take it. */
  expires_at: Date;
  /** When its holder last took or renewed it. */
  renewed_at: Date;
}

export interface LeaseDeps {
  store: Store;
  clock: Clock;
  /** This server instance: unique per process, e.g. host, pid and a random suffix. */
  holder: string;
}

/**
 * The leases of one server instance.
 *
 * @example
 * const leases = createLeases({ store, clock, holder: 'web-1/4242/x9Kq' });
 * if (await leases.acquire('sweep', 180_000)) await repair.sweep();
 * await leases.release('sweep'); // on shutdown
 */
export function createLeases({ store, clock, holder }: LeaseDeps) {
  const leases = store.collection<LeaseDoc>(LEASES_COLLECTION);

  return {
    /** This server instance's name in `holder`. */
    holder,

    /**
     * Takes the lease on `name` for `durationMs`, or renews it when this server holds it
     * already. False when another server holds it and it has not lapsed.
     */
    async acquire(name: string, durationMs: number): Promise<boolean> {
      if (!(durationMs > 0)) throw new RangeError(`A lease needs a positive duration (got ${durationMs} for '${name}')`);
      const now = clock.now();
      try {
        await leases.updateOne(
          { _id: name, $or: [{ holder }, { expires_at: op.lte(now) }] },
          { $set: { holder, expires_at: new Date(now.getTime() + durationMs), renewed_at: now } },
          { upsert: true },
        );
        return true;
      } catch (err) {
        if (err instanceof DuplicateKeyError) return false;
        throw err;
      }
    },

    /**
     * Gives the lease up at once, so another server need not wait for it to lapse.
     * Does nothing when another server holds it (this one's lease lapsed and was taken).
     */
    async release(name: string): Promise<boolean> {
      return (await leases.deleteOne({ _id: name, holder })) === 1;
    },

    /** Who holds `name` now: null when nobody does or the lease has lapsed. */
    async holderOf(name: string): Promise<string | null> {
      const lease = await leases.findOne({ _id: name, expires_at: op.gt(clock.now()) });
      return lease?.holder ?? null;
    },
  };
}

export type Leases = ReturnType<typeof createLeases>;
