import type { Store } from '../../src/store/port.js';
import { wrapStore } from './wrapped-store.js';

const COUNTERS = new Set(['figures', 'figure_days']);
const WRITES = new Set(['insertOne', 'insertMany', 'updateOne', 'updateMany', 'findOneAndUpdate']);

/**
 * A real store that counts the writes sent to each figures counter document (by `_id`) and,
 * while `refuse` holds a reason, rejects them with it: a store that is failing, or a process
 * that died right after the write that claimed a transition was stored. Everything else goes
 * to the store underneath unchanged.
 *
 * @example
 * const counters = counterWrites(await createSqliteStore());
 * counters.refuse('the process died');
 */
export function counterWrites(inner: Store) {
  let refusal: string | null = null;
  const sent = new Map<string, number>();
  const store = wrapStore(inner, (name, real) => {
    if (!COUNTERS.has(name)) return real;
    return new Proxy(real, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (typeof value !== 'function') return value;
        const call = (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(target, args);
        if (typeof key !== 'string' || !WRITES.has(key)) return call;
        return (...args: unknown[]) => {
          const id = `${name}|${String((args[0] as { _id?: unknown })._id)}`;
          sent.set(id, (sent.get(id) ?? 0) + 1);
          return refusal === null ? call(...args) : Promise.reject(new Error(refusal));
        };
      },
    });
  });
  return {
    store,
    /** Writes sent per counter document (`collection|id`) since the last reset. */
    sent: () => Object.fromEntries(sent),
    reset: () => sent.clear(),
    /** Refuses every counter write with `reason` from now on; null takes them again. */
    refuse: (reason: string | null) => {
      refusal = reason;
    },
  };
}
