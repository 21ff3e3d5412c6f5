/**
 * Documents as the embedded driver handles them: copying (owning every `Date`), MongoDB-style
 * equality and sorting where nedb's differ, upsert seeds, index hints and update checks. Pure
 * functions over plain objects; `embedded.ts` uses them around nedb.
 */
import { randomBytes } from 'node:crypto';
import type { update as applyUpdate } from 'mingo';
import { compare, resolve } from 'mingo/util';
import type { Doc, Filter, SortSpec, Update } from './port.js';

export type Row = Doc & Record<string, unknown>;
export type RowModifier = Parameters<typeof applyUpdate<Row>>[1];

export const UPDATE_OPERATORS = new Set(['$set', '$unset', '$inc', '$push', '$min', '$max']);
export const RANGE_OPERATORS = ['$gt', '$gte', '$lt', '$lte'] as const;
export const QUERY_OPTIONS = { scriptEnabled: false } as const;
export const EMPTY_ARRAY = Symbol('empty array');

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof RegExp);

/** Deep copy that owns its `Date`s and drops `undefined` fields (the MongoDB driver runs with `ignoreUndefined`). */
export function copyValue(value: unknown): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return new Date(value.getTime());
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : copyValue(item)));
  if (isPlainObject(value) && !ArrayBuffer.isView(value)) {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) copy[key] = copyValue(item);
    return copy;
  }
  throw new TypeError(`The store cannot hold ${Object.prototype.toString.call(value)}`);
}

type Verdict = boolean | undefined;
type RowTest = (row: Row) => Verdict;
type Plain = string | number | boolean | Date;
const isPlain = (v: unknown): v is Plain => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date;
const RANGES = new Set(['$lt', '$lte', '$gt', '$gte']);

/** Compares two values of one type (string, number or Date); undefined for any other pair. */
function sameTypeOrder(a: unknown, b: Plain): number | undefined {
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
}

function equal(a: unknown, b: Plain): Verdict {
  if (b instanceof Date) return a instanceof Date ? a.getTime() === b.getTime() : undefined;
  return a === b;
}

/** A test of one field's condition on the value found, or null when only mingo can decide it. */
function conditionTest(condition: unknown): ((value: unknown) => Verdict) | null {
  if (isPlain(condition)) return (value) => equal(value, condition);
  if (!isPlainObject(condition)) return null;
  const parts: Array<(value: unknown) => Verdict> = [];
  for (const [operator, operand] of Object.entries(condition)) {
    if (operator === '$eq' && isPlain(operand)) parts.push((value) => equal(value, operand));
    else if (operator === '$in' && Array.isArray(operand) && operand.every(isPlain)) {
      parts.push((value) => {
        let verdict: Verdict = false;
        for (const item of operand as Plain[]) {
          const one = equal(value, item);
          if (one === true) return true;
          if (one === undefined) verdict = undefined;
        }
        return verdict;
      });
    } else if (RANGES.has(operator) && isPlain(operand) && typeof operand !== 'boolean') {
      parts.push((value) => {
        const order = sameTypeOrder(value, operand);
        if (order === undefined) return undefined;
        return operator === '$lt' ? order < 0 : operator === '$lte' ? order <= 0 : operator === '$gt' ? order > 0 : order >= 0;
      });
    } else return null;
  }
  return (value) => {
    let verdict: Verdict = true;
    for (const part of parts) {
      const one = part(value);
      if (one === false) return false;
      if (one === undefined) verdict = undefined;
    }
    return verdict;
  };
}

/**
 * A matcher for filters made of equalities, `$in` and ranges on strings, numbers, booleans and
 * dates, combined by top-level `$and` / `$or`, or null when the filter needs mingo. It answers
 * undefined for a row it cannot decide alike (an array on a path, values of another type, a
 * missing field): MongoDB's semantics there are mingo's to apply. Keyset pages are such filters,
 * and testing them here instead of in mingo is what keeps a page over many rows cheap.
 */
export function equalityMatcher(filter: Filter): RowTest | null {
  const tests: RowTest[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value) || value.length === 0 || !value.every(isPlainObject)) return null;
      const members = value.map((member) => equalityMatcher(member as Filter));
      if (members.some((m) => m === null)) return null;
      const all = members as RowTest[];
      tests.push(
        key === '$and'
          ? (row) => {
              let verdict: Verdict = true;
              for (const m of all) {
                const one = m(row);
                if (one === false) return false;
                if (one === undefined) verdict = undefined;
              }
              return verdict;
            }
          : (row) => {
              let verdict: Verdict = false;
              for (const m of all) {
                const one = m(row);
                if (one === true) return true;
                if (one === undefined) verdict = undefined;
              }
              return verdict;
            },
      );
      continue;
    }
    if (key.startsWith('$')) return null;
    const test = conditionTest(value);
    if (!test) return null;
    const path = key.split('.');
    tests.push((row) => {
      let node: unknown = row;
      for (const part of path) {
        if (Array.isArray(node)) return undefined;
        node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
      }
      if (Array.isArray(node) || node === undefined || node === null) return undefined;
      return test(node);
    });
  }
  return (row) => {
    let verdict: Verdict = true;
    for (const test of tests) {
      const one = test(row);
      if (one === false) return false;
      if (one === undefined) verdict = undefined;
    }
    return verdict;
  };
}

export function checkUpdate(update: Update): RowModifier {
  const operators = Object.keys(update);
  if (operators.length === 0 || operators.some((op) => !UPDATE_OPERATORS.has(op))) {
    throw new TypeError(`Update must use only ${[...UPDATE_OPERATORS].join(' ')}; got ${operators.join(' ') || 'nothing'}`);
  }
  return copyValue(update) as RowModifier;
}

export function newDocumentId(): string {
  return randomBytes(12).toString('hex');
}

export const isIndexScalar = (value: unknown): boolean => typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date;

/**
 * The part of one filter condition nedb may use to pick candidates from an index. It must
 * never exclude a document MongoDB would match, so `null` (which matches absent fields) and
 * string ranges (JS and MongoDB order some characters differently) are left to mingo.
 */
export function indexHint(condition: unknown): unknown {
  if (isIndexScalar(condition)) return condition;
  if (!isPlainObject(condition)) return undefined;
  if (isIndexScalar(condition.$eq)) return condition.$eq;
  const list = condition.$in;
  if (Array.isArray(list) && list.every(isIndexScalar)) return { $in: list };
  const usable = RANGE_OPERATORS.filter((op) => typeof condition[op] === 'number' || condition[op] instanceof Date);
  const bounds = Object.fromEntries(usable.map((op) => [op, condition[op]]));
  return Object.keys(bounds).length > 0 ? bounds : undefined;
}

/** Builds the document an upsert inserts: the filter's equality fields (MongoDB's rule), dot paths expanded. */
export function upsertSeed(filter: Filter): Row {
  const seed: Record<string, unknown> = {};
  const take = (conditions: Filter): void => {
    for (const [key, condition] of Object.entries(conditions)) {
      if ((key === '$and' || key === '$or') && Array.isArray(condition)) {
        if (key === '$and' || condition.length === 1) (condition as Filter[]).forEach(take);
        continue;
      }
      if (key.startsWith('$') || condition instanceof RegExp) continue;
      const operators = isPlainObject(condition) && Object.keys(condition).some((k) => k.startsWith('$'));
      if (operators && (!('$eq' in condition) || condition.$eq instanceof RegExp)) continue;
      const value = operators ? condition.$eq : condition;
      const parts = key.split('.');
      let node = seed;
      for (const part of parts.slice(0, -1)) {
        node[part] ??= {};
        const next = node[part];
        if (!isPlainObject(next)) throw new Error(`Upsert filter paths conflict at '${key}'`);
        node = next;
      }
      node[parts.at(-1) as string] = copyValue(value);
    }
  };
  take(filter);
  return seed as Row;
}

/** MongoDB sort semantics: missing equals null, an array sorts by its least (ascending) or greatest element. */
export function sortRows(rows: Row[], sort: SortSpec, limit = 0): Row[] {
  const fields = Object.entries(sort);
  const sortKey = (row: Row, field: string, direction: number): unknown => {
    // A top-level field is read directly: mingo's path resolution costs more than the comparison.
    const value = field.includes('.') ? resolve(row, field) : row[field];
    if (!Array.isArray(value)) return value ?? null;
    if (value.length === 0) return EMPTY_ARRAY;
    return value.reduce((best: unknown, item: unknown) => (compare(item, best) * direction < 0 ? item : best));
  };
  const compareKeys = (a: unknown, b: unknown): number => {
    // The common keys (dates, ids) compared directly: mingo's general comparison costs far more.
    if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
    if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
    return a === EMPTY_ARRAY || b === EMPTY_ARRAY ? Number(b === EMPTY_ARRAY) - Number(a === EMPTY_ARRAY) : compare(a, b);
  };
  type Keyed = { row: Row; keys: unknown[] };
  const orderKeys = (x: readonly unknown[], y: readonly unknown[]): number => {
    for (let i = 0; i < fields.length; i += 1) {
      const result = Math.sign(compareKeys(x[i], y[i])) * (fields[i]?.[1] ?? 1);
      if (result !== 0) return result;
    }
    return 0;
  };
  const order = (x: Keyed, y: Keyed): number => orderKeys(x.keys, y.keys);
  const keysOf = (row: Row): unknown[] => fields.map(([field, direction]) => sortKey(row, field, direction));
  if (limit <= 0 || rows.length <= limit * 2)
    return rows
      .map((row) => ({ row, keys: keysOf(row) }))
      .sort(order)
      .map((entry) => entry.row);
  // A page of a long list: keep the first `limit` rows as they come (re-sorting a small buffer),
  // so a keyset page over many rows costs about one comparison per row, not a sort of them all.
  let kept: Keyed[] = [];
  // The last of the best `limit` rows seen at the latest trim: a row not before it cannot make the page.
  let threshold: Keyed | undefined;
  const [first] = fields;
  for (const row of rows) {
    // Most rows lose on the first sort key alone: decide those without building their keys.
    if (threshold !== undefined && first !== undefined) {
      const head = Math.sign(compareKeys(sortKey(row, first[0], first[1]), threshold.keys[0])) * first[1];
      if (head > 0) continue;
    }
    const entry = { row, keys: keysOf(row) };
    if (threshold !== undefined && order(entry, threshold) >= 0) continue;
    kept.push(entry);
    if (kept.length >= limit * 2) {
      kept = kept.sort(order).slice(0, limit);
      threshold = kept[limit - 1];
    }
  }
  return kept
    .sort(order)
    .slice(0, limit)
    .map((entry) => entry.row);
}
