import { Hono } from 'hono';
import { jsx } from 'hono/jsx';
import { grantOf, type MemberActor } from '../../domain/actors.js';
import { DEFAULT_TIMEZONE } from '../../domain/events.js';
import { can } from '../../domain/permissions.js';
import type { ConsoleEnv } from '../context.js';
import { renderConsole } from '../middleware.js';
import { DashboardPage } from '../pages/dashboard.js';
import type { Flash } from '../pages/layout.js';

const PAYMENTS_NEEDED: Flash = {
  tone: 'bad',
  message: 'Live sales are off until you connect your Razorpay account under Settings → Payments: every live order is refused (PAYMENT_ACCOUNT_REQUIRED) until then.',
};

/** Where a member without the dashboard starts: door members at their scanner list, the rest at their first section. */
function homeOf(actor: MemberActor): string {
  if (actor.role === 'door') return '/console/door';
  const grant = grantOf(actor);
  if (can(grant, 'events:read') && actor.role !== 'developer') return '/console/events';
  return '/console/developers';
}

/**
 * `/console`: the dashboard, in India's time (the product's default zone) for "today" and
 * the chart's days.
 *
 * @example
 * router.route('/', dashboardRoutes());
 */
export function dashboardRoutes() {
  const router = new Hono<ConsoleEnv>();
  router.get('/console', async function dashboard(c) {
    const { user, services } = c.var;
    // Sales figures are for roles that read reports; the others start where their work is.
    if (!can(grantOf(user.actor), 'reports:read')) return c.redirect(homeOf(user.actor), 302);
    const summary = await services.dashboard.summary(user.owner, { timezone: DEFAULT_TIMEZONE });
    // Live sales wait for the organizer's own payment account: say so where they land first.
    const { collector } = await services.paymentAccounts.settings(user.owner);
    const flash = collector === 'not_connected' ? PAYMENTS_NEEDED : undefined;
    return renderConsole(c, jsx(DashboardPage, { user, summary, flash }));
  });
  return router;
}
