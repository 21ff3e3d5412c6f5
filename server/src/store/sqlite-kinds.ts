/**
 * Which kinds of value each indexed path has held, so a sort on it can follow the index and a
 * comparison on it can be answered by the index alone.
 *
 * MongoDB orders values of different types by type (null, numbers, strings, objects, booleans,
 * dates), SQLite by its own storage classes, where a boolean is a number and a date, a string
 * and an object's JSON are all text. `sqlite-filter.ts` therefore sorts by a type rank first,
 * which is right for any data but keeps SQLite from reading the rows in index order. When
 * every value an indexed path has ever held is of one kind (numbers, strings or dates; null
 * and missing sort first in both), the plain `json_extract` order is MongoDB's, and SQLite can
 * walk the index and stop after `limit` rows instead of sorting every match. Likewise a filter
 * compares a path that only ever held the compared value's kind without the `json_type` guard
 * that would make SQLite read every candidate's JSON (`sqlite-filter.ts`). The kinds live in
 * `$kinds`, written in the same transaction as the documents; a kind is never forgotten, so
 * what is recorded is at least what the collection holds.
 */
import type Database from 'better-sqlite3';
import { DATE_TAG } from './sqlite-codec.js';
import { fieldExpression } from './sqlite-filter.js';

/** The kinds recorded per path; `indexed` marks a path an index covers. */
export type Kinds = Map<string, Set<string>>;

type Statement = (sql: string) => Database.Statement;

const SORTS_LIKE_MONGODB = new Set(['number', 'string', 'date']);

/** The kind of a stored value, or null for null and missing (which sort alike everywhere). */
export function valueKind(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return 'date';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** The kinds recorded for `collection`. */
export function readKinds(statement: Statement, collection: string): Kinds {
  const rows = statement(`SELECT path, kind FROM "$kinds" WHERE collection = ?`).all(collection) as { path: string; kind: string }[];
  const kinds: Kinds = new Map();
  for (const { path, kind } of rows) kinds.set(path, (kinds.get(path) ?? new Set()).add(kind));
  return kinds;
}

function resolvePath(doc: Record<string, unknown>, path: string): unknown {
  let node: unknown = doc;
  for (const part of path.split('.')) node = node !== null && typeof node === 'object' && !Array.isArray(node) ? (node as Record<string, unknown>)[part] : undefined;
  return node;
}

/** Records the kind of each indexed path's value in `doc` that is not recorded yet; true when it recorded one. */
export function noteKinds(statement: Statement, collection: string, doc: Record<string, unknown>, kinds: Kinds): boolean {
  let noted = false;
  for (const [path, seen] of kinds) {
    if (!seen.has('indexed')) continue;
    const kind = valueKind(resolvePath(doc, path));
    if (kind === null || seen.has(kind)) continue;
    statement(`INSERT OR IGNORE INTO "$kinds" (collection, path, kind) VALUES (?, ?, ?)`).run(collection, path, kind);
    seen.add(kind);
    noted = true;
  }
  return noted;
}

/** Marks `path` as indexed and records the kinds its documents hold already (one scan, at index creation). */
export function trackPath(db: Database.Database, collection: string, path: string, table: string): void {
  const insert = db.prepare(`INSERT OR IGNORE INTO "$kinds" (collection, path, kind) VALUES (?, ?, ?)`);
  insert.run(collection, path, 'indexed');
  const type = fieldExpression(path, 'json_type');
  const sql = `SELECT DISTINCT ${type} AS type, substr(${fieldExpression(path)}, 1, 2) = ? AS is_date FROM ${table} WHERE ${type} IS NOT NULL`;
  for (const row of db.prepare(sql).all(DATE_TAG) as { type: string; is_date: number }[]) {
    if (row.type === 'null') continue;
    const number = row.type === 'integer' || row.type === 'real';
    const kind = number ? 'number' : row.type === 'text' ? (row.is_date ? 'date' : 'string') : row.type === 'true' || row.type === 'false' ? 'boolean' : row.type;
    insert.run(collection, path, kind);
  }
}

/** Whether a sort on `path` may follow SQLite's plain order (see the file header). */
export function sortsPlainly(path: string, kinds: Kinds): boolean {
  const seen = kinds.get(path);
  if (seen === undefined || !seen.has('indexed')) return false;
  const held = [...seen].filter((kind) => kind !== 'indexed');
  return held.length <= 1 && held.every((kind) => SORTS_LIKE_MONGODB.has(kind));
}

/**
 * Whether every value the indexed path `path` has held (null and missing aside) is of `kind`,
 * so a plain `json_extract` comparison with a value of that kind is MongoDB's (see the file
 * header). False for a path no index covers: its kinds are not recorded.
 *
 * @example
 * holdsOnly('status', 'string', kinds); // true while every stored status was a string
 */
export function holdsOnly(path: string, kind: string, kinds: Kinds): boolean {
  const seen = kinds.get(path);
  if (seen === undefined || !seen.has('indexed')) return false;
  for (const held of seen) if (held !== 'indexed' && held !== kind) return false;
  return true;
}
