import { describe, expect, it } from 'vitest';
import { formatMoney, formatRupees, PHONE_PATTERN, rupeesInput, toPaise } from '../src/index.js';
import { PHONES, RUPEES_SHOWN, TYPED_RUPEES } from './rule-vectors.js';

describe('money helpers', () => {
  it.each(TYPED_RUPEES)('reads %j as %j paise', (typed, paise) => {
    expect(toPaise(typed)).toBe(paise);
  });

  it.each(RUPEES_SHOWN)('shows %j paise as %j', (paise, shown) => {
    expect(formatRupees(paise)).toBe(shown);
  });

  it('writes amounts with the currency code where no rupee glyph is available', () => {
    expect(formatMoney(149_900)).toBe('INR 1,499.00');
    expect(formatMoney(-250)).toBe('INR -2.50');
  });

  it('gives form fields rupees that read back as the same paise', () => {
    for (const paise of [0, 5, 49_950, 50_000, 10_000_000]) expect(toPaise(rupeesInput(paise))).toBe(paise);
    expect(rupeesInput(50_000)).toBe('500');
    expect(rupeesInput(49_950)).toBe('499.50');
  });
});

describe('PHONE_PATTERN', () => {
  it.each(PHONES)('takes %j: %j', (typed, accepted) => {
    expect(PHONE_PATTERN.test(typed)).toBe(accepted);
  });
});
