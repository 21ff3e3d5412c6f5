import { z } from '@hono/zod-openapi';
import type {
  CreateWaitingListEntryParams,
  ResendWaitingListCodeParams,
  RetrieveWaitingListEntryParams,
  VerifyWaitingListEntryParams,
  WaitingListEntry,
} from '@trendy-tickets/sdk';
import { type Exact, ListQuery, listOf, text, timestampOut } from './common.js';

const STATUSES = ['awaiting_verification', 'waiting', 'offered', 'claimed', 'lapsed', 'removed'] as const;
const clientSecret = z.string().max(200).optional().openapi({ description: 'Required with a publishable key: the `client_secret` the entry was created with.' });
const email = z.string().trim().max(254).pipe(z.email('must be an email address'));

export const CreateWaitingListEntryBody = z
  .strictObject({
    event: z.string().min(1).max(64).openapi({ example: 'evt_4QpZ0x2bB8Lr6qXhS1mYtA' }),
    ticket_type: z.string().min(1).max(64).openapi({ example: 'tt_9xQ2' }),
    quantity: z.number().int('must be a whole number').min(1, 'must be at least 1').max(50, 'must be at most 50').openapi({ description: "1 to the type's `max_per_order`." }),
    name: text(200).openapi({ example: 'Asha Rao' }),
    email: email.openapi({ example: 'asha@example.com' }),
  })
  .openapi('CreateWaitingListEntryParams');

export const VerifyWaitingListEntryBody = z
  .strictObject({ client_secret: clientSecret, code: z.string().regex(/^\d{6}$/, 'must be the 6-digit code from the email') })
  .openapi('VerifyWaitingListEntryParams');

export const ResendWaitingListCodeBody = z.strictObject({ client_secret: clientSecret }).openapi('ResendWaitingListCodeParams');

export const WaitingListEntryQuery = z.strictObject({ client_secret: clientSecret });

export const WaitingListEntryListQuery = ListQuery.extend({
  status: z.enum(STATUSES).optional().openapi({ description: 'Only entries in this state.' }),
});

export const WaitingListEntrySchema = z
  .object({
    id: z.string().openapi({ example: 'wle_4QpZ0x2bB8Lr6qXhS1mYtA' }),
    object: z.literal('waiting_list_entry'),
    livemode: z.boolean(),
    event: z.string(),
    ticket_type: z.string(),
    quantity: z.number().int(),
    name: z.string(),
    email: z.string(),
    status: z.enum(STATUSES),
    position: z.number().int().nullable().openapi({ description: '1-based place among the type’s waiting entries; null unless `waiting`.' }),
    offer_expires_at: timestampOut.nullable().openapi({ description: 'Until when the offered seats are held; null unless offered or lapsed.' }),
    order: z.string().nullable().openapi({ description: 'The order made by claiming the offer; null before.' }),
    created_at: timestampOut,
    client_secret: z.string().optional().openapi({ description: 'Shown only when the entry is created.' }),
  })
  .openapi('WaitingListEntry');

export const WaitingListEntryListSchema = listOf(WaitingListEntrySchema, 'WaitingListEntryList');

export const waitingListSchemasMatchWireTypes: [Exact<z.infer<typeof WaitingListEntrySchema>, WaitingListEntry>] = [true];

/** The request bodies take exactly the SDK's parameter types. */
export const waitingListBodiesMatchWireTypes: [
  Exact<z.input<typeof CreateWaitingListEntryBody>, CreateWaitingListEntryParams>,
  Exact<z.input<typeof VerifyWaitingListEntryBody>, VerifyWaitingListEntryParams>,
  Exact<z.input<typeof ResendWaitingListCodeBody>, ResendWaitingListCodeParams>,
  Exact<z.input<typeof WaitingListEntryQuery>, RetrieveWaitingListEntryParams>,
] = [true, true, true, true];
