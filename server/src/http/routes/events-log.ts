import { createRoute } from '@hono/zod-openapi';
import { requireKey } from '../middleware/auth.js';
import { bearer, createRouter } from '../router.js';
import { errorResponses, IdParam } from '../schemas/common.js';
import { EventLogEntrySchema, EventLogListSchema, EventLogQuery } from '../schemas/events-log.js';
import { toEventLogEntryJson, toList } from '../serializers.js';

const json = <T>(schema: T) => ({ 'application/json': { schema } });
const secret = { security: bearer, middleware: [requireKey('secret')], tags: ['Events log'] };

const list = createRoute({
  ...secret,
  method: 'get',
  path: '/v1/events_log',
  summary: 'What happened, newest first',
  description:
    'One entry per change to an order, ticket, scan or event of the account in this mode, with the object as it was then in `data.object`. Filter by `type` or by `object` id. See docs/domain-events.md for the types and when each is recorded.',
  request: { query: EventLogQuery },
  responses: { 200: { description: 'Entries, newest first.', content: json(EventLogListSchema) }, ...errorResponses(400, 401, 403) },
});

const retrieve = createRoute({
  ...secret,
  method: 'get',
  path: '/v1/events_log/{id}',
  summary: 'One entry of the events log',
  request: { params: IdParam },
  responses: { 200: { description: 'The entry.', content: json(EventLogEntrySchema) }, ...errorResponses(401, 403, 404) },
});

/** The events log: what happened to the account's objects (docs/domain-events.md). */
export function eventsLogRoutes() {
  return createRouter()
    .openapi(list, async (c) => {
      const { services, deps } = c.var;
      const page = await services.domainEvents.list(c.get('owner'), c.req.valid('query'));
      return c.json(
        toList(page, (doc) => toEventLogEntryJson(doc, deps.config.publicUrl)),
        200,
      );
    })
    .openapi(retrieve, async (c) => {
      const { services, deps } = c.var;
      const entry = await services.domainEvents.get(c.get('owner'), c.req.valid('param').id);
      return c.json(toEventLogEntryJson(entry, deps.config.publicUrl), 200);
    });
}
