import { z } from '@hono/zod-openapi';
import { WaitingListEntrySchema } from './waiting-list.js';
import type { EventLogEntry, EventLogListParams } from '@trendy-tickets/sdk';
import { DOMAIN_EVENT_TYPES } from '../../domain/domain-events.js';
import { CheckinSchema } from './checkins.js';
import { type Exact, ListQuery, listOf, timestampOut } from './common.js';
import { EventSchema } from './events.js';
import { OrderSchema, TicketSchema } from './orders.js';

/** One member of the union: an entry of `type` carrying `object` as its `data.object`. */
function entryOf<T extends (typeof DOMAIN_EVENT_TYPES)[number], O extends z.ZodType>(type: T, object: O) {
  return z.object({
    id: z.string().openapi({ example: 'ev_3f9a0c1d2e4b5a6978d0c1e2' }),
    object: z.literal('event_log_entry'),
    type: z.literal(type),
    created_at: timestampOut,
    livemode: z.boolean(),
    account: z.string(),
    data: z.object({ object }),
  });
}

export const EventLogEntrySchema = z
  .discriminatedUnion('type', [
    entryOf('order.created', OrderSchema),
    entryOf('order.verified', OrderSchema),
    entryOf('order.paid', OrderSchema),
    entryOf('order.expired', OrderSchema),
    entryOf('order.cancelled', OrderSchema),
    entryOf('order.partially_refunded', OrderSchema),
    entryOf('order.refunded', OrderSchema),
    entryOf('ticket.issued', TicketSchema),
    entryOf('ticket.voided', TicketSchema),
    entryOf('checkin.created', CheckinSchema),
    entryOf('checkin.deleted', CheckinSchema),
    entryOf('event.created', EventSchema),
    entryOf('event.updated', EventSchema),
    entryOf('event.cancelled', EventSchema),
    entryOf('waiting_list_entry.offered', WaitingListEntrySchema),
    entryOf('waiting_list_entry.claimed', WaitingListEntrySchema),
    entryOf('waiting_list_entry.lapsed', WaitingListEntrySchema),
  ])
  .openapi('EventLogEntry');

export const EventLogListSchema = listOf(EventLogEntrySchema, 'EventLogList');

export const EventLogQuery = ListQuery.extend({
  type: z.enum(DOMAIN_EVENT_TYPES).optional().openapi({ description: 'Only entries of this type.' }),
  object: z.string().max(64).optional().openapi({ description: 'Only entries about this object (`ord_…`, `tkt_…`, `chk_…`, `evt_…`).' }),
});

export const eventLogSchemasMatchWireTypes: [Exact<z.infer<typeof EventLogEntrySchema>, EventLogEntry>] = [true];

/** The list's query takes exactly the SDK's parameters (limit arrives as text, hence the input type). */
export const eventLogQueryMatchesWireTypes: [Exact<keyof z.input<typeof EventLogQuery>, keyof EventLogListParams>] = [true];
