import { auditContext } from '../../http/audit-context.js';
import type { z } from 'zod';
import { Hono } from 'hono';
import { jsx } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { WEBHOOK_EVENT_TYPES, type WebhookEndpointDoc } from '../../domain/webhook-endpoints.js';
import { AppError, notFound } from '../../kernel/errors.js';
import { idPattern } from '../../kernel/ids.js';
import { STATUS } from '../../http/errors.js';
import { CreateWebhookEndpointBody, UpdateWebhookEndpointBody } from '../../http/schemas/webhook-endpoints.js';
import { toFieldIssues } from '../../http/validation.js';
import type { ConsoleContext, ConsoleEnv } from '../context.js';
import { formOf, renderConsole } from '../middleware.js';
import { noticeFrom } from '../notice.js';
import type { FieldErrors } from '../pages/fields.js';
import type { Flash } from '../pages/layout.js';
import { type EndpointFormValues, WebhookEndpointPage, WebhooksPage } from '../pages/webhooks.js';

const BASE = '/console/developers/webhooks';
const ENDPOINT_ID = idPattern('we');
const DELIVERY_ID = idPattern('whd');
const EMPTY: EndpointFormValues = { url: '', description: '', events: [], disabled: false };
const NOTICES: Record<string, Flash> = {
  saved: { tone: 'ok', message: 'Endpoint saved.' },
  deleted: { tone: 'info', message: 'Endpoint deleted: nothing more is sent to it.' },
  resent: { tone: 'ok', message: 'Queued to send again: the event goes out within a few seconds, with the same id, and shows below as a new attempt.' },
};

/** The endpoint form as sent: each event type is its own checkbox (`event:order.paid`), so no field repeats. */
function readForm(form: Record<string, string>): EndpointFormValues {
  const events = ['*', ...WEBHOOK_EVENT_TYPES].filter((type) => form[`event:${type}`] === 'on');
  return { url: (form.url ?? '').trim(), description: (form.description ?? '').trim(), events, disabled: form.disabled === 'on' };
}

/** Parses the form with the API's own body schema, so the console accepts exactly what the API does. */
function parsed<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
  if (!result.success) throw new AppError('VALIDATION_FAILED', 'The endpoint has invalid fields.', toFieldIssues(result.error.issues, 'json'));
  return result.data;
}

const valuesOf = (e: WebhookEndpointDoc): EndpointFormValues => ({ url: e.url, description: e.description ?? '', events: e.enabled_events, disabled: e.disabled });

/** A refused save as the form shows it: field problems under their fields, anything else as a banner. */
function problemOf(err: unknown): { errors: FieldErrors; flash?: Flash; status: ContentfulStatusCode } {
  if (!(err instanceof AppError) || STATUS[err.code] >= 500) throw err;
  const errors: FieldErrors = {};
  if (Array.isArray(err.details)) for (const issue of err.details) errors[issue.field] ??= issue.message;
  return { errors, flash: { tone: 'bad', message: err.message }, status: STATUS[err.code] };
}

async function endpointOf(c: ConsoleContext): Promise<WebhookEndpointDoc> {
  const id = c.req.param('id') ?? '';
  if (!ENDPOINT_ID.test(id)) throw notFound('webhook endpoint', id);
  return c.var.services.webhookEndpoints.get(c.var.user.owner, id);
}

async function showList(c: ConsoleContext, extra: Partial<Parameters<typeof WebhooksPage>[0]> & { status?: ContentfulStatusCode } = {}) {
  const { user, services } = c.var;
  const page = await services.webhookEndpoints.list(user.owner, { limit: 100 });
  const flash = extra.flash ?? noticeFrom(NOTICES, c);
  return renderConsole(c, jsx(WebhooksPage, { user, endpoints: page.data, values: EMPTY, ...extra, flash }), extra.status ?? 200);
}

async function showEndpoint(c: ConsoleContext, endpoint: WebhookEndpointDoc, extra: Partial<Parameters<typeof WebhookEndpointPage>[0]> & { status?: ContentfulStatusCode } = {}) {
  const { user, services } = c.var;
  const deliveries = await services.webhookEndpoints.recentDeliveries(user.owner, endpoint._id);
  const flash = extra.flash ?? noticeFrom(NOTICES, c);
  return renderConsole(c, jsx(WebhookEndpointPage, { user, endpoint, values: valuesOf(endpoint), deliveries, ...extra, flash }), extra.status ?? 200);
}

/**
 * Webhook endpoints in the console: list and add (the secret shown once), edit, disable, roll
 * the secret, delete, and each endpoint's recent delivery attempts, each of which can be resent. The same service as
 * `/v1/webhook_endpoints`, so the URL rules and the limit are the API's.
 *
 * @example
 * router.route('/', webhookConsoleRoutes());
 */
export function webhookConsoleRoutes() {
  const router = new Hono<ConsoleEnv>();

  router.get(BASE, (c) => showList(c));

  router.post(BASE, async function addEndpoint(c) {
    const values = readForm(await formOf(c));
    try {
      const body = parsed(CreateWebhookEndpointBody, {
        url: values.url,
        enabled_events: values.events,
        ...(values.description ? { description: values.description } : {}),
      });
      const created = await c.var.services.webhookEndpoints.create(c.var.user.owner, body, auditContext(c));
      return showList(c, { revealed: { endpoint: created.endpoint, secret: created.secret }, status: 201 });
    } catch (err) {
      return showList(c, { values, ...problemOf(err) });
    }
  });

  router.get(`${BASE}/:id`, async (c) => showEndpoint(c, await endpointOf(c)));

  router.post(`${BASE}/:id`, async function saveEndpoint(c) {
    const endpoint = await endpointOf(c);
    const values = readForm(await formOf(c));
    try {
      const patch = parsed(UpdateWebhookEndpointBody, {
        url: values.url,
        enabled_events: values.events,
        description: values.description || null,
        disabled: values.disabled,
      });
      await c.var.services.webhookEndpoints.update(c.var.user.owner, endpoint._id, patch, auditContext(c));
    } catch (err) {
      return showEndpoint(c, endpoint, { values, ...problemOf(err) });
    }
    return c.redirect(`${BASE}/${endpoint._id}?notice=saved`, 303);
  });

  router.post(`${BASE}/:id/roll`, async function rollSecret(c) {
    const endpoint = await endpointOf(c);
    await formOf(c);
    try {
      const rolled = await c.var.services.webhookEndpoints.rollSecret(c.var.user.owner, endpoint._id, auditContext(c));
      return showEndpoint(c, rolled.endpoint, { rolledSecret: rolled.secret });
    } catch (err) {
      return showEndpoint(c, endpoint, problemOf(err));
    }
  });

  router.post(`${BASE}/:id/deliveries/:delivery/resend`, async function resendDelivery(c) {
    const endpoint = await endpointOf(c);
    await formOf(c);
    const delivery = c.req.param('delivery');
    if (!DELIVERY_ID.test(delivery)) throw notFound('webhook delivery', delivery);
    try {
      await c.var.services.webhookEndpoints.resend(c.var.user.owner, endpoint._id, delivery);
    } catch (err) {
      return showEndpoint(c, endpoint, problemOf(err));
    }
    return c.redirect(`${BASE}/${endpoint._id}?notice=resent#deliveries`, 303);
  });

  router.post(`${BASE}/:id/delete`, async function deleteEndpoint(c) {
    const endpoint = await endpointOf(c);
    const form = await formOf(c);
    if (form.confirm !== 'on') return showEndpoint(c, endpoint, { errors: { confirm: 'Tick the box to confirm.' }, status: 400 });
    await c.var.services.webhookEndpoints.remove(c.var.user.owner, endpoint._id, auditContext(c));
    return c.redirect(`${BASE}?notice=deleted`, 303);
  });

  return router;
}
