import { Hono } from 'hono';
import { jsx } from 'hono/jsx';
import { DEFAULT_TIMEZONE } from '../../domain/events.js';
import type { ConsoleEnv } from '../context.js';
import { renderConsole } from '../middleware.js';
import { DashboardPage } from '../pages/dashboard.js';

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
    const summary = await services.dashboard.summary(user.owner, { timezone: DEFAULT_TIMEZONE });
    return renderConsole(c, jsx(DashboardPage, { user, summary }));
  });
  return router;
}
