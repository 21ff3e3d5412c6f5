/**
 * A late payment's promo-code use (docs/promo-codes.md#uses): an order that expired or was
 * cancelled gave its use back; when its payment arrives anyway and the order is sold, the
 * buyer keeps the discount, so the order takes its use again, once. The buyer has paid, so a
 * code at its limit is counted past it, and the order records that it was.
 */
import type { Clock } from '../kernel/clock.js';
import { op, type Store } from '../store/port.js';
import type { OrderDoc } from './orders.js';
import { PROMO_RECOUNT_GRACE_MS, type PromoCodeDoc } from './promo-codes.js';

/** What taking the use again did: nothing (no use was given back, or it was taken already), or took it within or past the code's limit. */
export type PromoRetake = 'none' | 'within_limit' | 'over_limit';

/**
 * Takes back the use a paid order gave up when it ended unpaid. Only an order whose use was
 * given back (`discount.returned`) and not yet taken again (`discount.retaken`) matches the one
 * conditional update that turns both flags, so racing fulfilments take it once; only the caller
 * that turned them raises `uses`. The code's recount is scheduled first, so a crash between the
 * flag and `$inc` is set right by the recount, which counts this order as holding a use again.
 *
 * @example
 * if ((await retakePromo(store, clock, order)) === 'over_limit') …
 */
export async function retakePromo(store: Store, clock: Clock, order: Pick<OrderDoc, '_id' | 'discount'>): Promise<PromoRetake> {
  const discount = order.discount;
  if (!discount?.returned || discount.retaken) return 'none';
  const codes = store.collection<PromoCodeDoc>('promo_codes');
  const orders = store.collection<OrderDoc>('orders');
  const recountAt = new Date(clock.now().getTime() + PROMO_RECOUNT_GRACE_MS);
  await codes.updateOne({ _id: discount.promo }, { $max: { recount_at: recountAt } });
  const claimed = await orders.updateOne(
    { _id: order._id, status: op.in(['paid', 'partially_refunded']), 'discount.returned': true, 'discount.retaken': op.exists(false) },
    { $set: { 'discount.returned': false, 'discount.retaken': true } },
  );
  if (claimed.modified === 0) return 'none';
  // No limit in the filter: the buyer has paid for the discount, so the use counts whatever is left.
  const promo = await codes.findOneAndUpdate({ _id: discount.promo }, { $inc: { uses: 1 } });
  if (!promo || promo.max_uses === null || promo.uses <= promo.max_uses) return 'within_limit';
  await orders.updateOne({ _id: order._id }, { $set: { 'discount.over_limit': true } });
  return 'over_limit';
}
