import { defineConfig } from 'vitest/config';
import SummaryLineReporter from './scripts/summary-reporter.js';

export default defineConfig({
  test: {
    projects: ['server', 'sdk'],
    reporters: ['default', new SummaryLineReporter()],
  },
});
