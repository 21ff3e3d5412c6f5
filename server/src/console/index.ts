import { Hono } from 'hono';
import { jsx } from 'hono/jsx';
import { serveAsset } from './assets.js';
import type { ConsoleEnv } from './context.js';
import { limitBody } from '../http/middleware/body-limit.js';
import { consoleErrorHandler, consoleHeaders, consoleSameOrigin, currentUser, refuse, renderConsole, requireSession, verifyCsrf } from './middleware.js';
import { MessageShell } from './pages/layout.js';
import { accountRecoveryRoutes } from './routes/account-recovery.js';
import { accountSecurityRoutes } from './routes/account-security.js';
import { attendeeRoutes } from './routes/attendees.js';
import { orderRoutes } from './routes/orders.js';
import { auditLogRoutes } from './routes/audit-log.js';
import { invoiceRoutes as invoiceConsoleRoutes } from './routes/invoices.js';
import { authRoutes } from './routes/auth.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { developerRoutes } from './routes/developers.js';
import { doorRoutes } from './routes/door.js';
import { doorDeviceRoutes } from './routes/door-devices.js';
import { eventRoutes } from './routes/events.js';
import { eventCancellationRoutes } from './routes/event-cancellation.js';
import { invitationRoutes } from './routes/invitations.js';
import { jobRoutes } from './routes/jobs.js';
import { scannerRoutes } from './routes/scanner.js';
import { checkinListConsoleRoutes } from './routes/checkin-lists.js';
import { questionConsoleRoutes } from './routes/questions.js';
import { promoCodeConsoleRoutes } from './routes/promo-codes.js';
import { waitingListConsoleRoutes } from './routes/waiting-list.js';
import { teamRoutes } from './routes/team.js';
import { settingsRoutes } from './routes/settings.js';
import { taxProfileRoutes } from './routes/tax-profile.js';
import { webhookConsoleRoutes } from './routes/webhooks.js';

/** The largest console form: an event with 50 ticket types is about 8 KB. */
export const MAX_CONSOLE_BODY_BYTES = 64 * 1024;

/** Paths that need a signed-in member (and a role that may use them), and a CSRF token on every POST. */
const SIGNED_IN = [
  '/console',
  '/console/door',
  '/console/events',
  '/console/events/*',
  '/console/tickets/*',
  '/console/invoices/*',
  '/console/orders/*',
  '/console/team',
  '/console/team/*',
  '/console/developers',
  '/console/developers/*',
  '/console/publishable-key',
  '/console/account',
  '/console/account/*',
  '/console/settings',
  '/console/settings/*',
];

/**
 * The admin console (`/console`): server-rendered pages over the same domain services as
 * the API. Every response gets the console's headers; every POST passes the Origin /
 * `Sec-Fetch-Site` check and a CSRF token check; every page but sign-in, sign-up and the
 * static assets needs a session.
 *
 * @example
 * app.route('/', consoleRoutes());
 */
export function consoleRoutes() {
  const router = new Hono<ConsoleEnv>();
  router.onError(consoleErrorHandler);

  router.use('/console', consoleHeaders());
  router.use('/console/*', consoleHeaders());
  router.get('/console/assets/:hash/:name', serveAsset);

  const limit = limitBody<ConsoleEnv>({
    maxBytes: MAX_CONSOLE_BODY_BYTES,
    onTooLarge: (c) => refuse(c, 413, 'Too large', ['What was sent is larger than any console form. Reload the page and try again.'], 'PAYLOAD_TOO_LARGE'),
  });
  router.use('/console/*', (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limit(c, next)));
  router.use('/console/*', consoleSameOrigin());

  router.route('/', authRoutes());
  router.route('/', accountRecoveryRoutes());
  router.route('/', invitationRoutes());
  for (const path of SIGNED_IN) router.use(path, requireSession(), verifyCsrf());
  router.route('/', dashboardRoutes());
  router.route('/', eventRoutes());
  router.route('/', eventCancellationRoutes());
  router.route('/', scannerRoutes());
  router.route('/', checkinListConsoleRoutes());
  router.route('/', questionConsoleRoutes());
  router.route('/', promoCodeConsoleRoutes());
  router.route('/', waitingListConsoleRoutes());
  router.route('/', attendeeRoutes());
  router.route('/', orderRoutes());
  router.route('/', developerRoutes());
  router.route('/', webhookConsoleRoutes());
  router.route('/', jobRoutes());
  router.route('/', accountSecurityRoutes());
  router.route('/', teamRoutes());
  router.route('/', doorRoutes());
  router.route('/', doorDeviceRoutes());
  router.route('/', auditLogRoutes());
  router.route('/', invoiceConsoleRoutes());
  router.route('/', settingsRoutes());
  router.route('/', taxProfileRoutes());

  router.get('/console/', (c) => c.redirect('/console', 301));
  router.all('/console/*', async function consoleNotFound(c) {
    const user = await currentUser(c);
    return renderConsole(c, jsx(MessageShell, { title: 'Not found', lines: ['There is no console page at this address.'], user: user ?? undefined }), 404);
  });
  return router;
}
