import { describe, expect, it } from 'vitest';
import { decodeDoc, encodeDoc } from './sqlite-codec.js';

// The last instant whose stored value is still a safe integer, where decoding changes method.
const LAST_SAFE_MS = Number.MAX_SAFE_INTEGER - 8_640_000_000_000_000;

describe('the SQLite codec', () => {
  it('reads back every date it stored, from the earliest to the latest a Date can hold', () => {
    const dates = [-8.64e15, -1, 0, Date.UTC(2026, 11, 5, 10, 0, 0, 123), LAST_SAFE_MS, LAST_SAFE_MS + 1, 8.64e15].map((ms) => new Date(ms));
    const doc = { _id: 'd1', at: dates[3], nested: { dates }, tagged: '\u0001D not a date' };
    const back = decodeDoc<typeof doc>('d1', encodeDoc(doc));
    expect(back.nested.dates.map((d) => d.getTime())).toEqual(dates.map((d) => d.getTime()));
    expect(back.at).toEqual(dates[3]);
    expect(back.tagged).toBe('\u0001D not a date');
  });
});
