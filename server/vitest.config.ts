import { defineProject } from 'vitest/config';

export default defineProject({
  // `source` resolves @trendy-tickets/sdk (types, and the money and phone helpers the server runs)
  // to its TypeScript sources. Tests run on vite's server-side pipeline, which takes its conditions
  // from `ssr.resolve`: without it the SDK would need a built dist/ (a fresh clone has none).
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
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
