/**
 * `npm run build`'s first step: runs `rollup -c` (the SDK and the widget bundles) only when
 * a source is newer than what it built, so a second `npm start` does not spend a minute
 * rebuilding bundles nothing changed. `--force` always builds.
 *
 * Run with `tsx scripts/build-bundles.ts [--force]`.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

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
];

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

function main(): void {
  const force = process.argv.includes('--force');
  const reason = force ? 'asked to (--force)' : staleReason({ root: ROOT, inputs: BUNDLE_INPUTS, outputs: BUNDLE_OUTPUTS });
  if (reason === null) {
    process.stdout.write('SDK and widget bundles are up to date; skipping rollup (`npx rollup -c` rebuilds them anyway).\n');
    return;
  }
  process.stdout.write(`Building the SDK and widget bundles: ${reason}.\n`);
  // rollup's own command-line entry, run by this Node: no shell, no npx (whose `-c` means something else).
  const rollup = join(ROOT, 'node_modules/rollup/dist/bin/rollup');
  const result = spawnSync(process.execPath, [rollup, '-c'], { cwd: ROOT, stdio: 'inherit' });
  process.exit(result.status ?? 1);
}

if (process.argv[1] && relative(process.argv[1], fileURLToPath(import.meta.url)) === '') main();
