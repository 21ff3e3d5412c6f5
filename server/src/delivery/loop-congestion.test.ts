import { describe, expect, it } from 'vitest';
import { loopCongested } from './loop-congestion.js';

describe('loopCongested', () => {
  it('says the loop is congested when work queued before its timer keeps it busy most of the turn', async () => {
    // A turn's worth of requests, as a rush queues them: 40 ms of synchronous work.
    setImmediate(() => {
      const until = performance.now() + 40;
      while (performance.now() < until) {
        // holding the loop
      }
    });
    expect(await loopCongested()).toBe(true);
  });
});
