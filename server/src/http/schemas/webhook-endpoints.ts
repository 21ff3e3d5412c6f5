import { z } from '@hono/zod-openapi';
import type { CreateWebhookEndpointParams, DeletedWebhookEndpoint, UpdateWebhookEndpointParams, WebhookEndpoint, WebhookEventType } from '@trendy-tickets/sdk';
import { WEBHOOK_EVENT_TYPES } from '../../domain/webhook-endpoints.js';
import { type Exact, listOf, text, timestampOut } from './common.js';

/** The server's event types are exactly the SDK's `WebhookEventType`: a type added on one side only fails to compile. */
export const webhookEventTypesMatchWireTypes: Exact<(typeof WEBHOOK_EVENT_TYPES)[number], WebhookEventType> = true;

const EventTypeOrAll = z.enum([...WEBHOOK_EVENT_TYPES, '*']);

const url = z.string().max(2048).openapi({
  description:
    '`https://` in live mode. Test mode also takes `http://` and loopback addresses (a receiver on your own machine). Private, link-local, multicast and cloud-metadata addresses are refused.',
  example: 'https://example.com/tts/webhooks',
});

const enabledEvents = z
  .array(EventTypeOrAll)
  .min(1, 'must name at least one event type, or `*`')
  .max(WEBHOOK_EVENT_TYPES.length + 1)
  .openapi({ description: 'The event types to send; `["*"]` for all, including types added later.', example: ['order.paid', 'ticket.issued'] });

export const CreateWebhookEndpointBody = z
  .strictObject({
    url,
    enabled_events: enabledEvents,
    description: text(500).optional(),
    disabled: z.boolean().optional().openapi({ description: 'Default false. A disabled endpoint receives nothing.' }),
  })
  .openapi('CreateWebhookEndpointParams');

export const UpdateWebhookEndpointBody = z
  .strictObject({
    url: url.optional(),
    enabled_events: enabledEvents.optional(),
    description: text(500).nullable().optional().openapi({ description: '`null` clears it.' }),
    disabled: z.boolean().optional(),
  })
  .openapi('UpdateWebhookEndpointParams');

export const WebhookEndpointSchema = z
  .object({
    id: z.string().openapi({ example: 'we_4QpZ0x2bB8Lr6qXhS1mYtA' }),
    object: z.literal('webhook_endpoint'),
    created_at: timestampOut,
    livemode: z.boolean(),
    url: z.string(),
    enabled_events: z.array(EventTypeOrAll),
    description: z.string().nullable(),
    disabled: z.boolean(),
    disabled_reason: z
      .enum(['organizer', 'failing'])
      .nullable()
      .openapi({ description: 'Why it is disabled: `organizer` (by you), or `failing` (every attempt failed for 3 days); null while enabled.' }),
    disabled_at: timestampOut.nullable().openapi({ description: 'When it was last disabled; null while enabled.' }),
    failing_since: timestampOut
      .nullable()
      .openapi({ description: 'Since when every delivery attempt has failed; null after a success. After 3 days of failures the endpoint is disabled.' }),
    secret: z.string().optional().openapi({ description: 'The signing secret (`whsec_…`): only in the answer that created the endpoint or rolled its secret.' }),
  })
  .openapi('WebhookEndpoint');

export const WebhookEndpointListSchema = listOf(WebhookEndpointSchema, 'WebhookEndpointList');

export const DeletedWebhookEndpointSchema = z.object({ id: z.string(), object: z.literal('webhook_endpoint'), deleted: z.literal(true) }).openapi('DeletedWebhookEndpoint');

export const webhookEndpointSchemasMatchWireTypes: [
  Exact<z.infer<typeof WebhookEndpointSchema>, WebhookEndpoint>,
  Exact<z.infer<typeof DeletedWebhookEndpointSchema>, DeletedWebhookEndpoint>,
] = [true, true];

/** Request bodies take exactly the SDK's parameter types. */
export const webhookEndpointBodiesMatchWireTypes: [
  Exact<z.input<typeof CreateWebhookEndpointBody>, CreateWebhookEndpointParams>,
  Exact<z.input<typeof UpdateWebhookEndpointBody>, UpdateWebhookEndpointParams>,
] = [true, true];
