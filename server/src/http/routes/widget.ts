import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import { Hono, type Context } from 'hono';
import type { Logger } from '../../logger.js';
import type { AppEnv } from '../context.js';

/** Where `npm run build` writes the widget: the same relative path from `src/` and `dist/`. */
export const WIDGET_DIST = fileURLToPath(new URL('../../../../widget/dist/', import.meta.url));

/**
 * What pages embedding the widget must allow for Razorpay Checkout in live mode: its script and
 * the scripts it loads, the iframe it opens, the calls and images that iframe's page makes from
 * the top page, the `<style>` element `checkout.js` injects into the top page, and the form it
 * posts to Razorpay in the redirect flow (in-app browsers). The hosts are those Razorpay's own
 * Magento plugin allows (its `etc/csp_whitelist.xml`: checkout and cdn scripts, cdn images, the
 * api frame, lumberjack and lumberjack-metrics calls), plus checkout.razorpay.com framed.
 * docs/widget.md#content-security-policy lists them for partners.
 * @see https://razorpay.com/docs/payments/payment-gateway/web-integration/standard/
 * @see https://github.com/razorpay/razorpay-magento/blob/master/etc/csp_whitelist.xml
 * @see https://razorpay.com/docs/payments/payment-gateway/callback-url/
 */
export const RAZORPAY_CSP = {
  script: 'https://checkout.razorpay.com https://cdn.razorpay.com',
  frame: 'https://api.razorpay.com https://checkout.razorpay.com',
  connect: 'https://api.razorpay.com https://lumberjack.razorpay.com https://lumberjack-metrics.razorpay.com',
  img: 'https://cdn.razorpay.com',
  /** `checkout.js` adds an inline `<style>` to the page that opens it; `'self'` alone blocks it. */
  style: "'unsafe-inline'",
  /** The redirect flow submits a form from the page to Razorpay. */
  form: 'https://api.razorpay.com',
} as const;

/**
 * The Content-Security-Policy of our pages that run the widget (`/demo`, `/checkout/:id`): our
 * own script and API, Razorpay Checkout, QR images from the public URL, and nothing else: no
 * `eval`, no inline script. Inline styles are allowed because Razorpay's `checkout.js` injects
 * a `<style>` element (the widget itself needs none); `inlineStyles` is kept for callers that
 * say so explicitly.
 *
 * @example
 * c.header('Content-Security-Policy', widgetPageCsp('https://tickets.example.com', { inlineStyles: true }));
 */
export function widgetPageCsp(publicUrl: string, { inlineStyles = false } = {}): string {
  const ours = `'self' ${new URL(publicUrl).origin}`;
  return [
    "default-src 'none'",
    `script-src 'self' ${RAZORPAY_CSP.script}`,
    `connect-src ${ours} ${RAZORPAY_CSP.connect}`,
    `img-src ${ours} data: ${RAZORPAY_CSP.img}`,
    `style-src 'self' ${inlineStyles ? "'unsafe-inline'" : RAZORPAY_CSP.style}`,
    `frame-src ${RAZORPAY_CSP.frame}`,
    "base-uri 'none'",
    `form-action 'self' ${RAZORPAY_CSP.form}`,
    "frame-ancestors 'none'",
  ].join('; ');
}

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/** One built file, read and compressed once, in each encoding we serve. */
interface Asset {
  /** Strong, per representation (RFC 9110 §8.8.3): the same hash with the encoding appended. */
  tag: string;
  body: { identity: ArrayBuffer; gzip: ArrayBuffer; br: ArrayBuffer };
}

/**
 * The bytes of a Buffer as an ArrayBuffer of their own. A Buffer is often a view into a larger
 * shared slab, so `buffer.buffer` would carry other data.
 */
const ownBytes = (buffer: Buffer): ArrayBuffer => buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;

type Encoding = keyof Asset['body'];

/**
 * The file served at each public path. A Map, not an object literal: the path segment comes
 * from the URL, and an object would also "have" `__proto__`, `constructor` and `toString`.
 */
const FILES = new Map([
  ['tts-checkout.js', 'tts-checkout.js'],
  ['tts-checkout.mjs', 'tts-checkout.mjs'],
  ['tts-checkout.hi.js', 'tts-checkout.hi.js'],
  ['tts-checkout.options.js', 'tts-checkout.options.js'],
  ['tts-checkout.razorpay.js', 'tts-checkout.razorpay.js'],
  ['tts-checkout.extras.js', 'tts-checkout.extras.js'],
  ['tts-checkout.attendees.js', 'tts-checkout.attendees.js'],
  ['tts-checkout.waitlist.js', 'tts-checkout.waitlist.js'],
]);

async function readAsset(dir: string, file: string): Promise<Asset | null> {
  let identity: Buffer;
  try {
    identity = await readFile(join(dir, file));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  // On libuv's thread pool: at the highest settings the script takes a tenth of a second or more
  // to compress, which on the event loop would hold every other request (a door scan too).
  const [gz, br] = await Promise.all([
    gzipAsync(identity, { level: 9 }),
    brotliAsync(identity, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: identity.length } }),
  ]);
  return {
    tag: createHash('sha256').update(identity).digest('base64url').slice(0, 22),
    body: { identity: ownBytes(identity), gzip: ownBytes(gz), br: ownBytes(br) },
  };
}

/** Brotli, else gzip, else none, as `Accept-Encoding` allows (a `q=0` refuses a coding). */
function pickEncoding(accept: string | undefined): Encoding {
  const allowed = new Set(
    (accept ?? '')
      .toLowerCase()
      .split(',')
      .map((part) => part.trim().split(';'))
      .filter(([, ...params]) => !params.some((p) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(p)))
      .map(([coding]) => coding?.trim()),
  );
  if (allowed.has('br')) return 'br';
  if (allowed.has('gzip')) return 'gzip';
  return 'identity';
}

/** Whether `If-None-Match` names this asset (weak comparison, as RFC 9110 §13.1.2 asks). */
function matches(ifNoneMatch: string | undefined, asset: Asset): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some(
    (t) =>
      t
        .trim()
        .replace(/^W\//, '')
        .replace(/^"|"$/g, '')
        .replace(/-(br|gzip)$/, '') === asset.tag,
  );
}

/** Options for {@link widgetRoutes}. */
export interface WidgetRoutesOptions {
  /** Where the built files are; default {@link WIDGET_DIST}. */
  dir?: string;
  logger: Logger;
}

/**
 * Serves the built `<tts-checkout>` at `/widget/v1/tts-checkout.js` (the script-tag IIFE) and
 * `/widget/v1/tts-checkout.mjs` (the ES module), and the parts fetched only when needed:
 * `tts-checkout.hi.js` (the Hindi words), `tts-checkout.options.js` (the page's options),
 * `tts-checkout.razorpay.js` (live payments), `tts-checkout.extras.js` (the email code and tickets
 * steps, the promo code field), `tts-checkout.attendees.js` (attendee names and questions),
 * `tts-checkout.waitlist.js` (the waiting-list form). Each file is read once and kept with its gzip
 * and brotli forms. Partner pages load it from their own origin, so it is public to all:
 * `Cross-Origin-Resource-Policy: cross-origin` and `Access-Control-Allow-Origin: *` (module
 * scripts are fetched with CORS). Five minutes of caching, then a cheap revalidation by a strong
 * ETag; the `v1` in the path is the compatibility promise, not a content hash.
 * A server whose widget was never built answers 404 with how to build it, and logs that once.
 *
 * @example
 * app.route('/', widgetRoutes({ logger: deps.logger }));
 */
export function widgetRoutes(options: WidgetRoutesOptions) {
  const dir = options.dir ?? WIDGET_DIST;
  const loaded = new Map<string, Promise<Asset | null>>();
  let warned = false;

  function asset(file: string): Promise<Asset | null> {
    let pending = loaded.get(file);
    if (!pending) {
      pending = readAsset(dir, file);
      loaded.set(file, pending);
      // Not built yet: look again next time, so building while the server runs is enough.
      void pending.then(
        (a) => a ?? loaded.delete(file),
        () => loaded.delete(file),
      );
    }
    return pending;
  }

  const router = new Hono<AppEnv>();
  router.get('/widget/v1/:file', async function widgetScript(c: Context<AppEnv>) {
    const file = FILES.get(c.req.param('file') ?? '');
    if (!file) return c.text('Not found. The checkout script is /widget/v1/tts-checkout.js.', 404);
    const found = await asset(file);
    if (!found) {
      if (!warned) {
        warned = true;
        options.logger.warn('widget not built: /widget/v1 answers 404 until `npm run build` writes widget/dist', { dir });
      }
      c.header('Cache-Control', 'no-store');
      return c.text('The checkout widget is not built on this server. Run `npm run build` (it writes widget/dist), then reload.', 404);
    }
    const encoding = pickEncoding(c.req.header('Accept-Encoding'));
    const headers: Record<string, string> = {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=300',
      ETag: `"${found.tag}${encoding === 'identity' ? '' : `-${encoding}`}"`,
      Vary: 'Accept-Encoding',
      'Cross-Origin-Resource-Policy': 'cross-origin',
      'Access-Control-Allow-Origin': '*',
    };
    if (matches(c.req.header('If-None-Match'), found)) return c.body(null, 304, headers);
    if (encoding !== 'identity') headers['Content-Encoding'] = encoding;
    return c.body(found.body[encoding], 200, headers);
  });
  return router;
}
