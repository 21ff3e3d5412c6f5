import { describe, expect, it } from 'vitest';
import { computeTax, divideHalfUp, type FeeInput, type SupplyKind, type TaxLineInput } from '../src/index.js';

const line = (unit_price: number, quantity: number, rate: TaxLineInput['rate'], inclusive = false): TaxLineInput => ({ unit_price, quantity, rate, inclusive });

/**
 * Each row computed by hand (docs/gst.md#rounding): exclusive tax is amount × rate / 100,
 * inclusive tax amount × rate / (100 + rate) (CGST and SGST each at half the rate), rounded
 * half up to the paisa once per line.
 */
const CASES: Array<[string, SupplyKind, TaxLineInput, { taxable_value: number; cgst: number; sgst: number; igst: number; total: number }]> = [
  ['₹1,000 × 2 plus 18 %, same state', 'intra_state', line(100_000, 2, 18), { taxable_value: 200_000, cgst: 18_000, sgst: 18_000, igst: 0, total: 236_000 }],
  ['₹1,000 × 2 plus 18 %, other state', 'inter_state', line(100_000, 2, 18), { taxable_value: 200_000, cgst: 0, sgst: 0, igst: 36_000, total: 236_000 }],
  // 99,900 × 9 / 118 = 7,619.49… → 7,619 each; 99,900 × 18 / 118 = 15,238.98… → 15,239.
  ['₹999 including 18 %, same state', 'intra_state', line(99_900, 1, 18, true), { taxable_value: 84_662, cgst: 7_619, sgst: 7_619, igst: 0, total: 99_900 }],
  ['₹999 including 18 %, other state', 'inter_state', line(99_900, 1, 18, true), { taxable_value: 84_661, cgst: 0, sgst: 0, igst: 15_239, total: 99_900 }],
  // 1,49,700 × 2.5 / 100 = 3,742.5 → 3,743 each (the half goes up); IGST 7,485 exactly.
  ['₹499 × 3 plus 5 %, same state: an odd half paisa', 'intra_state', line(49_900, 3, 5), { taxable_value: 149_700, cgst: 3_743, sgst: 3_743, igst: 0, total: 157_186 }],
  ['₹499 × 3 plus 5 %, other state', 'inter_state', line(49_900, 3, 5), { taxable_value: 149_700, cgst: 0, sgst: 0, igst: 7_485, total: 157_185 }],
  // 1,50,000 × 40 / 140 = 42,857.14… → 42,857; × 20 / 140 = 21,428.57… → 21,429 each.
  ['₹1,500 including 40 %, other state', 'inter_state', line(150_000, 1, 40, true), { taxable_value: 107_143, cgst: 0, sgst: 0, igst: 42_857, total: 150_000 }],
  ['₹1,500 including 40 %, same state', 'intra_state', line(150_000, 1, 40, true), { taxable_value: 107_142, cgst: 21_429, sgst: 21_429, igst: 0, total: 150_000 }],
  ['₹750 at 0 %', 'intra_state', line(75_000, 2, 0), { taxable_value: 150_000, cgst: 0, sgst: 0, igst: 0, total: 150_000 }],
  ['₹750 with no tax', 'inter_state', line(75_000, 2, null, true), { taxable_value: 150_000, cgst: 0, sgst: 0, igst: 0, total: 150_000 }],
  ['a free ticket at 18 %', 'intra_state', line(0, 4, 18, true), { taxable_value: 0, cgst: 0, sgst: 0, igst: 0, total: 0 }],
];

describe('computeTax', () => {
  it.each(CASES)('prices %s', (_name, supply, input, expected) => {
    const b = computeTax({ supply, lines: [input], fee: null });
    expect(b.lines).toEqual([{ ...expected, discount: 0 }]);
    expect(b).toMatchObject({ ...expected, tax: expected.cgst + expected.sgst + expected.igst, fee: null, supply });
  });

  it('keeps an inclusive price whole: taxable value and tax add up to it at every rate and price', () => {
    for (const rate of [5, 12, 18, 28, 40] as const) {
      for (let price = 0; price <= 2_000; price += 7) {
        for (const supply of ['intra_state', 'inter_state'] as const) {
          const b = computeTax({ supply, lines: [line(price, 1, rate, true)], fee: null });
          expect(b.taxable_value + b.tax).toBe(price);
          expect(b.cgst).toBe(b.sgst);
        }
      }
    }
  });

  // Per ticket: ₹10 + 2.5 % of ₹499 (1,247.5 → 1,248 paise) = 2,248; × 3 = 6,744.
  // The fee's 18 %: 6,744 × 9 / 100 = 606.96 → 607 each. Tickets: 1,49,700 + 13,473 × 2.
  const fee = (paid_by: FeeInput['paid_by']): FeeInput => ({ paid_by, percent_bp: 250, fixed: 1_000, rate: 18 });

  it('adds a fee the buyer pays as its own taxed line, and charges it', () => {
    const b = computeTax({ supply: 'intra_state', lines: [line(49_900, 3, 18)], fee: fee('buyer') });
    expect(b.fee).toEqual({ paid_by: 'buyer', taxable_value: 6_744, cgst: 607, sgst: 607, igst: 0, total: 7_958 });
    expect(b).toMatchObject({ taxable_value: 156_444, cgst: 14_080, sgst: 14_080, igst: 0, tax: 28_160, total: 184_604 });
    expect(b.total).toBe(b.lines[0]!.total + b.fee!.total);
  });

  it('records a fee the organizer absorbs without charging the buyer for it', () => {
    const b = computeTax({ supply: 'intra_state', lines: [line(49_900, 3, 18)], fee: fee('organizer') });
    expect(b.fee).toEqual({ paid_by: 'organizer', taxable_value: 6_744, cgst: 607, sgst: 607, igst: 0, total: 7_958 });
    expect(b).toMatchObject({ taxable_value: 149_700, tax: 26_946, total: 176_646 });
  });

  it('taxes a passed fee as IGST when the tickets are', () => {
    const b = computeTax({ supply: 'inter_state', lines: [line(100_000, 1, 18, true), line(50_000, 2, 5)], fee: { paid_by: 'buyer', percent_bp: 0, fixed: 2_500, rate: 18 } });
    // Tickets: 1,00,000 × 18 / 118 = 15,254.23… → 15,254; 1,00,000 × 5 % = 5,000. Fee: 3 × 2,500 = 7,500, 18 % = 1,350.
    expect(b.lines.map((l) => l.igst)).toEqual([15_254, 5_000]);
    expect(b.fee).toEqual({ paid_by: 'buyer', taxable_value: 7_500, cgst: 0, sgst: 0, igst: 1_350, total: 8_850 });
    expect(b).toMatchObject({ igst: 21_604, total: 100_000 + 105_000 + 8_850 });
  });

  it('charges no fee on free tickets, so an order of them has no fee line', () => {
    expect(computeTax({ supply: 'intra_state', lines: [line(0, 2, null)], fee: fee('buyer') }).fee).toBeNull();
  });
});

describe('divideHalfUp', () => {
  it('rounds halves up and everything else to the nearest', () => {
    expect([divideHalfUp(5, 2), divideHalfUp(7, 2), divideHalfUp(4, 3), divideHalfUp(5, 3), divideHalfUp(0, 9)]).toEqual([3, 4, 1, 2, 0]);
  });
});
