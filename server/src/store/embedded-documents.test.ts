import { Query } from 'mingo';
import { describe, expect, it } from 'vitest';
import { equalityMatcher, QUERY_OPTIONS, sortRows, type Row } from './embedded-documents.js';
import { op, type SortSpec } from './port.js';

/** A small seeded generator (mulberry32), so a failing case can be replayed. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const BASE = Date.UTC(2030, 5, 1);

function rows(next: () => number, n: number): Row[] {
  const values = (): unknown => {
    const r = next();
    if (r < 0.1) return undefined;
    if (r < 0.15) return null;
    if (r < 0.2) return ['a', 'b'];
    if (r < 0.3) return Math.floor(next() * 5);
    if (r < 0.6) return new Date(BASE + Math.floor(next() * 10) * 60_000);
    return ['a', 'b', 'c'][Math.floor(next() * 3)];
  };
  return Array.from({ length: n }, (_, i) => {
    const row: Row = { _id: `r${Math.floor(next() * n)}_${i}` };
    for (const field of ['x', 'y']) {
      const value = values();
      if (value !== undefined) row[field] = value;
    }
    row.status = ['valid', 'checked_in', 'voided'][i % 3];
    return row;
  });
}

describe('embedded store matching and sorting shortcuts', () => {
  it('keeps exactly the rows of a full sort when sorting for a page', () => {
    const next = random(11);
    for (let round = 0; round < 40; round++) {
      const list = rows(next, 200 + Math.floor(next() * 800));
      const limit = 1 + Math.floor(next() * 60);
      const sort: SortSpec = next() < 0.5 ? { x: -1, _id: -1 } : { y: 1, _id: 1 };
      expect(sortRows(list, sort, limit).map((r) => r._id)).toEqual(
        sortRows(list, sort)
          .slice(0, limit)
          .map((r) => r._id),
      );
    }
  });

  it('decides plain comparisons as mingo does, or leaves the row to mingo', () => {
    const next = random(29);
    const at = (minutes: number) => new Date(BASE + minutes * 60_000);
    const filters: Record<string, unknown>[] = [
      { status: op.in(['valid', 'checked_in']) },
      { x: op.lt(at(5)) },
      { x: op.gte(2), y: 'b' },
      { x: at(3) },
      { $and: [{ status: 'valid' }, { $or: [{ x: op.lt(at(4)) }, { x: at(4), _id: op.lt('r5') }] }] },
      { $or: [{ y: op.in(['a', 3]) }, { x: op.lte('b') }] },
      { x: op.and(op.gt(at(1)), op.lte(at(7))) },
    ];
    for (const filter of filters) {
      const fast = equalityMatcher(filter);
      expect(fast, JSON.stringify(filter)).not.toBeNull();
      const mingo = new Query(filter, QUERY_OPTIONS);
      for (const row of rows(next, 300)) {
        const verdict = fast!(row);
        if (verdict !== undefined) expect(verdict, `${JSON.stringify(filter)} on ${JSON.stringify(row)}`).toBe(mingo.test(row));
      }
    }
  });
});
