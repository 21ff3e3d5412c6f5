import type { Collection, Doc, Store } from '../../src/store/port.js';

/**
 * A real store whose collections are handed out through `wrap` (made once per collection name),
 * everything else going to the store underneath unchanged: the base of the test stores that
 * count or refuse calls.
 *
 * @example
 * const store = wrapStore(inner, (name, real) => (name === 'figures' ? refusing(real) : real));
 */
export function wrapStore(inner: Store, wrap: (name: string, real: Collection<Doc>) => Collection<Doc>): Store {
  const wrapped = new Map<string, Collection<Doc>>();
  return {
    driver: inner.driver,
    collection<T extends Doc>(name: string): Collection<T> {
      let found = wrapped.get(name);
      if (!found) {
        found = wrap(name, inner.collection<Doc>(name));
        wrapped.set(name, found);
      }
      return found as unknown as Collection<T>;
    },
    ensureIndexes: (specs) => inner.ensureIndexes(specs),
    listCollections: () => inner.listCollections(),
    ping: () => inner.ping(),
    close: () => inner.close(),
  };
}
