/**
 * The MongoDB store driver, on the official `mongodb` driver (7.x).
 *
 * Kept thin on purpose: MongoDB is the reference the embedded driver imitates. What it adds:
 * - duplicate-key errors (code 11000, also inside bulk write errors) become `DuplicateKeyError`;
 * - an upsert that loses a race to insert the same key retries once, as MongoDB advises
 *   (https://www.mongodb.com/docs/manual/reference/method/db.collection.updateOne/#upsert-with-unique-index);
 * - an upsert whose filter names no `_id` gets a string `_id` through `$setOnInsert`, since the
 *   port promises string ids and the server would otherwise mint an ObjectId;
 * - write concern `majority` unless told otherwise, so an acknowledged write survives a failover;
 * - `ignoreUndefined`, so `{ note: undefined }` stores no field (as the embedded driver does),
 *   and filters holding `undefined` are refused, because with `ignoreUndefined` the key would
 *   vanish and `{ email: undefined }` would match every document.
 */
import { randomBytes } from 'node:crypto';
import { MongoClient, type Collection as MongoCollection, type CreateIndexesOptions, type Document, type MongoClientOptions, type UpdateFilter } from 'mongodb';
import type { Collection, Doc, Filter, FindOptions, IndexConflict, IndexSpec, Store, Update, UpdateResult } from './port.js';
import { DuplicateKeyError, indexName } from './port.js';
import { checkFilter, checkPipeline } from './filter-check.js';

/** Options for {@link createMongoStore}. */
export interface MongoStoreOptions {
  /** A `mongodb://` or `mongodb+srv://` connection string. */
  uri: string;
  /** Database name; defaults to the one in the URI, else `tts`. */
  dbName?: string;
  /**
   * Members that must have a write before it is acknowledged (default `majority`, so an
   * acknowledged sale or check-in is not rolled back when the primary fails over). It takes
   * precedence over a `w` in the URI.
   */
  writeConcern?: 'majority' | number;
  /** Extra driver options (timeouts, TLS); `ignoreUndefined` is always on. */
  clientOptions?: MongoClientOptions;
}

const DUPLICATE_KEY = 11000;
const INDEX_OPTIONS_CONFLICT = 85;
const INDEX_KEY_SPECS_CONFLICT = 86;
const UPDATE_OPERATORS = new Set(['$set', '$unset', '$inc', '$push', '$min', '$max']);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof RegExp);

function isDuplicateKey(error: unknown): boolean {
  const { code, writeErrors } = (error ?? {}) as { code?: unknown; writeErrors?: unknown };
  if (code === DUPLICATE_KEY) return true;
  return Array.isArray(writeErrors) && writeErrors.some((e) => (e as { code?: unknown } | null)?.code === DUPLICATE_KEY);
}

function checkUpdate(update: Update): void {
  const operators = Object.keys(update);
  if (operators.length === 0 || operators.some((op) => !UPDATE_OPERATORS.has(op))) {
    throw new TypeError(`Update must use only ${[...UPDATE_OPERATORS].join(' ')}; got ${operators.join(' ') || 'nothing'}`);
  }
}

/** Whether an upsert of this filter inserts a document with the filter's own `_id`. */
function namesId(filter: Filter): boolean {
  const id = filter._id;
  if (typeof id === 'string' || (isPlainObject(id) && typeof id.$eq === 'string')) return true;
  return Array.isArray(filter.$and) && filter.$and.some((clause) => isPlainObject(clause) && namesId(clause));
}

function databaseFromUri(uri: string): string | undefined {
  const match = /^mongodb(?:\+srv)?:\/\/[^/?]*\/([^?]+)/.exec(uri);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}

class MongoStoreCollection<T extends Doc> implements Collection<T> {
  constructor(
    readonly name: string,
    private readonly coll: MongoCollection<Document>,
    private readonly isClosed: () => boolean,
  ) {}

  /** Runs one driver call after the closed check, mapping duplicate keys to `DuplicateKeyError`. */
  private async run<R>(call: () => Promise<R>, filter?: Filter): Promise<R> {
    if (this.isClosed()) throw new Error(`Store is closed (collection '${this.name}')`);
    if (filter !== undefined) checkFilter(filter);
    try {
      return await call();
    } catch (error) {
      throw isDuplicateKey(error) ? new DuplicateKeyError(this.name, (error as Error).message) : error;
    }
  }

  /** Retries an upsert once when a concurrent upsert inserted the same key first. */
  private async upsertOnce<R>(upsert: boolean, call: () => Promise<R>): Promise<R> {
    try {
      return await call();
    } catch (error) {
      if (!upsert || !isDuplicateKey(error)) throw error;
      return call();
    }
  }

  private modifier(filter: Filter, update: Update, upsert: boolean): UpdateFilter<Document> {
    checkUpdate(update);
    const withId = upsert && !namesId(filter) ? { ...update, $setOnInsert: { _id: randomBytes(12).toString('hex') } } : update;
    return withId as UpdateFilter<Document>;
  }

  async insertOne(doc: T): Promise<void> {
    await this.insertMany([doc]);
  }

  async insertMany(docs: readonly T[]): Promise<void> {
    for (const doc of docs) {
      // Without a string _id the driver would add an ObjectId to the caller's object.
      if (typeof doc._id !== 'string' || doc._id === '') throw new TypeError(`Documents need a string _id (in '${this.name}')`);
    }
    if (docs.length === 0) return; // the driver refuses an empty batch
    await this.run(() => this.coll.insertMany(docs as unknown as Document[], { ordered: true }));
  }

  async findOne(filter: Filter, options: Pick<FindOptions, 'sort'> = {}): Promise<T | null> {
    const found = await this.run(() => this.coll.findOne(filter, options.sort ? { sort: options.sort } : {}), filter);
    return found as T | null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    const { sort, skip, limit } = options;
    const cursorOptions = { ...(sort ? { sort } : {}), ...(skip ? { skip } : {}), ...(limit ? { limit } : {}) };
    return (await this.run(() => this.coll.find(filter, cursorOptions).toArray(), filter)) as unknown as T[];
  }

  async count(filter: Filter): Promise<number> {
    return this.run(() => this.coll.countDocuments(filter), filter);
  }

  async updateOne(filter: Filter, update: Update, options: { upsert?: boolean } = {}): Promise<UpdateResult> {
    const upsert = options.upsert ?? false;
    const result = await this.run(() => this.upsertOnce(upsert, () => this.coll.updateOne(filter, this.modifier(filter, update, upsert), { upsert })), filter);
    return { matched: result.matchedCount, modified: result.modifiedCount, upserted: result.upsertedCount > 0 };
  }

  async updateMany(filter: Filter, update: Update): Promise<UpdateResult> {
    const result = await this.run(() => this.coll.updateMany(filter, this.modifier(filter, update, false)), filter);
    return { matched: result.matchedCount, modified: result.modifiedCount, upserted: false };
  }

  async findOneAndUpdate(filter: Filter, update: Update, options: { upsert?: boolean } = {}): Promise<T | null> {
    const upsert = options.upsert ?? false;
    // Since driver 6 the document itself is returned unless includeResultMetadata is true.
    const after = await this.run(
      () =>
        this.upsertOnce(upsert, () =>
          this.coll.findOneAndUpdate(filter, this.modifier(filter, update, upsert), {
            returnDocument: 'after',
            upsert,
            includeResultMetadata: false,
          }),
        ),
      filter,
    );
    return after as T | null;
  }

  async deleteOne(filter: Filter): Promise<number> {
    return (await this.run(() => this.coll.deleteOne(filter), filter)).deletedCount;
  }

  async deleteMany(filter: Filter): Promise<number> {
    return (await this.run(() => this.coll.deleteMany(filter), filter)).deletedCount;
  }

  async aggregate<R = Record<string, unknown>>(pipeline: readonly Record<string, unknown>[]): Promise<R[]> {
    checkPipeline(pipeline);
    return (await this.run(() => this.coll.aggregate([...pipeline]).toArray())) as R[];
  }

  /**
   * Creates each index on its own, so that one whose options changed (IndexOptionsConflict 85,
   * IndexKeySpecsConflict 86: same keys or name, other options) is reported and the rest are
   * still created. Identical definitions are a no-op on the server.
   */
  async createIndexes(specs: readonly IndexSpec[]): Promise<IndexConflict[]> {
    const conflicts: IndexConflict[] = [];
    for (const spec of specs) {
      const name = indexName(spec.keys);
      const options: CreateIndexesOptions = {
        name,
        ...(spec.unique ? { unique: true } : {}),
        ...(spec.sparse ? { sparse: true } : {}),
        ...(spec.expireAfterSeconds === undefined ? {} : { expireAfterSeconds: spec.expireAfterSeconds }),
      };
      try {
        await this.run(() => this.coll.createIndex(spec.keys, options));
      } catch (error) {
        const code = (error as { code?: unknown } | null)?.code;
        if (code !== INDEX_OPTIONS_CONFLICT && code !== INDEX_KEY_SPECS_CONFLICT) throw error;
        conflicts.push({ collection: this.name, name, keys: spec.keys, detail: (error as Error).message });
      }
    }
    return conflicts;
  }
}

/**
 * Connects to MongoDB and returns the store. Rejects when the server cannot be reached.
 *
 * @example
 * const store = await createMongoStore({ uri: process.env.MONGODB_URI! });
 * await store.ensureIndexes(INDEXES);
 */
export async function createMongoStore(options: MongoStoreOptions): Promise<Store> {
  const client = new MongoClient(options.uri, {
    ...options.clientOptions,
    writeConcern: { w: options.writeConcern ?? 'majority' },
    ignoreUndefined: true,
  });
  // Failing here, at start, beats failing on the first request; the half-open client is released.
  await client.connect().catch(async (error: unknown) => {
    await client.close().catch(() => undefined);
    throw error;
  });
  const db = client.db(options.dbName ?? databaseFromUri(options.uri) ?? 'tts');
  const collections = new Map<string, MongoStoreCollection<Doc>>();
  let closed = false;

  const collection = <T extends Doc>(name: string): MongoStoreCollection<T> => {
    let found = collections.get(name);
    if (found === undefined) {
      found = new MongoStoreCollection<Doc>(name, db.collection(name), () => closed);
      collections.set(name, found);
    }
    return found as unknown as MongoStoreCollection<T>;
  };

  return {
    driver: 'mongodb',
    collection,
    async ensureIndexes(specs: readonly IndexSpec[]): Promise<IndexConflict[]> {
      const names = [...new Set(specs.map((spec) => spec.collection))];
      const conflicts: IndexConflict[] = [];
      for (const name of names) conflicts.push(...(await collection(name).createIndexes(specs.filter((spec) => spec.collection === name))));
      return conflicts;
    },
    async listCollections(): Promise<string[]> {
      if (closed) throw new Error('Store is closed');
      // nameOnly needs no lock on the collections; views and system collections are not data.
      const infos = await db.listCollections({ type: 'collection' }, { nameOnly: true }).toArray();
      return infos
        .map((info) => info.name)
        .filter((name) => !name.startsWith('system.'))
        .sort();
    },
    async ping(): Promise<void> {
      if (closed) throw new Error('Store is closed');
      await db.command({ ping: 1 });
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await client.close();
    },
  };
}
