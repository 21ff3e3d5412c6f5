import { describe, expect, it } from 'vitest';
import { loopCongested } from './loop-congestion.js';

describe('loopCongested', () => {
  it('says the loop is congested when work queued before its timer holds the loop past the threshold', async () => {
    // A turn's worth of requests, as a rush queues them: 40 ms of synchronous work.
    setImmediate(() => {
      const until = performance.now() + 40;
      while (performance.now() < until) {
        // holding the loop
      }
    });
    expect(await loopCongested(10)).toBe(true);
  });
});
