/**
 * Translates store filters and sorts to SQL for the SQLite driver, so SQLite picks candidates
 * through the expression indexes (`json_extract(doc, '$."field"')`, see `sqlite-indexes.ts`).
 *
 * The rule that keeps this correct: the SQL may be *wider* than MongoDB's answer, never narrower.
 * A condition SQL cannot express exactly is left out (it becomes `1`) and the translation is
 * marked inexact; the driver then runs mingo over the candidates as the real matcher. What is
 * translated, and why it is exact:
 *
 * - conditions on a path that never held an array in this collection, nor any prefix of it
 *   (the driver records such paths on every write): MongoDB matches an array by its elements,
 *   which `json_extract` cannot say;
 * - equality with a string, number, boolean or Date, each with a `json_type` guard because
 *   `json_extract` returns `true` as 1 and an object as its JSON text; `null` (missing or null);
 * - `$gt $gte $lt $lte` with a number, a string (SQLite compares UTF-8 bytes, as MongoDB does)
 *   or a Date (the encoding sorts by time, `sqlite-codec.ts`), bracketed by type as MongoDB does;
 * - on an indexed path that has only ever held values of the compared value's kind
 *   (`sqlite-kinds.ts`), the same comparisons without the guard or the bracket: no value of
 *   another kind is there to tell apart, and the guard reads the row's JSON, where the plain
 *   comparison is answered by the expression index alone (docs/decisions/0049-filters-without-type-guards.md);
 * - `$in` without a RegExp, `$exists`, `$ne: null`, and `$and` / `$or` of translatable parts.
 *
 * `$regex`, `$elemMatch`, `$not`, `$nin` and `$ne` with a value are mingo's alone.
 */
import { AFTER_DATES, DATE_TAG, TAG, encodeScalar } from './sqlite-codec.js';
import type { Filter, SortSpec } from './port.js';
import { isOperator } from './operators.js';

/** A WHERE clause with its parameters; `exact` when it matches exactly what MongoDB would. */
export interface SqlFilter {
  sql: string;
  params: unknown[];
  exact: boolean;
}

const ANY: SqlFilter = { sql: '1', params: [], exact: false };
const NONE: SqlFilter = { sql: '0', params: [], exact: true };
const COMPARE: Record<string, string> = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' };
const SAFE_PART = /^[^'"\\]+$/;

/** The kinds of compared value a path's recorded kinds can vouch for (`sqlite-kinds.ts`). */
export type ValueKind = 'string' | 'number' | 'boolean' | 'date';

/**
 * Whether every value `path` has held is of `kind`, as recorded for indexed paths
 * (`holdsOnly` in `sqlite-kinds.ts`); the default vouches for nothing and keeps every guard.
 */
export type HoldsOnly = (path: string, kind: ValueKind) => boolean;

const NO_KINDS: HoldsOnly = () => false;

/** Whether a path can be named in SQL: no quotes or backslashes in its parts. */
export function sqlNameable(path: string): boolean {
  return path.split('.').every((part) => SAFE_PART.test(part));
}

/**
 * The SQL expression reading `path` from the `doc` column, spelled the same way in every
 * query and index so SQLite's planner matches them.
 *
 * @example
 * fieldExpression('buyer.email'); // `json_extract(doc, '$."buyer"."email"')`
 */
export function fieldExpression(path: string, fn: 'json_extract' | 'json_type' = 'json_extract'): string {
  if (!sqlNameable(path)) throw new TypeError(`The SQLite store cannot name the field '${path}'`);
  return `${fn}(doc, '$${path
    .split('.')
    .map((part) => `."${part}"`)
    .join('')}')`;
}

/** Whether `path` or one of its prefixes has held an array in the collection. */
export function crossesArray(path: string, arrays: ReadonlySet<string>): boolean {
  const parts = path.split('.');
  return parts.some((_, i) => arrays.has(parts.slice(0, i + 1).join('.')));
}

const all = (parts: SqlFilter[], joiner: 'AND' | 'OR'): SqlFilter => {
  if (parts.length === 1) return parts[0] as SqlFilter;
  return {
    sql: `(${parts.map((part) => part.sql).join(` ${joiner} `)})`,
    params: parts.flatMap((part) => part.params),
    exact: parts.every((part) => part.exact),
  };
};

/** Every _id is a string, and MongoDB compares only like types: no other value matches one. */
function idEquals(value: unknown): SqlFilter {
  return typeof value === 'string' ? { sql: '_id = ?', params: [value], exact: true } : NONE;
}

/** The kind of a compared value that the recorded kinds can vouch for, or null. */
function kindOf(value: unknown): ValueKind | null {
  if (value instanceof Date) return 'date';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return typeof value as ValueKind;
  return null;
}

function equals(path: string, value: unknown, holdsOnly: HoldsOnly): SqlFilter {
  const x = fieldExpression(path);
  const type = fieldExpression(path, 'json_type');
  if (value === null) return { sql: `${x} IS NULL`, params: [], exact: true };
  if (value instanceof Date) return { sql: `${x} = ?`, params: [encodeScalar(value)], exact: true };
  const kind = kindOf(value);
  // `json_extract` gives a boolean as 1 or 0, the number SQLite then compares.
  if (kind !== null && holdsOnly(path, kind)) return { sql: `${x} = ?`, params: [typeof value === 'boolean' ? Number(value) : encodeScalar(value)], exact: true };
  if (typeof value === 'string') return { sql: `(${x} = ? AND ${type} = 'text')`, params: [encodeScalar(value)], exact: true };
  if (typeof value === 'number') return { sql: `(${x} = ? AND ${type} IN ('integer', 'real'))`, params: [value], exact: true };
  if (typeof value === 'boolean') return { sql: `(${x} = ? AND ${type} = '${value}')`, params: [value ? 1 : 0], exact: true };
  return ANY;
}

function range(path: string, name: string, bound: unknown, holdsOnly: HoldsOnly): SqlFilter {
  const x = fieldExpression(path);
  const sign = COMPARE[name] as string;
  const kind = kindOf(bound);
  // A string bound starting with the tag would meet the escaped strings (`sqlite-codec.ts`): keep the full form's answer.
  const plain = kind !== null && kind !== 'boolean' && !(typeof bound === 'string' && bound.startsWith(TAG)) && holdsOnly(path, kind);
  if (plain) return { sql: `${x} ${sign} ?`, params: [encodeScalar(bound)], exact: true };
  if (typeof bound === 'number') {
    return { sql: `(${x} ${sign} ? AND ${fieldExpression(path, 'json_type')} IN ('integer', 'real'))`, params: [bound], exact: true };
  }
  if (bound instanceof Date) {
    return { sql: `(${x} ${sign} ? AND ${x} >= ? AND ${x} < ?)`, params: [encodeScalar(bound), DATE_TAG, AFTER_DATES], exact: true };
  }
  if (typeof bound === 'string' && !bound.startsWith(TAG)) {
    const sql = `(${x} ${sign} ? AND ${fieldExpression(path, 'json_type')} = 'text' AND substr(${x}, 1, 2) <> ?)`;
    return { sql, params: [bound, DATE_TAG], exact: true };
  }
  return ANY;
}

/** `$in` of values that each compare plainly (see {@link equals}): one IN list an index answers. */
function among(path: string, values: unknown[], holdsOnly: HoldsOnly): SqlFilter {
  const plain = values.every((v) => {
    const kind = kindOf(v);
    return kind !== null && (kind === 'date' || holdsOnly(path, kind));
  });
  if (!plain)
    return all(
      values.map((v) => equals(path, v, holdsOnly)),
      'OR',
    );
  const params = values.map((v) => (typeof v === 'boolean' ? Number(v) : encodeScalar(v)));
  return { sql: `${fieldExpression(path)} IN (${params.map(() => '?').join(', ')})`, params, exact: true };
}

function operatorCondition(path: string, name: string, arg: unknown, holdsOnly: HoldsOnly): SqlFilter {
  if (path === '_id') {
    if (name === '$in' && Array.isArray(arg)) return all(arg.length === 0 ? [NONE] : arg.map(idEquals), 'OR');
    if (name === '$exists') return arg ? { sql: '1', params: [], exact: true } : NONE;
    if (name === '$eq' || name in COMPARE) {
      return typeof arg === 'string' ? { sql: `_id ${COMPARE[name] ?? '='} ?`, params: [arg], exact: true } : NONE;
    }
    return ANY;
  }
  switch (name) {
    case '$eq':
      return equals(path, arg, holdsOnly);
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      return range(path, name, arg, holdsOnly);
    case '$in':
      if (!Array.isArray(arg) || arg.some((v) => v instanceof RegExp)) return ANY;
      return arg.length === 0 ? NONE : among(path, arg, holdsOnly);
    case '$exists':
      return { sql: `${fieldExpression(path, 'json_type')} IS ${arg ? 'NOT ' : ''}NULL`, params: [], exact: true };
    case '$ne':
      return arg === null ? { sql: `${fieldExpression(path)} IS NOT NULL`, params: [], exact: true } : ANY;
    default:
      return ANY;
  }
}

function fieldCondition(path: string, condition: unknown, arrays: ReadonlySet<string>, holdsOnly: HoldsOnly): SqlFilter {
  if (path !== '_id' && (crossesArray(path, arrays) || !sqlNameable(path))) return ANY;
  if (isOperator(condition)) {
    const parts = Object.entries(condition).map(([name, arg]) => operatorCondition(path, name, arg, holdsOnly));
    return all(parts, 'AND');
  }
  if (condition instanceof RegExp) return ANY;
  return path === '_id' ? idEquals(condition) : equals(path, condition, holdsOnly);
}

/**
 * The WHERE clause for a filter already checked by `checkFilter`.
 *
 * @param arrays the paths that have held an array in the collection.
 * @param holdsOnly which indexed paths have only held one kind of value (`sqlite-kinds.ts`);
 *   comparisons on those drop their type guards.
 * @example
 * toSql({ account: 'acc_1', created_at: op.gte(since) }, new Set()).sql;
 * // `((json_extract(doc, '$."account"') = ? AND …) AND (json_extract(doc, '$."created_at"') >= ? AND …))`
 * toSql({ account: 'acc_1' }, new Set(), (path, kind) => holdsOnly(path, kind, kinds)).sql;
 * // `json_extract(doc, '$."account"') = ?` while every stored account is a string
 */
export function toSql(filter: Filter, arrays: ReadonlySet<string>, holdsOnly: HoldsOnly = NO_KINDS): SqlFilter {
  const parts: SqlFilter[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' || key === '$or') {
      const clauses = (value as Filter[]).map((clause) => toSql(clause, arrays, holdsOnly));
      const joined = all(clauses, key === '$and' ? 'AND' : 'OR');
      // An untranslatable branch of an $or lets anything through: the whole $or is then mingo's.
      parts.push(key === '$or' && clauses.some((c) => c.sql === '1' && !c.exact) ? ANY : joined);
    } else {
      parts.push(fieldCondition(key, value, arrays, holdsOnly));
    }
  }
  if (parts.length === 0) return { sql: '1', params: [], exact: true };
  return all(parts, 'AND');
}

/**
 * ORDER BY terms giving MongoDB's order for a sort on plain paths, or null when a sort path has
 * held an array (MongoDB sorts those by their least or greatest element: done in memory). Types
 * rank as MongoDB ranks them (null and missing, numbers, strings, objects, booleans, dates),
 * then values compare within their type; when every sort path is `plain` (an indexed path that
 * only ever held one kind of value, `sqlite-kinds.ts`), the value alone, so an index serves it.
 */
export function toOrderBy(sort: SortSpec, arrays: ReadonlySet<string>, plain: (path: string) => boolean = () => false): string | null {
  const paths = Object.keys(sort);
  if (paths.every((path) => path === '_id' || (!crossesArray(path, arrays) && sqlNameable(path) && plain(path)))) {
    return Object.entries(sort)
      .map(([path, direction]) => `${path === '_id' ? '_id' : fieldExpression(path)} ${direction === -1 ? 'DESC' : 'ASC'}`)
      .join(', ');
  }
  const terms: string[] = [];
  for (const [path, direction] of Object.entries(sort)) {
    const dir = direction === -1 ? 'DESC' : 'ASC';
    if (path === '_id') {
      terms.push(`_id ${dir}`);
      continue;
    }
    if (crossesArray(path, arrays) || !sqlNameable(path)) return null;
    const x = fieldExpression(path);
    const rank =
      `CASE ${fieldExpression(path, 'json_type')} WHEN 'integer' THEN 1 WHEN 'real' THEN 1 ` +
      `WHEN 'text' THEN (CASE WHEN substr(${x}, 1, 2) = char(1, 68) THEN 9 ELSE 2 END) ` +
      `WHEN 'object' THEN 3 WHEN 'true' THEN 8 WHEN 'false' THEN 8 ELSE 0 END`;
    terms.push(`${rank} ${dir}`, `${x} ${dir}`);
  }
  return terms.length === 0 ? null : terms.join(', ');
}
