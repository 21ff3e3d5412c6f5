import { describe, expect, it } from 'vitest';
import { formatMoney } from '@trendy-tickets/sdk';
import { formatDateTime } from './format.js';
import { toWinAnsi } from './pdf-text.js';

describe('toWinAnsi', () => {
  it('keeps everything Windows-1252 can print, including smart punctuation and the euro', () => {
    expect(toWinAnsi('Zoë “Z” – café … €5 ™')).toBe('Zoë “Z” – café … €5 ™');
  });

  it('transliterates Indian scripts to readable Latin', () => {
    expect(toWinAnsi('राहुल शर्मा')).toBe('Rahul Sharma');
    expect(toWinAnsi('प्रिया')).toBe('Priya');
    expect(toWinAnsi('संजय')).toBe('Sanjay');
    expect(toWinAnsi('அருண்')).toBe('Arun'); // Tamil
    expect(toWinAnsi('ಕಾವ್ಯ')).toBe('Kavya'); // Kannada keeps its final vowel
  });

  it('replaces the rupee sign, folds accents and exotic spaces, and drops emoji and joiners', () => {
    expect(toWinAnsi('₹500')).toBe('Rs.500');
    expect(toWinAnsi('Ānanya Şahin ﬁne')).toBe('Ananya Sahin fine');
    expect(toWinAnsi('7:30\u202fpm')).toBe('7:30 pm');
    expect(toWinAnsi('Asha 👩‍👩‍👧 ✨ Verma')).toBe('Asha Verma');
  });

  it('shows letters of other scripts as question marks so a name never vanishes', () => {
    expect(toWinAnsi('李小龍')).toBe('???');
    expect(toWinAnsi('🎉')).toBe('');
  });
});

describe('formatMoney', () => {
  it('writes paise as rupees with Indian digit grouping', () => {
    expect(formatMoney(149_900)).toBe('INR 1,499.00');
    expect(formatMoney(10_000_000)).toBe('INR 1,00,000.00');
    expect(formatMoney(1_234_567_805)).toBe('INR 1,23,45,678.05');
    expect(formatMoney(5)).toBe('INR 0.05');
    expect(formatMoney(-2_500)).toBe('INR -25.00');
  });
});

describe('formatDateTime', () => {
  it('prints the instant in the given zone and names the zone', () => {
    expect(formatDateTime('2026-03-14T14:00:00Z', 'Asia/Kolkata')).toBe('Sat, 14 Mar, 2026, 7:30 pm IST');
    expect(formatDateTime('2026-03-14T14:00:00Z', 'Asia/Kolkata', 'short')).toBe('14 Mar 2026, 7:30 pm IST');
  });

  it('falls back to UTC for an unknown zone instead of throwing', () => {
    expect(formatDateTime('2026-03-14T14:00:00Z', 'Mars/Olympus')).toContain('2:00 pm UTC');
  });
});
