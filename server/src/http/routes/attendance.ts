import { createRoute, z } from '@hono/zod-openapi';
import { csvHeaders, csvStream } from '../csv-stream.js';
import { requireKey } from '../middleware/auth.js';
import { bearer, createRouter } from '../router.js';
import { AttendeesCsvQuery, AttendeesQuery, checkedInFilter, EventStatsSchema } from '../schemas/attendance.js';
import { errorResponses, IdParam } from '../schemas/common.js';
import { TicketListSchema } from '../schemas/orders.js';
import { toList, toTicketJson } from '../serializers.js';

const secret = { security: bearer, middleware: [requireKey('secret')], tags: ['Attendance'] };

const listAttendees = createRoute({
  ...secret,
  method: 'get',
  path: '/v1/events/{id}/attendees',
  summary: 'List attendees',
  description: 'Tickets of the event that are not voided, newest first, with holder and check-in state. Filter with `checked_in` and search with `q`.',
  request: { params: IdParam, query: AttendeesQuery },
  responses: {
    200: { description: 'A page of tickets.', content: { 'application/json': { schema: TicketListSchema } } },
    ...errorResponses(400, 401, 403, 404),
  },
});

const exportAttendees = createRoute({
  ...secret,
  method: 'get',
  path: '/v1/events/{id}/attendees.csv',
  summary: 'Export attendees as CSV',
  description:
    "Every attendee (same filters as the list, never paged), streamed as RFC 4180 CSV in UTF-8 with a BOM. Cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR) are prefixed with `'`.",
  request: { params: IdParam, query: AttendeesCsvQuery },
  responses: {
    200: {
      description: 'ticket_id, holder_name, holder_email, ticket_type, status, checked_in_at, checked_in_by, order, issued_at.',
      content: { 'text/csv': { schema: z.string() } },
    },
    ...errorResponses(400, 401, 403, 404),
  },
});

const eventStats = createRoute({
  ...secret,
  method: 'get',
  path: '/v1/events/{id}/stats',
  summary: 'Event stats',
  description: 'Sold, held, available, revenue, check-ins and no-shows, per ticket type, sales by day and check-ins by hour in the event’s time zone.',
  request: { params: IdParam },
  responses: {
    200: { description: 'The figures.', content: { 'application/json': { schema: EventStatsSchema } } },
    ...errorResponses(401, 403, 404),
  },
});

/**
 * The organizer's view of who is coming (docs/domain-rules.md#figures): the attendee list, its
 * CSV export and the event's stats. Secret key only.
 *
 * @example
 * app.route('/', attendanceRoutes());
 */
export function attendanceRoutes() {
  return createRouter()
    .openapi(listAttendees, async (c) => {
      const { checked_in, q, limit, cursor } = c.req.valid('query');
      const page = await c.var.services.attendance.listAttendees(c.get('owner'), c.req.valid('param').id, {
        checkedIn: checkedInFilter(checked_in),
        q,
        limit,
        cursor,
      });
      const publicUrl = c.var.deps.config.publicUrl;
      return c.json(
        toList(page, (t) => toTicketJson(t, publicUrl)),
        200,
      );
    })
    .openapi(exportAttendees, async (c) => {
      const { id } = c.req.valid('param');
      const { checked_in, q } = c.req.valid('query');
      // Resolves after the ownership check, so a 404 is still a JSON error, not a broken CSV.
      const lines = await c.var.services.attendance.attendeesCsv(c.get('owner'), id, { checkedIn: checkedInFilter(checked_in), q });
      return c.body(csvStream(lines), 200, csvHeaders(`attendees-${id}.csv`));
    })
    .openapi(eventStats, async (c) => {
      const stats = await c.var.services.attendance.stats(c.get('owner'), c.req.valid('param').id);
      return c.json(stats, 200);
    });
}
