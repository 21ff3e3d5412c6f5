import { auditContext } from '../../http/audit-context.js';
import { Hono } from 'hono';
import { jsx } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { EventDoc } from '../../domain/events.js';
import { grantOf } from '../../domain/actors.js';
import { can } from '../../domain/permissions.js';
import { AppError, notFound } from '../../kernel/errors.js';
import { idPattern } from '../../kernel/ids.js';
import { STATUS } from '../../http/errors.js';
import type { ConsoleContext, ConsoleEnv } from '../context.js';
import { blankEventForm, checkEventForm, eventFormOf, formErrors, readEventForm, withBlankRows, type EventForm } from '../event-form.js';
import { formOf, renderConsole } from '../middleware.js';
import { noticeFrom } from '../notice.js';
import type { FieldErrors } from '../pages/fields.js';
import { CancelEventPage, EventFormPage, EventPage, EventsListPage, type EmbedProps } from '../pages/events.js';
import type { Flash } from '../pages/layout.js';
import { safeNext } from '../security.js';
import { rememberedPublishableKey, rememberPublishableKey } from '../sessions.js';

const EVENT_ID = idPattern('evt');
const PAGE_SIZE = 25;
/** Scans shown on the event page; the scanner and the API have the full log. */
const LATEST_SCANS = 6;

const NOTICES: Record<string, Flash> = {
  created: { tone: 'ok', message: 'Event created. Share it with the Embed snippets below.' },
  saved: { tone: 'ok', message: 'Changes saved.' },
  cancelled: { tone: 'info', message: 'Event cancelled. Sales have stopped and its tickets are refused at the door.' },
  key_saved: { tone: 'ok', message: 'Publishable key saved in this browser: the snippets below use it.' },
};

/** The `:id` of the path, when it can be an event id; anything else is the same 404 as an unknown event. */
function eventIdOf(c: ConsoleContext): string {
  const id = c.req.param('id') ?? '';
  if (!EVENT_ID.test(id)) throw notFound('event', id);
  return id;
}

/** Problems a domain error names per field, shown in the form, or null for errors that are not about fields. */
function fieldProblems(err: unknown, typeRows: number[]): { errors: FieldErrors; message: string } | null {
  if (!(err instanceof AppError) || (err.code !== 'VALIDATION_FAILED' && err.code !== 'CONFLICT') || !Array.isArray(err.details)) return null;
  return { errors: formErrors(err.details, typeRows), message: err.message };
}

async function embedProps(c: ConsoleContext): Promise<EmbedProps> {
  const { user, services, deps } = c.var;
  // Only who may see keys is shown the key's name; the Embed panel works without it.
  const keys = can(grantOf(user.actor), 'keys:manage') ? await services.accounts.listKeys(user.owner.account) : [];
  const newest = keys.find((k) => k.kind === 'publishable' && k.mode === (user.owner.livemode ? 'live' : 'test'));
  return { publicUrl: deps.config.publicUrl, publishableKey: await rememberedPublishableKey(c, user), keyDisplay: newest?.display ?? null, csrf: user.csrf };
}

async function showEvent(c: ConsoleContext, event: EventDoc, extra: { flash?: Flash; pasteError?: string; status?: ContentfulStatusCode } = {}) {
  const { user, services, deps } = c.var;
  const [stats, log, embed] = await Promise.all([
    services.attendance.stats(user.owner, event._id),
    services.checkins.log(user.owner, event._id, { limit: LATEST_SCANS }),
    embedProps(c),
  ]);
  const scans = log.data;
  const flash = extra.flash ?? noticeFrom(NOTICES, c);
  return renderConsole(c, jsx(EventPage, { user, event, stats, scans, embed: { ...embed, pasteError: extra.pasteError }, now: deps.clock.now(), flash }), extra.status ?? 200);
}

/**
 * Events: list, create, edit every field the API allows, cancel, and the event page with
 * its figures and Embed panel. Every change goes through `services.events`, as the API's do.
 *
 * @example
 * router.route('/', eventRoutes());
 */
export function eventRoutes() {
  const router = new Hono<ConsoleEnv>();

  router.get('/console/events', async function eventsList(c) {
    // A door member sees only their assigned events, listed on their own page.
    if (c.var.user.actor.events !== null) return c.redirect('/console/door', 302);
    const { user, services, deps } = c.var;
    const cursor = c.req.query('cursor') || undefined;
    const page = await services.events.list(user.owner, { limit: PAGE_SIZE, cursor });
    return renderConsole(c, jsx(EventsListPage, { user, page, now: deps.clock.now(), paged: cursor !== undefined }));
  });

  router.get('/console/events/new', function newEventForm(c) {
    const { user } = c.var;
    return renderConsole(c, jsx(EventFormPage, { user, form: blankEventForm(), errors: {}, csrf: user.csrf }));
  });

  router.post('/console/events', async function createEvent(c) {
    const { user, services } = c.var;
    const form = readEventForm(await formOf(c));
    const again = (errors: FieldErrors, status: ContentfulStatusCode, flash?: Flash) =>
      renderConsole(c, jsx(EventFormPage, { user, form: withBlankRows(form), errors, csrf: user.csrf, flash }), status);
    const checked = checkEventForm(form, 'create');
    if (!checked.input) return again(checked.errors, 400);
    try {
      const event = await services.events.create(user.owner, checked.input, auditContext(c));
      return c.redirect(`/console/events/${event._id}?notice=created`, 303);
    } catch (err) {
      const problems = fieldProblems(err, checked.typeRows);
      if (!problems) throw err;
      return again(problems.errors, STATUS[(err as AppError).code]);
    }
  });

  router.get('/console/events/:id', async function eventPage(c) {
    const { user, services } = c.var;
    return showEvent(c, await services.events.get(user.owner, eventIdOf(c)));
  });

  router.get('/console/events/:id/edit', async function editEventForm(c) {
    const { user, services } = c.var;
    const event = await services.events.get(user.owner, eventIdOf(c));
    if (event.status === 'cancelled') return showEvent(c, event, { flash: { tone: 'bad', message: 'A cancelled event cannot be changed.' } });
    return renderConsole(c, jsx(EventFormPage, { user, event, form: eventFormOf(event), errors: {}, csrf: user.csrf }));
  });

  router.post('/console/events/:id/edit', async function updateEvent(c) {
    const { user, services } = c.var;
    const event = await services.events.get(user.owner, eventIdOf(c));
    const form: EventForm = readEventForm(await formOf(c));
    const again = (errors: FieldErrors, status: ContentfulStatusCode, flash?: Flash) =>
      renderConsole(c, jsx(EventFormPage, { user, event, form: withBlankRows(form), errors, csrf: user.csrf, flash }), status);
    const checked = checkEventForm(form, 'update');
    if (!checked.input) return again(checked.errors, 400);
    try {
      await services.events.update(user.owner, event._id, checked.input, auditContext(c));
      return c.redirect(`/console/events/${event._id}?notice=saved`, 303);
    } catch (err) {
      const problems = fieldProblems(err, checked.typeRows);
      if (problems) return again(problems.errors, STATUS[(err as AppError).code], { tone: 'bad', message: problems.message });
      if (err instanceof AppError && err.code === 'CONFLICT') return again({}, 409, { tone: 'bad', message: err.message });
      throw err;
    }
  });

  router.get('/console/events/:id/cancel', async function cancelEventPage(c) {
    const { user, services } = c.var;
    const event = await services.events.get(user.owner, eventIdOf(c));
    if (event.status === 'cancelled') return c.redirect(`/console/events/${event._id}`, 302);
    return renderConsole(c, jsx(CancelEventPage, { user, event }));
  });

  router.post('/console/events/:id/cancel', async function cancelEvent(c) {
    const { user, services } = c.var;
    const event = await services.events.get(user.owner, eventIdOf(c));
    const form = await formOf(c);
    // As the API's defaults: buyers are told, nothing is refunded unless chosen.
    const choice = form.buyers ?? 'notify';
    const reason = (form.reason ?? '').trim().slice(0, 500);
    if (form.confirm !== 'on') {
      return renderConsole(c, jsx(CancelEventPage, { user, event, error: 'Tick the box to confirm.', choice, reason }), 400);
    }
    // The same service and choice as the API's cancel (docs/domain-rules.md#cancelling-an-event).
    const input = { notify_buyers: choice !== 'stop', ...(reason ? { reason } : {}) };
    if (choice === 'refund') await services.eventCancellation.cancelAndRefund(user.owner, event._id, input, auditContext(c));
    else await services.eventCancellation.cancel(user.owner, event._id, input, auditContext(c));
    return c.redirect(`/console/events/${event._id}?notice=cancelled`, 303);
  });

  router.post('/console/publishable-key', async function savePublishableKey(c) {
    const { user, services } = c.var;
    const form = await formOf(c);
    const raw = (form.publishable_key ?? '').trim();
    const next = safeNext(form.next);
    const auth = raw === '' ? null : await services.accounts.authenticateKey(raw);
    const fits = auth && auth.key.kind === 'publishable' && auth.account._id === user.owner.account && auth.livemode === user.owner.livemode;
    if (!fits) {
      const eventId = /^\/console\/events\/([^/?#]+)/.exec(next)?.[1];
      const event = eventId && EVENT_ID.test(eventId) ? await services.events.get(user.owner, eventId) : null;
      const why = raw.startsWith('sk_')
        ? 'That is a secret key: never paste it into a web page. Roll it on the Developers page, and paste your publishable key (pk_…).'
        : `That is not an active ${user.owner.livemode ? 'live' : 'test'} publishable key of this account.`;
      if (!event) return c.redirect('/console/developers', 303);
      return showEvent(c, event, { pasteError: why, status: 400 });
    }
    rememberPublishableKey(c, user.owner.livemode, raw);
    return c.redirect(`${next}${next.includes('?') ? '&' : '?'}notice=key_saved#embed`, 303);
  });

  return router;
}
