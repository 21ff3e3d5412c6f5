import { describe, expect, it } from 'vitest';
import { financialYearOf } from './financial-year.js';

describe('financialYearOf', () => {
  it('turns the year at midnight on 1 April on India’s clock, not UTC’s', () => {
    expect(financialYearOf(new Date('2027-03-31T18:29:00Z'))).toEqual({ start: 2026, label: '2026-27', short: '2627' }); // 23:59 IST, 31 March
    expect(financialYearOf(new Date('2027-03-31T18:31:00Z'))).toEqual({ start: 2027, label: '2027-28', short: '2728' }); // 00:01 IST, 1 April
  });

  it('keeps January to March in the year that began the April before', () => {
    expect(financialYearOf(new Date('2030-01-15T00:00:00Z')).label).toBe('2029-30');
    expect(financialYearOf(new Date('2099-12-31T00:00:00Z')).short).toBe('9900');
  });
});
