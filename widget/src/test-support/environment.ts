/**
 * happy-dom for the component tests, on vite's server-side pipeline. The stock happy-dom
 * environment transforms modules for a browser, which rewrites `import.meta.url` to an http URL;
 * these tests also load the real server app (test-support/harness.ts), whose modules find their
 * files through `import.meta.url` and need it to stay a `file:` URL.
 */
import { builtinEnvironments, type Environment } from 'vitest/runtime';

const happyDom = builtinEnvironments['happy-dom'];

export default {
  ...happyDom,
  name: 'happy-dom-with-server',
  viteEnvironment: 'ssr',
} satisfies Environment;
