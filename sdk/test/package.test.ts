import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const sdk = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(sdk, '..');
const dist = join(sdk, 'dist');
// dist/ is built from source before any test runs (server/test/widget/global-setup.ts).
const BROWSER_BUDGET = 5 * 1024;

const gz = (file: string) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const bundles = () => readdirSync(dist).filter((f) => /\.(c?js)$/.test(f));

interface Conditions {
  [key: string]: string | Conditions;
}
function targets(node: string | Conditions): string[] {
  return typeof node === 'string' ? [node] : Object.values(node).flatMap(targets);
}

describe('the built package', () => {
  it('keeps the browser entry within 5 KB min+gzip', () => {
    const sizes = Object.fromEntries(['index.js', 'index.cjs', 'browser.js'].map((f) => [f, { bytes: readFileSync(join(dist, f)).length, gzip: gz(f) }]));
    console.log(
      'SDK bundle sizes:',
      Object.entries(sizes)
        .map(([f, s]) => `${f} ${s.bytes} B (${s.gzip} B gzip)`)
        .join(', '),
      `— browser.js is ${(sizes['browser.js']!.gzip / BROWSER_BUDGET).toFixed(2)}× its 5 KB budget`,
    );
    expect(sizes['browser.js']!.gzip).toBeLessThanOrEqual(BROWSER_BUDGET);
  });

  it('ships no secret-key string in any bundle', () => {
    const files = bundles();
    expect(files).toEqual(expect.arrayContaining(['index.js', 'index.cjs', 'browser.js']));
    for (const file of files) expect(readFileSync(join(dist, file), 'utf8'), file).not.toContain('sk_');
  });

  it('imports nothing at run time: no Node built-ins, no dependencies', () => {
    for (const file of bundles()) {
      const code = readFileSync(join(dist, file), 'utf8');
      expect(code, file).not.toMatch(/\bfrom\s*["']|\brequire\(["']|\bimport\(["']/);
    }
    const pkg = JSON.parse(readFileSync(join(sdk, 'package.json'), 'utf8'));
    expect(pkg.dependencies ?? {}).toEqual({});
  });

  it('points every `exports` condition at a file that exists, with `source` first', () => {
    const pkg = JSON.parse(readFileSync(join(sdk, 'package.json'), 'utf8'));
    expect(pkg.files).toEqual(['dist', 'browser/package.json', 'CHANGELOG.md']);
    for (const [entry, conditions] of Object.entries<Conditions | string>(pkg.exports)) {
      if (typeof conditions === 'object') expect(Object.keys(conditions)[0], entry).toBe('source');
      for (const target of targets(conditions)) expect(existsSync(join(sdk, target)), `${entry} → ${target}`).toBe(true);
    }
  });

  it('resolves types for ESM and CJS consumers under node16 resolution', async () => {
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '-p', join(sdk, 'test/consumers/tsconfig.json'), '--traceResolution'], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    expect(result.stdout).toContain(`'@trendy-tickets/sdk' was successfully resolved to '${join(dist, 'index.d.ts')}`);
    expect(result.stdout).toContain(`'@trendy-tickets/sdk' was successfully resolved to '${join(dist, 'index.d.cts')}`);
  });

  it('loads in Node through both import and require', async () => {
    const esm = await run(
      process.execPath,
      ['--input-type=module', '-e', "import('@trendy-tickets/sdk').then((m) => console.log(typeof m.TrendyTickets, typeof m.verifyTicketCode))"],
      { cwd: root },
    );
    expect(esm.stdout.trim()).toBe('function function');
    const cjs = await run(
      process.execPath,
      [
        '-e',
        "const m = require('@trendy-tickets/sdk'); console.log(typeof m.TrendyTickets, new m.TtsNotFoundError({status: 404, code: 'NOT_FOUND', message: 'm', requestId: null}) instanceof m.TtsApiError)",
      ],
      { cwd: root },
    );
    expect(cjs.stdout.trim()).toBe('function true');
    const browser = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import('@trendy-tickets/sdk/browser').then(async (m) => console.log(await m.loadCheckout({ publishableKey: 'pk_test_x', baseUrl: 'http://x' })))",
      ],
      { cwd: root },
    );
    expect(browser.stdout.trim()).toBe('null');
  });
});
