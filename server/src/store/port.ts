/**
 * The store port: the one persistence interface every repository and service uses.
 *
 * It is the common subset of MongoDB and the embedded store (SQLite + mingo, `sqlite.ts`;
 * nedb + mingo, `embedded.ts`, kept to import an earlier version's data),
 * so code written against it runs unchanged on both drivers. The subset:
 *
 * - Documents have a string `_id` (our prefixed ids). Dates are stored as `Date`.
 * - Filters: equality (including dot-notation into nested objects), `$gt $gte $lt $lte
 *   $ne $in $nin $exists $regex $elemMatch $and $or $not`. No `$expr`, no `$where`,
 *   no text search.
 * - A field's condition is a plain value (string, number, boolean, null, Date, RegExp) or an
 *   operator built by `op.*` (`op.in(['paid'])`, `op.gte(2)`); any other object or array is
 *   refused (TypeError), so a value from outside can never act as an operator
 *   (`{ payment_id: { $gt: '' } }` would match every order). Subdocuments are matched field by
 *   field with dot paths (`{ 'buyer.email': email }`), never as a whole. Top-level `$and` and
 *   `$or` take lists of such filters. `$match` stages of pipelines follow the same rules.
 * - Updates: `$set $unset $inc $push $min $max`, with dot-notation paths. No positional
 *   `$`, no `$setOnInsert`, no pipelines. Upserts build the new document from the
 *   filter's equality fields plus the update, as both drivers do.
 * - Atomicity is per document: `updateOne` / `findOneAndUpdate` with a conditional filter
 *   is the only way to enforce an invariant (`{ 'inventory.available': op.gte(2) }`).
 *   Read-then-write is a bug.
 * - Aggregation: `$match $group $sort $limit $project $unwind $count` and the expression
 *   operators `$sum $cond $eq $dateToString` (with `timezone`). The embedded driver runs
 *   pipelines with mingo after an indexed `$match`. `timezone` takes an IANA name spelled
 *   as the tz database does (`Asia/Kolkata`, `UTC`: see `canonicalTimeZone`) or an offset
 *   (`+05:30`); both drivers refuse `asia/kolkata`, `utc` and unknown names (MongoDB's
 *   error 40485), the embedded one also old aliases such as `US/Eastern`.
 * - `undefined` is refused anywhere in a filter, an update's filter or a pipeline (TypeError):
 *   MongoDB would drop the key and `{ email: undefined }` would match every document. In
 *   documents and updates, fields set to `undefined` are not stored.
 * - Both drivers check filters and pipelines with the same code (`filter-check.ts`).
 * - An upsert whose filter has no string `_id` gets a random string `_id`.
 * - Field names must not start with `$` or contain `.` (nedb refuses them, and export writes
 *   dates as `{ $date }`). TTL fields are top-level; the SQLite driver keeps TTL settings in its
 *   file, the nedb one re-arms them when `ensureIndexes` runs at start.
 *
 * The shared contract suite (`store/contract.ts`) holds every driver to this.
 */

export { op, type Operator } from './operators.js';

/** A query filter in MongoDB syntax, restricted to the subset above (operators through `op`). */
export type Filter = Record<string, unknown>;

/** An update document in MongoDB syntax, restricted to the subset above. */
export interface Update {
  $set?: Record<string, unknown>;
  $unset?: Record<string, '' | true | 1>;
  $inc?: Record<string, number>;
  $push?: Record<string, unknown>;
  $min?: Record<string, unknown>;
  $max?: Record<string, unknown>;
}

export type SortSpec = Record<string, 1 | -1>;

export interface FindOptions {
  sort?: SortSpec;
  limit?: number;
  skip?: number;
}

export interface UpdateResult {
  /** Documents the filter matched (0 or 1 for `updateOne`). */
  matched: number;
  /** Documents changed (an update that sets equal values may leave this below `matched`). */
  modified: number;
  /** Whether an upsert inserted a new document. */
  upserted: boolean;
}

/** Any stored document: a string `_id` and whatever else. */
export interface Doc {
  _id: string;
}

export interface Collection<T extends Doc> {
  readonly name: string;
  /** Inserts one document; throws `DuplicateKeyError` if a unique index refuses it. */
  insertOne(doc: T): Promise<void>;
  /** Inserts many; throws `DuplicateKeyError` if any is refused (earlier ones may be stored). */
  insertMany(docs: readonly T[]): Promise<void>;
  findOne(filter: Filter, options?: Pick<FindOptions, 'sort'>): Promise<T | null>;
  find(filter: Filter, options?: FindOptions): Promise<T[]>;
  count(filter: Filter): Promise<number>;
  /** Updates at most one matching document atomically. */
  updateOne(filter: Filter, update: Update, options?: { upsert?: boolean }): Promise<UpdateResult>;
  updateMany(filter: Filter, update: Update): Promise<UpdateResult>;
  /**
   * Updates at most one matching document atomically and returns it as it is
   * after the update, or null when nothing matched (and no upsert was asked for).
   */
  findOneAndUpdate(filter: Filter, update: Update, options?: { upsert?: boolean }): Promise<T | null>;
  /** Returns the number of documents removed (0 or 1). */
  deleteOne(filter: Filter): Promise<number>;
  deleteMany(filter: Filter): Promise<number>;
  aggregate<R = Record<string, unknown>>(pipeline: readonly Record<string, unknown>[]): Promise<R[]>;
}

export interface IndexSpec {
  collection: string;
  /** Field paths in order; compound when more than one. */
  keys: Record<string, 1 | -1>;
  unique?: boolean;
  /** Leave documents without the field out of the index (so a unique index allows many of them). */
  sparse?: boolean;
  /**
   * Remove documents once the (single, Date-valued) indexed field is this many
   * seconds in the past. Removal is a background sweep on MongoDB (about every
   * 60 s), so queries that must not see expired documents also filter on the field.
   */
  expireAfterSeconds?: number;
}

/** An index that exists with other options than its `IndexSpec` declares, and was left unchanged. */
export interface IndexConflict {
  collection: string;
  /** The index's name, as {@link indexName} gives it. */
  name: string;
  keys: IndexSpec['keys'];
  /** What the store said about it. */
  detail: string;
}

/**
 * The name both drivers give an index: MongoDB's own default, `field_1_other_-1`.
 *
 * @example
 * indexName({ account: 1, created_at: -1 }); // 'account_1_created_at_-1'
 */
export function indexName(keys: IndexSpec['keys']): string {
  return Object.entries(keys)
    .map(([field, direction]) => `${field}_${direction}`)
    .join('_');
}

export type StoreDriverName = 'embedded' | 'mongodb';

export interface Store {
  readonly driver: StoreDriverName;
  collection<T extends Doc>(name: string): Collection<T>;
  /**
   * Creates indexes that do not exist yet; safe to call at every start. An index that exists
   * with the same keys but other options (unique, sparse, TTL) is left as it is and returned
   * as a conflict, while the other indexes are still created: one changed definition must not
   * stop every server from starting (docs/operations.md says how to migrate it).
   */
  ensureIndexes(specs: readonly IndexSpec[]): Promise<IndexConflict[]>;
  /** The names of the collections that exist, sorted (for export: `store/transfer.ts`). */
  listCollections(): Promise<string[]>;
  /** Resolves when the store answers; rejects otherwise (for /readyz). */
  ping(): Promise<void>;
  /** Flushes and closes; the store is unusable afterwards. */
  close(): Promise<void>;
}

/** A unique index refused a write. */
export class DuplicateKeyError extends Error {
  override readonly name = 'DuplicateKeyError';

  constructor(
    readonly collection: string,
    detail: string,
  ) {
    super(`Duplicate key in '${collection}': ${detail}`);
  }
}
