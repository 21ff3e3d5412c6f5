import { z } from '@hono/zod-openapi';
import {
  GST_STATE_CODES,
  type Account,
  type AccountCreated,
  type ApiKey,
  type CreateAccountParams,
  type RollKeyParams,
  type TaxProfile,
  type UpdateTaxProfileParams,
} from '@trendy-tickets/sdk';
import { PERMISSIONS } from '../../domain/permissions.js';
import { type Exact, text, timestampOut } from './common.js';

/** bcrypt reads only the first 72 bytes of a password; longer ones would be silently cut. */
const BCRYPT_MAX_BYTES = 72;

export const CreateAccountBody = z
  .strictObject({
    email: z.string().trim().max(254).pipe(z.email('must be an email address')).openapi({ example: 'owner@example.com' }),
    password: z
      .string()
      .min(10, 'must be at least 10 characters')
      .refine((v) => Buffer.byteLength(v, 'utf8') <= BCRYPT_MAX_BYTES, `must be at most ${BCRYPT_MAX_BYTES} bytes`)
      .openapi({ example: 'correct horse battery staple' }),
    name: text(200).openapi({ example: 'Mumbai Music Co.' }),
  })
  .openapi('CreateAccountParams');

export const AccountSchema = z
  .object({
    id: z.string().openapi({ example: 'acct_4QpZ0x2bB8Lr6qXhS1mYtA' }),
    object: z.literal('account'),
    created_at: timestampOut,
    email: z.string(),
    name: z.string(),
  })
  .openapi('Account');

export const AccountCreatedSchema = z
  .object({
    account: AccountSchema,
    secret_key: z.string().openapi({ description: 'Shown once. Keep it on your server.', example: 'sk_test_…' }),
    publishable_key: z.string().openapi({ description: 'Safe in web pages.', example: 'pk_test_…' }),
  })
  .openapi('AccountCreated');

export const RollKeyBody = z
  .strictObject({
    kind: z.enum(['secret', 'publishable']),
    mode: z.enum(['test', 'live']).optional().openapi({ description: 'Defaults to the mode of the key making the request.' }),
    password: z.string().max(200).optional().openapi({ description: 'The account password: needed to create keys of the other mode (e.g. live keys with a test key).' }),
  })
  .openapi('RollKeyParams');

export const ApiKeySchema = z
  .object({
    id: z.string(),
    object: z.literal('api_key'),
    created_at: timestampOut,
    kind: z.enum(['secret', 'publishable', 'restricted']).openapi({ description: 'A restricted key (`rk_…`) is a secret key limited to `permissions`.' }),
    mode: z.enum(['test', 'live']),
    display: z.string().openapi({ example: 'sk_test_…Ab3d' }),
    name: z.string().nullable().openapi({ description: 'A restricted key’s name; null for a full key.' }),
    permissions: z.array(z.enum(PERMISSIONS)).nullable().openapi({ description: 'What a restricted key may do; null for a full key.' }),
    secret: z.string().optional().openapi({ description: 'The full key: only in the response that created it.' }),
  })
  .openapi('ApiKey');

export const ApiKeyListSchema = z
  .object({ object: z.literal('list'), data: z.array(ApiKeySchema), has_more: z.boolean(), next_cursor: z.string().nullable() })
  .openapi('ApiKeyList');

const stateCode = z
  .string()
  .refine((v) => GST_STATE_CODES.includes(v), 'must be a GST state code')
  .openapi({ description: 'GST state code, two digits.', example: '27' });

export const UpdateTaxProfileBody = z
  .strictObject({
    legal_name: text(200).openapi({ example: 'Mumbai Music Company Private Limited' }),
    address: text(500, { multiline: true }).openapi({ example: '12 Marine Drive, Mumbai 400020' }),
    state: stateCode,
    gstin: z
      .string()
      .trim()
      .nullable()
      .openapi({ description: 'The GSTIN, checked for its shape, its check character and its state code; null when not registered.', example: '27AAPFU0939F1ZV' }),
  })
  .openapi('UpdateTaxProfileParams');

export const TaxProfileSchema = z
  .object({
    object: z.literal('tax_profile'),
    legal_name: z.string(),
    address: z.string(),
    state: z.string().openapi({ example: '27' }),
    gstin: z.string().nullable().openapi({ example: '27AAPFU0939F1ZV' }),
    updated_at: timestampOut,
  })
  .openapi('TaxProfile');

export const taxProfileSchemasMatchWireTypes: [Exact<z.infer<typeof TaxProfileSchema>, TaxProfile>, Exact<z.input<typeof UpdateTaxProfileBody>, UpdateTaxProfileParams>] = [
  true,
  true,
];

export const accountSchemasMatchWireTypes: [
  Exact<z.infer<typeof AccountSchema>, Account>,
  Exact<z.infer<typeof AccountCreatedSchema>, AccountCreated>,
  Exact<z.infer<typeof ApiKeySchema>, ApiKey>,
] = [true, true, true];

/** Request bodies take exactly the SDK's parameter types: what a partner can send is what the API reads. */
export const accountBodiesMatchWireTypes: [Exact<z.input<typeof CreateAccountBody>, CreateAccountParams>, Exact<z.input<typeof RollKeyBody>, RollKeyParams>] = [true, true];
