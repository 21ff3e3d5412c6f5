import { z } from '@hono/zod-openapi';
import type { Checkin, CreateCheckinParams, VerificationKey } from '@trendy-tickets/sdk';
import { type Exact, ListQuery, text, timestampOut } from './common.js';
import { TicketSchema } from './orders.js';

export const CreateCheckinBody = z
  .strictObject({
    code: z.string().trim().min(1).max(512).openapi({ description: 'The QR content (`TTS1.…`) or a typed ticket id (`tkt_…`).' }),
    event: z.string().min(1).max(64).optional().openapi({ description: 'The event this door admits to; a ticket for another is `wrong_event`.' }),
    nonce: z
      .string()
      .regex(/^[\x21-\x7e]{1,100}$/, 'must be 1–100 printable ASCII characters')
      .optional()
      .openapi({ description: 'Your id for this scan. Scanners that queue offline resend it; the first answer is returned.' }),
    by: text(100).optional().openapi({ description: 'Who or what scanned, e.g. `Gate 2`. Default: the API key.' }),
    list: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .openapi({ description: 'The check-in list this door admits to (`chl_…`); absent or `default` for the event’s default list. A ticket admits once per list.' }),
  })
  .openapi('CreateCheckinParams');

export const CheckinSchema = z
  .object({
    id: z.string(),
    object: z.literal('checkin'),
    created_at: timestampOut,
    livemode: z.boolean(),
    result: z.enum(['accepted', 'rejected']),
    reason: z
      .enum(['already_checked_in', 'invalid_code', 'not_found', 'wrong_event', 'not_yet_valid', 'expired', 'voided', 'event_cancelled', 'not_on_list', 'outside_list_window'])
      .nullable(),
    ticket: TicketSchema.nullable(),
    event: z.string().nullable(),
    at: timestampOut,
    by: z.string(),
    first_checkin: z.object({ at: timestampOut, by: z.string().nullable() }).nullable(),
    nonce: z.string().nullable(),
    undone_at: timestampOut.nullable(),
    list: z.string().optional().openapi({ description: 'The named check-in list scanned on; absent for the default list.' }),
    direction: z.enum(['in', 'out']).optional().openapi({ description: 'On a list with re-entry: whether this accepted scan let the holder in or out.' }),
  })
  .openapi('Checkin');

export const CheckinListSchema = z
  .object({ object: z.literal('list'), data: z.array(CheckinSchema), has_more: z.boolean(), next_cursor: z.string().nullable() })
  .openapi('CheckinList');

export const CheckinLogQuery = z.strictObject({
  list: z.string().min(1).max(64).optional().openapi({ description: 'Only scans on this check-in list; `default` for scans that named none.' }),
  ...ListQuery.shape,
});

export const VerificationKeySchema = z
  .object({
    object: z.literal('verification_key'),
    event: z.string(),
    algorithm: z.literal('Ed25519'),
    public_key: z.string().openapi({ description: 'Raw 32-byte Ed25519 public key, base64url.' }),
    jwk: z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string() }),
    code_format: z.string(),
  })
  .openapi('VerificationKey');

export const checkinSchemasMatchWireTypes: [Exact<z.infer<typeof CheckinSchema>, Checkin>, Exact<z.infer<typeof VerificationKeySchema>, VerificationKey>] = [true, true];

/** The request body takes exactly the SDK's parameter type: what a partner can send is what the API reads. */
export const checkinBodiesMatchWireTypes: [Exact<z.input<typeof CreateCheckinBody>, CreateCheckinParams>] = [true];
