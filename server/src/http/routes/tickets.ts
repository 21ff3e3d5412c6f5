import { auditContext } from '../audit-context.js';
import { createRoute, z } from '@hono/zod-openapi';
import { notFound } from '../../kernel/errors.js';
import { isCheckoutFailure } from '../../payments/test-gateway.js';
import { optionalKey, requireKey } from '../middleware/auth.js';
import { bearer, createRouter } from '../router.js';
import { errorResponses, IdParam } from '../schemas/common.js';
import { IssueTicketsBody, PublicTicketSchema, TestGatewayBody, TestGatewayResultSchema, TicketListSchema, TicketSchema } from '../schemas/orders.js';
import { toPublicTicketJson, toTicketJson } from '../serializers.js';

const json = <T>(schema: T) => ({ 'application/json': { schema } });

const issueTickets = createRoute({
  security: bearer,
  middleware: [requireKey('secret')],
  tags: ['Tickets'],
  method: 'post',
  path: '/v1/tickets',
  summary: 'Issue tickets',
  description:
    'For payments you took yourself, or complimentary tickets: issues `quantity` tickets to the holder, takes the seats (`SOLD_OUT` when there are none) and, unless `send_email` is false, emails them. Send an `Idempotency-Key` so a retried call issues once.',
  request: { body: { required: true, content: json(IssueTicketsBody) } },
  responses: { 201: { description: 'The tickets issued.', content: json(TicketListSchema) }, ...errorResponses(400, 401, 403, 404, 409, 413) },
});

const retrieveTicket = createRoute({
  security: [{}, ...bearer],
  middleware: [optionalKey()],
  tags: ['Tickets'],
  method: 'get',
  path: '/v1/tickets/{id}',
  summary: 'Retrieve a ticket',
  description: 'Without a key: the public view (event, type, holder’s first name, status, validity). With the organizer’s secret key: the whole ticket.',
  request: { params: IdParam },
  responses: {
    200: { description: 'The ticket.', content: json(z.union([TicketSchema, PublicTicketSchema])) },
    ...errorResponses(401, 404),
  },
});

const voidTicket = createRoute({
  security: bearer,
  middleware: [requireKey('secret')],
  tags: ['Tickets'],
  method: 'post',
  path: '/v1/tickets/{id}/void',
  summary: 'Void a ticket',
  description: 'The ticket stops admitting and its seat returns to sale.',
  request: { params: IdParam },
  responses: { 200: { description: 'The voided ticket.', content: json(TicketSchema) }, ...errorResponses(401, 403, 404) },
});

const simulatePayment = createRoute({
  security: bearer,
  middleware: [requireKey('any')],
  tags: ['Test mode'],
  method: 'post',
  path: '/v1/test-gateway/payments',
  summary: 'Pay a test order',
  description:
    'Test keys only. Plays the part of Razorpay Checkout: pays (or fails) the gateway order and returns what Checkout would hand your page, signed exactly as Razorpay signs. Pass it to `POST /v1/orders/{id}/pay`. The payment keeps the buyer’s email, which decides how a later refund ends: a buyer `refund-fails@…` has it refused (409 `REFUND_FAILED`), `refund-pending@…` pending (202) then processed a minute later, `refund-pending-fails@…` pending then failed; any other, processed at once.',
  request: { body: { required: true, content: json(TestGatewayBody) } },
  responses: { 200: { description: 'The simulated payment.', content: json(TestGatewayResultSchema) }, ...errorResponses(400, 401, 403, 404) },
});

/** Tickets, and the test gateway that stands in for Razorpay Checkout in test mode. */
export function ticketRoutes() {
  return createRouter()
    .openapi(issueTickets, async (c) => {
      const { deps } = c.var;
      const input = c.req.valid('json');
      const { tickets } = await c.var.services.fulfilment.issueWithTickets(c.get('owner'), { ...input, quantity: input.quantity ?? 1 }, auditContext(c));
      return c.json({ object: 'list' as const, data: tickets.map((t) => toTicketJson(t, deps.config.publicUrl)), has_more: false, next_cursor: null }, 201);
    })
    .openapi(retrieveTicket, async (c) => {
      const { id } = c.req.valid('param');
      const auth = c.get('auth') as typeof c.var.auth | undefined;
      if (auth?.key.kind === 'secret') {
        const ticket = await c.var.services.tickets.get(c.get('owner'), id);
        return c.json(toTicketJson(ticket, c.var.deps.config.publicUrl), 200);
      }
      const ticket = await c.var.services.tickets.findById(id);
      const event = ticket && (await c.var.services.events.findById(ticket.event));
      if (!ticket || !event) throw notFound('ticket', id);
      return c.json(toPublicTicketJson(ticket, event), 200);
    })
    .openapi(voidTicket, async (c) => {
      const ticket = await c.var.services.tickets.void(c.get('owner'), c.req.valid('param').id, auditContext(c));
      return c.json(toTicketJson(ticket, c.var.deps.config.publicUrl), 200);
    })
    .openapi(simulatePayment, async (c) => {
      const { gateway_order_id, outcome } = c.req.valid('json');
      const result = await c.var.services.testCheckout.simulate(c.get('owner'), gateway_order_id, outcome);
      if (isCheckoutFailure(result)) {
        const { code, description, reason, metadata } = result.error;
        return c.json({ outcome: 'failure' as const, gateway_order_id, gateway_payment_id: metadata.payment_id, signature: null, error: { code, description, reason } }, 200);
      }
      return c.json({ outcome: 'success' as const, gateway_order_id, gateway_payment_id: result.razorpay_payment_id, signature: result.razorpay_signature, error: null }, 200);
    });
}
