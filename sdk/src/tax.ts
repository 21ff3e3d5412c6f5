/**
 * GST on tickets and the convenience fee, in integer paise: one pure function that the server
 * prices every order with and that partners may call to show the same figures. No floating
 * point anywhere: every amount is an integer, every rate a whole percent, and every division
 * rounds once, half up, to the paisa. The rules and their sources are in docs/gst.md.
 */

import type { TaxRate } from './types.js';

export type { TaxRate };

/** The GST rates a ticket type or the fee can carry, in percent (docs/gst.md#rates): every {@link TaxRate}. */
export const TAX_RATES = [0, 5, 12, 18, 28, 40] as const satisfies readonly TaxRate[];

/** Whether the supply stays within one state (CGST + SGST) or crosses states (IGST). */
export type SupplyKind = 'intra_state' | 'inter_state';

/** One line of an order as the calculator prices it: a ticket type and a quantity. */
export interface TaxLineInput {
  /** The ticket type's price per ticket, in paise, as the organizer set it. */
  unit_price: number;
  quantity: number;
  /** The GST rate, or null for none (not taxed at all, as when the organizer is not registered). */
  rate: TaxRate | null;
  /** True when `unit_price` already includes the tax; false when tax is added on top. */
  inclusive: boolean;
  /**
   * A promo code's discount: `each` paise off each of `quantity` tickets of the line (at most
   * the line's quantity, `each` at most the price). It comes off before tax: off the taxable
   * value of an exclusive price, off the tax-inclusive amount of an inclusive one.
   */
  discount?: { each: number; quantity: number };
}

/** The convenience fee of an event: per ticket, a percentage of the price and/or a fixed amount. */
export interface FeeInput {
  /** `buyer`: added to the order as its own line; `organizer`: absorbed, taken from the organizer's takings. */
  paid_by: 'buyer' | 'organizer';
  /** Hundredths of a percent of each ticket's price (250 = 2.5 %), 0 for none. */
  percent_bp: number;
  /** Paise per ticket, 0 for none. */
  fixed: number;
  /** GST on the fee itself, added on top of it (the fee is never tax-inclusive). */
  rate: TaxRate | null;
}

/** Tax by kind. Intra-state supplies have `cgst` and `sgst`; inter-state ones `igst`. */
export interface TaxAmounts {
  cgst: number;
  sgst: number;
  igst: number;
}

/** One priced line: what was sold, what the tax is charged on, and the tax. */
export interface TaxedLine extends TaxAmounts {
  /** The value the tax is charged on (for an inclusive price: the price less the tax in it). */
  taxable_value: number;
  /** `taxable_value` plus the tax: what the line costs the buyer. */
  total: number;
}

/** A priced ticket line: a {@link TaxedLine} and the discount taken off it before tax. */
export interface TicketLine extends TaxedLine {
  /** Paise a promo code took off the line before tax (0 without one). */
  discount: number;
}

/** What an order comes to. Every figure is paise, and `total` is what the buyer is charged. */
export interface TaxBreakdown extends TaxAmounts {
  supply: SupplyKind;
  lines: TicketLine[];
  /** The convenience fee and its tax; null when the event has none. */
  fee: (TaxedLine & { paid_by: 'buyer' | 'organizer' }) | null;
  /** The tickets' taxable value, plus the fee's when the buyer pays it. */
  taxable_value: number;
  /** cgst + sgst + igst of the tickets, plus the fee's when the buyer pays it. */
  tax: number;
  /** What the buyer is charged: tickets with their tax, plus the fee with its tax when the buyer pays it. */
  total: number;
}

/**
 * `numerator / denominator` rounded to the nearest integer, halves up, for non-negative integers.
 * Exact while `2 × numerator` stays below 2^53 (an order of ₹1 crore × 100 tickets × 40 % does).
 */
export function divideHalfUp(numerator: number, denominator: number): number {
  return Math.floor((2 * numerator + denominator) / (2 * denominator));
}

/**
 * Taxes one amount. Exclusive: each levy is `amount × its rate / 100`. Inclusive: each levy is
 * `amount × its rate / (100 + the rates together)`, the formula of rule 35 of the CGST Rules,
 * 2017, and the taxable value is what is left. Intra-state, CGST and SGST are each computed at
 * half the rate, so the two are always equal and there is no odd paisa to place; the total can
 * then differ by a paisa from IGST at the full rate on the same amount (docs/gst.md#rounding).
 */
function taxAmount(amount: number, rate: TaxRate | null, inclusive: boolean, supply: SupplyKind): TaxedLine {
  if (rate === null || rate === 0) {
    return { taxable_value: amount, cgst: 0, sgst: 0, igst: 0, total: amount };
  }
  // In half-percent units, so that CGST at 2.5 % (half of 5 %) stays an integer ratio.
  const base = inclusive ? 2 * (100 + rate) : 200;
  if (supply === 'inter_state') {
    const igst = divideHalfUp(amount * 2 * rate, base);
    const taxable = inclusive ? amount - igst : amount;
    return { taxable_value: taxable, cgst: 0, sgst: 0, igst, total: taxable + igst };
  }
  const half = divideHalfUp(amount * rate, base);
  const taxable = inclusive ? amount - 2 * half : amount;
  return { taxable_value: taxable, cgst: half, sgst: half, igst: 0, total: taxable + 2 * half };
}

/**
 * The convenience fee for one line: per ticket, the fixed amount plus the percentage of the
 * ticket's price rounded half up to the paisa, times the quantity. Free tickets carry no fee:
 * a buyer never pays to receive a free ticket.
 */
export function feeForLine(fee: Pick<FeeInput, 'percent_bp' | 'fixed'>, line: Pick<TaxLineInput, 'unit_price' | 'quantity'>): number {
  if (line.unit_price === 0) return 0;
  return line.quantity * (fee.fixed + divideHalfUp(line.unit_price * fee.percent_bp, 10_000));
}

/** Paise a line's discount takes off it. */
function lineDiscount(line: TaxLineInput): number {
  return line.discount ? line.discount.each * line.discount.quantity : 0;
}

/**
 * A line as the fee sees it: the discounted tickets at their price after the discount, the rest
 * at the price. So the fee follows what each ticket costs, and a ticket made free carries none.
 */
function discountedParts(line: TaxLineInput): Array<Pick<TaxLineInput, 'unit_price' | 'quantity'>> {
  if (!line.discount || line.discount.quantity === 0) return [line];
  return [
    { unit_price: line.unit_price - line.discount.each, quantity: line.discount.quantity },
    { unit_price: line.unit_price, quantity: line.quantity - line.discount.quantity },
  ];
}

/**
 * Prices an order's lines with GST and the convenience fee. Tax is rounded once per line (a
 * ticket type and its quantity), half up to the paisa; the fee is one line of its own.
 *
 * @example
 * const b = computeTax({ supply: 'intra_state', lines: [{ unit_price: 100_000, quantity: 2, rate: 18, inclusive: false }], fee: null });
 * b.cgst; // 18_000
 * b.total; // 236_000
 */
export function computeTax(input: { supply: SupplyKind; lines: readonly TaxLineInput[]; fee: FeeInput | null }): TaxBreakdown {
  const lines = input.lines.map((l) => {
    const discount = lineDiscount(l);
    return { ...taxAmount(l.unit_price * l.quantity - discount, l.rate, l.inclusive, input.supply), discount };
  });
  const feeAmount = input.fee ? input.lines.reduce((sum, l) => sum + discountedParts(l).reduce((s, part) => s + feeForLine(input.fee as FeeInput, part), 0), 0) : 0;
  const fee = input.fee && feeAmount > 0 ? { paid_by: input.fee.paid_by, ...taxAmount(feeAmount, input.fee.rate, false, input.supply) } : null;
  const charged = fee?.paid_by === 'buyer' ? [...lines, fee] : lines;
  const sum = (key: keyof TaxedLine) => charged.reduce((s, l) => s + l[key], 0);
  const cgst = sum('cgst');
  const sgst = sum('sgst');
  const igst = sum('igst');
  return { supply: input.supply, lines, fee, taxable_value: sum('taxable_value'), cgst, sgst, igst, tax: cgst + sgst + igst, total: sum('total') };
}
