import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../context.js';

/** Where `npm run build` and `npm run release` write the tarballs: the same relative path from `src/` and `dist/`. */
export const PACKAGES_DIST = fileURLToPath(new URL('../../../../dist/packages/', import.meta.url));

/**
 * A file name under `/packages/`: one of our packages, then `latest` or a semantic version.
 * Nothing else passes, so no dot-dot, slash or encoded separator ever reaches the file system,
 * and a name that passes is still looked up among the folder's entries rather than joined blindly.
 */
const PackageFile = z.string().transform((name, ctx) => {
  const match = /^trendy-tickets-(sdk|widget)-(latest|\d{1,9}\.\d{1,9}\.\d{1,9}(?:-[0-9A-Za-z.]{1,40})?)\.tgz$/.exec(name);
  if (!match) {
    ctx.addIssue({ code: 'custom', message: 'not a package file name' });
    return z.NEVER;
  }
  return { pkg: match[1] as 'sdk' | 'widget', version: match[2]! };
});

/** `1.2.3` or `1.2.3-rc.1` as numbers to compare; a pre-release sorts before its release. */
function versionKey(version: string): [number, number, number, number, string] {
  const [core = '', pre = ''] = version.split(/-(.*)/s);
  const [major = 0, minor = 0, patch = 0] = core.split('.').map(Number);
  return [major, minor, patch, pre ? 0 : 1, pre];
}

/** Orders versions newest first. */
function newestFirst(a: string, b: string): number {
  const [x, y] = [versionKey(a), versionKey(b)];
  for (let i = 0; i < 4; i += 1) if (x[i] !== y[i]) return (y[i] as number) - (x[i] as number);
  return y[4] < x[4] ? -1 : y[4] > x[4] ? 1 : 0;
}

/** The tarballs of one package in `dir`, by version, newest first; none when the folder is missing. */
async function tarballsOf(dir: string, pkg: string): Promise<Array<{ file: string; version: string }>> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const prefix = `trendy-tickets-${pkg}-`;
  return names
    .map((file) => ({ file, parsed: PackageFile.safeParse(file) }))
    .filter(({ parsed }) => parsed.success && parsed.data.pkg === pkg && parsed.data.version !== 'latest')
    .map(({ file }) => ({ file, version: file.slice(prefix.length, -'.tgz'.length) }))
    .sort((a, b) => newestFirst(a.version, b.version));
}

/** Options for {@link packageRoutes}. */
export interface PackageRoutesOptions {
  /** Where the tarballs are; default {@link PACKAGES_DIST}. */
  dir?: string;
}

/**
 * Serves the SDK's and the widget's npm tarballs, so partners can
 * `npm install https://<server>/packages/trendy-tickets-sdk-latest.tgz` before the packages are
 * on the registry (docs/sdk.md#set-up). `/packages/<file>.tgz` is one release;
 * `trendy-tickets-<sdk|widget>-latest.tgz` is the newest one in the folder. Files are read on
 * each request (installs are rare), so a rebuild while the server runs is served at once.
 *
 * @example
 * app.route('/', packageRoutes());
 */
export function packageRoutes(options: PackageRoutesOptions = {}) {
  const dir = options.dir ?? PACKAGES_DIST;
  const router = new Hono<AppEnv>();
  router.get('/packages/:file', async function packageTarball(c: Context<AppEnv>) {
    const parsed = PackageFile.safeParse(c.req.param('file'));
    if (!parsed.success) return c.text('Not found. The packages are /packages/trendy-tickets-sdk-latest.tgz and /packages/trendy-tickets-widget-latest.tgz.', 404);
    const { pkg, version } = parsed.data;
    const available = await tarballsOf(dir, pkg);
    const found = version === 'latest' ? available[0] : available.find((t) => t.version === version);
    if (!found) {
      c.header('Cache-Control', 'no-store');
      const why =
        available.length === 0 ? 'No package is built on this server. Run `npm run build` (it writes dist/packages).' : `No such release; the newest is ${available[0]!.file}.`;
      return c.text(why, 404);
    }
    const body = await readFile(join(dir, found.file));
    return c.body(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer, 200, {
      'Content-Type': 'application/octet-stream',
      'Content-Disposition': `attachment; filename="${found.file}"`,
      // The alias moves with each release; a versioned file changes only when rebuilt.
      'Cache-Control': version === 'latest' ? 'no-cache' : 'public, max-age=300',
    });
  });
  return router;
}
