import { Hono, type Context } from 'hono';
import { jsx } from 'hono/jsx';
import { LandingPage, NotFoundPage } from '../../pages/landing.js';
import { renderPage } from '../../pages/layout.js';
import type { AppEnv } from '../context.js';

/**
 * `/`: the landing page (docs/getting-started.md). The mailbox link shows only where
 * `/dev/mailbox` answers: a captured mailer outside production.
 *
 * @example
 * app.route('/', landingRoutes());
 */
export function landingRoutes() {
  const router = new Hono<AppEnv>();
  router.get('/', function landingPage(c) {
    const { config, demo, mailbox } = c.var.deps;
    return renderPage(c, jsx(LandingPage, { publicUrl: config.publicUrl, demo: Boolean(demo), mailbox: mailbox !== null && config.env !== 'production' }));
  });
  return router;
}

/**
 * Whether an unmatched request should get the HTML 404 page rather than the API's JSON
 * error: a browser asking for a page (`Accept: text/html`), outside `/v1`, which is
 * always JSON whatever the caller accepts (docs/api-conventions.md).
 *
 * @example
 * if (wantsHtmlPage(c)) return htmlNotFound(c);
 */
export function wantsHtmlPage(c: Context): boolean {
  if (c.req.path === '/v1' || c.req.path.startsWith('/v1/')) return false;
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return false;
  return (c.req.header('Accept') ?? '').toLowerCase().includes('text/html');
}

/**
 * The HTML 404 page for browsers.
 *
 * @example
 * app.notFound((c) => (wantsHtmlPage(c) ? htmlNotFound(c) : errorResponse(c, …)));
 */
export function htmlNotFound(c: Context): Promise<Response> {
  return renderPage(c, jsx(NotFoundPage, { path: c.req.path }), 404);
}
