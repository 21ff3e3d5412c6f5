import { auditContext } from '../../http/audit-context.js';
import { Hono } from 'hono';
import { jsx } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { grantOf } from '../../domain/actors.js';
import { can } from '../../domain/permissions.js';
import { AppError, notFound } from '../../kernel/errors.js';
import { idPattern } from '../../kernel/ids.js';
import { csvHeaders, csvStream } from '../../http/csv-stream.js';
import { STATUS } from '../../http/errors.js';
import type { ConsoleContext, ConsoleEnv } from '../context.js';
import { actor } from '../context.js';
import { formOf, renderConsole } from '../middleware.js';
import { noticeFrom } from '../notice.js';
import { AttendeesPage, TicketPage, type AttendeeFilter } from '../pages/attendees.js';
import type { Flash } from '../pages/layout.js';

const EVENT_ID = idPattern('evt');
const TICKET_ID = idPattern('tkt');
const PAGE_SIZE = 50;
/** Scans shown on a ticket page. */
const TICKET_SCANS = 20;

const FILTERS: Record<AttendeeFilter, boolean | undefined> = { all: undefined, attended: true, missed: false };

const NOTICES: Record<string, Flash> = {
  resent: { tone: 'ok', message: 'The tickets email is queued and goes out within a minute.' },
  voided: { tone: 'info', message: 'Ticket voided: it no longer admits, and its seat is back on sale.' },
  undone: { tone: 'ok', message: 'Check-in undone: the ticket admits again.' },
};

function idOf(c: ConsoleContext, pattern: RegExp, what: string): string {
  const id = c.req.param('id') ?? '';
  if (!pattern.test(id)) throw notFound(what, id);
  return id;
}

/** The list's filters from the query, and the query string that carries them to the next page and the CSV. */
function filtersOf(c: ConsoleContext): { q: string; filter: AttendeeFilter; query: string } {
  const q = (c.req.query('q') ?? '').trim();
  const raw = c.req.query('filter') ?? 'all';
  const filter: AttendeeFilter = raw === 'attended' || raw === 'missed' ? raw : 'all';
  const params = new URLSearchParams();
  if (q) params.set('q', q);
  if (filter !== 'all') params.set('filter', filter);
  return { q, filter, query: params.toString() };
}

async function showTicket(c: ConsoleContext, extra: { flash?: Flash; voidError?: string; status?: ContentfulStatusCode } = {}) {
  const { user, services } = c.var;
  const ticket = await services.tickets.get(user.owner, idOf(c, TICKET_ID, 'ticket'));
  const [event, scans, deliveries, admission, order] = await Promise.all([
    services.events.get(user.owner, ticket.event),
    services.checkins.listForTicket(user.owner, ticket._id, TICKET_SCANS),
    // A door member looks a ticket up without its order's mail (orders:read).
    can(grantOf(user.actor), 'orders:read') ? services.ticketMail.deliveries(user.owner, ticket._id) : Promise.resolve(null),
    services.checkins.admissionOf(user.owner, ticket._id),
    services.orders.retrieve({ owner: user.owner }, ticket.order).catch(() => null),
  ]);
  // Only for members who may read invoices (the permission guard refuses the others).
  const documents = await services.invoices.ofOrder(ticket.order).catch(() => []);
  const flash = extra.flash ?? noticeFrom(NOTICES, c);
  return renderConsole(
    c,
    jsx(TicketPage, {
      user,
      ticket,
      event,
      scans,
      deliveries,
      admission,
      refund: order?.refund ?? null,
      documents,
      orderAnswers: order?.answers,
      flash,
      voidError: extra.voidError,
    }),
    extra.status ?? 200,
  );
}

/** Runs a ticket action and comes back to the ticket; a refusal (rate limit, conflict) shows on the ticket page. */
function ticketAction(run: (c: ConsoleContext, ticketId: string) => Promise<string | Response>) {
  return async function ticketActionHandler(c: ConsoleContext) {
    const id = idOf(c, TICKET_ID, 'ticket');
    try {
      const outcome = await run(c, id);
      return typeof outcome === 'string' ? c.redirect(`/console/tickets/${id}?notice=${outcome}`, 303) : outcome;
    } catch (err) {
      if (!(err instanceof AppError) || err.code === 'NOT_FOUND' || STATUS[err.code] >= 500) throw err;
      if (err.retryAfterSeconds !== undefined) c.header('Retry-After', String(Math.ceil(err.retryAfterSeconds)));
      return showTicket(c, { flash: { tone: 'bad', message: err.message }, status: STATUS[err.code] });
    }
  };
}

/**
 * Attendees of an event (search, filter, pages, CSV) and single tickets (resend the email,
 * undo a check-in, void), all through the attendance, tickets, ticket-mail and check-in services.
 *
 * @example
 * router.route('/', attendeeRoutes());
 */
export function attendeeRoutes() {
  const router = new Hono<ConsoleEnv>();

  router.get('/console/events/:id/attendees', async function attendeesPage(c) {
    const { user, services } = c.var;
    const event = await services.events.get(user.owner, idOf(c, EVENT_ID, 'event'));
    const { q, filter, query } = filtersOf(c);
    const cursor = c.req.query('cursor') || undefined;
    try {
      const page = await services.attendance.listAttendees(user.owner, event._id, { checkedIn: FILTERS[filter], q, limit: PAGE_SIZE, cursor });
      return renderConsole(c, jsx(AttendeesPage, { user, event, page, q, filter, paged: cursor !== undefined, query }));
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'VALIDATION_FAILED') throw err;
      const empty = { data: [], hasMore: false, nextCursor: null };
      const field = Array.isArray(err.details) ? err.details[0] : undefined;
      const message = field?.field === 'cursor' ? 'That page link is out of date. Start again from the first page.' : field ? `The search ${field.message}.` : err.message;
      return renderConsole(c, jsx(AttendeesPage, { user, event, page: empty, q, filter, paged: false, query, flash: { tone: 'bad', message } }), 400);
    }
  });

  router.get('/console/events/:id/attendees.csv', async function attendeesCsv(c) {
    const { user, services } = c.var;
    const id = idOf(c, EVENT_ID, 'event');
    const { q, filter } = filtersOf(c);
    const lines = await services.attendance.attendeesCsv(user.owner, id, { checkedIn: FILTERS[filter], q });
    return c.body(csvStream(lines), 200, csvHeaders(`attendees-${id}.csv`));
  });

  router.get('/console/tickets/:id', (c) => showTicket(c));

  router.post(
    '/console/tickets/:id/resend',
    ticketAction(async (c, id) => {
      await c.var.services.ticketMail.resend(c.var.user.owner, id, auditContext(c));
      return 'resent';
    }),
  );

  router.post(
    '/console/tickets/:id/void',
    ticketAction(async (c, id) => {
      if ((await formOf(c)).confirm !== 'on') return showTicket(c, { voidError: 'Tick the box to confirm.', status: 400 });
      await c.var.services.tickets.void(c.var.user.owner, id, auditContext(c));
      return 'voided';
    }),
  );

  router.post(
    '/console/tickets/:id/undo',
    ticketAction(async (c, id) => {
      const { user, services } = c.var;
      const admission = await services.checkins.admissionOf(user.owner, id);
      if (!admission) throw new AppError('CONFLICT', 'This ticket is not checked in, so there is nothing to undo.');
      await services.checkins.undo(user.owner, admission._id, actor(user), auditContext(c));
      return 'undone';
    }),
  );

  return router;
}
