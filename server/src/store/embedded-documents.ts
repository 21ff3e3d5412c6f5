/**
 * Documents as the embedded driver handles them: copying (owning every `Date`), MongoDB-style
 * equality and sorting where nedb's differ, upsert seeds, index hints and update checks. Pure
 * functions over plain objects; `embedded.ts` uses them around nedb.
 */
import { randomBytes } from 'node:crypto';
import { update as applyUpdate } from 'mingo';
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

/**
 * A matcher for filters that are only equalities with strings, numbers or booleans, or null
 * when the filter needs mingo. It answers undefined for a row where an array lies on a path:
 * MongoDB's array semantics (an element equal, or the whole array) are mingo's to decide.
 */
export function equalityMatcher(filter: Filter): ((row: Row) => boolean | undefined) | null {
  const conditions: Array<[string[], string | number | boolean]> = [];
  for (const [key, value] of Object.entries(filter)) {
    if (key.startsWith('$') || !(typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) return null;
    conditions.push([key.split('.'), value]);
  }
  return (row) => {
    for (const [path, expected] of conditions) {
      let node: unknown = row;
      for (const part of path) {
        if (Array.isArray(node)) return undefined;
        node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
      }
      if (Array.isArray(node)) return undefined;
      if (node !== expected) return false;
    }
    return true;
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

export const isIndexScalar = (value: unknown): boolean =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date;

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
        const next = node[part] ?? (node[part] = {});
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
export function sortRows(rows: Row[], sort: SortSpec): Row[] {
  const fields = Object.entries(sort);
  const sortKey = (row: Row, field: string, direction: number): unknown => {
    const value = resolve(row, field);
    if (!Array.isArray(value)) return value ?? null;
    if (value.length === 0) return EMPTY_ARRAY;
    return value.reduce((best: unknown, item: unknown) => (compare(item, best) * direction < 0 ? item : best));
  };
  const compareKeys = (a: unknown, b: unknown): number =>
    a === EMPTY_ARRAY || b === EMPTY_ARRAY ? Number(b === EMPTY_ARRAY) - Number(a === EMPTY_ARRAY) : compare(a, b);
  const keyed = rows.map((row) => ({ row, keys: fields.map(([field, direction]) => sortKey(row, field, direction)) }));
  keyed.sort((x, y) => {
    for (let i = 0; i < fields.length; i += 1) {
      const order = compareKeys(x.keys[i], y.keys[i]) * (fields[i]?.[1] ?? 1);
      if (order !== 0) return order;
    }
    return 0;
  });
  return keyed.map((entry) => entry.row);
}
