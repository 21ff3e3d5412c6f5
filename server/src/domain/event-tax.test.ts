import { describe, expect, it } from 'vitest';
import { orderBreakdown, supplyOf, ticketMoney } from './event-tax.js';
import type { TaxProfileDoc } from './tax-profiles.js';

const profile: TaxProfileDoc = { _id: 'acct_1', legal_name: 'Co', address: 'Mumbai', state: '27', gstin: '27AAPFU0939F1ZV', updated_at: new Date(0) };
const items = [
  { ticket_type: 'tt_1', quantity: 3, unit_price: 33_333, tax_rate: 18 as const, tax_inclusive: false },
  { ticket_type: 'tt_2', quantity: 7, unit_price: 999, tax_rate: 5 as const, tax_inclusive: true },
];
const fee = { paid_by: 'buyer' as const, percent_bp: 333, fixed: 7, tax_rate: 18 as const };

describe('supplyOf', () => {
  it('taxes only a registered organizer at a venue with a state: intra-state in their own state', () => {
    expect(supplyOf(profile, '27')).toBe('intra_state');
    expect(supplyOf(profile, '29')).toBe('inter_state');
    expect(supplyOf({ ...profile, gstin: null }, '27')).toBeNull();
    expect(supplyOf(null, '27')).toBeNull();
    expect(supplyOf(profile, null)).toBeNull();
  });
});

describe('ticketMoney', () => {
  it.each(['buyer', 'organizer'] as const)('shares an order out so its tickets add up to it exactly, odd paise and all (fee paid by the %s)', (paidBy) => {
    const b = orderBreakdown(items, { ...fee, paid_by: paidBy }, profile, '27');
    const money = ticketMoney(items, b);
    expect(money).toHaveLength(10);
    const sum = (k: 'gross' | 'tax' | 'fees') => money.reduce((s, m) => s + m[k], 0);
    expect(sum('gross')).toBe(b.total);
    expect(sum('tax')).toBe(b.tax);
    expect(sum('fees')).toBe(paidBy === 'buyer' ? b.fee?.taxable_value : b.fee?.total);
    // No ticket differs from another of its line by more than a paisa.
    const grossOfLine = money.slice(0, 3).map((m) => m.gross);
    expect(Math.max(...grossOfLine) - Math.min(...grossOfLine)).toBeLessThanOrEqual(2);
  });
});
