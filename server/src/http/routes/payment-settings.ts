import { auditContext } from '../audit-context.js';
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../context.js';
import { requireKey } from '../middleware/auth.js';
import { bearer, createRouter } from '../router.js';
import { errorResponses } from '../schemas/common.js';
import { PaymentSettingsSchema, UpdatePaymentSettingsBody } from '../schemas/payment-settings.js';
import { toPaymentSettingsJson } from '../serializers.js';

const settingsJson = { 'application/json': { schema: PaymentSettingsSchema } };
const secret = { security: bearer, middleware: [requireKey('secret')], tags: ['Payments'] };
const PATH = '/v1/account/payment_settings';

const retrieveSettings = createRoute({
  ...secret,
  method: 'get',
  path: PATH,
  summary: 'Payment settings',
  description:
    'Where the key’s mode’s payments go (`collected_by`), the connected Razorpay account (its key id and the last four characters of its secrets, never the secrets), and the webhook URL to enter in that Razorpay account’s dashboard.',
  responses: { 200: { description: 'The settings.', content: settingsJson }, ...errorResponses(401, 403) },
});

const updateSettings = createRoute({
  ...secret,
  method: 'put',
  path: PATH,
  summary: 'Connect your Razorpay account',
  description: [
    'Buyers then pay the organizer’s own Razorpay account for this mode’s orders: `rzp_test_` keys with a test key (instead of the built-in test gateway), `rzp_live_` keys with a live key. Live sales need a connected account unless the installation collects for organizers.',
    'The key id and secret are checked with Razorpay before they are saved (one read of your orders); keys Razorpay refuses are 400 `VALIDATION_FAILED`. Secrets are stored encrypted and never returned. Orders taken before keep using the keys that took them.',
  ].join('\n\n'),
  request: { body: { required: true, content: { 'application/json': { schema: UpdatePaymentSettingsBody } } } },
  responses: { 200: { description: 'The settings, now with the account.', content: settingsJson }, ...errorResponses(400, 401, 403, 413, 503) },
});

const deleteSettings = createRoute({
  ...secret,
  method: 'delete',
  path: PATH,
  summary: 'Disconnect your Razorpay account',
  description:
    'New orders of this mode stop going to the account (live sales stop unless the installation collects). Orders it took are still captured, refunded and reconciled through it.',
  responses: { 200: { description: 'The settings, without the account.', content: settingsJson }, ...errorResponses(401, 403) },
});

async function answer(c: Context<AppEnv>) {
  const owner = c.var.owner;
  const { connected, collector } = await c.var.services.paymentAccounts.settings(owner);
  return toPaymentSettingsJson({ account: owner.account, livemode: owner.livemode, connected, collector, publicUrl: c.var.deps.config.publicUrl });
}

/** The organizer's own payment account (docs/decisions/0026-payment-port-and-organizer-accounts.md). */
export function paymentSettingsRoutes() {
  return createRouter()
    .openapi(retrieveSettings, async (c) => c.json(await answer(c), 200))
    .openapi(updateSettings, async (c) => {
      const body = c.req.valid('json');
      await c.var.services.paymentAccounts.connect(
        c.var.owner,
        { gateway: body.gateway, keyId: body.key_id, keySecret: body.key_secret, webhookSecret: body.webhook_secret },
        auditContext(c),
      );
      return c.json(await answer(c), 200);
    })
    .openapi(deleteSettings, async (c) => {
      await c.var.services.paymentAccounts.disconnect(c.var.owner, auditContext(c));
      return c.json(await answer(c), 200);
    });
}
