import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../router.js';
import { errorResponses } from '../schemas/common.js';

const razorpayWebhook = createRoute({
  method: 'post',
  path: '/v1/gateway/razorpay/webhook',
  tags: ['Payments'],
  summary: 'Razorpay webhook',
  description:
    'Point Razorpay’s webhook here with the secret set as `RAZORPAY_WEBHOOK_SECRET`, for `payment.captured`, `order.paid`, `payment.failed` and `refund.processed`. Verified over the raw body; each `x-razorpay-event-id` is processed once.',
  responses: {
    200: { description: 'Received.', content: { 'application/json': { schema: z.object({ received: z.boolean(), duplicate: z.boolean() }) } } },
    ...errorResponses(400, 401, 403, 409),
  },
});

/** Inbound gateway webhooks. */
export function webhookRoutes() {
  return createRouter().openapi(razorpayWebhook, async (c) => {
    // The signature covers the exact bytes Razorpay sent: read the raw text, never re-serialised JSON.
    const raw = await c.req.text();
    const { duplicate } = await c.var.services.webhooks.receive(raw, c.req.header('X-Razorpay-Signature'), c.req.header('X-Razorpay-Event-Id'));
    return c.json({ received: true, duplicate }, 200);
  });
}
