import { createRoute } from '@hono/zod-openapi';
import { auditContext } from '../audit-context.js';
import { requireKey } from '../middleware/auth.js';
import { toPromoCodeJson } from '../promo-code-json.js';
import { bearer, createRouter } from '../router.js';
import { errorResponses, IdParam } from '../schemas/common.js';
import {
  CreatePromoCodeBody,
  DeletedPromoCodeSchema,
  PromoCodeIdParams,
  PromoCodeListQuery,
  PromoCodeListSchema,
  PromoCodeSchema,
  UpdatePromoCodeBody,
} from '../schemas/promo-codes.js';
import { toList } from '../serializers.js';

const json = <T>(schema: T) => ({ 'application/json': { schema } });
const secret = { security: bearer, middleware: [requireKey('secret')], tags: ['Promo codes'] };

const listCodes = createRoute({
  ...secret,
  method: 'get',
  path: '/v1/events/{id}/promo_codes',
  summary: 'List an event’s promo codes',
  description: 'Newest first, each with `uses`: orders holding a redemption.',
  request: { params: IdParam, query: PromoCodeListQuery },
  responses: { 200: { description: 'A page of codes.', content: json(PromoCodeListSchema) }, ...errorResponses(400, 401, 403, 404) },
});

const createCode = createRoute({
  ...secret,
  method: 'post',
  path: '/v1/events/{id}/promo_codes',
  summary: 'Create a promo code',
  description:
    'A discount (`percent` 1–100, or `fixed` paise off each ticket) on some or all ticket types, limited in uses, per order and in time, and the hidden ticket types it unlocks. Codes are unique per event whatever the case (409).',
  request: { params: IdParam, body: { required: true, content: json(CreatePromoCodeBody) } },
  responses: { 201: { description: 'The code.', content: json(PromoCodeSchema) }, ...errorResponses(400, 401, 403, 404, 409) },
});

const retrieveCode = createRoute({
  ...secret,
  method: 'get',
  path: '/v1/events/{id}/promo_codes/{code_id}',
  summary: 'Retrieve a promo code',
  request: { params: PromoCodeIdParams },
  responses: { 200: { description: 'The code.', content: json(PromoCodeSchema) }, ...errorResponses(401, 403, 404) },
});

const updateCode = createRoute({
  ...secret,
  method: 'post',
  path: '/v1/events/{id}/promo_codes/{code_id}',
  summary: 'Update a promo code',
  description: 'Changes only the fields sent (`active: false` deactivates it). Orders already made keep their discount.',
  request: { params: PromoCodeIdParams, body: { required: true, content: json(UpdatePromoCodeBody) } },
  responses: { 200: { description: 'The code.', content: json(PromoCodeSchema) }, ...errorResponses(400, 401, 403, 404, 409) },
});

const deleteCode = createRoute({
  ...secret,
  method: 'delete',
  path: '/v1/events/{id}/promo_codes/{code_id}',
  summary: 'Delete a promo code',
  description: 'Buyers can no longer use it; orders that used it keep their discount.',
  request: { params: PromoCodeIdParams },
  responses: { 200: { description: 'The code is gone.', content: json(DeletedPromoCodeSchema) }, ...errorResponses(401, 403, 404) },
});

/** An event's promo codes (docs/promo-codes.md). */
export function promoCodeRoutes() {
  return createRouter()
    .openapi(listCodes, async (c) => {
      const page = await c.var.services.promoCodes.list(c.get('owner'), c.req.valid('param').id, c.req.valid('query'));
      return c.json(toList(page, toPromoCodeJson), 200);
    })
    .openapi(createCode, async (c) => {
      const promo = await c.var.services.promoCodes.create(c.get('owner'), c.req.valid('param').id, c.req.valid('json'), auditContext(c));
      return c.json(toPromoCodeJson(promo), 201);
    })
    .openapi(retrieveCode, async (c) => {
      const { id, code_id } = c.req.valid('param');
      return c.json(toPromoCodeJson(await c.var.services.promoCodes.get(c.get('owner'), id, code_id)), 200);
    })
    .openapi(updateCode, async (c) => {
      const { id, code_id } = c.req.valid('param');
      return c.json(toPromoCodeJson(await c.var.services.promoCodes.update(c.get('owner'), id, code_id, c.req.valid('json'), auditContext(c))), 200);
    })
    .openapi(deleteCode, async (c) => {
      const { id, code_id } = c.req.valid('param');
      const deleted = await c.var.services.promoCodes.delete(c.get('owner'), id, code_id, auditContext(c));
      return c.json({ id: deleted._id, object: 'promo_code' as const, deleted: true as const }, 200);
    });
}
