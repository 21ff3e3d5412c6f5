/**
 * The embedded store on SQLite (better-sqlite3): one file, nothing loaded into memory at start,
 * indexes SQLite uses, and transactions that make every conditional update atomic.
 *
 * - Each collection is a table (`_id TEXT PRIMARY KEY, doc TEXT`), the document JSON-encoded
 *   with dates tagged so they round-trip and sort (`sqlite-codec.ts`).
 * - Filters become SQL where SQL says exactly what MongoDB means (`sqlite-filter.ts`); the rest
 *   is matched by mingo over SQL's candidates, so an answer never depends on what was translated.
 * - Every write runs atomically in a savepoint of one `BEGIN IMMEDIATE` transaction shared by
 *   the writes of one turn of the event loop, committed at the end of the turn (group commit,
 *   docs/decisions/0028-group-commit.md). better-sqlite3 is synchronous, so no other call of this
 *   process interleaves, and the write lock keeps other processes sharing the file out until
 *   the commit (they wait up to `busyTimeoutMs`). A read runs in one deferred transaction, or
 *   in the open batch, so it sees one snapshot.
 * - The file is in WAL mode with `synchronous=NORMAL`: a write's promise resolves only once its
 *   batch is in the write-ahead log, so a killed process loses no acknowledged write; a power
 *   cut can lose the last unsynced commits, never the file (docs/operations.md#embedded-store).
 *   A worker thread copies the log into the file (`sqlite-checkpoint.ts`), not the commits.
 * - TTL indexes expire documents by a periodic indexed delete by the store's clock (`now`), as
 *   MongoDB's TTL monitor does; until then expired documents stay visible.
 */
import { statSync } from 'node:fs';
import { setImmediate } from 'node:timers';
import type Database from 'better-sqlite3';
import type * as Mingo from 'mingo';
import { QUERY_OPTIONS, checkUpdate, isPlainObject, newDocumentId, sortRows, upsertSeed, type Row } from './embedded-documents.js';
import { checkFilter, checkPipeline } from './filter-check.js';
import type { Collection, Doc, Filter, FindOptions, IndexConflict, IndexSpec, SortSpec, Store, Update, UpdateResult } from './port.js';
import { arrayPaths, arrayPathsAt, decodeDoc, encodeDoc } from './sqlite-codec.js';
import { toOrderBy, toSql, type SqlFilter } from './sqlite-filter.js';
import { updateDocument } from './update-document.js';
import { holdsOnly, noteKinds, readKinds, sortsPlainly, type Kinds } from './sqlite-kinds.js';
import { isDamageCode, openDatabase, StoreDamagedError } from './sqlite-file.js';
import { CHECK_AT_OPEN_BYTES, quickCheckInWorker } from './sqlite-integrity.js';
import { startCheckpointer } from './sqlite-checkpoint.js';
import { collectionNames, createCollectionTable, ensureIndex, mapUnique, quote, removeExpired, ttlIndexes } from './sqlite-schema.js';
import { loadOnFirstUse } from '../kernel/load-on-first-use.js';

/**
 * mingo, the matcher for what SQL cannot say, loaded by the first filter that needs it: with
 * every operator it registers it is a few hundred modules, most of a start's module loading.
 */
const mingo = loadOnFirstUse<typeof Mingo>(import.meta.url, 'mingo');

type Db = Database.Database;

/** Options for {@link createSqliteStore}. */
export interface SqliteStoreOptions {
  /** The database file; `:memory:` (the default) keeps everything in memory, for tests. */
  file?: string;
  /** How often TTL indexes are swept (default 60 s, like MongoDB's monitor). */
  ttlSweepIntervalMs?: number;
  /** Receives failures of background TTL sweeps (default: ignored). */
  onBackgroundError?: (error: unknown) => void;
  /** The time TTL indexes expire documents by (default: the system clock). */
  now?: () => Date;
  /** How long a write waits for another process's write lock before failing (default 5 s). */
  busyTimeoutMs?: number;
  /**
   * Receives each statement run, its parameters bound in, so a test can ask SQLite for the
   * plan of what a service really ran (`EXPLAIN QUERY PLAN`). Unset in production.
   */
  trace?: (sql: string) => void;
  /**
   * Files bigger than this are checked for damage in a worker after opening instead of before
   * (default {@link CHECK_AT_OPEN_BYTES}, `sqlite-integrity.ts`); damage found then makes every
   * call reject with `StoreDamagedError` and is passed to `onBackgroundError`.
   */
  checkAtOpenBytes?: number;
  /** How often a file store's worker checkpoints the write-ahead log (default 100 ms, `sqlite-checkpoint.ts`). */
  checkpointEveryMs?: number;
}

interface Selection {
  sort?: SortSpec | undefined;
  skip?: number;
  limit?: number;
}

const COLLECTION_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,119}$/;
const STATEMENT_CACHE = 256;

class SqliteCollection<T extends Doc> implements Collection<T> {
  #tableReady = false;

  constructor(
    readonly name: string,
    private readonly store: SqliteStoreState,
  ) {}

  /** Throws once the store is closed; creates the collection's table on first use. */
  private ready(): void {
    if (this.store.closed) throw new Error(`Store is closed (collection '${this.name}')`);
    if (this.store.damaged !== null) throw this.store.damaged;
    if (!this.#tableReady) {
      createCollectionTable(this.store.db, this.name);
      this.#tableReady = true;
    }
  }

  /**
   * The paths that have held an array here, as of the caller's transaction: cached, and read
   * again only after another connection committed (`SqliteStoreState.begin`).
   */
  private arrays(): Set<string> {
    let found = this.store.arrays.get(this.name);
    if (found === undefined) {
      const rows = this.store.statement(`SELECT path FROM "$array_paths" WHERE collection = ?`).all(this.name) as { path: string }[];
      found = new Set(rows.map((row) => row.path));
      this.store.arrays.set(this.name, found);
    }
    return found;
  }

  /** The kinds of value the indexed paths have held, cached as {@link arrays} is. */
  private kinds(): Kinds {
    let found = this.store.kinds.get(this.name);
    if (found === undefined) {
      found = readKinds((sql) => this.store.statement(sql), this.name);
      this.store.kinds.set(this.name, found);
    }
    return found;
  }

  /**
   * The WHERE clause for `filter` as of the caller's transaction: the array paths and the
   * kinds recorded so far, including those this transaction's own writes recorded, decide
   * what SQL may say (`sqlite-filter.ts`).
   */
  private where(filter: Filter): SqlFilter {
    const kinds = this.kinds();
    return toSql(filter, this.arrays(), (path, kind) => holdsOnly(path, kind, kinds));
  }

  /**
   * Records the array paths and indexed kinds `doc` holds that are not recorded yet. `changed`
   * (an update's changed paths) limits the walk for arrays to what the update touched: a
   * document rewritten by every sale must not cost a walk of all its fields.
   */
  private notePaths(doc: Record<string, unknown>, known: Set<string>, kinds: Kinds, changed?: readonly string[]): void {
    if (noteKinds((sql) => this.store.statement(sql), this.name, doc, kinds)) this.store.shapesNoted = true;
    const paths = changed === undefined ? arrayPaths(doc) : changed.flatMap((path) => arrayPathsAt(doc, path));
    for (const path of paths) {
      if (known.has(path)) continue;
      this.store.statement(`INSERT OR IGNORE INTO "$array_paths" (collection, path) VALUES (?, ?)`).run(this.name, path);
      known.add(path);
      this.store.shapesNoted = true;
    }
  }

  /**
   * The matching documents in the sort's order (or insertion order), after `skip`, at most
   * `limit` (0: all). Sorting is SQLite's unless a sort path has held an array.
   */
  private select(filter: Filter, { sort, skip = 0, limit = 0 }: Selection = {}): Row[] {
    const arrays = this.arrays();
    const where = this.where(filter);
    const ordered = sort !== undefined && Object.keys(sort).length > 0;
    const kinds = this.kinds();
    const orderBy = ordered ? toOrderBy(sort, arrays, (path) => sortsPlainly(path, kinds)) : 'rowid';
    const inSql = orderBy !== null;
    let sql = `SELECT _id, doc FROM ${quote(this.name)} WHERE ${where.sql}${inSql ? ` ORDER BY ${orderBy}` : ''}`;
    const params = [...where.params];
    if (where.exact && inSql && (limit > 0 || skip > 0)) {
      sql += ' LIMIT ? OFFSET ?';
      params.push(limit > 0 ? limit : -1, skip);
    }
    const query = where.exact ? null : new (mingo().Query)(filter, QUERY_OPTIONS);
    const wanted = inSql && !where.exact && limit > 0 ? skip + limit : Infinity;
    const found: Row[] = [];
    for (const raw of this.store.statement(sql).iterate(...params) as Iterable<{ _id: string; doc: string }>) {
      const row = decodeDoc<Row>(raw._id, raw.doc);
      if (query !== null && !query.test(row)) continue;
      found.push(row);
      if (found.length >= wanted) break;
    }
    if (inSql && where.exact) return found;
    const sorted = inSql ? found : sortRows(found, sort as SortSpec);
    return sorted.slice(skip, limit > 0 ? skip + limit : undefined);
  }

  private read<R>(work: () => R): Promise<R> {
    try {
      this.ready();
      return Promise.resolve(this.store.transaction('deferred', work));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private write<R>(work: () => R): Promise<R> {
    try {
      this.ready();
      return this.store.write(work);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  insertOne(doc: T): Promise<void> {
    return this.insertMany([doc]);
  }

  insertMany(docs: readonly T[]): Promise<void> {
    return this.write(() => {
      const known = this.arrays();
      const kinds = this.kinds();
      const insert = this.store.statement(`INSERT INTO ${quote(this.name)} (_id, doc) VALUES (?, ?)`);
      for (const doc of docs) {
        if (typeof doc?._id !== 'string' || doc._id === '') throw new TypeError(`Documents need a string _id (in '${this.name}')`);
        const json = encodeDoc(doc);
        mapUnique(this.name, () => insert.run(doc._id, json));
        this.notePaths(doc as unknown as Record<string, unknown>, known, kinds);
      }
    });
  }

  async findOne(filter: Filter, options: Pick<FindOptions, 'sort'> = {}): Promise<T | null> {
    const [first] = await this.find(filter, { ...options, limit: 1 });
    return first ?? null;
  }

  find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    return this.read(() => {
      checkFilter(filter);
      const { sort, skip = 0, limit = 0 } = options;
      if (![skip, limit].every((n) => Number.isInteger(n) && n >= 0)) throw new TypeError('skip and limit must be non-negative integers');
      return this.select(filter, { sort, skip, limit }) as T[];
    });
  }

  count(filter: Filter): Promise<number> {
    return this.read(() => {
      checkFilter(filter);
      const where = this.where(filter);
      if (!where.exact) return this.select(filter).length;
      const row = this.store.statement(`SELECT count(*) AS n FROM ${quote(this.name)} WHERE ${where.sql}`).get(...where.params) as { n: number };
      return row.n;
    });
  }

  async updateOne(filter: Filter, update: Update, options: { upsert?: boolean } = {}): Promise<UpdateResult> {
    return (await this.apply(filter, update, false, options.upsert ?? false)).result;
  }

  async updateMany(filter: Filter, update: Update): Promise<UpdateResult> {
    return (await this.apply(filter, update, true, false)).result;
  }

  async findOneAndUpdate(filter: Filter, update: Update, options: { upsert?: boolean } = {}): Promise<T | null> {
    return (await this.apply(filter, update, false, options.upsert ?? false)).after as T | null;
  }

  /** Reads the targets, applies the update and writes them back, all in one immediate transaction. */
  private apply(filter: Filter, update: Update, many: boolean, upsert: boolean): Promise<{ result: UpdateResult; after: Row | null }> {
    return this.write(() => {
      checkFilter(filter);
      const modifier = checkUpdate(update);
      const known = this.arrays();
      const kinds = this.kinds();
      const targets = this.select(filter, many ? {} : { limit: 1 });
      if (targets.length === 0 && upsert) {
        const seed = upsertSeed(filter);
        updateDocument(seed, modifier);
        if (typeof seed._id !== 'string') seed._id = newDocumentId();
        const json = encodeDoc(seed);
        mapUnique(this.name, () => this.store.statement(`INSERT INTO ${quote(this.name)} (_id, doc) VALUES (?, ?)`).run(seed._id, json));
        this.notePaths(seed, known, kinds);
        return { result: { matched: 0, modified: 0, upserted: true }, after: decodeDoc<Row>(seed._id, json) };
      }
      const result: UpdateResult = { matched: 0, modified: 0, upserted: false };
      let after: Row | null = null;
      const replace = this.store.statement(`UPDATE ${quote(this.name)} SET doc = ? WHERE _id = ?`);
      for (const target of targets) {
        const id = target._id;
        const changed = updateDocument(target, modifier);
        if (target._id !== id) throw new Error(`Performing an update on '_id' would modify the immutable field '_id'`);
        result.matched += 1;
        after ??= target;
        if (changed.length === 0) continue;
        mapUnique(this.name, () => replace.run(encodeDoc(target), id));
        this.notePaths(target, known, kinds, changed);
        result.modified += 1;
      }
      // `after` came from JSON.parse and was changed in place: it is this call's own copy.
      return { result, after };
    });
  }

  deleteOne = (filter: Filter): Promise<number> => this.remove(filter, false);
  deleteMany = (filter: Filter): Promise<number> => this.remove(filter, true);

  private remove(filter: Filter, many: boolean): Promise<number> {
    return this.write(() => {
      checkFilter(filter);
      const where = this.where(filter);
      if (where.exact && many) return this.store.statement(`DELETE FROM ${quote(this.name)} WHERE ${where.sql}`).run(...where.params).changes;
      const remove = this.store.statement(`DELETE FROM ${quote(this.name)} WHERE _id = ?`);
      return this.select(filter, many ? {} : { limit: 1 }).reduce((n, row) => n + remove.run(row._id).changes, 0);
    });
  }

  async aggregate<R = Record<string, unknown>>(pipeline: readonly Record<string, unknown>[]): Promise<R[]> {
    // The aggregation operators load with the first aggregation, not at start.
    const { aggregateInMemory } = await import('./embedded-time-zones.js');
    return this.read(() => {
      checkPipeline(pipeline);
      const [first] = pipeline;
      const match = first !== undefined && Object.keys(first).length === 1 && isPlainObject(first.$match) ? first.$match : undefined;
      const input = this.select(match ?? {});
      const stages = (match === undefined ? pipeline : pipeline.slice(1)) as Record<string, unknown>[];
      return aggregateInMemory(stages, input, QUERY_OPTIONS) as R[];
    });
  }
}

/** What the collections of one store share: the connection, a statement cache and the closed flag. */
class SqliteStoreState {
  closed = false;
  /** Set when the integrity check that runs after opening found damage: every call is refused. */
  damaged: StoreDamagedError | null = null;
  readonly #statements = new Map<string, Database.Statement>();
  /** Per collection, the paths that have held arrays and the kinds of indexed values (`$array_paths`, `$kinds`). */
  readonly arrays = new Map<string, Set<string>>();
  readonly kinds = new Map<string, Kinds>();
  /** `PRAGMA data_version` when the caches above were last known good; it changes when another connection commits. */
  #seenVersion: number | null = null;
  /** Set when the open transaction recorded a new shape, which a rollback takes back out of the file. */
  shapesNoted = false;
  readonly #begin: Record<'deferred' | 'immediate', Database.Statement>;
  readonly #commit: Database.Statement;
  readonly #rollback: Database.Statement;
  readonly #savepoint: Database.Statement;
  readonly #release: Database.Statement;
  readonly #rollbackTo: Database.Statement;
  readonly #dataVersion: Database.Statement;
  /** The writes of the open batch, answered when it commits; null when no batch is open. */
  #batch: Array<{ resolve: () => void; reject: (error: unknown) => void }> | null = null;

  constructor(readonly db: Db) {
    this.#begin = { deferred: db.prepare('BEGIN DEFERRED'), immediate: db.prepare('BEGIN IMMEDIATE') };
    this.#commit = db.prepare('COMMIT');
    this.#rollback = db.prepare('ROLLBACK');
    this.#savepoint = db.prepare('SAVEPOINT one_call');
    this.#release = db.prepare('RELEASE one_call');
    this.#rollbackTo = db.prepare('ROLLBACK TO one_call');
    this.#dataVersion = db.prepare('PRAGMA data_version').pluck();
  }

  /** Forgets the cached array paths and kinds, to be read again from the file. */
  forgetShapes(): void {
    this.arrays.clear();
    this.kinds.clear();
    this.#seenVersion = null;
  }

  /** Drops the shape caches when another connection committed since they were read (call inside a transaction). */
  #checkVersion(): void {
    const version = this.#dataVersion.get() as number;
    if (version !== this.#seenVersion) {
      this.arrays.clear();
      this.kinds.clear();
      this.#seenVersion = version;
    }
  }

  /**
   * Runs `work` atomically, by itself: in its own transaction, or as a savepoint of the open
   * write batch, which it then sees. The statements are prepared once: better-sqlite3's
   * `db.transaction(fn)` builds a new wrapper per call, which cost more than the reads it wrapped.
   */
  transaction<R>(mode: 'deferred' | 'immediate', work: () => R): R {
    if (this.db.inTransaction) return mode === 'deferred' ? work() : this.#atomically(work);
    this.#begin[mode].run();
    let committed = false;
    try {
      this.#checkVersion();
      this.shapesNoted = false;
      const result = work();
      this.#commit.run();
      committed = true;
      return result;
    } finally {
      if (!committed) {
        if (this.db.inTransaction) this.#rollback.run();
        if (this.shapesNoted) this.forgetShapes();
      }
    }
  }

  /**
   * Runs one write in the open batch, opening one if none is, and resolves once the batch is
   * committed: group commit (docs/decisions/0028-group-commit.md). Every call of one turn of the
   * event loop shares one `BEGIN IMMEDIATE … COMMIT`, each inside its own savepoint, so a
   * failing call takes back only its own changes. A write is acknowledged only after its
   * commit, so `kill -9` still loses no acknowledged write; reads of the same process during
   * the turn see the batch's writes a moment before they are acknowledged.
   */
  write<R>(work: () => R): Promise<R> {
    if (this.#batch === null) {
      this.#begin.immediate.run();
      try {
        this.#checkVersion();
      } catch (error) {
        this.#rollback.run();
        throw error;
      }
      this.#batch = [];
      setImmediate(() => this.commitBatch());
    }
    let result: R;
    try {
      result = this.#atomically(work);
    } catch (error) {
      return Promise.reject(error);
    }
    const batch = this.#batch;
    return new Promise<R>((resolve, reject) => batch.push({ resolve: () => resolve(result), reject }));
  }

  /** Commits the open batch and answers its writes (all rejected when the commit fails). */
  commitBatch(): void {
    const waiting = this.#batch;
    if (waiting === null) return;
    this.#batch = null;
    try {
      this.#commit.run();
    } catch (error) {
      if (this.db.inTransaction) this.#rollback.run();
      this.forgetShapes();
      for (const call of waiting) call.reject(error);
      return;
    }
    for (const call of waiting) call.resolve();
  }

  /** `work` inside a savepoint of the open transaction: all of it, or none of it when it throws. */
  #atomically<R>(work: () => R): R {
    this.#savepoint.run();
    this.shapesNoted = false;
    try {
      const result = work();
      this.#release.run();
      return result;
    } catch (error) {
      this.#rollbackTo.run();
      this.#release.run();
      if (this.shapesNoted) this.forgetShapes();
      throw error;
    }
  }

  /** A prepared statement for `sql`, cached (the SQL of a filter's shape repeats). */
  statement(sql: string): Database.Statement {
    let found = this.#statements.get(sql);
    if (found === undefined) {
      if (this.#statements.size >= STATEMENT_CACHE) this.#statements.clear();
      found = this.db.prepare(sql);
      this.#statements.set(sql, found);
    }
    return found;
  }
}

/** The file's size in bytes; 0 when it does not exist yet. */
function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * Opens the SQLite store: in `file` (created if missing), or in memory when `file` is
 * `:memory:` or unset. Nothing is read into memory at start.
 *
 * @example
 * const store = await createSqliteStore({ file: './.data/tts.sqlite' });
 * await store.collection<Order>('orders').insertOne(order);
 * await store.close();
 */
export async function createSqliteStore(options: SqliteStoreOptions = {}): Promise<Store> {
  const { file = ':memory:', ttlSweepIntervalMs = 60_000, onBackgroundError = () => undefined, now = () => new Date(), busyTimeoutMs, trace } = options;
  const checkLater = file !== ':memory:' && sizeOf(file) > (options.checkAtOpenBytes ?? CHECK_AT_OPEN_BYTES);
  const state = new SqliteStoreState(openDatabase(file, busyTimeoutMs, trace, checkLater ? 'later' : 'now'));
  if (checkLater) {
    quickCheckInWorker(file).then(
      (result) => {
        if (state.closed) return;
        const damage = 'problems' in result ? (result.problems.join() === 'ok' ? null : result.problems.join('; ')) : isDamageCode(result.code) ? result.error : null;
        if (damage !== null) {
          state.damaged = new StoreDamagedError(file, damage);
          onBackgroundError(state.damaged);
        } else if ('error' in result) {
          onBackgroundError(new Error(`The integrity check of ${file} could not run: ${result.error}`));
        }
      },
      (error: unknown) => {
        if (!state.closed) onBackgroundError(error);
      },
    );
  }
  // A memory store has no write-ahead log to copy.
  const checkpointer =
    file === ':memory:'
      ? null
      : startCheckpointer(file, {
          everyMs: options.checkpointEveryMs,
          onError: (error) => {
            if (!state.closed) onBackgroundError(error);
          },
        });
  const collections = new Map<string, SqliteCollection<Doc>>();

  const collection = <T extends Doc>(name: string): Collection<T> => {
    let found = collections.get(name);
    if (found === undefined) {
      if (!COLLECTION_NAME.test(name)) throw new TypeError(`Invalid collection name '${name}'`);
      found = new SqliteCollection<Doc>(name, state);
      collections.set(name, found);
    }
    return found as unknown as Collection<T>;
  };

  // The embedded counterpart of MongoDB's TTL monitor.
  const sweeping = setInterval(() => {
    if (state.closed) return;
    try {
      const at = now();
      for (const ttl of ttlIndexes(state.db)) state.transaction('immediate', () => removeExpired(state.db, ttl.collection, ttl.field, ttl.seconds, at));
    } catch (error) {
      onBackgroundError(error);
    }
  }, ttlSweepIntervalMs).unref();

  return {
    driver: 'embedded',
    collection,
    async ensureIndexes(specs: readonly IndexSpec[]): Promise<IndexConflict[]> {
      if (state.closed) throw new Error('Store is closed');
      const conflicts: IndexConflict[] = [];
      for (const spec of specs) {
        if (!COLLECTION_NAME.test(spec.collection)) throw new TypeError(`Invalid collection name '${spec.collection}'`);
        const conflict = state.transaction('immediate', () => ensureIndex(state.db, spec));
        // Creating an index records which kinds its path holds.
        state.forgetShapes();
        if (conflict) conflicts.push(conflict);
      }
      return conflicts;
    },
    async listCollections(): Promise<string[]> {
      if (state.closed) throw new Error('Store is closed');
      return collectionNames(state.db);
    },
    async ping(): Promise<void> {
      if (state.closed) throw new Error('Store is closed');
      if (state.damaged !== null) throw state.damaged;
      state.db.prepare('SELECT 1').get();
    },
    async close(): Promise<void> {
      if (state.closed) return;
      state.closed = true;
      clearInterval(sweeping);
      state.commitBatch();
      await checkpointer?.stop();
      state.db.close();
    },
  };
}
