import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import type { Context } from 'hono';

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Both compressed forms of an asset. */
interface Compressed {
  gzip: Buffer;
  brotli: Buffer;
}

/**
 * One static file of the console, held in memory. Its compressed forms are made on the first
 * request for it, on libuv's thread pool: at the highest settings they take over a second for
 * the decoder, which on the event loop would hold every request (the door's scans too) that long.
 */
interface Asset {
  body: Buffer;
  compressed: Promise<Compressed> | null;
  type: string;
  /** The first 16 hex digits of its SHA-256: part of its URL, so a URL names one content forever. */
  hash: string;
}

/**
 * The console's own files. `tsc` copies no assets into `dist/`, and this file sits at the same
 * depth in `src/` and `dist/`, so the path below reaches the sources from both builds.
 */
const SOURCE_DIR = fileURLToPath(new URL('../../src/console/assets/', import.meta.url));

const SOURCES: Record<string, { path: () => string; type: string }> = {
  'console.css': { path: () => `${SOURCE_DIR}console.css`, type: 'text/css; charset=utf-8' },
  'scanner.js': { path: () => `${SOURCE_DIR}scanner.js`, type: 'text/javascript; charset=utf-8' },
  'copy.js': { path: () => `${SOURCE_DIR}copy.js`, type: 'text/javascript; charset=utf-8' },
  // Offline door scanning (docs/door.md): the code check (also run by the bench), the device's
  // local copy and uploads, the service worker (served at /console/scanner-sw.js) and the app icon.
  'offline-check.js': { path: () => `${SOURCE_DIR}offline-check.js`, type: 'text/javascript; charset=utf-8' },
  'scanner-offline.js': { path: () => `${SOURCE_DIR}scanner-offline.js`, type: 'text/javascript; charset=utf-8' },
  'scanner-sw.js': { path: () => `${SOURCE_DIR}scanner-sw.js`, type: 'text/javascript; charset=utf-8' },
  'scanner-icon.svg': { path: () => `${SOURCE_DIR}scanner-icon.svg`, type: 'image/svg+xml' },
  // Ed25519 for the offline check where WebCrypto lacks it (docs/door.md); imported only then.
  'ed25519.js': { path: () => createRequire(import.meta.url).resolve('@noble/ed25519'), type: 'text/javascript; charset=utf-8' },
  // The camera fallback decoder where BarcodeDetector is missing; fetched only then.
  'jsqr.js': { path: () => createRequire(import.meta.url).resolve('jsqr/dist/jsQR.js'), type: 'text/javascript; charset=utf-8' },
};

/** A year: the longest lifetime caches honour; the URL changes whenever the content does. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

let loaded: Map<string, Asset> | undefined;

/** Reads and hashes every asset once, on first use (a few milliseconds); they never change while the server runs. */
function assets(): Map<string, Asset> {
  if (loaded) return loaded;
  loaded = new Map(
    Object.entries(SOURCES).map(([name, source]) => {
      const body = readFileSync(source.path());
      return [name, { body, type: source.type, hash: createHash('sha256').update(body).digest('hex').slice(0, 16), compressed: null }];
    }),
  );
  return loaded;
}

/** An asset's compressed forms, made once off the event loop (a failure is not kept: the next request tries again). */
function compressed(asset: Asset): Promise<Compressed> {
  if (asset.compressed === null) {
    const made = Promise.all([
      gzipAsync(asset.body, { level: 9 }),
      brotliAsync(asset.body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: asset.body.length } }),
    ]).then(([gz, br]) => ({ gzip: gz, brotli: br }));
    asset.compressed = made;
    made.catch(() => {
      if (asset.compressed === made) asset.compressed = null;
    });
  }
  return asset.compressed;
}

/**
 * The URL of a console asset, with its content hash in the path.
 *
 * @example
 * assetUrl('scanner.js'); // '/console/assets/9f86d081884c7d65/scanner.js'
 */
export function assetUrl(name: string): string {
  const asset = assets().get(name);
  if (!asset) throw new Error(`No console asset named '${name}'`);
  return `/console/assets/${asset.hash}/${name}`;
}

/**
 * Names and sizes (raw, gzip, brotli) of every asset, for the documentation's figures and tests.
 *
 * @example
 * (await assetSizes())['scanner.js'].brotli; // 4870
 */
export async function assetSizes(): Promise<Record<string, { raw: number; gzip: number; brotli: number }>> {
  const sizes = await Promise.all(
    [...assets()].map(async ([name, a]) => {
      const { gzip: gz, brotli: br } = await compressed(a);
      return [name, { raw: a.body.length, gzip: gz.length, brotli: br.length }] as const;
    }),
  );
  return Object.fromEntries(sizes);
}

/**
 * The raw text of an asset, for routes that serve one at a fixed URL (the service worker,
 * whose URL sets its scope and must not change with its content).
 *
 * @example
 * assetText('scanner-sw.js');
 */
export function assetText(name: string): string {
  const asset = assets().get(name);
  if (!asset) throw new Error(`No console asset named '${name}'`);
  return asset.body.toString('utf8');
}

/**
 * Serves `/console/assets/:hash/:name`: cached for a year when the hash is current; a stale
 * hash (a page from before a deploy) still gets today's file, but revalidated every time.
 * Brotli or gzip when the browser takes them.
 *
 * @example
 * router.get('/console/assets/:hash/:name', serveAsset);
 */
export async function serveAsset(c: Context): Promise<Response> {
  const asset = assets().get(c.req.param('name') ?? '');
  if (!asset) return c.text('Not found', 404, { 'Cache-Control': 'no-store' });
  const accepts = (c.req.header('Accept-Encoding') ?? '').toLowerCase();
  const encoding = /\bbr\b/.test(accepts) ? 'br' : /\bgzip\b/.test(accepts) ? 'gzip' : null;
  const body = encoding === null ? asset.body : (await compressed(asset))[encoding === 'br' ? 'brotli' : 'gzip'];
  const headers: Record<string, string> = {
    'Content-Type': asset.type,
    'Cache-Control': c.req.param('hash') === asset.hash ? IMMUTABLE : 'no-cache',
    ETag: `"${asset.hash}"`,
    Vary: 'Accept-Encoding',
  };
  if (encoding) headers['Content-Encoding'] = encoding;
  if (c.req.header('If-None-Match') === `"${asset.hash}"`) return c.body(null, 304, headers);
  return c.body(new Uint8Array(body), 200, headers);
}
