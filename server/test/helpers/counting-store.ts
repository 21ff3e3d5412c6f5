import type { Collection, Doc, Store } from '../../src/store/port.js';
import { wrapStore } from './wrapped-store.js';

/**
 * A real store that also counts the documents it hands back, per collection: to check
 * that a piece of work reads what it needs and not the whole history. Every call goes
 * to the store underneath unchanged.
 *
 * @example
 * const counted = countingStore(await createEmbeddedStore());
 * counted.reset();
 * await repair.sweep();
 * expect(counted.read('events')).toBeLessThan(5);
 */
export function countingStore(inner: Store) {
  const reads = new Map<string, number>();
  const writes = new Map<string, number>();
  const calls = new Map<string, number>();
  const add = (name: string, n: number) => reads.set(name, (reads.get(name) ?? 0) + n);
  const wrote = (name: string) => writes.set(name, (writes.get(name) ?? 0) + 1);
  const called = (name: string) => calls.set(name, (calls.get(name) ?? 0) + 1);
  function counted<T extends Doc>(name: string, real: Collection<T>): Collection<T> {
    const counts = {
      name: real.name,
      insertOne: (doc) => real.insertOne(doc),
      insertMany: (docs) => real.insertMany(docs),
      count: (filter) => real.count(filter),
      updateOne: (filter, update, options) => {
        wrote(name);
        return real.updateOne(filter, update, options);
      },
      updateMany: (filter, update) => {
        wrote(name);
        return real.updateMany(filter, update);
      },
      deleteOne: (filter) => real.deleteOne(filter),
      deleteMany: (filter) => real.deleteMany(filter),
      async find(filter, options) {
        const docs = await real.find(filter, options);
        add(name, docs.length);
        return docs;
      },
      async findOne(filter, options) {
        const doc = await real.findOne(filter, options);
        add(name, doc ? 1 : 0);
        return doc;
      },
      async findOneAndUpdate(filter, update, options) {
        wrote(name);
        const doc = await real.findOneAndUpdate(filter, update, options);
        add(name, doc ? 1 : 0);
        return doc;
      },
      async aggregate(pipeline) {
        const rows = await real.aggregate(pipeline);
        add(name, rows.length);
        return rows as never;
      },
    } satisfies Collection<T>;
    // Every method call is also one store operation (a round trip on MongoDB, a statement on SQLite).
    return Object.fromEntries(
      Object.entries(counts).map(([key, value]) =>
        typeof value === 'function'
          ? [
              key,
              (...args: unknown[]) => {
                called(name);
                return (value as (...a: unknown[]) => unknown)(...args);
              },
            ]
          : [key, value],
      ),
    ) as unknown as Collection<T>;
  }

  const store: Store = wrapStore(inner, (name, real) => counted(name, real));

  return {
    store,
    /** Documents handed back from `collection` (all collections when omitted) since the last reset. */
    read(collection?: string): number {
      return collection === undefined ? [...reads.values()].reduce((a, b) => a + b, 0) : (reads.get(collection) ?? 0);
    },
    /** Update calls (`updateOne`, `updateMany`, `findOneAndUpdate`) made on `collection` since the last reset. */
    updates(collection: string): number {
      return writes.get(collection) ?? 0;
    },
    /** Store operations (calls of any collection method) on `collection` (all when omitted) since the last reset. */
    operations(collection?: string): number {
      return collection === undefined ? [...calls.values()].reduce((a, b) => a + b, 0) : (calls.get(collection) ?? 0);
    },
    /** Operations per collection since the last reset, for a failure message that says where they went. */
    operationsByCollection(): Record<string, number> {
      return Object.fromEntries([...calls.entries()].sort());
    },
    reset(): void {
      reads.clear();
      writes.clear();
      calls.clear();
    },
  };
}
