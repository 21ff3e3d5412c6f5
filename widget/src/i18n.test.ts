import { describe, expect, it } from 'vitest';
import { ENGLISH, i18n, registerMessages, type Key } from './i18n.js';
import { hi as HINDI } from './locales/hi.js';

registerMessages('hi', HINDI);

const placeholders = (message: string) => [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('i18n', () => {
  it('gives every Hindi message the same placeholders as its English one', () => {
    for (const key of Object.keys(ENGLISH) as Key[]) {
      expect(placeholders(HINDI[key]), key).toEqual(placeholders(ENGLISH[key]));
      expect(HINDI[key].trim(), key).not.toBe('');
    }
  });

  it('fills placeholders and formats rupees, dates and countdowns for India', () => {
    const en = i18n('en');
    expect(en.t('payAmount', { amount: en.money(149_950) })).toBe('Pay ₹1,499.50');
    expect(en.money(1_00_00_000_00)).toBe('₹1,00,00,000.00');
    expect(en.date('2030-06-08T14:00:00Z', 'Asia/Kolkata')).toBe('8 Jun 2030, 7:30 pm');
    expect(en.clock(65)).toBe('1:05');
    const hi = i18n('hi');
    expect(hi.t('payAmount', { amount: hi.money(99_800) })).toBe('₹998.00 चुकाएँ');
    expect(hi.locale).toBe('hi');
  });

  it('falls back to English for a locale it does not speak', () => {
    expect(i18n('fr').t('buy')).toBe('Buy tickets');
    expect(i18n(null).locale).toBe('en');
  });
});
