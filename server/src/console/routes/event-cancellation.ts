import { Hono } from 'hono';
import { jsx } from 'hono/jsx';
import { auditContext } from '../../http/audit-context.js';
import { mayUse } from '../../http/route-permissions.js';
import { notFound } from '../../kernel/errors.js';
import { idPattern } from '../../kernel/ids.js';
import type { ConsoleContext, ConsoleEnv } from '../context.js';
import { renderConsole } from '../middleware.js';
import { noticeFrom } from '../notice.js';
import { CancellationPage } from '../pages/event-cancellation.js';
import type { Flash } from '../pages/layout.js';

const EVENT_ID = idPattern('evt');

const NOTICES: Record<string, Flash> = {
  retrying: { tone: 'info', message: 'The failed refunds are being tried again.' },
};

function eventIdOf(c: ConsoleContext): string {
  const id = c.req.param('id') ?? '';
  if (!EVENT_ID.test(id)) throw notFound('event', id);
  return id;
}

/**
 * A cancelled event's refunds in the console: the run's progress and failures, and retrying
 * the refunds that gave up, through the same service the API's cancel starts.
 *
 * @example
 * router.route('/', eventCancellationRoutes());
 */
export function eventCancellationRoutes() {
  const router = new Hono<ConsoleEnv>();

  router.get('/console/events/:id/cancellation', async function cancellationPage(c) {
    const { user, services } = c.var;
    const event = await services.events.get(user.owner, eventIdOf(c));
    const failures = event.cancellation?.refund_orders ? await services.eventCancellation.failures(user.owner, event._id) : [];
    const mayRetry = mayUse(user.actor, 'POST', `/console/events/${event._id}/cancellation/retry`);
    return renderConsole(c, jsx(CancellationPage, { user, event, failures, mayRetry, flash: noticeFrom(NOTICES, c) }));
  });

  router.post('/console/events/:id/cancellation/retry', async function retryRefunds(c) {
    const { user, services } = c.var;
    const id = eventIdOf(c);
    await services.eventCancellation.retryFailed(user.owner, id, auditContext(c));
    return c.redirect(`/console/events/${id}/cancellation?notice=retrying`, 303);
  });

  return router;
}
