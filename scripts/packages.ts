/**
 * Packs `@trendy-tickets/sdk` and `@trendy-tickets/widget` into tarballs a partner installs
 * (`dist/packages/trendy-tickets-<name>-<version>.tgz`), and checks them the way the registry
 * and partners' tools will see them: publint, Are the Types Wrong? and `npm publish --dry-run`.
 * Used by `npm run build` (packs, when the bundles changed), `npm run release` (builds, packs
 * and checks) and the tests that install the tarballs as a stranger would.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository's root. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where the tarballs go, relative to the root; the server serves this folder at `/packages/`. */
export const PACKAGES_OUT = 'dist/packages';

/** The published packages, by workspace folder. */
export const PACKAGE_DIRS = ['sdk', 'widget'] as const;
export type PackageDir = (typeof PACKAGE_DIRS)[number];

/** What goes into a package besides the `files` its package.json lists. */
const META_FILES = ['README.md', 'CHANGELOG.md', 'LICENSE'];

/** One packed tarball. */
export interface PackedPackage {
  name: string;
  version: string;
  /** `trendy-tickets-sdk-1.0.0.tgz` */
  file: string;
  /** Absolute path of the tarball. */
  path: string;
  /** Bytes of the tarball. */
  size: number;
  unpackedSize: number;
  /** Paths inside the package. */
  files: string[];
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** `exports` without the `source` condition, which points into `src/` for the workspace's own tools and would dangle in a tarball. */
function withoutSource(node: Json): Json {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key]) => key !== 'source')
      .map(([key, value]) => [key, withoutSource(value)]),
  );
}

/**
 * The package.json a partner receives: the workspace's, minus what only this repository uses
 * (the `source` export condition, build scripts, dev dependencies).
 */
export function publishedManifest(manifest: Record<string, Json>): Record<string, Json> {
  const { scripts: _scripts, devDependencies: _dev, ...rest } = manifest;
  return { ...rest, exports: withoutSource(rest.exports ?? {}) };
}

/** The tarball name npm gives a package: `@trendy-tickets/sdk@1.0.0` → `trendy-tickets-sdk-1.0.0.tgz`. */
export function tarballName(name: string, version: string): string {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

/** A package folder's package.json. */
export async function manifestOf(root: string, dir: PackageDir): Promise<{ name: string; version: string } & Record<string, Json>> {
  return JSON.parse(await readFile(join(root, dir, 'package.json'), 'utf8'));
}

/**
 * Packs one built package into `out`, from a staged copy holding the published manifest, the
 * README, CHANGELOG and LICENSE and `dist/` (of which npm keeps only what `files` lists). Older
 * tarballs of the same package in `out` are removed, so the folder holds the current release only.
 *
 * @example
 * const sdk = await packPackage({ root: ROOT, dir: 'sdk', out: join(ROOT, PACKAGES_OUT) });
 * // sdk.file === 'trendy-tickets-sdk-1.0.0.tgz'
 */
export async function packPackage({ root, dir, out }: { root: string; dir: PackageDir; out: string }): Promise<PackedPackage> {
  const manifest = await manifestOf(root, dir);
  const stage = await mkdtemp(join(tmpdir(), `tts-pack-${dir}-`));
  try {
    await writeFile(join(stage, 'package.json'), `${JSON.stringify(publishedManifest(manifest), null, 2)}\n`);
    for (const file of META_FILES) await cp(join(root, dir, file), join(stage, file));
    await cp(join(root, dir, 'dist'), join(stage, 'dist'), { recursive: true });
    // The SDK's `browser/package.json` points resolvers that predate `exports` (TypeScript's node10) at dist/.
    if (manifest.files) for (const entry of manifest.files as string[]) if (entry.endsWith('/package.json')) await cp(join(root, dir, entry), join(stage, entry));
    const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', out], { cwd: stage, maxBuffer: 16 * 1024 * 1024 });
    const [packed] = JSON.parse(stdout) as Array<{ filename: string; size: number; unpackedSize: number; files: Array<{ path: string }> }>;
    const prefix = tarballName(manifest.name, '');
    for (const old of await readdir(out)) if (old.startsWith(prefix) && old !== packed!.filename) await rm(join(out, old), { force: true });
    return {
      name: manifest.name,
      version: manifest.version,
      file: packed!.filename,
      path: join(out, packed!.filename),
      size: packed!.size,
      unpackedSize: packed!.unpackedSize,
      files: packed!.files.map((f) => f.path).sort(),
    };
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

/** What one check said about a tarball. */
export interface CheckResult {
  tool: string;
  ok: boolean;
  output: string;
}

/** Runs a Node CLI from the root's node_modules and keeps what it printed, whether it passed or not. */
async function cli(tool: string, bin: string, args: string[], cwd: string): Promise<CheckResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(ROOT, 'node_modules', bin), ...args], {
      cwd,
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    return { tool, ok: true, output: `${stdout}${stderr}`.trim() };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    return { tool, ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}`.trim() || e.message };
  }
}

/**
 * Checks a packed tarball: publint (strict: a warning fails), Are the Types Wrong? (every
 * resolution mode: node10, node16 from CJS and ESM, bundler) and `npm publish --dry-run`, which
 * reports anything npm would correct or refuse on the way to the registry.
 */
export async function checkTarball(tarball: string): Promise<CheckResult[]> {
  const cwd = await mkdtemp(join(tmpdir(), 'tts-check-'));
  try {
    const publint = await cli('publint', 'publint/src/cli.js', ['run', tarball, '--strict'], cwd);
    // publint passes with suggestions printed; a suggestion is a problem here too.
    if (publint.ok && !/All good!/.test(publint.output)) publint.ok = false;
    const attw = await cli('attw', '@arethetypeswrong/cli/dist/index.js', [tarball, '--format', 'table-flipped'], cwd);
    const publish = await npmPublishDryRun(tarball, cwd);
    return [publint, attw, publish];
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
}

/**
 * `npm publish --dry-run` of the tarball. Any `npm warn` line counts as a failure, except that
 * this machine is not logged in to the registry, which says nothing about the package.
 */
async function npmPublishDryRun(tarball: string, cwd: string): Promise<CheckResult> {
  try {
    const { stdout, stderr } = await run('npm', ['publish', '--dry-run', '--ignore-scripts', tarball], { cwd, maxBuffer: 16 * 1024 * 1024 });
    const output = `${stdout}${stderr}`.trim();
    return { tool: 'npm publish --dry-run', ok: !/^npm warn(?! publish This command requires you to be logged in)/im.test(output), output };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    return { tool: 'npm publish --dry-run', ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}`.trim() || e.message };
  }
}
