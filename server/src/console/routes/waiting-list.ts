import { Hono } from 'hono';
import { jsx } from 'hono/jsx';
import { grantOf } from '../../domain/actors.js';
import type { EventDoc } from '../../domain/events.js';
import { can } from '../../domain/permissions.js';
import { auditContext } from '../../http/audit-context.js';
import { AppError, notFound } from '../../kernel/errors.js';
import { idPattern } from '../../kernel/ids.js';
import type { ConsoleContext, ConsoleEnv } from '../context.js';
import { formOf, renderConsole } from '../middleware.js';
import { noticeFrom } from '../notice.js';
import type { Flash } from '../pages/layout.js';
import { WaitingListPage } from '../pages/waiting-list.js';

const EVENT_ID = idPattern('evt');
const ENTRY_ID = idPattern('wle');

const NOTICES: Record<string, Flash> = {
  saved: { tone: 'ok', message: 'Waiting list settings saved.' },
  removed: { tone: 'ok', message: 'Entry removed. Any seats it was offered go to the next in line.' },
};

async function eventOf(c: ConsoleContext): Promise<EventDoc> {
  const id = c.req.param('id') ?? '';
  if (!EVENT_ID.test(id)) throw notFound('event', id);
  return c.var.services.events.get(c.var.user.owner, id);
}

async function showList(c: ConsoleContext, event: EventDoc, flash?: Flash, status: 200 | 400 | 409 = 200) {
  const { user, services } = c.var;
  const page = await services.waitingList.list(user.owner, event._id, { limit: 100 });
  const rows = await Promise.all(page.data.map(async (entry) => ({ entry, position: await services.waitingList.positionOf(entry) })));
  const grant = grantOf(user.actor);
  const canEdit = can(grant, 'events:write', { event: event._id });
  const canRemove = can(grant, 'orders:write', { event: event._id });
  return renderConsole(c, jsx(WaitingListPage, { user, event, rows, canEdit, canRemove, flash: flash ?? noticeFrom(NOTICES, c) }), status);
}

/**
 * An event's waiting list in the console (docs/waiting-list.md): its settings and its entries,
 * each removable; the same services the API calls.
 *
 * @example
 * router.route('/', waitingListConsoleRoutes());
 */
export function waitingListConsoleRoutes() {
  const router = new Hono<ConsoleEnv>();

  router.get('/console/events/:id/waiting-list', async function waitingListPage(c) {
    return showList(c, await eventOf(c));
  });

  router.post('/console/events/:id/waiting-list/settings', async function saveWaitingListSettings(c) {
    const event = await eventOf(c);
    const form = await formOf(c);
    const hours = (form.offer_hours ?? '').trim();
    if (!/^\d{1,3}$/.test(hours) || Number(hours) < 1 || Number(hours) > 168) {
      return showList(c, event, { tone: 'bad', message: 'Offer hours: a whole number from 1 to 168.' }, 400);
    }
    try {
      await c.var.services.events.update(c.var.user.owner, event._id, { waiting_list: { enabled: form.enabled === 'on', offer_hours: Number(hours) } }, auditContext(c));
    } catch (err) {
      if (!(err instanceof AppError) || (err.code !== 'VALIDATION_FAILED' && err.code !== 'CONFLICT')) throw err;
      return showList(c, event, { tone: 'bad', message: err.message }, err.code === 'CONFLICT' ? 409 : 400);
    }
    return c.redirect(`/console/events/${event._id}/waiting-list?notice=saved`, 303);
  });

  router.post('/console/events/:id/waiting-list/:entry/remove', async function removeWaitingListEntry(c) {
    const event = await eventOf(c);
    const id = c.req.param('entry');
    if (!ENTRY_ID.test(id)) throw notFound('waiting list entry', id);
    const entry = await c.var.services.waitingList.retrieve({ owner: c.var.user.owner }, id);
    if (entry.event !== event._id) throw notFound('waiting list entry', id);
    try {
      await c.var.services.waitingList.remove(c.var.user.owner, id, auditContext(c));
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'CONFLICT') throw err;
      return showList(c, event, { tone: 'bad', message: err.message }, 409);
    }
    return c.redirect(`/console/events/${event._id}/waiting-list?notice=removed`, 303);
  });

  return router;
}
