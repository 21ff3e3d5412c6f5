import { defineProject } from 'vitest/config';

export default defineProject({
  // `source` resolves @trendy-tickets/sdk (and the server's own import of it) to src/, no build needed.
  resolve: { conditions: ['source'] },
  // Tests run on vite's server-side pipeline, which takes its conditions from `ssr.resolve`:
  // without this the examples' `import '@trendy-tickets/sdk'` needs a built dist/ (a fresh clone has none).
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    name: 'sdk',
    environment: 'node',
    // Only test/browser-loader.test.ts opts into happy-dom; it runs a test-served stand-in script.
    environmentOptions: { happyDOM: { settings: { enableJavaScriptEvaluation: true, suppressInsecureJavaScriptEnvironmentWarning: true } } },
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
