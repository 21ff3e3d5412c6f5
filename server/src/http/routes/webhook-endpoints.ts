import { auditContext } from '../audit-context.js';
import { createRoute } from '@hono/zod-openapi';
import { requireKey } from '../middleware/auth.js';
import { bearer, createRouter } from '../router.js';
import { errorResponses, IdParam, ListQuery } from '../schemas/common.js';
import {
  CreateWebhookEndpointBody,
  DeletedWebhookEndpointSchema,
  UpdateWebhookEndpointBody,
  WebhookEndpointListSchema,
  WebhookEndpointSchema,
} from '../schemas/webhook-endpoints.js';
import { toList, toWebhookEndpointJson } from '../serializers.js';

const endpointJson = { 'application/json': { schema: WebhookEndpointSchema } };
const secret = { security: bearer, middleware: [requireKey('secret')], tags: ['Webhook endpoints'] };

const createEndpoint = createRoute({
  ...secret,
  method: 'post',
  path: '/v1/webhook_endpoints',
  summary: 'Create a webhook endpoint',
  description: [
    'Events of the chosen types are POSTed to `url`, signed in the `TTS-Signature` header with the endpoint’s secret (`whsec_…`), returned as `secret` only here. At most 16 endpoints per account and mode (409 `CONFLICT` past that).',
    'Live mode needs `https://`. An address the host resolves to that is loopback, private, carrier-grade NAT, multicast, unspecified or reserved is refused in live mode; test mode allows `http://` and loopback for a receiver on your machine. Link-local and cloud-metadata addresses (`169.254.0.0/16`, `fd00:ec2::254`) are refused in every mode. A refusal is 400 `VALIDATION_FAILED` saying what was refused and why. The same check runs before every delivery.',
  ].join('\n\n'),
  request: { body: { required: true, content: { 'application/json': { schema: CreateWebhookEndpointBody } } } },
  responses: { 201: { description: 'The endpoint, with its signing secret.', content: endpointJson }, ...errorResponses(400, 401, 403, 409, 413) },
});

const listEndpoints = createRoute({
  ...secret,
  method: 'get',
  path: '/v1/webhook_endpoints',
  summary: 'List webhook endpoints',
  description: 'Newest first, in the mode of the key; without their secrets.',
  request: { query: ListQuery },
  responses: { 200: { description: 'A page of endpoints.', content: { 'application/json': { schema: WebhookEndpointListSchema } } }, ...errorResponses(400, 401, 403) },
});

const retrieveEndpoint = createRoute({
  ...secret,
  method: 'get',
  path: '/v1/webhook_endpoints/{id}',
  summary: 'Retrieve a webhook endpoint',
  request: { params: IdParam },
  responses: { 200: { description: 'The endpoint, without its secret.', content: endpointJson }, ...errorResponses(401, 403, 404) },
});

const updateEndpoint = createRoute({
  ...secret,
  method: 'patch',
  path: '/v1/webhook_endpoints/{id}',
  summary: 'Update a webhook endpoint',
  description: 'Changes only the fields sent. A new `url` is checked as at creation.',
  request: { params: IdParam, body: { required: true, content: { 'application/json': { schema: UpdateWebhookEndpointBody } } } },
  responses: { 200: { description: 'The endpoint.', content: endpointJson }, ...errorResponses(400, 401, 403, 404, 413) },
});

const deleteEndpoint = createRoute({
  ...secret,
  method: 'delete',
  path: '/v1/webhook_endpoints/{id}',
  summary: 'Delete a webhook endpoint',
  description: 'Nothing more is sent to it, including deliveries still being retried.',
  request: { params: IdParam },
  responses: {
    200: { description: 'The deleted endpoint’s id.', content: { 'application/json': { schema: DeletedWebhookEndpointSchema } } },
    ...errorResponses(401, 403, 404),
  },
});

const rollSecret = createRoute({
  ...secret,
  method: 'post',
  path: '/v1/webhook_endpoints/{id}/roll_secret',
  summary: 'Roll an endpoint’s signing secret',
  description:
    'Issues a new signing secret, returned as `secret` only here. The previous one keeps signing for 24 hours: meanwhile each delivery carries two `v1=` signatures, one per secret, so a receiver can switch without missing a delivery. Two rolls at once: one wins, the other answers 409 `CONFLICT`.',
  request: { params: IdParam },
  responses: { 200: { description: 'The endpoint, with its new secret.', content: endpointJson }, ...errorResponses(401, 403, 404, 409) },
});

/** Organizers' webhook endpoints (docs/webhooks.md). */
export function webhookEndpointRoutes() {
  return createRouter()
    .openapi(createEndpoint, async (c) => {
      const { endpoint, secret } = await c.var.services.webhookEndpoints.create(c.get('owner'), c.req.valid('json'), auditContext(c));
      c.header('Cache-Control', 'no-store'); // carries the signing secret: never cached
      return c.json(toWebhookEndpointJson(endpoint, secret), 201);
    })
    .openapi(listEndpoints, async (c) => {
      const page = await c.var.services.webhookEndpoints.list(c.get('owner'), c.req.valid('query'));
      return c.json(
        toList(page, (doc) => toWebhookEndpointJson(doc)),
        200,
      );
    })
    .openapi(retrieveEndpoint, async (c) => {
      const endpoint = await c.var.services.webhookEndpoints.get(c.get('owner'), c.req.valid('param').id);
      return c.json(toWebhookEndpointJson(endpoint), 200);
    })
    .openapi(updateEndpoint, async (c) => {
      const endpoint = await c.var.services.webhookEndpoints.update(c.get('owner'), c.req.valid('param').id, c.req.valid('json'), auditContext(c));
      return c.json(toWebhookEndpointJson(endpoint), 200);
    })
    .openapi(deleteEndpoint, async (c) => {
      const { id } = c.req.valid('param');
      await c.var.services.webhookEndpoints.remove(c.get('owner'), id, auditContext(c));
      return c.json({ id, object: 'webhook_endpoint' as const, deleted: true as const }, 200);
    })
    .openapi(rollSecret, async (c) => {
      const { endpoint, secret } = await c.var.services.webhookEndpoints.rollSecret(c.get('owner'), c.req.valid('param').id, auditContext(c));
      c.header('Cache-Control', 'no-store');
      return c.json(toWebhookEndpointJson(endpoint, secret), 200);
    });
}
