import { consoleRoutes } from './console/index.js';
import { AppError } from './kernel/errors.js';
import type { AppDeps, AppEnv } from './http/context.js';
import { createErrorHandler, errorResponse } from './http/errors.js';
import { limitBody } from './http/middleware/body-limit.js';
import { apiCors } from './http/middleware/cors.js';
import { idempotency } from './http/middleware/idempotency.js';
import { requireJsonBody } from './http/middleware/json-body.js';
import { rateLimit } from './http/middleware/rate-limit.js';
import { requestContext } from './http/middleware/request-context.js';
import { securityHeaders } from './http/middleware/security-headers.js';
import { createRouter } from './http/router.js';
import { accountRoutes } from './http/routes/accounts.js';
import { paymentSettingsRoutes } from './http/routes/payment-settings.js';
import { attendanceRoutes } from './http/routes/attendance.js';
import { auditLogRoutes } from './http/routes/audit-logs.js';
import { checkinRoutes } from './http/routes/checkins.js';
import { checkinListRoutes } from './http/routes/checkin-lists.js';
import { questionRoutes } from './http/routes/questions.js';
import { promoCodeRoutes } from './http/routes/promo-codes.js';
import { waitingListRoutes } from './http/routes/waiting-list.js';
import { waitingListClaimRoutes } from './http/routes/waiting-list-claim.js';
import { doorDeviceApiRoutes } from './http/routes/door-devices.js';
import { eventsLogRoutes } from './http/routes/events-log.js';
import { invoiceRoutes } from './http/routes/invoices.js';
import { checkoutPayRoutes } from './http/routes/checkout-pay.js';
import { checkoutRoutes } from './http/routes/checkout.js';
import { razorpayCallbackRoutes } from './http/routes/razorpay-callback.js';
import { demoRoutes } from './http/routes/demo.js';
import { mailboxRoutes } from './http/routes/mailbox.js';
import { seedCompatRoutes } from './http/routes/seed-compat.js';
import { findTicketsRoutes } from './http/routes/find-tickets.js';
import { ticketPageRoutes } from './http/routes/ticket-pages.js';
import { eventRoutes } from './http/routes/events.js';
import { healthRoutes } from './http/routes/health.js';
import { htmlNotFound, landingRoutes, wantsHtmlPage } from './http/routes/landing.js';
import { orderRoutes, replayClientSecret } from './http/routes/orders.js';
import { ticketRoutes } from './http/routes/tickets.js';
import { webhookEndpointRoutes } from './http/routes/webhook-endpoints.js';
import { webhookRoutes } from './http/routes/webhooks.js';
import { packageRoutes } from './http/routes/packages.js';
import { widgetRoutes } from './http/routes/widget.js';
import { ApiReference } from './pages/api-reference.js';

export const API_VERSION = '1.0.0';
/** Sign-ups one client address may make per hour. */
export const SIGNUPS_PER_HOUR = 20;

/**
 * Builds the whole HTTP application from its dependencies. Nothing here reads
 * the environment or opens connections, so a test builds an app in one line
 * and calls `app.request()` without a port.
 *
 * @example
 * const app = createApp({ config, store, clock, logger, services });
 * const res = await app.request('/healthz');
 */
export function createApp(deps: AppDeps) {
  const app = createRouter();
  app.onError(createErrorHandler(deps.logger));
  // A browser gets a page it can read and leave; API clients (and all of /v1) keep the JSON error.
  app.notFound((c) => (wantsHtmlPage(c) ? htmlNotFound(c) : errorResponse(c, new AppError('NOT_FOUND', `No route for ${c.req.method} ${c.req.path}.`))));

  app.use('*', requestContext(deps));
  // A handler's own header wins (e.g. the QR image's cross-origin resource policy).
  app.use('*', securityHeaders());
  app.use('/v1/*', apiCors());
  // GET, HEAD and OPTIONS carry no body; skipping them spares every read building a full Request.
  const bodyLimit = limitBody<AppEnv>({
    maxBytes: deps.config.maxBodyBytes,
    onTooLarge: (c) => errorResponse(c, new AppError('PAYLOAD_TOO_LARGE', `The request body is larger than ${deps.config.maxBodyBytes} bytes.`)),
  });
  app.use('/v1/*', (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS' ? next() : bodyLimit(c, next)));

  app.use('/v1/*', requireJsonBody());
  app.use('/v1/*', idempotency({ secretFields: { client_secret: replayClientSecret } }));
  // Sign-up runs bcrypt at cost 12 for anyone: cap it per client so it cannot be used to burn CPU.
  app.use('/v1/accounts', rateLimit({ name: 'signup', limit: SIGNUPS_PER_HOUR, windowSeconds: 3600 }));

  app.route('/', landingRoutes());
  app.route('/', healthRoutes());
  app.route('/', accountRoutes());
  app.route('/', paymentSettingsRoutes());
  app.route('/', eventRoutes());
  app.route('/', attendanceRoutes());
  app.route('/', orderRoutes());
  app.route('/', ticketRoutes());
  app.route('/', checkinRoutes());
  app.route('/', checkinListRoutes());
  app.route('/', questionRoutes());
  app.route('/', promoCodeRoutes());
  app.route('/', waitingListRoutes());
  app.route('/', doorDeviceApiRoutes());
  app.route('/', eventsLogRoutes());
  app.route('/', auditLogRoutes());
  app.route('/', invoiceRoutes());
  app.route('/', webhookRoutes());
  app.route('/', webhookEndpointRoutes());
  app.route('/', findTicketsRoutes());
  app.route('/', waitingListClaimRoutes());
  app.route('/', ticketPageRoutes());
  app.route('/', checkoutPayRoutes());
  app.route('/', checkoutRoutes());
  app.route('/', razorpayCallbackRoutes());
  app.route('/', mailboxRoutes());
  app.route('/', seedCompatRoutes());
  app.route('/', widgetRoutes({ logger: deps.logger }));
  app.route('/', packageRoutes());
  app.route('/', demoRoutes());
  app.route('/', consoleRoutes());

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'A secret key (`sk_test_…`, `sk_live_…`) on servers; a publishable key (`pk_…`) where the endpoint allows it.',
  });
  const openApiConfig = {
    openapi: '3.1.0',
    info: {
      title: 'Trendy Ticket Service API',
      version: API_VERSION,
      description: 'Host events, sell tickets through Razorpay, and admit each ticket exactly once. JSON in snake_case; money in paise; timestamps in UTC.',
    },
    servers: [{ url: deps.config.publicUrl }],
  };
  app.doc31('/openapi.json', openApiConfig);
  app.get('/docs', (c) => {
    c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'");
    return c.html(`<!doctype html>${ApiReference({ doc: app.getOpenAPI31Document(openApiConfig) as unknown as Record<string, unknown> })}`);
  });
  return app;
}

export type App = ReturnType<typeof createApp>;
