import { Hono } from 'hono';
import { jsx } from 'hono/jsx';
import type { CheckinListInput } from '../../domain/checkin-lists.js';
import type { EventDoc } from '../../domain/events.js';
import { can } from '../../domain/permissions.js';
import { grantOf } from '../../domain/actors.js';
import { AppError, notFound } from '../../kernel/errors.js';
import { idPattern } from '../../kernel/ids.js';
import { zonedWallTimeToInstant } from '../../kernel/zoned-time.js';
import { auditContext } from '../../http/audit-context.js';
import type { ConsoleContext, ConsoleEnv } from '../context.js';
import { formOf, renderConsole } from '../middleware.js';
import { noticeFrom } from '../notice.js';
import { CheckinListsPage } from '../pages/checkin-lists.js';
import type { Flash } from '../pages/layout.js';

const EVENT_ID = idPattern('evt');
const LIST_ID = idPattern('chl');

const NOTICES: Record<string, Flash> = {
  created: { tone: 'ok', message: 'Check-in list created.' },
  deleted: { tone: 'ok', message: 'Check-in list deleted.' },
};

async function eventOf(c: ConsoleContext): Promise<EventDoc> {
  const id = c.req.param('id') ?? '';
  if (!EVENT_ID.test(id)) throw notFound('event', id);
  return c.var.services.events.get(c.var.user.owner, id);
}

async function showLists(c: ConsoleContext, event: EventDoc, flash?: Flash, status: 200 | 400 = 200) {
  const { user, services } = c.var;
  const lists = await services.checkinLists.list(user.owner, event._id);
  const canEdit = can(grantOf(user.actor), 'events:write', { event: event._id });
  return renderConsole(c, jsx(CheckinListsPage, { user, event, lists, canEdit, flash: flash ?? noticeFrom(NOTICES, c) }), status);
}

/** The new-list form, read into what the domain takes; a wall time is in the event's zone. */
function listInputOf(form: Record<string, string>, event: EventDoc): CheckinListInput {
  const name = (form.name ?? '').trim();
  if (name === '' || name.length > 100) throw new AppError('VALIDATION_FAILED', 'Give the list a name of at most 100 characters.');
  const types = event.ticket_types.filter((t) => form[`type_${t.id}`] === 'on').map((t) => t.id);
  const wall = (field: 'opens_at' | 'closes_at'): Date | null => {
    const value = form[field] ?? '';
    if (value === '') return null;
    const at = zonedWallTimeToInstant(value, event.timezone);
    if (!at) throw new AppError('VALIDATION_FAILED', `${field === 'opens_at' ? 'Opens' : 'Closes'}: not a date and time.`);
    return at;
  };
  return { name, ticket_types: types.length === 0 ? null : types, window: { opens_at: wall('opens_at'), closes_at: wall('closes_at') }, reentry: form.reentry === 'on' };
}

/**
 * An event's check-in lists in the console: the list with counters (who is inside now), and
 * creating and deleting lists, through the same service as the API.
 *
 * @example
 * router.route('/', checkinListRoutes());
 */
export function checkinListConsoleRoutes() {
  const router = new Hono<ConsoleEnv>();

  router.get('/console/events/:id/checkin-lists', async function checkinListsPage(c) {
    return showLists(c, await eventOf(c));
  });

  router.post('/console/events/:id/checkin-lists', async function createCheckinList(c) {
    const event = await eventOf(c);
    try {
      const input = listInputOf(await formOf(c), event);
      await c.var.services.checkinLists.create(c.var.user.owner, event._id, input, auditContext(c));
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'VALIDATION_FAILED') throw err;
      const issues = Array.isArray(err.details) ? err.details : undefined;
      return showLists(c, event, { tone: 'bad', message: err.message, issues }, 400);
    }
    return c.redirect(`/console/events/${event._id}/checkin-lists?notice=created`, 303);
  });

  router.post('/console/events/:id/checkin-lists/:list/delete', async function deleteCheckinList(c) {
    const event = await eventOf(c);
    const listId = c.req.param('list');
    if (!LIST_ID.test(listId)) throw notFound('check-in list', listId);
    await c.var.services.checkinLists.delete(c.var.user.owner, event._id, listId, auditContext(c));
    return c.redirect(`/console/events/${event._id}/checkin-lists?notice=deleted`, 303);
  });

  return router;
}
