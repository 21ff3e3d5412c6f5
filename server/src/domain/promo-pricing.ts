import { divideHalfUp } from '@trendy-tickets/sdk';
import type { PromoCodeDoc } from './promo-codes.js';

/** A line's discount as the tax calculator takes it: `each` paise off each of `quantity` tickets. */
export interface LineDiscount {
  each: number;
  quantity: number;
}

/**
 * What a promo code takes off each line of an order, before tax (docs/promo-codes.md#money).
 * Per ticket: `percent` is that share of the price rounded half up to the paisa, `fixed` is the
 * value but never more than the price. Lines are discounted in the order given until the code's
 * `max_per_order` tickets are used; types the code does not name get no discount (null).
 *
 * @example
 * promoDiscounts({ kind: 'percent', value: 20, ticket_types: null, max_per_order: 3 }, [{ ticket_type: 'tt_a', quantity: 2, unit_price: 49_900 }, { ticket_type: 'tt_b', quantity: 2, unit_price: 10_000 }]);
 * // [{ each: 9_980, quantity: 2 }, { each: 2_000, quantity: 1 }]
 */
export function promoDiscounts(
  promo: Pick<PromoCodeDoc, 'kind' | 'value' | 'ticket_types' | 'max_per_order'>,
  items: ReadonlyArray<{ ticket_type: string; quantity: number; unit_price: number }>,
): Array<LineDiscount | null> {
  let left = promo.max_per_order ?? Number.POSITIVE_INFINITY;
  return items.map((item) => {
    if (promo.ticket_types !== null && !promo.ticket_types.includes(item.ticket_type)) return null;
    const quantity = Math.min(item.quantity, left);
    const each = promo.kind === 'percent' ? divideHalfUp(item.unit_price * promo.value, 100) : Math.min(promo.value, item.unit_price);
    if (quantity <= 0 || each <= 0) return null;
    left -= quantity;
    return { each, quantity };
  });
}

/** Paise the discounts take off in all. */
export function discountTotal(discounts: ReadonlyArray<LineDiscount | null>): number {
  return discounts.reduce((sum, d) => sum + (d ? d.each * d.quantity : 0), 0);
}
