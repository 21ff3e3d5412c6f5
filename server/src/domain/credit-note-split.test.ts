import { describe, expect, it } from 'vitest';
import { splitRefund } from './credit-note-split.js';

const tickets = { taxable_value: 149_700, cgst: 13_473, sgst: 13_473, igst: 0, total: 176_646 };
const fee = { taxable_value: 6_744, cgst: 607, sgst: 607, igst: 0, total: 7_958 };

describe('splitRefund', () => {
  it('gives back exactly the invoice’s figures for a full refund', () => {
    expect(splitRefund([tickets, fee], 184_604)).toEqual([tickets, fee]);
  });

  it('shares a partial refund over the lines by their totals, each line adding up, the lines adding up to the amount', () => {
    const parts = splitRefund([tickets, fee], 61_535);
    // 61,535 × 176,646 / 184,604 = 58,882.3… → 58,882 and 2,652.6… → 2,652; the odd paisa goes to the first line.
    expect(parts.map((p) => p.total)).toEqual([58_883, 2_652]);
    // 58,883 × 13,473 / 176,646 = 4,491.05… → 4,491 each half; 2,652 × 607 / 7,958 = 202.28… → 202.
    expect(parts[0]).toEqual({ taxable_value: 58_883 - 2 * 4_491, cgst: 4_491, sgst: 4_491, igst: 0, total: 58_883 });
    expect(parts[1]).toEqual({ taxable_value: 2_652 - 2 * 202, cgst: 202, sgst: 202, igst: 0, total: 2_652 });
    for (const p of parts) expect(p.taxable_value + p.cgst + p.sgst + p.igst).toBe(p.total);
  });

  it('refuses a refund larger than the lines', () => {
    expect(() => splitRefund([fee], 7_959)).toThrow(RangeError);
  });
});
