import { auditContext } from '../audit-context.js';
import { createRoute } from '@hono/zod-openapi';
import { assertCanSellFrom } from '../../domain/events.js';
import { foreignOrigin } from '../middleware/cors.js';
import { requireKey } from '../middleware/auth.js';
import { bearer, createRouter } from '../router.js';
import { errorResponses, IdParam, ListQuery } from '../schemas/common.js';
import { CreateEventBody, EventListSchema, EventSchema, PublicEventSchema, UpdateEventBody } from '../schemas/events.js';
import { CancelEventBody } from '../schemas/event-cancellation.js';
import { PublicEventQuery } from '../schemas/promo-codes.js';
import { jsonText, publicEventBody } from '../public-event-body.js';
import { toEventJson, toList } from '../serializers.js';

const eventJson = { 'application/json': { schema: EventSchema } };
const secret = { security: bearer, middleware: [requireKey('secret')], tags: ['Events'] };

const createEvent = createRoute({
  ...secret,
  method: 'post',
  path: '/v1/events',
  summary: 'Create an event',
  description: 'The event id (`evt_…`) is the Event Token partner pages embed. Events created with a test key are test events.',
  request: { body: { required: true, content: { 'application/json': { schema: CreateEventBody } } } },
  responses: { 201: { description: 'The event.', content: eventJson }, ...errorResponses(400, 401, 403, 413) },
});

const listEvents = createRoute({
  ...secret,
  method: 'get',
  path: '/v1/events',
  summary: 'List events',
  description: 'Newest first, in the mode (test or live) of the key.',
  request: { query: ListQuery },
  responses: {
    200: { description: 'A page of events.', content: { 'application/json': { schema: EventListSchema } } },
    ...errorResponses(400, 401, 403),
  },
});

const retrieveEvent = createRoute({
  ...secret,
  method: 'get',
  path: '/v1/events/{id}',
  summary: 'Retrieve an event',
  request: { params: IdParam },
  responses: { 200: { description: 'The event.', content: eventJson }, ...errorResponses(401, 403, 404) },
});

const updateEvent = createRoute({
  ...secret,
  method: 'patch',
  path: '/v1/events/{id}',
  summary: 'Update an event',
  description:
    'Changes only the fields sent. `ticket_types`, when sent, is the whole list: keep a type by sending its `id`, add one by leaving `id` out. Capacity never goes below sold + held.',
  request: { params: IdParam, body: { required: true, content: { 'application/json': { schema: UpdateEventBody } } } },
  responses: { 200: { description: 'The event.', content: eventJson }, ...errorResponses(400, 401, 403, 404, 409, 413) },
});

const cancelEvent = createRoute({
  ...secret,
  method: 'post',
  path: '/v1/events/{id}/cancel',
  summary: 'Cancel an event',
  description:
    'Stops sales for good; its tickets are refused at the door with `event_cancelled`. With `refund_orders`, every paid order is refunded in full in the background, each exactly once, failures retried with backoff (needs the `orders:refund` permission too); `cancellation` on the event counts them. Every buyer gets one notice by email (with the refund, when refunded) unless `notify_buyers` is false. Cancelling again returns the event as it is; cancelling with `refund_orders` an event cancelled with neither refunds nor notices starts the refunds.',
  request: { params: IdParam, body: { required: false, content: { 'application/json': { schema: CancelEventBody } } } },
  responses: { 200: { description: 'The cancelled event.', content: eventJson }, ...errorResponses(401, 403, 404) },
});

const retrievePublicEvent = createRoute({
  method: 'get',
  path: '/v1/public/events/{id}',
  tags: ['Public'],
  summary: 'Public view of an event',
  description:
    'What a checkout page shows. Takes the publishable key; browsers may call it from the event’s allowed origins. With `?promo_code=`, the hidden ticket types the code unlocks are listed and `promo` describes it; a code that cannot be used answers 422 `PROMO_CODE_INVALID` with `details.reason`.',
  security: bearer,
  middleware: [requireKey('any')],
  request: { params: IdParam, query: PublicEventQuery },
  responses: {
    200: { description: 'The event as buyers see it.', content: { 'application/json': { schema: PublicEventSchema } } },
    ...errorResponses(400, 401, 403, 404, 422),
  },
});

/** Organizer event management and the public event view. */
export function eventRoutes() {
  return createRouter()
    .openapi(createEvent, async (c) => {
      const event = await c.var.services.events.create(c.get('owner'), c.req.valid('json'), auditContext(c));
      return c.json(toEventJson(event), 201);
    })
    .openapi(listEvents, async (c) => {
      const page = await c.var.services.events.list(c.get('owner'), c.req.valid('query'));
      return c.json(toList(page, toEventJson), 200);
    })
    .openapi(retrieveEvent, async (c) => {
      const event = await c.var.services.events.get(c.get('owner'), c.req.valid('param').id);
      return c.json(toEventJson(event), 200);
    })
    .openapi(updateEvent, async (c) => {
      const event = await c.var.services.events.update(c.get('owner'), c.req.valid('param').id, c.req.valid('json'), auditContext(c));
      return c.json(toEventJson(event), 200);
    })
    .openapi(cancelEvent, async (c) => {
      const input = c.req.valid('json') ?? {};
      const cancellation = c.var.services.eventCancellation;
      const [owner, id, audit] = [c.get('owner'), c.req.valid('param').id, auditContext(c)];
      // Two methods, so refunding every order also needs the permission to refund (service-permissions.ts).
      const event = input.refund_orders ? await cancellation.cancelAndRefund(owner, id, input, audit) : await cancellation.cancel(owner, id, input, audit);
      return c.json(toEventJson(event), 200);
    })
    .openapi(retrievePublicEvent, async (c) => {
      // c.get, not c.var: c.var copies every variable into a new object on each access.
      const { event, holdsExpireAt } = await c.get('services').events.readPublic(c.get('owner'), c.req.valid('param').id);
      assertCanSellFrom(event, foreignOrigin(c));
      // A code that cannot be used answers 422 with its reason, so the checkout can say why.
      const typed = c.req.valid('query').promo_code;
      const promo = typed === undefined ? null : await c.get('services').promoCodes.usable(event, typed);
      // The same text as c.json(toPublicEventJson(...)), written once per event document.
      return jsonText(c, publicEventBody(event, c.get('deps').clock.now(), holdsExpireAt, promo), 200);
    });
}
