import { Hono } from 'hono';
import { jsx } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { auditContext } from '../../http/audit-context.js';
import { AppError } from '../../kernel/errors.js';
import type { ConsoleContext, ConsoleEnv } from '../context.js';
import { renderConsole } from '../middleware.js';
import { noticeFrom } from '../notice.js';
import { FailedJobsPage } from '../pages/jobs.js';
import type { Flash } from '../pages/layout.js';

const NOTICES: Record<string, Flash> = { retried: { tone: 'info', message: 'The job will be tried again in a moment.' } };

async function showFailedJobs(c: ConsoleContext, flash?: Flash, status: ContentfulStatusCode = 200) {
  const { user, services } = c.var;
  const jobs = await services.outbox.listFailed(user.owner, 100);
  return renderConsole(c, jsx(FailedJobsPage, { user, jobs, flash: flash ?? noticeFrom(NOTICES, c) }), status);
}

/**
 * The failed-jobs page of the Developers section: the account's failed jobs in the current
 * mode, and retrying one by hand. Under `/console/developers/*`, so signed-in and CSRF-checked.
 *
 * @example
 * router.route('/', jobRoutes());
 */
export function jobRoutes() {
  const router = new Hono<ConsoleEnv>();

  router.get('/console/developers/jobs', (c) => showFailedJobs(c));

  router.post('/console/developers/jobs/:id/retry', async function retryJob(c) {
    const { user, services } = c.var;
    try {
      await services.outbox.retryFor(user.owner, c.req.param('id'), auditContext(c));
    } catch (err) {
      // Sent meanwhile, or being sent: say so on the page rather than failing.
      if (err instanceof AppError && err.code === 'CONFLICT') return showFailedJobs(c, { tone: 'bad', message: err.message }, 409);
      throw err;
    }
    return c.redirect('/console/developers/jobs?notice=retried', 303);
  });

  return router;
}
