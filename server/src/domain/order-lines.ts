import { gstState } from '@trendy-tickets/sdk';
import type { OrderDoc } from './orders.js';

/** One line of what an order comes to, as pages and mail show it. */
export interface OrderLine {
  label: string;
  /** Paise. */
  amount: number;
}

/**
 * What an order's money is for, line by line: each ticket type before tax, the convenience fee
 * the buyer pays, then each kind of tax. The lines add up to `order.amount`, the amount charged
 * (docs/gst.md). The state half of an intra-state tax is named UTGST in a union territory
 * without a legislature. The hosted checkout and the tickets mail both print these lines.
 *
 * @example
 * orderLines(order); // [{ label: '3 × General', amount: 149_700 }, { label: 'Convenience fee', amount: 6_744 }, { label: 'CGST', amount: 14_080 }, …]
 */
export function orderLines(order: Pick<OrderDoc, 'items' | 'breakdown'> & Partial<Pick<OrderDoc, 'discount'>>): OrderLine[] {
  const b = order.breakdown;
  // Tickets at their value before the promo code, then the code's own line taking it off.
  const tickets = order.items.map((i, n) => ({
    label: `${i.quantity} × ${i.name}`,
    amount: b?.lines[n] ? b.lines[n].taxable_value + (b.lines[n].discount ?? 0) : i.quantity * i.unit_price,
  }));
  const discount = order.discount && order.discount.amount > 0 ? [{ label: `Promo code ${order.discount.code}`, amount: -order.discount.amount }] : [];
  if (!b) return [...tickets, ...discount];
  const stateHalf = b.place_of_supply && gstState(b.place_of_supply)?.utgst ? 'UTGST' : 'SGST';
  const fee = b.fee?.paid_by === 'buyer' ? [{ label: 'Convenience fee', amount: b.fee.taxable_value }] : [];
  const taxes = [
    { label: 'CGST', amount: b.cgst },
    { label: stateHalf, amount: b.sgst },
    { label: 'IGST', amount: b.igst },
  ].filter((l) => l.amount > 0);
  return [...tickets, ...discount, ...fee, ...taxes];
}
