import { setImmediate } from 'node:timers';
import type { Store } from '../../src/store/port.js';
import { wrapStore } from '../helpers/wrapped-store.js';

const WRITES = new Set(['insertOne', 'insertMany', 'updateOne', 'updateMany', 'findOneAndUpdate', 'deleteOne', 'deleteMany']);

/**
 * A real store that also counts the rounds of writes a piece of work waits for: the turns of
 * the event loop in which it sent at least one write. The embedded store commits the writes of
 * one turn together and answers them after the commit, so a request that sends its writes one
 * after another waits for one commit each, while writes sent together share one. Every call
 * goes to the store underneath unchanged.
 *
 * @example
 * const rounds = writeRounds(await createSqliteStore());
 * rounds.reset();
 * await scan();
 * expect(rounds.rounds()).toBeLessThanOrEqual(5);
 */
export function writeRounds(inner: Store) {
  let turn = 0;
  let ticking = false;
  const turns = new Set<number>();
  const writes = new Map<string, number>();
  const reads = new Map<string, number>();
  const note = (collection: string, method: string) => {
    const counts = WRITES.has(method) ? writes : reads;
    counts.set(collection, (counts.get(collection) ?? 0) + 1);
    if (!WRITES.has(method)) return;
    turns.add(turn);
    if (ticking) return;
    ticking = true;
    // The next turn starts a new round: the commit of this one runs in the same phase.
    setImmediate(() => {
      ticking = false;
      turn += 1;
    });
  };
  const store = wrapStore(
    inner,
    (name, real) =>
      new Proxy(real, {
        get(target, key, receiver) {
          const value = Reflect.get(target, key, receiver);
          if (typeof value !== 'function' || typeof key !== 'string') return value;
          return (...args: unknown[]) => {
            note(name, key);
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      }),
  );
  const total = (counts: Map<string, number>, collection?: string) => (collection === undefined ? [...counts.values()].reduce((a, b) => a + b, 0) : (counts.get(collection) ?? 0));
  return {
    store,
    /** Turns with at least one write since the last reset: the commits the work waited for, one after another. */
    rounds: (): number => turns.size,
    /** Write calls on `collection` (all when omitted) since the last reset. */
    writes: (collection?: string): number => total(writes, collection),
    /** Read calls (find, findOne, count, aggregate) on `collection` (all when omitted) since the last reset. */
    reads: (collection?: string): number => total(reads, collection),
    /** Store calls per collection since the last reset, for a failure message that says where they went. */
    byCollection: (): Record<string, { reads: number; writes: number }> =>
      Object.fromEntries([...new Set([...reads.keys(), ...writes.keys()])].sort().map((name) => [name, { reads: reads.get(name) ?? 0, writes: writes.get(name) ?? 0 }])),
    reset(): void {
      turns.clear();
      writes.clear();
      reads.clear();
    },
  };
}
