import { auditContext } from '../../http/audit-context.js';
import { Hono } from 'hono';
import { jsx } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { STATUS } from '../../http/errors.js';
import { UpdatePaymentSettingsBody } from '../../http/schemas/payment-settings.js';
import { accountWebhookUrl } from '../../http/serializers.js';
import { toFieldIssues } from '../../http/validation.js';
import { AppError } from '../../kernel/errors.js';
import type { ConsoleContext, ConsoleEnv } from '../context.js';
import { formOf, renderConsole } from '../middleware.js';
import { noticeFrom } from '../notice.js';
import type { FieldErrors } from '../pages/fields.js';
import type { Flash } from '../pages/layout.js';
import { PAYMENTS_PATH, type PaymentFormValues, PaymentsPage } from '../pages/payments.js';

const NOTICES: Record<string, Flash> = {
  connected: { tone: 'ok', message: 'Razorpay accepted the keys: your account is connected.' },
  disconnected: { tone: 'info', message: 'Disconnected: new orders no longer go to that Razorpay account.' },
};

async function show(c: ConsoleContext, extra: { values?: PaymentFormValues; errors?: FieldErrors; flash?: Flash; status?: ContentfulStatusCode } = {}) {
  const { user, services, deps } = c.var;
  const { connected, collector } = await services.paymentAccounts.settings(user.owner);
  const flash = extra.flash ?? noticeFrom(NOTICES, c);
  const page = jsx(PaymentsPage, {
    user,
    connected,
    collector,
    webhookUrl: accountWebhookUrl(deps.config.publicUrl, user.owner.account),
    values: extra.values ?? { key_id: '' },
    errors: extra.errors,
    flash,
  });
  return renderConsole(c, page, extra.status ?? 200);
}

/**
 * Settings → Payments: connect, replace or disconnect the organizer's own Razorpay account for
 * the mode shown. The same service and body schema as `PUT /v1/account/payment_settings`.
 *
 * @example
 * router.route('/', settingsRoutes());
 */
export function settingsRoutes() {
  const router = new Hono<ConsoleEnv>();

  router.get('/console/settings', (c) => c.redirect(PAYMENTS_PATH, 302));
  router.get(PAYMENTS_PATH, (c) => show(c));

  router.post(PAYMENTS_PATH, async function connectRazorpay(c) {
    const form = await formOf(c);
    const values = { key_id: (form.key_id ?? '').trim() };
    try {
      const result = UpdatePaymentSettingsBody.safeParse({
        gateway: 'razorpay',
        key_id: form.key_id ?? '',
        key_secret: form.key_secret ?? '',
        webhook_secret: form.webhook_secret ?? '',
      });
      if (!result.success) throw new AppError('VALIDATION_FAILED', 'Fill in all three fields.', toFieldIssues(result.error.issues, 'json'));
      const body = result.data;
      await c.var.services.paymentAccounts.connect(
        c.var.user.owner,
        { gateway: body.gateway, keyId: body.key_id, keySecret: body.key_secret, webhookSecret: body.webhook_secret },
        auditContext(c),
      );
    } catch (err) {
      if (!(err instanceof AppError) || STATUS[err.code] >= 500) throw err;
      const errors: FieldErrors = {};
      if (Array.isArray(err.details)) for (const issue of err.details) errors[issue.field] ??= issue.message;
      return show(c, { values, errors, flash: { tone: 'bad', message: err.message }, status: STATUS[err.code] });
    }
    return c.redirect(`${PAYMENTS_PATH}?notice=connected`, 303);
  });

  router.post(`${PAYMENTS_PATH}/disconnect`, async function disconnectRazorpay(c) {
    await formOf(c);
    await c.var.services.paymentAccounts.disconnect(c.var.user.owner, auditContext(c));
    return c.redirect(`${PAYMENTS_PATH}?notice=disconnected`, 303);
  });

  return router;
}
