import { defineProject } from 'vitest/config';

export default defineProject({
  // `source` resolves @trendy-tickets/sdk and the server's modules to their TypeScript sources.
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    name: 'widget',
    // Component tests: the element in happy-dom, talking to the real server app in memory
    // (src/test-support/harness.ts). The built bundle and real browsers are tested in server/test/widget.
    environment: './src/test-support/environment.ts',
    environmentOptions: {
      happyDOM: {
        settings: {
          // The server code under test runs in this window too: the `razorpay` SDK's HTTP client
          // sees happy-dom's XMLHttpRequest and uses it to reach the fake Razorpay on another origin.
          fetch: { disableSameOriginPolicy: true },
          // razorpay-loader.test.ts loads a stand-in checkout.js served from 127.0.0.1 and runs it.
          enableJavaScriptEvaluation: true,
          suppressInsecureJavaScriptEnvironmentWarning: true,
        },
      },
    },
    setupFiles: ['./src/test-support/setup.ts'],
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
