import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../router.js';
import { errorResponses } from '../schemas/common.js';

const razorpayWebhook = createRoute({
  method: 'post',
  path: '/v1/gateway/razorpay/webhook',
  tags: ['Payments'],
  summary: 'Razorpay webhook',
  description:
    'Point Razorpay’s webhook here with the secret set as `RAZORPAY_WEBHOOK_SECRET`, for `payment.authorized` (late authorizations), `payment.captured`, `order.paid`, `payment.failed`, `refund.processed` and `refund.failed`. Verified over the raw body; each `x-razorpay-event-id` is processed once. Other events, and signed bodies that are not what Razorpay documents, are acknowledged with `ignored: true` and change nothing.',
  responses: {
    200: { description: 'Received.', content: { 'application/json': { schema: z.object({ received: z.boolean(), duplicate: z.boolean(), ignored: z.boolean() }) } } },
    ...errorResponses(400, 401, 403, 409),
  },
});

/** Inbound gateway webhooks. */
export function webhookRoutes() {
  return createRouter().openapi(razorpayWebhook, async (c) => {
    // The signature covers the exact bytes Razorpay sent: read the raw text, never re-serialised JSON.
    const raw = await c.req.text();
    const outcome = await c.var.services.webhooks.receive(raw, c.req.header('X-Razorpay-Signature'), c.req.header('X-Razorpay-Event-Id'));
    if (outcome.ignored === null && outcome.unfinished) {
      const requestId = c.var.requestId;
      outcome.unfinished.catch((err: unknown) => c.var.deps.logger.error('Razorpay webhook work failed after it was answered', { request_id: requestId, err }));
    }
    if (outcome.ignored === 'malformed') {
      c.var.deps.logger.warn('signed Razorpay webhook ignored: its body is not what Razorpay documents', { request_id: c.var.requestId, reason: outcome.reason });
    }
    return c.json({ received: true, duplicate: outcome.duplicate, ignored: outcome.ignored !== null }, 200);
  });
}
