/**
 * The promo-code uses recount (docs/promo-codes.md#uses): a use is taken on the code before its
 * order is stored, so a process that dies in between leaves the use taken with no order holding
 * it, and the code used up early. This puts each recently redeemed code's `uses` back to the
 * number of orders that hold one, with one conditional update guarded by the value read.
 */
import { op, type IndexSpec, type Store } from '../store/port.js';
import type { Clock } from '../kernel/clock.js';
import type { OrderStatus } from '@trendy-tickets/sdk';
import { AWAITING, type OrderDoc } from './orders.js';
import { givePromoBack, type PromoCodeDoc } from './promo-codes.js';

/** Codes one round recounts at most; the rest wait for the next round. */
const RECOUNT_BATCH = 200;

/** Orders that hold their code's use: not ended, and not refunded in full. */
const HOLDING: readonly OrderStatus[] = [...AWAITING, 'paid', 'partially_refunded'];
/** The rest: orders that give their use back. */
const ENDED: readonly OrderStatus[] = ['expired', 'cancelled', 'refunded'];

export const PROMO_RECOUNT_INDEXES: readonly IndexSpec[] = [
  // The recount's due codes: only codes redeemed since their last recount carry a time.
  { collection: 'promo_codes', keys: { recount_at: 1 } },
];

/** One code whose `uses` disagreed with its orders, as found and set right. */
export interface PromoUsesDrift {
  promo: string;
  event: string;
  /** `uses` as read. */
  was: number;
  /** The orders holding a use, which `uses` now is. */
  counted: number;
}

/**
 * Recounts codes due (`recount_at` passed): first finishes the give-backs of ended orders that a
 * crash cut short (each lowers `uses` once, by the flag on the order), then counts the orders
 * holding a use and sets `uses` to that only if it is still the value read, so a redemption or a
 * give-back racing the recount makes it miss and try again later instead of losing a use.
 *
 * @example
 * const recount = createPromoRecount({ store, clock });
 * const drifts = await recount.pass();
 */
export function createPromoRecount({ store, clock }: { store: Store; clock: Clock }) {
  const codes = store.collection<PromoCodeDoc>('promo_codes');
  const orders = store.collection<OrderDoc>('orders');

  /** Recounts one code; the drift it set right, or null when there was none or it must wait. */
  async function recount(promo: PromoCodeDoc): Promise<PromoUsesDrift | null> {
    const held = { event: promo.event, 'discount.promo': promo._id, 'discount.returned': false };
    for (const ended of await orders.find({ ...held, status: op.in([...ENDED]) })) await givePromoBack(store, ended);
    const read = await codes.findOne({ _id: promo._id });
    if (!read?.recount_at) return null;
    const counted = await orders.count({ ...held, status: op.in([...HOLDING]) });
    if (counted !== read.uses) {
      const set = await codes.updateOne({ _id: read._id, uses: read.uses, recount_at: read.recount_at }, { $set: { uses: counted } });
      // Missed: a redemption or give-back moved `uses` since it was read; it set `recount_at` again or is looked at next round.
      if (set.modified === 0) return null;
    }
    // Only if no redemption since set a later recount.
    await codes.updateOne({ _id: read._id, recount_at: read.recount_at }, { $unset: { recount_at: '' } });
    return counted === read.uses ? null : { promo: read._id, event: read.event, was: read.uses, counted };
  }

  return {
    /** Recounts the codes due; returns the drifts it set right, for the caller to log. */
    async pass(limit = RECOUNT_BATCH): Promise<PromoUsesDrift[]> {
      const due = await codes.find({ recount_at: op.lte(clock.now()) }, { sort: { recount_at: 1 }, limit });
      const drifts: PromoUsesDrift[] = [];
      for (const promo of due) {
        const drift = await recount(promo);
        if (drift) drifts.push(drift);
      }
      return drifts;
    },
  };
}

export type PromoRecount = ReturnType<typeof createPromoRecount>;
