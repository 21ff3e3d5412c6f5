import { defineConfig } from 'vitest/config';
import SummaryLineReporter from './scripts/summary-reporter.js';

export default defineConfig({
  test: {
    projects: ['server', 'sdk', 'widget'],
    // Builds sdk/dist and widget/dist from source once per run, for the bundle and package checks and the browser tests.
    globalSetup: ['./server/test/widget/global-setup.ts'],
    reporters: ['default', new SummaryLineReporter()],
  },
});
