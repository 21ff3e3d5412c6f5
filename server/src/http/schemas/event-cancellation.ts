/**
 * The wire shapes of cancelling an event for its buyers: the request's choice and the run on
 * the event (docs/domain-rules.md#cancelling-an-event).
 */
import { z } from '@hono/zod-openapi';
import type { CancelEventParams, EventCancellation } from '@trendy-tickets/sdk';
import { type Exact, text, timestampOut } from './common.js';

export const CancelEventBody = z
  .strictObject({
    refund_orders: z.boolean().optional().openapi({ description: 'Refund every paid order in full, in the background. Default false.' }),
    notify_buyers: z.boolean().optional().openapi({ description: 'Mail every buyer one cancellation notice. Default true.' }),
    reason: text(500, { multiline: true }).optional().openapi({ description: 'Shown to buyers in the notice.' }),
  })
  .openapi('CancelEventParams');

export const EventCancellationSchema = z
  .object({
    refund_orders: z.boolean(),
    notify_buyers: z.boolean(),
    reason: z.string().nullable(),
    started_at: timestampOut,
    orders_total: z.number().int(),
    orders_refunded: z.number().int(),
    orders_failed: z.number().int().openapi({ description: 'Orders whose latest refund attempt failed; retried with backoff.' }),
    finished_at: timestampOut.nullable(),
  })
  .openapi('EventCancellation');

/** The schemas take exactly the SDK's types (docs/architecture.md, "The server"). */
export const eventCancellationMatchesWireTypes: [Exact<z.infer<typeof EventCancellationSchema>, EventCancellation>, Exact<z.input<typeof CancelEventBody>, CancelEventParams>] = [
  true,
  true,
];
