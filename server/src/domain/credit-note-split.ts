import { divideHalfUp } from '@trendy-tickets/sdk';

/** The money columns of one line of an invoice or credit note, in paise. */
export interface LineMoney {
  taxable_value: number;
  cgst: number;
  sgst: number;
  igst: number;
  total: number;
}

/**
 * The part of an invoice's lines that a refund of `amount` paise gives back (docs/gst.md#invoices-and-credit-notes).
 * The amount is shared over the lines in proportion to their totals (rounded down, the odd
 * paise going to the first lines that still have room); within a line each tax is its share of
 * the line's tax, rounded half up, and the taxable value is what is left, so every line's
 * columns add up to its total and the lines add up to `amount` exactly. A refund of the whole
 * invoice gives back exactly its figures.
 *
 * @throws RangeError when `amount` is negative or more than the lines' total
 * @example
 * splitRefund([{ taxable_value: 10_000, cgst: 900, sgst: 900, igst: 0, total: 11_800 }], 5_900);
 * // [{ taxable_value: 5_000, cgst: 450, sgst: 450, igst: 0, total: 5_900 }]
 */
export function splitRefund(lines: readonly LineMoney[], amount: number): LineMoney[] {
  const whole = lines.reduce((sum, l) => sum + l.total, 0);
  if (!Number.isInteger(amount) || amount < 0 || amount > whole) throw new RangeError(`a refund of ${amount} does not fit lines totalling ${whole}`);
  const shares = lines.map((l) => (whole === 0 ? 0 : Math.floor((amount * l.total) / whole)));
  let odd = amount - shares.reduce((sum, s) => sum + s, 0);
  for (let i = 0; i < shares.length && odd > 0; i++) {
    const room = (lines[i] as LineMoney).total - (shares[i] as number);
    const add = Math.min(room, odd);
    shares[i] = (shares[i] as number) + add;
    odd -= add;
  }
  return lines.map((line, i) => {
    const total = shares[i] as number;
    const part = (tax: number) => (line.total === 0 ? 0 : divideHalfUp(total * tax, line.total));
    const cgst = part(line.cgst);
    const sgst = part(line.sgst);
    const igst = part(line.igst);
    return { taxable_value: total - cgst - sgst - igst, cgst, sgst, igst, total };
  });
}
