import { beforeEach, describe, expect, it } from 'vitest';
import { createEmbeddedStore } from '../store/embedded.js';
import type { Store } from '../store/port.js';
import { ManualClock } from '../kernel/clock.js';
import { createLeases, LEASES_COLLECTION, type LeaseDoc } from './leases.js';

const MINUTE = 60_000;

describe('job leases', () => {
  let store: Store;
  let clock: ManualClock;
  let a: ReturnType<typeof createLeases>;
  let b: ReturnType<typeof createLeases>;

  beforeEach(async () => {
    clock = new ManualClock('2030-06-01T10:00:00.000Z');
    store = await createEmbeddedStore({ now: () => clock.now() });
    a = createLeases({ store, clock, holder: 'server-a' });
    b = createLeases({ store, clock, holder: 'server-b' });
  });

  it('gives a free lease to the first server that asks and refuses the second', async () => {
    expect(await a.acquire('sweep', 3 * MINUTE)).toBe(true);
    expect(await b.acquire('sweep', 3 * MINUTE)).toBe(false);
    expect(await a.holderOf('sweep')).toBe('server-a');
    const stored = await store.collection<LeaseDoc>(LEASES_COLLECTION).find({});
    expect(stored).toEqual([{ _id: 'sweep', holder: 'server-a', expires_at: new Date('2030-06-01T10:03:00.000Z'), renewed_at: clock.now() }]);
  });

  it('lets exactly one of many servers racing for a free lease win', async () => {
    const servers = Array.from({ length: 20 }, (_, i) => createLeases({ store, clock, holder: `server-${i}` }));
    const won = await Promise.all(servers.map((s) => s.acquire('reconcile-payments', MINUTE)));
    expect(won.filter(Boolean)).toHaveLength(1);
    expect(await a.holderOf('reconcile-payments')).toBe(`server-${won.indexOf(true)}`);
  });

  it('keeps a lease with its holder for as long as it renews, however long that is', async () => {
    expect(await a.acquire('sweep', 3 * MINUTE)).toBe(true);
    for (let minute = 0; minute < 10; minute++) {
      clock.advance(MINUTE);
      expect(await a.acquire('sweep', 3 * MINUTE)).toBe(true);
      expect(await b.acquire('sweep', 3 * MINUTE)).toBe(false);
    }
    expect(await b.holderOf('sweep')).toBe('server-a');
  });

  it('hands a lease its holder stopped renewing to another server once it lapses, and not before', async () => {
    expect(await a.acquire('sweep', 3 * MINUTE)).toBe(true);
    clock.advance(3 * MINUTE - 1);
    expect(await b.acquire('sweep', 3 * MINUTE)).toBe(false);
    clock.advance(1);
    expect(await a.holderOf('sweep')).toBeNull();
    expect(await b.acquire('sweep', 3 * MINUTE)).toBe(true);
    // The old holder, back from a long pause, finds the lease taken.
    expect(await a.acquire('sweep', 3 * MINUTE)).toBe(false);
    expect(await a.holderOf('sweep')).toBe('server-b');
  });

  it('frees a released lease at once, and a server cannot release a lease it lost', async () => {
    expect(await a.acquire('sweep', 3 * MINUTE)).toBe(true);
    expect(await b.release('sweep')).toBe(false);
    expect(await a.holderOf('sweep')).toBe('server-a');
    expect(await a.release('sweep')).toBe(true);
    expect(await b.acquire('sweep', 3 * MINUTE)).toBe(true);
    expect(await a.release('sweep')).toBe(false);
    expect(await a.holderOf('sweep')).toBe('server-b');
  });

  it('keeps each job’s lease separate', async () => {
    expect(await a.acquire('sweep', MINUTE)).toBe(true);
    expect(await b.acquire('expire-holds', MINUTE)).toBe(true);
    expect(await a.acquire('expire-holds', MINUTE)).toBe(false);
    expect(await b.acquire('sweep', MINUTE)).toBe(false);
  });

  it('refuses a lease without a positive duration', async () => {
    await expect(a.acquire('sweep', 0)).rejects.toThrow(RangeError);
  });
});
