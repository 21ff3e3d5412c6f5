import { z } from '@hono/zod-openapi';
import type { CheckinList, CheckinPass, CreateCheckinListParams, DeletedCheckinList, UpdateCheckinListParams } from '@trendy-tickets/sdk';
import { type Exact, ListQuery, listOf, text, timestamp, timestampOut } from './common.js';

const windowIn = z
  .strictObject({ opens_at: timestamp.nullable().optional(), closes_at: timestamp.nullable().optional() })
  .nullable()
  .optional()
  .openapi({ description: 'When the list admits; either end may be left open. A scan outside it is refused `outside_list_window`.' });

const listFields = {
  name: text(100).pipe(z.string().min(1, 'must not be empty')).openapi({ description: 'What door staff see, e.g. `VIP lounge`.' }),
  ticket_types: z
    .array(z.string().min(1).max(64))
    .min(1)
    .max(50)
    .nullable()
    .optional()
    .openapi({ description: 'Ticket type ids the list admits; absent or null for all. Another type is refused `not_on_list`.' }),
  window: windowIn,
  reentry: z.boolean().optional().openapi({ description: 'Let holders leave and come back: scans then alternate in and out.' }),
};

export const CreateCheckinListBody = z.strictObject(listFields).openapi('CreateCheckinListParams');

export const UpdateCheckinListBody = z.strictObject({ ...listFields, name: listFields.name.optional() }).openapi('UpdateCheckinListParams');

export const CheckinListSchema = z
  .object({
    id: z.string().openapi({ description: '`chl_…`, or `default` for the event’s default list.' }),
    object: z.literal('checkin_list'),
    event: z.string(),
    name: z.string(),
    default: z.boolean(),
    ticket_types: z.array(z.string()).nullable(),
    window: z.object({ opens_at: timestampOut.nullable(), closes_at: timestampOut.nullable() }).nullable(),
    reentry: z.boolean(),
    admitted: z.number().int().openapi({ description: 'Tickets admitted at least once.' }),
    inside: z.number().int().openapi({ description: 'Tickets inside now (equal to `admitted` without re-entry).' }),
    created_at: timestampOut,
  })
  .openapi('CheckinList');

export const CheckinListListSchema = listOf(CheckinListSchema, 'CheckinListList');

export const DeletedCheckinListSchema = z.object({ id: z.string(), object: z.literal('checkin_list'), deleted: z.literal(true) }).openapi('DeletedCheckinList');

export const CheckinPassSchema = z
  .object({
    object: z.literal('checkin_pass'),
    list: z.string(),
    ticket: z.string(),
    inside: z.boolean(),
    moves: z.number().int(),
    first_at: timestampOut,
    first_by: z.string(),
    last_at: timestampOut,
  })
  .openapi('CheckinPass');

export const CheckinPassListSchema = listOf(CheckinPassSchema, 'CheckinPassList');

export const CheckinPassQuery = z.strictObject({
  inside: z.enum(['true', 'false'], 'must be true or false').optional().openapi({ description: '`true`: only holders inside now; `false`: only those outside.' }),
  ...ListQuery.shape,
});

export const ListIdParams = z.object({
  id: z
    .string()
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' } }),
  list: z
    .string()
    .max(64)
    .openapi({ param: { name: 'list', in: 'path' } }),
});

export const checkinListSchemasMatchWireTypes: [
  Exact<z.infer<typeof CheckinListSchema>, CheckinList>,
  Exact<z.infer<typeof CheckinPassSchema>, CheckinPass>,
  Exact<z.infer<typeof DeletedCheckinListSchema>, DeletedCheckinList>,
] = [true, true, true];

/** The request bodies take exactly the SDK's parameter types. */
export const checkinListBodiesMatchWireTypes: [
  Exact<z.input<typeof CreateCheckinListBody>, CreateCheckinListParams>,
  Exact<z.input<typeof UpdateCheckinListBody>, UpdateCheckinListParams>,
] = [true, true];
