/**
 * `npm run build`'s first step: runs `rollup -c` (the SDK and the widget bundles) only when
 * a source is newer than what it built, so a second `npm start` does not spend a minute
 * rebuilding bundles nothing changed. `--force` always builds. Then packs the SDK and the
 * widget into `dist/packages/*.tgz` (which the server offers at `/packages/`) when a package's
 * build or its README, CHANGELOG, LICENSE or package.json is newer than its tarball; a fresh
 * clone gets both on its first `npm start`. `npm run release` also checks the tarballs.
 *
 * Run with `tsx scripts/build-bundles.ts [--force]`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { manifestOf, PACKAGE_DIRS, PACKAGES_OUT, packPackage, tarballName } from './packages.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * What the bundles are built from: the sources, the build's configuration, and the lock file
 * (an upgraded Lit changes the widget bundle).
 */
export const BUNDLE_INPUTS = [
  'sdk/src',
  'widget/src',
  'rollup.config.mjs',
  'tsconfig.base.json',
  'sdk/tsconfig.json',
  'sdk/tsconfig.build.json',
  'widget/tsconfig.json',
  'package-lock.json',
];

/** One file of each rollup output: every one must exist and be newer than every input. */
export const BUNDLE_OUTPUTS = [
  'sdk/dist/index.js',
  'sdk/dist/index.cjs',
  'sdk/dist/index.d.ts',
  'sdk/dist/browser.js',
  'sdk/dist/browser.cjs',
  'widget/dist/tts-checkout.js',
  'widget/dist/tts-checkout.mjs',
  'widget/dist/tts-checkout.hi.js',
  'widget/dist/index.js',
  'widget/dist/index.cjs',
  'widget/dist/types/index.d.ts',
];

/** What a package's tarball is made from. */
export const packageInputs = (dir: string): string[] => ['dist', 'package.json', 'README.md', 'CHANGELOG.md', 'LICENSE'].map((file) => `${dir}/${file}`);

/** The modification times of a file, or of every file under a folder; none for a missing path. */
function mtimes(path: string): number[] {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(path);
  } catch {
    return [];
  }
  if (!stat.isDirectory()) return [stat.mtimeMs];
  return readdirSync(path).flatMap((name) => (name === 'node_modules' ? [] : mtimes(join(path, name))));
}

/**
 * Why the outputs must be rebuilt, or null when they are up to date: an output is missing,
 * or an input changed after the oldest output was written.
 *
 * @example
 * staleReason({ root, inputs: ['widget/src'], outputs: ['widget/dist/tts-checkout.js'] });
 * // null, or 'widget/dist/tts-checkout.js is missing', or 'widget/src changed since the last build'
 */
export function staleReason({ root, inputs, outputs }: { root: string; inputs: string[]; outputs: string[] }): string | null {
  let oldestOutput = Number.POSITIVE_INFINITY;
  for (const output of outputs) {
    const [mtime] = mtimes(join(root, output));
    if (mtime === undefined) return `${output} is missing`;
    oldestOutput = Math.min(oldestOutput, mtime);
  }
  for (const input of inputs) {
    if (mtimes(join(root, input)).some((mtime) => mtime > oldestOutput)) return `${input} changed since the last build`;
  }
  return null;
}

async function main(): Promise<void> {
  const force = process.argv.includes('--force');
  const reason = force ? 'asked to (--force)' : staleReason({ root: ROOT, inputs: BUNDLE_INPUTS, outputs: BUNDLE_OUTPUTS });
  if (reason === null) {
    process.stdout.write('SDK and widget bundles are up to date; skipping rollup (`npx rollup -c` rebuilds them anyway).\n');
  } else {
    process.stdout.write(`Building the SDK and widget bundles: ${reason}.\n`);
    // rollup's own command-line entry, run by this Node: no shell, no npx (whose `-c` means something else).
    const rollup = join(ROOT, 'node_modules/rollup/dist/bin/rollup');
    const result = spawnSync(process.execPath, [rollup, '-c'], { cwd: ROOT, stdio: 'inherit' });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
  const out = join(ROOT, PACKAGES_OUT);
  mkdirSync(out, { recursive: true });
  for (const dir of PACKAGE_DIRS) {
    const { name, version } = await manifestOf(ROOT, dir);
    const tarball = `${PACKAGES_OUT}/${tarballName(name, version)}`;
    const stale = force ? 'asked to (--force)' : staleReason({ root: ROOT, inputs: packageInputs(dir), outputs: [tarball] });
    if (stale === null) continue;
    const packed = await packPackage({ root: ROOT, dir, out });
    process.stdout.write(`Packed ${tarball} (${packed.size} B): ${stale}.\n`);
  }
}

if (process.argv[1] && relative(process.argv[1], fileURLToPath(import.meta.url)) === '') await main();
