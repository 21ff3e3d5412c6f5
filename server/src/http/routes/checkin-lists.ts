import { createRoute } from '@hono/zod-openapi';
import { auditContext } from '../audit-context.js';
import { toCheckinListJson, toCheckinPassJson } from '../checkin-list-json.js';
import { requireKey } from '../middleware/auth.js';
import { bearer, createRouter } from '../router.js';
import {
  CheckinListListSchema,
  CheckinListSchema,
  CheckinPassListSchema,
  CheckinPassQuery,
  CreateCheckinListBody,
  DeletedCheckinListSchema,
  ListIdParams,
  UpdateCheckinListBody,
} from '../schemas/checkin-lists.js';
import { errorResponses, IdParam } from '../schemas/common.js';
import { toList } from '../serializers.js';

const json = <T>(schema: T) => ({ 'application/json': { schema } });
const secret = { security: bearer, middleware: [requireKey('secret')], tags: ['Check-in'] };

const listLists = createRoute({
  ...secret,
  method: 'get',
  path: '/v1/events/{id}/checkin_lists',
  summary: 'List an event’s check-in lists',
  description:
    'The default list (`id: default`, the ticket’s own admission) first, then the named lists, oldest first; each with its counters (`admitted`, `inside`). At most 50 named lists, so there is one page.',
  request: { params: IdParam },
  responses: { 200: { description: 'The lists.', content: json(CheckinListListSchema) }, ...errorResponses(401, 403, 404) },
});

const createList = createRoute({
  ...secret,
  method: 'post',
  path: '/v1/events/{id}/checkin_lists',
  summary: 'Create a check-in list',
  description: 'A door with its own admission: a ticket admits once per list. Limit it to some ticket types and a time window; with `reentry`, scans alternate in and out.',
  request: { params: IdParam, body: { required: true, content: json(CreateCheckinListBody) } },
  responses: { 201: { description: 'The list.', content: json(CheckinListSchema) }, ...errorResponses(400, 401, 403, 404, 409) },
});

const retrieveList = createRoute({
  ...secret,
  method: 'get',
  path: '/v1/events/{id}/checkin_lists/{list}',
  summary: 'Retrieve a check-in list',
  description: 'With its counters: `admitted` (tickets admitted at least once) and `inside` (inside now).',
  request: { params: ListIdParams },
  responses: { 200: { description: 'The list.', content: json(CheckinListSchema) }, ...errorResponses(401, 403, 404) },
});

const updateList = createRoute({
  ...secret,
  method: 'patch',
  path: '/v1/events/{id}/checkin_lists/{list}',
  summary: 'Update a check-in list',
  description: 'Changes only the fields sent; admissions already made stay. The default list cannot be changed (409).',
  request: { params: ListIdParams, body: { required: true, content: json(UpdateCheckinListBody) } },
  responses: { 200: { description: 'The list.', content: json(CheckinListSchema) }, ...errorResponses(400, 401, 403, 404, 409) },
});

const deleteList = createRoute({
  ...secret,
  method: 'delete',
  path: '/v1/events/{id}/checkin_lists/{list}',
  summary: 'Delete a check-in list',
  description: 'Its admissions go with it; its scans stay in the event’s scan log. The default list cannot be deleted (409).',
  request: { params: ListIdParams },
  responses: { 200: { description: 'The list is gone.', content: json(DeletedCheckinListSchema) }, ...errorResponses(401, 403, 404, 409) },
});

const listPasses = createRoute({
  ...secret,
  method: 'get',
  path: '/v1/events/{id}/checkin_lists/{list}/passes',
  summary: 'Who a check-in list admitted, and who is inside now',
  description: 'One pass per ticket admitted on the list, newest admission first; `inside=true` for who is inside now.',
  request: { params: ListIdParams, query: CheckinPassQuery },
  responses: { 200: { description: 'A page of passes.', content: json(CheckinPassListSchema) }, ...errorResponses(400, 401, 403, 404) },
});

/** An event's check-in lists (docs/domain-rules.md#check-in-lists). */
export function checkinListRoutes() {
  return createRouter()
    .openapi(listLists, async (c) => {
      const lists = await c.var.services.checkinLists.list(c.get('owner'), c.req.valid('param').id);
      return c.json({ object: 'list' as const, data: lists.map(toCheckinListJson), has_more: false, next_cursor: null }, 200);
    })
    .openapi(createList, async (c) => {
      const list = await c.var.services.checkinLists.create(c.get('owner'), c.req.valid('param').id, c.req.valid('json'), auditContext(c));
      return c.json(toCheckinListJson(list), 201);
    })
    .openapi(retrieveList, async (c) => {
      const { id, list } = c.req.valid('param');
      return c.json(toCheckinListJson(await c.var.services.checkinLists.get(c.get('owner'), id, list)), 200);
    })
    .openapi(updateList, async (c) => {
      const { id, list } = c.req.valid('param');
      const updated = await c.var.services.checkinLists.update(c.get('owner'), id, list, c.req.valid('json'), auditContext(c));
      return c.json(toCheckinListJson(updated), 200);
    })
    .openapi(deleteList, async (c) => {
      const { id, list } = c.req.valid('param');
      const deleted = await c.var.services.checkinLists.delete(c.get('owner'), id, list, auditContext(c));
      return c.json({ id: deleted._id, object: 'checkin_list' as const, deleted: true as const }, 200);
    })
    .openapi(listPasses, async (c) => {
      const { id, list } = c.req.valid('param');
      const { inside, ...page } = c.req.valid('query');
      const passes = await c.var.services.checkinLists.passes(c.get('owner'), id, list, { inside: inside === undefined ? undefined : inside === 'true' }, page);
      return c.json(toList(passes, toCheckinPassJson), 200);
    });
}
