/**
 * The SQLite store's schema: one table per collection (`_id TEXT PRIMARY KEY, doc TEXT`), the
 * port's indexes as expression indexes on `json_extract(doc, …)`, and two bookkeeping tables
 * whose names (starting with `$`) no collection can take:
 *
 * - `$indexes`: each declared index with its options, so a changed declaration is reported as a
 *   conflict (`ensureIndexes`) and TTL settings survive a restart;
 * - `$array_paths`: each path that has held an array in a collection, so filters on it are
 *   left to mingo (`sqlite-filter.ts`);
 * - `$kinds`: the kinds of value each indexed path has held, so sorts can follow an index
 *   (`sqlite-kinds.ts`).
 */
import type Database from 'better-sqlite3';
import { DATE_TAG, AFTER_DATES, encodeDate } from './sqlite-codec.js';
import { fieldExpression } from './sqlite-filter.js';
import { trackPath } from './sqlite-kinds.js';
import { DuplicateKeyError, indexName, type IndexConflict, type IndexSpec } from './port.js';

type Db = Database.Database;

/** Quotes an SQL identifier (collection names never hold a double quote; see `COLLECTION_NAME`). */
export const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** Creates the bookkeeping tables if missing. */
export function createMetaTables(db: Db): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS "$indexes" (collection TEXT NOT NULL, name TEXT NOT NULL, spec TEXT NOT NULL, PRIMARY KEY (collection, name));
    CREATE TABLE IF NOT EXISTS "$array_paths" (collection TEXT NOT NULL, path TEXT NOT NULL, PRIMARY KEY (collection, path));
    CREATE TABLE IF NOT EXISTS "$kinds" (collection TEXT NOT NULL, path TEXT NOT NULL, kind TEXT NOT NULL, PRIMARY KEY (collection, path, kind));
  `);
}

/**
 * Creates a collection's table if missing. Looks first: `CREATE TABLE IF NOT EXISTS` takes the
 * write lock even when the table exists, and would wait for another process's open batch.
 */
export function createCollectionTable(db: Db, collection: string): void {
  if (db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?`).get(collection) !== undefined) return;
  db.exec(`CREATE TABLE IF NOT EXISTS ${quote(collection)} (_id TEXT PRIMARY KEY NOT NULL, doc TEXT NOT NULL)`);
}

/** The names of the collections (their tables), in name order. */
export function collectionNames(db: Db): string[] {
  const rows = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE '$%' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all();
  return (rows as { name: string }[]).map((row) => row.name);
}

/** Whether a better-sqlite3 error is a unique or primary key violation. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Runs `write`, turning a unique violation into the port's `DuplicateKeyError`. */
export function mapUnique<R>(collection: string, write: () => R): R {
  try {
    return write();
  } catch (error) {
    if (isUniqueViolation(error)) throw new DuplicateKeyError(collection, (error as Error).message);
    throw error;
  }
}

interface StoredSpec {
  unique: boolean;
  sparse: boolean;
  expireAfterSeconds?: number;
}

const describe = (spec: StoredSpec): string =>
  `unique: ${spec.unique}, sparse: ${spec.sparse}${spec.expireAfterSeconds === undefined ? '' : `, expireAfterSeconds: ${spec.expireAfterSeconds}`}`;

/**
 * Creates the index `spec` declares unless one with its keys exists; an existing one with other
 * options is left alone and returned as a conflict. Runs inside the caller's transaction.
 */
export function ensureIndex(db: Db, spec: IndexSpec): IndexConflict | null {
  const fields = Object.keys(spec.keys);
  const collection = spec.collection;
  if (fields.length === 0) throw new TypeError(`Index on '${collection}' has no keys`);
  if (spec.expireAfterSeconds !== undefined && (fields.length !== 1 || fields[0]?.includes('.'))) {
    throw new TypeError(`TTL index on '${collection}' must be one top-level field`);
  }
  const name = indexName(spec.keys);
  const wanted: StoredSpec = { unique: spec.unique ?? false, sparse: spec.sparse ?? false };
  if (spec.expireAfterSeconds !== undefined) wanted.expireAfterSeconds = spec.expireAfterSeconds;
  createCollectionTable(db, collection);
  const found = db.prepare(`SELECT spec FROM "$indexes" WHERE collection = ? AND name = ?`).get(collection, name) as { spec: string } | undefined;
  if (found !== undefined) {
    const stored = JSON.parse(found.spec) as StoredSpec;
    if (describe(stored) === describe(wanted)) return null;
    const detail = `An index on '${collection}' (${fields.join(', ')}) already exists with other options (${describe(stored)})`;
    return { collection, name, keys: spec.keys, detail };
  }
  const columns = Object.entries(spec.keys).map(([field, direction]) =>
    field === '_id' ? `_id ${direction === -1 ? 'DESC' : 'ASC'}` : `${fieldExpression(field)} ${direction === -1 ? 'DESC' : 'ASC'}`,
  );
  // MongoDB's sparse index leaves out documents that have none of the fields.
  const where = wanted.sparse ? ` WHERE ${fields.map((field) => `${fieldExpression(field)} IS NOT NULL`).join(' OR ')}` : '';
  const ddl = `CREATE ${wanted.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${quote(`${collection}.${name}`)} ON ${quote(collection)} (${columns.join(', ')})${where}`;
  mapUnique(collection, () => db.exec(ddl));
  for (const field of fields) if (field !== '_id') trackPath(db, collection, field, quote(collection));
  db.prepare(`INSERT INTO "$indexes" (collection, name, spec) VALUES (?, ?, ?)`).run(collection, name, JSON.stringify(wanted));
  return null;
}

/** The TTL indexes declared in the file: collection, field and seconds. */
export function ttlIndexes(db: Db): { collection: string; field: string; seconds: number }[] {
  const rows = db.prepare(`SELECT collection, name, spec FROM "$indexes"`).all() as { collection: string; name: string; spec: string }[];
  return rows.flatMap((row) => {
    const spec = JSON.parse(row.spec) as StoredSpec;
    if (spec.expireAfterSeconds === undefined) return [];
    return [{ collection: row.collection, field: row.name.replace(/_-?1$/, ''), seconds: spec.expireAfterSeconds }];
  });
}

/**
 * Deletes the documents whose TTL field is a Date at least `seconds` before `now` (MongoDB's TTL
 * monitor: an indexed range delete by the store's clock). Returns how many went.
 */
export function removeExpired(db: Db, collection: string, field: string, seconds: number, now: Date): number {
  const x = fieldExpression(field);
  const cutoff = encodeDate(new Date(now.getTime() - seconds * 1000));
  const sql = `DELETE FROM ${quote(collection)} WHERE ${x} <= ? AND ${x} >= ? AND ${x} < ?`;
  return db.prepare(sql).run(cutoff, DATE_TAG, AFTER_DATES).changes;
}
