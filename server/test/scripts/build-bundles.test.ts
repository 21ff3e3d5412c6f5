import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUNDLE_INPUTS, BUNDLE_OUTPUTS, packageInputs, staleReason } from '../../../scripts/build-bundles.js';

let root: string;
const inputs = ['widget/src', 'rollup.config.mjs'];
const outputs = ['widget/dist/tts-checkout.js', 'widget/dist/index.js'];

/** Writes a file with a given modification time (seconds since the epoch): no waiting for the clock. */
function file(path: string, mtime: number): void {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, path);
  utimesSync(full, mtime, mtime);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tts-build-'));
  file('widget/src/index.ts', 1000);
  file('widget/src/steps/pay.ts', 1000);
  file('rollup.config.mjs', 1000);
  file('widget/dist/tts-checkout.js', 2000);
  file('widget/dist/index.js', 2001);
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('build-bundles: when to run rollup', () => {
  it('skips the build when every output is newer than every input', () => {
    expect(staleReason({ root, inputs, outputs })).toBeNull();
  });

  it('rebuilds when a source deep in a folder changed after the oldest output', () => {
    file('widget/src/steps/pay.ts', 2000.5);
    expect(staleReason({ root, inputs, outputs })).toBe('widget/src changed since the last build');
  });

  it('rebuilds when the build configuration changed', () => {
    file('rollup.config.mjs', 3000);
    expect(staleReason({ root, inputs, outputs })).toBe('rollup.config.mjs changed since the last build');
  });

  it('rebuilds when an output is missing, as on a fresh clone', () => {
    rmSync(join(root, 'widget/dist/index.js'));
    expect(staleReason({ root, inputs, outputs })).toBe('widget/dist/index.js is missing');
  });

  it('watches the SDK and widget sources and every bundle rollup writes', () => {
    expect(BUNDLE_INPUTS).toEqual(expect.arrayContaining(['sdk/src', 'widget/src', 'rollup.config.mjs', 'package-lock.json']));
    expect(BUNDLE_OUTPUTS).toEqual(expect.arrayContaining(['sdk/dist/index.js', 'sdk/dist/browser.js', 'widget/dist/tts-checkout.js', 'widget/dist/tts-checkout.mjs']));
  });

  it('repacks a package when its build or anything else that goes into its tarball changed', () => {
    expect(packageInputs('sdk')).toEqual(['sdk/dist', 'sdk/package.json', 'sdk/README.md', 'sdk/CHANGELOG.md', 'sdk/LICENSE']);
    expect(BUNDLE_OUTPUTS).toEqual(expect.arrayContaining(['widget/dist/index.cjs', 'widget/dist/types/index.d.ts']));
  });
});
