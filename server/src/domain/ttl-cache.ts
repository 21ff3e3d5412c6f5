import type { Clock } from '../kernel/clock.js';

/**
 * A small per-process cache whose entries live `ttlMs` by the injected clock,
 * bounded to `maxEntries` (the oldest entry goes first). For hot reads that may
 * be a moment stale: every entry is dropped at once by `delete`/`deleteWhere`
 * when this process changes the underlying data; other servers see a change
 * within `ttlMs`.
 *
 * @example
 * const cache = new TtlCache<string, Auth>(clock, 2_000, 10_000);
 * const auth = cache.get(hash) ?? cache.set(hash, await load(hash));
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; until: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= this.clock.now().getTime()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: K, value: V): V {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, until: this.clock.now().getTime() + this.ttlMs });
    return value;
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  /** Drops every entry whose value matches, e.g. all cached keys of one account. */
  deleteWhere(matches: (value: V) => boolean): void {
    for (const [key, entry] of this.entries) if (matches(entry.value)) this.entries.delete(key);
  }
}
