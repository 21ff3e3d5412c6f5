import { auditContext } from '../audit-context.js';
import { createRoute } from '@hono/zod-openapi';
import type { Order, RefundFailedDetails, RefundFailureReason, RefundOrderParams } from '@trendy-tickets/sdk';
import type { Context } from 'hono';
import { AppError } from '../../kernel/errors.js';
import { HAS_TICKETS, type OrderAccess, type OrderDoc } from '../../domain/orders.js';
import type { AppEnv } from '../context.js';
import { requireKey } from '../middleware/auth.js';
import type { ReplaySecret } from '../middleware/idempotency.js';
import { foreignOrigin } from '../middleware/cors.js';
import { bearer, createRouter } from '../router.js';
import { errorResponses, IdParam } from '../schemas/common.js';
import { ClientSecretBody, ClientSecretQuery, CreateOrderBody, OrderSchema, PayOrderBody, RefundOrderBody, VerifyOrderBody } from '../schemas/orders.js';
import { toOrderJson } from '../serializers.js';

const orderJson = { 'application/json': { schema: OrderSchema } };
const anyKey = { security: bearer, middleware: [requireKey('any')], tags: ['Orders'] };
const body = <T>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });

/**
 * Who is asking for an order: with a secret key, its organizer; with a
 * publishable key, only whoever holds the order's client secret (the buyer's
 * browser that created it).
 */
function accessOf(c: Context<AppEnv>, clientSecret: string | undefined): OrderAccess {
  const auth = c.get('auth');
  const owner = c.get('owner');
  if (auth.key.kind === 'secret') return { owner };
  if (clientSecret === undefined) {
    throw new AppError('VALIDATION_FAILED', 'With a publishable key, send the order’s client_secret.', [{ field: 'client_secret', message: 'is required with a publishable key' }]);
  }
  return { owner, clientSecret };
}

/** The order as the API shows it, with its tickets once there are any. */
async function orderBody(c: Context<AppEnv>, order: OrderDoc, clientSecret?: string): Promise<Order> {
  const tickets = HAS_TICKETS.includes(order.status) ? await c.var.services.tickets.listForOrder(order._id) : [];
  return toOrderJson(order, tickets, c.var.deps.config.publicUrl, clientSecret);
}

/**
 * The `client_secret` of a replayed `POST /v1/orders`, derived again: the idempotency record
 * stores the order without it (see `idempotency({ secretFields })`).
 */
export const replayClientSecret: ReplaySecret = async (c, body) => (typeof body.id === 'string' && body.object === 'order' ? c.var.services.orders.clientSecretOf(body.id) : null);

const createOrder = createRoute({
  ...anyKey,
  method: 'post',
  path: '/v1/orders',
  summary: 'Start an order',
  description:
    'Holds the seats at once (one atomic update; `SOLD_OUT` otherwise) until `expires_at`. Prices come from the event. With email verification on, a 6-digit code is mailed to the buyer. The response carries the `client_secret` the buyer’s page needs for every later step; it is shown only here.',
  request: { body: body(CreateOrderBody) },
  responses: { 201: { description: 'The order, holding seats.', content: orderJson }, ...errorResponses(400, 401, 403, 404, 409, 413, 429, 503) },
});

const verifyOrder = createRoute({
  ...anyKey,
  method: 'post',
  path: '/v1/orders/{id}/verify',
  summary: 'Verify the buyer’s email',
  description: 'Checks the 6-digit code (5 tries per code, valid 10 minutes). On success the order awaits payment and `payment` says how to pay.',
  request: { params: IdParam, body: body(VerifyOrderBody) },
  responses: { 200: { description: 'The order, awaiting payment.', content: orderJson }, ...errorResponses(400, 401, 403, 404, 409, 503) },
});

const resendCode = createRoute({
  ...anyKey,
  method: 'post',
  path: '/v1/orders/{id}/resend-code',
  summary: 'Send a new email code',
  description: 'Replaces the code (the old one stops working). At most 5 codes per email address per hour.',
  request: { params: IdParam, body: { required: false, content: { 'application/json': { schema: ClientSecretBody } } } },
  responses: { 200: { description: 'The order.', content: orderJson }, ...errorResponses(400, 401, 403, 404, 409, 429) },
});

const payOrder = createRoute({
  ...anyKey,
  method: 'post',
  path: '/v1/orders/{id}/pay',
  summary: 'Complete payment',
  description:
    'Send what Razorpay Checkout (or the test gateway) returned. The signature is checked against the order’s own gateway order, and the payment is confirmed with the gateway before tickets are issued, exactly once.',
  request: { params: IdParam, body: body(PayOrderBody) },
  responses: { 200: { description: 'The paid order with its tickets.', content: orderJson }, ...errorResponses(400, 401, 402, 403, 404, 409, 503) },
});

const retrieveOrder = createRoute({
  ...anyKey,
  method: 'get',
  path: '/v1/orders/{id}',
  summary: 'Retrieve an order',
  request: { params: IdParam, query: ClientSecretQuery },
  responses: { 200: { description: 'The order.', content: orderJson }, ...errorResponses(400, 401, 403, 404) },
});

const cancelOrder = createRoute({
  ...anyKey,
  method: 'post',
  path: '/v1/orders/{id}/cancel',
  summary: 'Cancel an unpaid order',
  description: 'Releases the held seats at once.',
  request: { params: IdParam, body: { required: false, content: { 'application/json': { schema: ClientSecretBody } } } },
  responses: { 200: { description: 'The cancelled order.', content: orderJson }, ...errorResponses(400, 401, 403, 404, 409) },
});

const refundOrder = createRoute({
  security: bearer,
  middleware: [requireKey('secret')],
  tags: ['Orders'],
  method: 'post',
  path: '/v1/orders/{id}/refund',
  summary: 'Refund a paid order, in full or in part',
  description:
    'Asks Razorpay to refund `amount` paise, or the `tickets` listed (their share of what was paid; they are voided and their seats go back on sale once the refund is processed), or, with neither, what remains. Repeatable until everything paid is refunded. The amount is reserved on the order at once (`refunded_amount`), so refunds racing for the last rupee get it once: one asking for more than remains is refused with **409 `REFUND_EXCEEDS_REMAINING`** (`details.requested`, `details.remaining`). **200**: Razorpay processed the refund (usually at once): the order is `partially_refunded`, or `refunded` once nothing remains (every ticket voided), and the buyer is told by email; with neither field, a call on an order with nothing left to refund answers the order as it stands. **202**: Razorpay took the refund, or could not be reached, and it is not finished; `refund.status` and its entry in `refunds` say `pending` until it ends (by Razorpay’s webhook or the server asking again with backoff). **409 `REFUND_FAILED`**: Razorpay refused it (too little balance, a payment older than 6 months); the order keeps its state, its tickets valid, the amount may be asked for again; `details.reason` names why and `details.order` is the order as it stands; the organizer is mailed and the buyer told nothing.',
  request: { params: IdParam, body: { required: false, content: { 'application/json': { schema: RefundOrderBody } } } },
  responses: {
    200: { description: 'The refunded order.', content: orderJson },
    202: { description: 'The paid order, its refund pending at Razorpay.', content: orderJson },
    ...errorResponses(400, 401, 403, 404, 409, 503),
  },
});

/** The wire reasons of `REFUND_FAILED`; any other refusal of the gateway is `refused`. */
const REFUND_FAILURE_REASONS: readonly RefundFailureReason[] = ['insufficient_balance', 'too_old', 'not_found', 'invalid', 'refused', 'failed_at_gateway'];

/**
 * The answer to a refund call, by where the refund stands (docs/decisions/0022): 200 done, 202
 * pending at the gateway, 409 `REFUND_FAILED` refused. The order is written either way.
 */
function refundAnswer(order: OrderDoc, body: Order): { status: 200 | 202 } | AppError {
  if (order.status === 'refunded' || !order.refund || order.refund.status === 'processed') return { status: 200 };
  if (order.refund.status === 'pending') return { status: 202 };
  const code = order.refund.failure_code ?? 'refused';
  const details: RefundFailedDetails = { reason: REFUND_FAILURE_REASONS.find((r) => r === code) ?? 'refused', order: body };
  return new AppError('REFUND_FAILED', order.refund.failure_reason ?? 'The payment gateway did not refund the payment.', { ...details });
}

/** Attendee checkout: orders from hold to payment, and refunds. */
export function orderRoutes() {
  return createRouter()
    .openapi(createOrder, async (c) => {
      const input = c.req.valid('json');
      // Only publishable keys come from browsers: requireKey refuses a secret key sent with an Origin.
      const origin = c.get('auth').key.kind === 'publishable' ? foreignOrigin(c) : undefined;
      const { order, clientSecret } = await c.var.services.orders.create(c.get('owner'), input, { ip: c.get('clientKey'), origin });
      return c.json(await orderBody(c, order, clientSecret), 201);
    })
    .openapi(verifyOrder, async (c) => {
      const { code, client_secret } = c.req.valid('json');
      return c.json(await orderBody(c, await c.var.services.orders.verify(accessOf(c, client_secret), c.req.valid('param').id, code)), 200);
    })
    .openapi(resendCode, async (c) => {
      const { client_secret } = (c.req.valid('json') ?? {}) as { client_secret?: string };
      return c.json(await orderBody(c, await c.var.services.orders.resendCode(accessOf(c, client_secret), c.req.valid('param').id, { ip: c.get('clientKey') })), 200);
    })
    .openapi(payOrder, async (c) => {
      const { client_secret, ...payment } = c.req.valid('json');
      return c.json(await orderBody(c, await c.var.services.fulfilment.pay(accessOf(c, client_secret), c.req.valid('param').id, payment)), 200);
    })
    .openapi(retrieveOrder, async (c) => {
      const { client_secret } = c.req.valid('query');
      return c.json(await orderBody(c, await c.var.services.orders.retrieve(accessOf(c, client_secret), c.req.valid('param').id)), 200);
    })
    .openapi(cancelOrder, async (c) => {
      const { client_secret } = (c.req.valid('json') ?? {}) as { client_secret?: string };
      const access = accessOf(c, client_secret);
      // An organizer's secret key is recorded; a buyer cancelling their own checkout is not an account change.
      const audit = access.clientSecret === undefined ? auditContext(c) : undefined;
      return c.json(await orderBody(c, await c.var.services.orders.cancel(access, c.req.valid('param').id, audit)), 200);
    })
    .openapi(refundOrder, async (c) => {
      const input = (c.req.valid('json') ?? {}) as RefundOrderParams;
      const order = await c.var.services.fulfilment.refund(c.get('owner'), c.req.valid('param').id, input, auditContext(c));
      const body = await orderBody(c, order);
      const answer = refundAnswer(order, body);
      if (answer instanceof AppError) throw answer;
      return c.json(body, answer.status);
    });
}
