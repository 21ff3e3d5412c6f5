import { describe, expect, it } from 'vitest';
import { ruleFor } from './route-permissions.js';

describe('ruleFor: what a request needs', () => {
  it('gives the same answer when a path is asked again, including for a route missing from the table', () => {
    for (let round = 0; round < 2; round += 1) {
      expect(ruleFor('GET', '/v1/public/events/evt_again')).toBe('signed-in');
      expect(ruleFor('HEAD', '/v1/public/events/evt_again')).toBe('signed-in');
      expect(ruleFor('POST', '/v1/orders/ord_again/refund')).toBe('orders:refund');
      expect(ruleFor('GET', '/v1/no-such-route/again')).toBeUndefined();
    }
  });

  it('keeps answering right after more paths than it remembers', () => {
    for (let i = 0; i < 2_500; i += 1) expect(ruleFor('GET', `/v1/public/events/evt_${i}`)).toBe('signed-in');
    expect(ruleFor('POST', '/v1/orders/ord_1/refund')).toBe('orders:refund');
    expect(ruleFor('GET', '/v1/public/events/evt_0')).toBe('signed-in');
    expect(ruleFor('DELETE', '/v1/public/events/evt_0')).toBeUndefined();
  });
});
