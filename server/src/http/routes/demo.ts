import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { jsx } from 'hono/jsx';
import { MessagePage, renderPage } from '../../pages/layout.js';
import type { AppEnv } from '../context.js';
import { widgetPageCsp } from './widget.js';

/** `examples/partner-site/`: the same relative path from `src/` and `dist/`. */
export const PARTNER_SITE = fileURLToPath(new URL('../../../../examples/partner-site/', import.meta.url));

/** The partner page's other files, with their types; a Map, since the name comes from the URL. */
const ASSETS = new Map([
  ['styles.css', 'text/css; charset=utf-8'],
  ['partner.js', 'text/javascript; charset=utf-8'],
]);

const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The partner page as this server serves it: the `<tts-checkout>` element's `event` and `key`
 * set to the demo's, and the script loaded from this server whatever origin the file names.
 *
 * @example
 * fillPartnerPage(html, { eventId: 'evt_…', publishableKey: 'pk_test_…' });
 */
export function fillPartnerPage(html: string, demo: { eventId: string; publishableKey: string }): string {
  return html
    .replace(/(<tts-checkout\b[^>]*?\sevent=")[^"]*(")/, `$1${escapeAttribute(demo.eventId)}$2`)
    .replace(/(<tts-checkout\b[^>]*?\skey=")[^"]*(")/, `$1${escapeAttribute(demo.publishableKey)}$2`)
    .replace(/src="[^"]*(\/widget\/v1\/tts-checkout\.js)"/, 'src="$1"');
}

/**
 * `/demo`: the example partner page (`examples/partner-site/`, "a concert in Mumbai") with the
 * demo event and its publishable key filled in, so `npm start` has a page to buy from at once.
 * It runs under the strict policy a careful partner would set (`widgetPageCsp`), which is how
 * the browser tests prove the widget needs no `eval`, inline script or inline style. The page
 * is read from disk on each request, so edits to the example show on reload.
 * Without a demo (production, or a data directory that had accounts before) it is a 404 page.
 *
 * @example
 * app.route('/', demoRoutes());
 */
export function demoRoutes(options: { dir?: string } = {}) {
  const dir = options.dir ?? PARTNER_SITE;
  const router = new Hono<AppEnv>();

  // The page links its files relatively (`styles.css`), as a static site does: serve it as a folder.
  router.get('/demo', (c) => c.redirect('/demo/', 301));

  router.get('/demo/', async function demoPage(c) {
    const { demo, config } = c.var.deps;
    if (!demo) {
      return renderPage(
        c,
        jsx(MessagePage, {
          title: 'No demo on this server',
          lines: [
            'The demo page exists on a development server started with an empty data directory, where it creates a demo organizer and event.',
            'Open examples/partner-site/index.html instead, with your own event id and publishable key.',
          ],
        }),
        404,
      );
    }
    const html = fillPartnerPage(await readFile(join(dir, 'index.html'), 'utf8'), demo);
    c.header('Content-Security-Policy', widgetPageCsp(config.publicUrl));
    c.header('Cache-Control', 'no-cache');
    c.header('Referrer-Policy', 'strict-origin-when-cross-origin');
    return c.html(html);
  });

  router.get('/demo/:file', async function demoAsset(c) {
    const file = c.req.param('file') ?? '';
    const type = ASSETS.get(file);
    if (!type || !c.var.deps.demo) return c.text('Not found.', 404);
    const body = await readFile(join(dir, file), 'utf8');
    return c.body(body, 200, { 'Content-Type': type, 'Cache-Control': 'no-cache' });
  });

  return router;
}
