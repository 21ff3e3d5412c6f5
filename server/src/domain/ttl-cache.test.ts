import { describe, expect, it } from 'vitest';
import { ManualClock } from '../kernel/clock.js';
import { TtlCache } from './ttl-cache.js';

describe('TtlCache', () => {
  it('forgets an entry once its time is up, by the injected clock', () => {
    const clock = new ManualClock();
    const cache = new TtlCache<string, number>(clock, 1_000, 10);
    cache.set('a', 1);
    clock.advance(999);
    expect(cache.get('a')).toBe(1);
    clock.advance(1);
    expect(cache.get('a')).toBeUndefined();
  });

  it('drops the oldest entry when full', () => {
    const cache = new TtlCache<string, number>(new ManualClock(), 1_000, 2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, 2, 3]);
  });

  it('drops entries by value', () => {
    const cache = new TtlCache<string, { account: string }>(new ManualClock(), 1_000, 10);
    cache.set('k1', { account: 'x' });
    cache.set('k2', { account: 'y' });
    cache.deleteWhere((v) => v.account === 'x');
    expect([cache.get('k1'), cache.get('k2')]).toEqual([undefined, { account: 'y' }]);
  });
});
