import { computeTax } from '@trendy-tickets/sdk';
import { describe, expect, it } from 'vitest';
import type { OrderBreakdownDoc } from './event-tax.js';
import { orderLines } from './order-lines.js';

const items = [{ ticket_type: 'tt_1', name: 'General', quantity: 2, unit_price: 59_000 }];
const breakdown = (place_of_supply: string): OrderBreakdownDoc => ({
  ...computeTax({ supply: 'intra_state', lines: [{ unit_price: 59_000, quantity: 2, rate: 18, inclusive: true }], fee: null }),
  place_of_supply,
  line_tax: [{ ticket_type: 'tt_1', tax_rate: 18, tax_inclusive: true, sac: '9996' }],
  fee_tax_rate: null,
});

describe('orderLines', () => {
  it('lists an untaxed order’s tickets at their prices', () => {
    expect(orderLines({ items })).toEqual([{ label: '2 × General', amount: 118_000 }]);
  });

  it('lists tickets before tax, then each tax, adding up to the total', () => {
    const lines = orderLines({ items, breakdown: breakdown('27') });
    expect(lines).toEqual([
      { label: '2 × General', amount: 100_000 },
      { label: 'CGST', amount: 9_000 },
      { label: 'SGST', amount: 9_000 },
    ]);
    expect(lines.reduce((s, l) => s + l.amount, 0)).toBe(118_000);
  });

  it('names the state half UTGST in a union territory without a legislature', () => {
    expect(orderLines({ items, breakdown: breakdown('04') }).map((l) => l.label)).toEqual(['2 × General', 'CGST', 'UTGST']);
  });
});
