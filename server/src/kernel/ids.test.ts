import { describe, expect, it } from 'vitest';
import { idPattern, newId, newSortableId } from './ids.js';

describe('ids', () => {
  it('makes random ids of a prefix and 22 base62 characters', () => {
    const ids = Array.from({ length: 1_000 }, () => newId('tkt'));
    for (const id of ids) expect(id).toMatch(/^tkt_[0-9A-Za-z]{22}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('makes sortable ids that sort in the order they were made, to the millisecond', () => {
    const start = Date.UTC(2026, 11, 5, 12, 0, 0);
    const ids = Array.from({ length: 500 }, (_, i) => newSortableId('tkt', start + i * 7));
    expect([...ids].sort()).toEqual(ids);
    // Years apart, and across a carry of every stamp digit.
    const apart = [0, 61, 62, 3_843, 3_844, Date.UTC(2001, 0, 1), Date.UTC(2026, 0, 1), Date.UTC(2080, 0, 1)].map((at) => newSortableId('ord', at));
    expect([...apart].sort()).toEqual(apart);
  });

  it('keeps 22 random characters after the 7-character stamp, and passes the id patterns', () => {
    const at = Date.UTC(2026, 11, 5);
    const ids = Array.from({ length: 1_000 }, () => newSortableId('tkt', at));
    const stamps = new Set(ids.map((id) => id.slice(4, 11)));
    expect(stamps.size).toBe(1);
    expect(new Set(ids.map((id) => id.slice(11))).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(/^tkt_[0-9A-Za-z]{29}$/);
      expect(idPattern('tkt').test(id)).toBe(true);
    }
  });
});
