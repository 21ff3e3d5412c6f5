import { computeTax, type ConvenienceFee, type SupplyKind, type TaxBreakdown, type TaxRate } from '@trendy-tickets/sdk';
import type { TaxProfileDoc } from './tax-profiles.js';

/**
 * The SAC a ticket type gets when the organizer names none: heading 9996, "Recreational,
 * cultural and sporting services". A default, not a ruling: the six-digit code depends on
 * the event, and the organizer sets it (docs/gst.md#rates).
 */
export const DEFAULT_SAC = '9996';

/** GST on the convenience fee when the organizer names no rate: a default (docs/gst.md#the-convenience-fee). */
export const DEFAULT_FEE_TAX_RATE: TaxRate = 18;

/** The convenience fee as an event stores it. */
export type ConvenienceFeeDoc = ConvenienceFee;

/** The tax settings of a ticket type; absent on types made before tax existed (no tax). */
export interface TicketTypeTax {
  tax_rate?: TaxRate | null;
  tax_inclusive?: boolean;
  sac?: string;
}

/** One line of an order to be taxed: what the order's item says plus its type's tax settings. */
export interface TaxableItem extends TicketTypeTax {
  ticket_type: string;
  quantity: number;
  unit_price: number;
  /** A promo code's discount on the line, taken off before tax (docs/promo-codes.md#money). */
  discount?: { each: number; quantity: number } | null;
}

/**
 * An order's figures as stored on it: the calculator's breakdown, where the supply is, and for
 * each line the rate and SAC it was taxed at (a later edit of the type does not change a sale).
 */
export interface OrderBreakdownDoc extends TaxBreakdown {
  /** GST state code of the place of supply; null when no tax was charged. */
  place_of_supply: string | null;
  line_tax: Array<{ ticket_type: string; tax_rate: TaxRate | null; tax_inclusive: boolean; sac: string | null }>;
  fee_tax_rate: TaxRate | null;
}

/**
 * Whether an order for this event is taxed and how: only when the organizer is registered
 * (has a GSTIN) and the event names its venue's state; intra-state when that state is the
 * organizer's (IGST Act, 2017, sections 12(6), 7(3) and 8(2); docs/gst.md).
 */
export function supplyOf(profile: TaxProfileDoc | null, venueState: string | null | undefined): SupplyKind | null {
  if (!profile?.gstin || !venueState) return null;
  return venueState === profile.state ? 'intra_state' : 'inter_state';
}

/**
 * Prices an order's lines with GST and the event's convenience fee. Without tax (see
 * {@link supplyOf}) the lines carry no tax whatever their rates, and the fee none either.
 *
 * @example
 * const b = orderBreakdown(items, event.convenience_fee ?? null, profile, event.venue_state);
 * b.total; // what the buyer is charged
 */
export function orderBreakdown(
  items: readonly TaxableItem[],
  fee: ConvenienceFeeDoc | null,
  profile: TaxProfileDoc | null,
  venueState: string | null | undefined,
): OrderBreakdownDoc {
  const supply = supplyOf(profile, venueState);
  const taxed = supply !== null;
  const breakdown = computeTax({
    supply: supply ?? 'intra_state',
    lines: items.map((i) => ({
      unit_price: i.unit_price,
      quantity: i.quantity,
      rate: taxed ? (i.tax_rate ?? null) : null,
      inclusive: i.tax_inclusive ?? true,
      ...(i.discount ? { discount: i.discount } : {}),
    })),
    fee: fee ? { paid_by: fee.paid_by, percent_bp: fee.percent_bp, fixed: fee.fixed, rate: taxed ? fee.tax_rate : null } : null,
  });
  return {
    ...breakdown,
    place_of_supply: taxed ? (venueState ?? null) : null,
    line_tax: items.map((i) => ({
      ticket_type: i.ticket_type,
      tax_rate: taxed ? (i.tax_rate ?? null) : null,
      tax_inclusive: i.tax_inclusive ?? true,
      sac: i.tax_rate == null ? null : (i.sac ?? DEFAULT_SAC),
    })),
    fee_tax_rate: taxed && fee ? fee.tax_rate : null,
  };
}

/**
 * What one ticket of an order carries of the order's money, beyond its price: the figures add
 * these up (domain/figures.ts). `gross` is what the buyer paid for it (its line's total and its
 * part of a fee the buyer pays), `tax` the GST in that, `fees` the convenience fee before its tax
 * when the buyer pays it, or with its tax when the organizer absorbs it. So the organizer's net
 * is `gross − tax − fees`.
 */
export interface TicketMoney {
  gross: number;
  tax: number;
  fees: number;
}

/** `total` shared out over `count` parts, the odd paise going to the first parts. */
function share(total: number, count: number, index: number): number {
  return Math.floor(total / count) + (index < total % count ? 1 : 0);
}

/**
 * Each ticket's {@link TicketMoney}, in the order tickets are issued (items in order, then
 * quantity), shared out so that the tickets of an order add up exactly to its breakdown.
 *
 * @example
 * ticketMoney(order.items, order.breakdown)[0]; // { gross: 61_535, tax: 9_387, fees: 2_248 }
 */
export function ticketMoney(items: ReadonlyArray<{ quantity: number }>, b: OrderBreakdownDoc): TicketMoney[] {
  const count = items.reduce((s, i) => s + i.quantity, 0);
  const fee = b.fee;
  const feeTax = fee ? fee.cgst + fee.sgst + fee.igst : 0;
  const out: TicketMoney[] = [];
  items.forEach((item, n) => {
    const line = b.lines[n];
    for (let k = 0; k < item.quantity; k++) {
      const i = out.length;
      const lineTotal = line ? share(line.total, item.quantity, k) : 0;
      const lineTax = line ? share(line.cgst + line.sgst + line.igst, item.quantity, k) : 0;
      if (fee?.paid_by === 'buyer') {
        out.push({ gross: lineTotal + share(fee.total, count, i), tax: lineTax + share(feeTax, count, i), fees: share(fee.taxable_value, count, i) });
      } else {
        out.push({ gross: lineTotal, tax: lineTax, fees: fee ? share(fee.total, count, i) : 0 });
      }
    }
  });
  return out;
}
