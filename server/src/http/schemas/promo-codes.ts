import { z } from '@hono/zod-openapi';
import type { CreatePromoCodeParams, DeletedPromoCode, PromoCode, PublicPromo, UpdatePromoCodeParams } from '@trendy-tickets/sdk';
import { type Exact, ListQuery, listOf, timestamp, timestampOut } from './common.js';

/**
 * A code as a buyer types it (order body, `?promo_code=`): loose on purpose, so that a mistyped
 * code is answered `PROMO_CODE_INVALID` (`unknown`), which the checkout shows beside the code
 * field, rather than a validation error about the request.
 */
export const promoCodeText = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');

const code = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1–40 letters, digits, - or _')
  .openapi({ description: 'What buyers type: 1–40 letters, digits, `-` and `_`. Matched whatever the case; unique per event whatever the case.', example: 'EARLYBIRD' });

const typeIds = z.array(z.string().min(1).max(64)).max(50);
const limit = z.number().int('must be a whole number').min(1, 'must be at least 1').max(1_000_000);

const promoFields = {
  code,
  kind: z.enum(['percent', 'fixed']).openapi({ description: '`percent`: a share of each discounted ticket’s price; `fixed`: paise off each.' }),
  value: z
    .number()
    .int('must be a whole number')
    .min(1)
    .max(1_000_000_000)
    .openapi({ description: 'Percent 1–100 for `percent`; paise off each ticket (at least 100) for `fixed`.', example: 20 }),
  ticket_types: typeIds.min(1).nullable().optional().openapi({ description: 'Ticket type ids it discounts; absent or null for every type.' }),
  unlocks: typeIds.optional().openapi({ description: 'Hidden ticket type ids it makes visible and sellable (default none).' }),
  max_uses: limit.nullable().optional().openapi({ description: 'Orders that may use it; absent or null for no limit.' }),
  max_per_order: z.number().int().min(1).max(50).nullable().optional().openapi({ description: 'Tickets discounted per order; absent or null for all.' }),
  starts_at: timestamp.nullable().optional(),
  ends_at: timestamp.nullable().optional(),
  active: z.boolean().optional().openapi({ description: 'Default true; an inactive code is refused `inactive`.' }),
};

export const CreatePromoCodeBody = z.strictObject(promoFields).openapi('CreatePromoCodeParams');

export const UpdatePromoCodeBody = z
  .strictObject({ ...promoFields, code: code.optional(), kind: promoFields.kind.optional(), value: promoFields.value.optional() })
  .openapi('UpdatePromoCodeParams');

export const PromoCodeSchema = z
  .object({
    id: z.string().openapi({ example: 'pc_4QpZ0x2bB8Lr6qXhS1mYtA' }),
    object: z.literal('promo_code'),
    event: z.string(),
    livemode: z.boolean(),
    code: z.string(),
    kind: z.enum(['percent', 'fixed']),
    value: z.number().int(),
    ticket_types: z.array(z.string()).nullable(),
    unlocks: z.array(z.string()),
    max_uses: z.number().int().nullable(),
    max_per_order: z.number().int().nullable(),
    starts_at: timestampOut.nullable(),
    ends_at: timestampOut.nullable(),
    active: z.boolean(),
    uses: z.number().int().openapi({ description: 'Orders holding a redemption: unpaid ones still holding seats, and paid ones not fully refunded.' }),
    created_at: timestampOut,
  })
  .openapi('PromoCode');

export const PromoCodeListSchema = listOf(PromoCodeSchema, 'PromoCodeList');

export const DeletedPromoCodeSchema = z.object({ id: z.string(), object: z.literal('promo_code'), deleted: z.literal(true) }).openapi('DeletedPromoCode');

export const PublicPromoSchema = z
  .object({ code: z.string(), kind: z.enum(['percent', 'fixed']), value: z.number().int(), ticket_types: z.array(z.string()).nullable() })
  .openapi('PublicPromo');

export const PromoCodeListQuery = ListQuery;

export const PromoCodeIdParams = z.object({
  id: z
    .string()
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' } }),
  code_id: z
    .string()
    .max(64)
    .openapi({ param: { name: 'code_id', in: 'path' } }),
});

export const PublicEventQuery = z.strictObject({
  promo_code: promoCodeText.optional().openapi({ description: 'A promo code: the answer then includes the hidden types it unlocks, and `promo`.' }),
});

export const promoCodeSchemasMatchWireTypes: [
  Exact<z.infer<typeof PromoCodeSchema>, PromoCode>,
  Exact<z.infer<typeof DeletedPromoCodeSchema>, DeletedPromoCode>,
  Exact<z.infer<typeof PublicPromoSchema>, PublicPromo>,
] = [true, true, true];

/** The request bodies take exactly the SDK's parameter types. */
export const promoCodeBodiesMatchWireTypes: [Exact<z.input<typeof CreatePromoCodeBody>, CreatePromoCodeParams>, Exact<z.input<typeof UpdatePromoCodeBody>, UpdatePromoCodeParams>] =
  [true, true];
