/**
 * The earlier embedded store driver, kept to import an earlier version's data directory into
 * SQLite (`nedb-import.ts`); the embedded store is now `sqlite.ts`. `@seald-io/nedb` keeps
 * the documents, the indexes (unique, sparse, compound), TTL expiry and the append-only
 * datafile; `mingo` supplies MongoDB's semantics for filters, update operators, sorting and
 * aggregation, because nedb's own differ from MongoDB's in ways repositories would notice
 * (checked against nedb 4.1.2):
 *
 * - matching: `{ x: null }` misses absent fields, `$ne`/`$nin` on arrays match when *any*
 *   element differs, `$not` is top-level only, `$regex` takes no string + `$options`;
 * - upserts: nedb builds the new document by stripping operators from the filter, so
 *   `{ n: { $lt: 5 } }` becomes `n: {}` and dot-notation equalities are dropped;
 * - results share `Date` instances with the store, sorting puts a missing field before
 *   `null` (MongoDB: equal), and `numAffected` counts matches, not modifications;
 * - TTL: nedb's own expiry uses `Date.now()` and is not restored when a datafile is reloaded,
 *   so expiry is a sweep here instead, by the store's clock (`now`), as MongoDB's TTL monitor is.
 *
 * So nedb is asked only for candidates (through an index when the filter allows) and the
 * match itself is ours (plain comparisons) or mingo's. Writes match inside nedb's `$where` hook;
 * nedb runs every operation to completion through its executor (a promise chain:
 * lib/executor.js, lib/waterfall.js), so one call sees a consistent snapshot. Reads take the
 * candidates at once (a snapshot too: nedb replaces a document on update, never changes it)
 * and test them in slices that yield, so a read over many documents does not hold the event
 * loop. A write here is a read plus a replace, so each collection also has a write queue,
 * making every conditional update atomic. Documents are
 * copied on the way in and out (nedb's deepCopy keeps `Date` objects shared).
 */
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import nedbModule from '@seald-io/nedb';
import { Query, update as applyUpdate } from 'mingo';
import { aggregateInMemory } from './embedded-time-zones.js';
import { checkFilter, checkPipeline } from './filter-check.js';
import type { Collection, Doc, Filter, FindOptions, IndexConflict, IndexSpec, Store, Update, UpdateResult } from './port.js';
import { DuplicateKeyError, indexName } from './port.js';
import { QUERY_OPTIONS, isPlainObject, copyValue, equalityMatcher, checkUpdate, newDocumentId, indexHint, upsertSeed, sortRows, type Row } from './embedded-documents.js';

// The typings declare an ES default export but the package is CommonJS (module.exports = Datastore).
const Datastore = ('default' in nedbModule ? nedbModule.default : nedbModule) as typeof nedbModule.default;
type Nedb = InstanceType<typeof Datastore>;
type Applied = { result: UpdateResult; after: Row | null };

/** The nedb 4.1.2 internals read (index options). */
interface NedbInternals {
  indexes: Record<string, { unique: boolean; sparse: boolean }>;
  /** The documents an index offers for a query (all of them without one); synchronous. */
  _getRawCandidates(query: Record<string, unknown>): unknown[];
}

/** Candidates a read tests before it lets other work run: a few milliseconds' worth. */
const READ_SLICE = 1_000;

/** Options for {@link createEmbeddedStore}. */
export interface EmbeddedStoreOptions {
  /** Directory for one `<collection>.db` file per collection; unset keeps everything in memory. */
  dataDir?: string;
  /** How often datafiles are rewritten without superseded lines (default 10 min). */
  compactionIntervalMs?: number;
  /** How often collections with TTL indexes are swept (default 60 s, like MongoDB's monitor). */
  ttlSweepIntervalMs?: number;
  /** Receives failures of background compaction and TTL sweeps (default: ignored). */
  onBackgroundError?: (error: unknown) => void;
  /**
   * The time TTL indexes expire documents by (default: the system clock). Tests pass their
   * injected clock, so expiry follows the time they set and not the wall clock.
   */
  now?: () => Date;
}

/** Serialises the writes of one collection (reads go straight to nedb); `tail` settles after the last one queued. */
class WriteQueue {
  tail: Promise<unknown> = Promise.resolve();

  run<R>(task: () => Promise<R>): Promise<R> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

class EmbeddedCollection<T extends Doc> implements Collection<T> {
  readonly writes = new WriteQueue();
  readonly #ready: Promise<void>;
  /**
   * TTL fields and their `expireAfterSeconds`. Expiry is ours, not nedb's: nedb compares with
   * `Date.now()` and forgets TTL settings on reload, while this follows the store's clock.
   */
  readonly ttl = new Map<string, number>();

  constructor(
    readonly name: string,
    readonly nedb: Nedb,
    readonly isClosed: () => boolean,
    readonly now: () => Date,
  ) {
    this.#ready = nedb.autoloadPromise ?? Promise.resolve();
  }

  /**
   * Whether a TTL index has expired the row. Like MongoDB, expired rows stay visible (and keep
   * their unique keys) until the sweep removes them; code that must not see them filters on the field.
   */
  expired(row: Row, at: number = this.now().getTime()): boolean {
    for (const [field, seconds] of this.ttl) {
      const value = row[field];
      if (value instanceof Date && value.getTime() + seconds * 1000 <= at) return true;
    }
    return false;
  }

  /** Deletes every expired row (the embedded counterpart of MongoDB's TTL monitor). */
  async removeExpired(): Promise<number> {
    if (this.ttl.size === 0) return 0;
    await this.open();
    const at = this.now().getTime();
    const collection = this;
    return this.writes.run(() =>
      this.nedb.removeAsync(
        {
          $where: function (this: Row): boolean {
            return collection.expired(this, at);
          },
        },
        { multi: true },
      ),
    );
  }

  get internals(): NedbInternals {
    return this.nedb as unknown as NedbInternals;
  }

  /** nedb's AVL tree marks unique violations with `errorType` (binary-search-tree/lib/avltree.js). */
  private async mapErrors<R>(write: Promise<R>): Promise<R> {
    try {
      return await write;
    } catch (error) {
      if ((error as { errorType?: unknown } | null)?.errorType !== 'uniqueViolated') throw error;
      throw new DuplicateKeyError(this.name, (error as Error).message);
    }
  }

  /** Rejects once the store is closed, and with the load error if the datafile could not be read. */
  async open(): Promise<void> {
    if (this.isClosed()) throw new Error(`Store is closed (collection '${this.name}')`);
    await this.#ready;
  }

  /**
   * Matching rows as nedb's own (shared, never mutated) objects, in candidate order; stops after
   * `limit`. Reads (`yielding`) test their candidates in slices and let other work run between
   * them, so a read over many rows never holds the event loop for long; writes test theirs in
   * one go inside the write queue.
   */
  async rows(filter: Filter, limit?: number, yielding = false): Promise<Row[]> {
    checkFilter(filter);
    // Most lookups are plain comparisons (`{ _id }`, `{ account, livemode }`, a keyset page): decide
    // those without building a mingo Query per call, which costs more than the match itself.
    const simple = equalityMatcher(filter);
    let query: Query | undefined;
    const test = (row: Row): boolean => {
      const verdict = simple?.(row);
      if (verdict !== undefined) return verdict;
      query ??= new Query(filter, QUERY_OPTIONS);
      return query.test(row);
    };
    const found: Row[] = [];
    const nedbQuery: Record<string, unknown> = {};
    const indexed = Object.keys(this.internals.indexes);
    // The members of a top-level `$and` must all hold too, so their fields narrow the candidates
    // as well (a keyset page is `{ $and: [filter, after-the-cursor] }`).
    const conjuncts = [filter, ...(Array.isArray(filter.$and) ? filter.$and.filter(isPlainObject) : [])];
    for (const part of conjuncts) {
      for (const [key, condition] of Object.entries(part)) {
        const hint = indexed.includes(key) && !key.startsWith('$') && !(key in nedbQuery) ? indexHint(condition) : undefined;
        if (hint !== undefined) nedbQuery[key] = hint;
      }
    }
    if (yielding) {
      // nedb's in-memory state changes only synchronously, and an update replaces a document
      // object rather than changing it, so the candidates taken here are one consistent snapshot
      // however long their test takes.
      const candidates = this.internals._getRawCandidates(nedbQuery);
      for (let i = 0; i < candidates.length; i++) {
        if (limit !== undefined && found.length >= limit) break;
        const row = candidates[i] as Row;
        if (test(row)) found.push(row);
        if ((i + 1) % READ_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      return found;
    }
    // nedb calls $where inside its executor task, with `this` bound to the stored document.
    nedbQuery.$where = function (this: Row): boolean {
      if (limit !== undefined && found.length >= limit) return false;
      if (!test(this)) return false;
      found.push(this);
      return true;
    };
    await this.nedb.countAsync(nedbQuery);
    return found;
  }

  async insertOne(doc: T): Promise<void> {
    await this.insertMany([doc]);
  }

  async insertMany(docs: readonly T[]): Promise<void> {
    await this.open();
    const copies = docs.map((doc) => {
      if (typeof doc._id !== 'string' || doc._id === '') throw new TypeError(`Documents need a string _id (in '${this.name}')`);
      return copyValue(doc) as Row;
    });
    if (copies.length === 0) return;
    await this.writes.run(async () => {
      // nedb inserts an array all-or-nothing, which the port allows ("earlier ones may be stored").
      await this.mapErrors(this.nedb.insertAsync(copies));
    });
  }

  async findOne(filter: Filter, options: Pick<FindOptions, 'sort'> = {}): Promise<T | null> {
    const [first] = await this.find(filter, { ...options, limit: 1 });
    return first ?? null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    await this.open();
    const { sort, skip = 0, limit = 0 } = options;
    if (![skip, limit].every((n) => Number.isInteger(n) && n >= 0)) throw new TypeError('skip and limit must be non-negative integers');
    const ordered = sort !== undefined && Object.keys(sort).length > 0;
    let rows = await this.rows(filter, !ordered && limit > 0 ? skip + limit : undefined, true);
    if (ordered) rows = sortRows(rows, sort, limit > 0 ? skip + limit : 0);
    // MongoDB reads limit 0 as "no limit".
    return rows.slice(skip, limit > 0 ? skip + limit : undefined).map((row) => copyValue(row) as T);
  }

  async count(filter: Filter): Promise<number> {
    await this.open();
    return (await this.rows(filter, undefined, true)).length;
  }

  async updateOne(filter: Filter, update: Update, options: { upsert?: boolean } = {}): Promise<UpdateResult> {
    return (await this.apply(filter, update, false, options.upsert ?? false)).result;
  }

  async updateMany(filter: Filter, update: Update): Promise<UpdateResult> {
    return (await this.apply(filter, update, true, false)).result;
  }

  async findOneAndUpdate(filter: Filter, update: Update, options: { upsert?: boolean } = {}): Promise<T | null> {
    // `after` is the driver's own copy (or nedb's copy of an upserted document): safe to hand out.
    const { after } = await this.apply(filter, update, false, options.upsert ?? false);
    return after as T | null;
  }

  /** Read the targets and replace them, inside the write queue so no other write can interleave. */
  private async apply(filter: Filter, update: Update, many: boolean, upsert: boolean): Promise<Applied> {
    await this.open();
    checkFilter(filter);
    const modifier = checkUpdate(update);
    return this.writes.run(async () => {
      const targets = await this.rows(filter, many ? undefined : 1);
      if (targets.length === 0 && upsert) {
        const seed = upsertSeed(filter);
        applyUpdate(seed, modifier);
        if (typeof seed._id !== 'string') seed._id = newDocumentId();
        const inserted = await this.mapErrors(this.nedb.insertAsync(seed));
        return { result: { matched: 0, modified: 0, upserted: true }, after: inserted as Row };
      }
      const result: UpdateResult = { matched: 0, modified: 0, upserted: false };
      let after: Row | null = null;
      for (const target of targets) {
        const next = copyValue(target) as Row;
        const changed = applyUpdate(next, modifier);
        if (next._id !== target._id) throw new Error(`Performing an update on '_id' would modify the immutable field '_id'`);
        if (changed.length === 0) {
          result.matched += 1;
          after ??= next;
          continue;
        }
        // nedb stores a deep copy of `next`, so `next` stays ours to return: no copy back is needed.
        const written = await this.mapErrors(this.nedb.updateAsync({ _id: target._id }, next, {}));
        // Zero when a concurrent read purged the document as expired: then it no longer matched.
        if (written.numAffected === 0) continue;
        result.matched += 1;
        result.modified += 1;
        after ??= next;
      }
      return { result, after };
    });
  }

  deleteOne = (filter: Filter): Promise<number> => this.remove(filter, false);
  deleteMany = (filter: Filter): Promise<number> => this.remove(filter, true);

  private async remove(filter: Filter, multi: boolean): Promise<number> {
    await this.open();
    return this.writes.run(async () => {
      const ids = (await this.rows(filter, multi ? undefined : 1)).map((row) => row._id);
      return ids.length === 0 ? 0 : this.nedb.removeAsync({ _id: { $in: ids } }, { multi: true });
    });
  }

  async aggregate<R = Record<string, unknown>>(pipeline: readonly Record<string, unknown>[]): Promise<R[]> {
    await this.open();
    checkPipeline(pipeline);
    const [first] = pipeline;
    const match = first !== undefined && Object.keys(first).length === 1 && isPlainObject(first.$match) ? first.$match : undefined;
    const input = (await this.rows(match ?? {}, undefined, true)).map((row) => copyValue(row) as Row);
    const stages = (match === undefined ? pipeline : pipeline.slice(1)) as Record<string, unknown>[];
    return aggregateInMemory(stages, input, QUERY_OPTIONS) as R[];
  }

  /** Creates the index unless it exists; one that exists with other options is left as it is and returned. */
  async ensureIndex(spec: IndexSpec): Promise<IndexConflict | null> {
    await this.open();
    const fields = Object.keys(spec.keys);
    const ttl = spec.expireAfterSeconds;
    if (fields.length === 0) throw new TypeError(`Index on '${this.name}' has no keys`);
    if (ttl !== undefined && (fields.length !== 1 || fields[0]?.includes('.'))) {
      throw new TypeError(`TTL index on '${this.name}' must be one top-level field (nedb checks doc[field] only)`);
    }
    return this.writes.run(async (): Promise<IndexConflict | null> => {
      const existing = this.internals.indexes[[...fields].sort().join(',')];
      const unique = spec.unique ?? false;
      const sparse = spec.sparse ?? false;
      const armedTtl = ttl === undefined ? undefined : this.ttl.get(fields[0] as string);
      if (existing === undefined) {
        const fieldName = fields.length === 1 ? (fields[0] as string) : fields;
        await this.mapErrors(this.nedb.ensureIndexAsync({ fieldName, unique, sparse }));
        // nedb uses a compound index only for an equality on every one of its fields, while MongoDB
        // serves any prefix: so the leading field gets an index of its own here, or a query by
        // `event` alone would read every ticket of every event.
        const [leading] = fields;
        if (fields.length > 1 && leading !== undefined && this.internals.indexes[leading] === undefined) {
          await this.nedb.ensureIndexAsync({ fieldName: leading, sparse });
        }
      } else if (existing.unique !== unique || existing.sparse !== sparse || (armedTtl !== undefined && armedTtl !== ttl)) {
        const was = `unique: ${existing.unique}, sparse: ${existing.sparse}${armedTtl === undefined ? '' : `, expireAfterSeconds: ${armedTtl}`}`;
        const detail = `An index on '${this.name}' (${fields.join(', ')}) already exists with other options (${was})`;
        return { collection: this.name, name: indexName(spec.keys), keys: spec.keys, detail };
      }
      // TTL settings live in memory only (as nedb's would), so every start re-declares them here.
      if (ttl !== undefined) this.ttl.set(fields[0] as string, ttl);
      return null;
    });
  }
}

const COLLECTION_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,119}$/;

/**
 * Opens the embedded store: file-backed under `dataDir` (created if missing; one nedb datafile
 * per collection, compacted periodically and on close), in memory when `dataDir` is unset.
 *
 * @example
 * const store = await createEmbeddedStore({ dataDir: './.data' });
 * await store.collection<Order>('orders').insertOne(order);
 * await store.close();
 */
export async function createEmbeddedStore(options: EmbeddedStoreOptions = {}): Promise<Store> {
  const { dataDir, compactionIntervalMs = 10 * 60_000, ttlSweepIntervalMs = 60_000, onBackgroundError = () => undefined, now = () => new Date() } = options;
  if (dataDir !== undefined) await mkdir(dataDir, { recursive: true });
  const collections = new Map<string, EmbeddedCollection<Doc>>();
  let closed = false;

  const collection = <T extends Doc>(name: string): EmbeddedCollection<T> => {
    let found = collections.get(name);
    if (found === undefined) {
      if (!COLLECTION_NAME.test(name)) throw new TypeError(`Invalid collection name '${name}'`);
      // After close, a collection is still handed out (its operations reject) but touches no file.
      const nedb =
        dataDir === undefined || closed
          ? new Datastore({ inMemoryOnly: true })
          : new Datastore({ filename: path.join(dataDir, `${name}.db`), autoload: true, onload: () => undefined });
      found = new EmbeddedCollection<Doc>(name, nedb, () => closed, now);
      collections.set(name, found);
    }
    return found as unknown as EmbeddedCollection<T>;
  };

  const every = (ms: number, task: (c: EmbeddedCollection<Doc>) => Promise<unknown> | undefined) =>
    setInterval(() => {
      for (const c of [...collections.values()]) task(c)?.catch(onBackgroundError);
    }, ms).unref();
  // The embedded counterpart of MongoDB's TTL monitor.
  const sweeping = every(ttlSweepIntervalMs, (c) => (c.ttl.size > 0 ? c.removeExpired() : undefined));
  // nedb's own setAutocompactionInterval timer is not unref'd and would keep the process alive.
  const compacting = every(compactionIntervalMs, (c) => (dataDir ? c.open().then(() => c.nedb.compactDatafileAsync()) : undefined));

  return {
    driver: 'embedded',
    collection,
    async ensureIndexes(specs: readonly IndexSpec[]): Promise<IndexConflict[]> {
      const conflicts: IndexConflict[] = [];
      for (const spec of specs) {
        const conflict = await collection(spec.collection).ensureIndex(spec);
        if (conflict) conflicts.push(conflict);
      }
      return conflicts;
    },
    async listCollections(): Promise<string[]> {
      if (closed) throw new Error('Store is closed');
      const files = dataDir === undefined ? [] : (await readdir(dataDir)).filter((f) => f.endsWith('.db')).map((f) => f.slice(0, -3));
      return [...new Set([...collections.keys(), ...files])].sort();
    },
    async ping(): Promise<void> {
      if (closed) throw new Error('Store is closed');
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      clearInterval(sweeping);
      clearInterval(compacting);
      await Promise.all([...collections.values()].map((c) => c.writes.tail));
      if (dataDir === undefined) return;
      await Promise.all(
        [...collections.values()].map(async (c) => {
          if (
            await c.nedb.autoloadPromise?.then(
              () => true,
              () => false,
            )
          )
            await c.nedb.compactDatafileAsync();
        }),
      );
    },
  };
}
