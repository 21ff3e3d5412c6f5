import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['source'] },
  test: {
    name: 'server',
    environment: 'node',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Browser tests poll for what a page shows; on a loaded 2-core machine Chromium can take more
    // than the default second to move focus or paint, and a slow page is not a wrong one.
    expect: { poll: { timeout: 5_000 } },
  },
});
