import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../context.js';
import { idPattern } from '../../kernel/ids.js';
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

const accountRazorpayWebhook = createRoute({
  method: 'post',
  path: '/v1/gateway/razorpay/webhook/{account}',
  tags: ['Payments'],
  summary: 'Razorpay webhook of one account',
  description:
    'The webhook URL of one organizer’s connected Razorpay account (shown in Settings → Payments and in `GET /v1/account/payment_settings`), verified with that account’s own webhook secret; it acts only on that account’s orders. Same events and answers as the installation-wide webhook.',
  request: { params: z.object({ account: z.string().regex(idPattern('acct')) }) },
  responses: {
    200: { description: 'Received.', content: { 'application/json': { schema: z.object({ received: z.boolean(), duplicate: z.boolean(), ignored: z.boolean() }) } } },
    ...errorResponses(400, 401, 403, 409),
  },
});

/** Inbound gateway webhooks: the installation's, and each connected account's. */
export function webhookRoutes() {
  return createRouter()
    .openapi(razorpayWebhook, (c) => receive(c, null))
    .openapi(accountRazorpayWebhook, (c) => receive(c, c.req.valid('param').account));
}

/** One delivery, to the installation's URL (`account` null) or an account's. */
async function receive(c: Context<AppEnv>, account: string | null) {
  // The signature covers the exact bytes Razorpay sent: read the raw text, never re-serialised JSON.
  const raw = await c.req.text();
  const headers = { 'x-razorpay-signature': c.req.header('X-Razorpay-Signature'), 'x-razorpay-event-id': c.req.header('X-Razorpay-Event-Id') };
  const outcome = await c.var.services.webhooks.receive(account, raw, headers);
  if (outcome.ignored === null && outcome.unfinished) {
    const requestId = c.var.requestId;
    outcome.unfinished.catch((err: unknown) => c.var.deps.logger.error('Razorpay webhook work failed after it was answered', { request_id: requestId, err }));
  }
  if (outcome.ignored === 'malformed') {
    c.var.deps.logger.warn('signed Razorpay webhook ignored: its body is not what Razorpay documents', { request_id: c.var.requestId, reason: outcome.reason });
  }
  return c.json({ received: true, duplicate: outcome.duplicate, ignored: outcome.ignored !== null }, 200);
}
