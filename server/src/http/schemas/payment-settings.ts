import { z } from '@hono/zod-openapi';
import type { ConnectedRazorpayAccount, PaymentSettings, UpdatePaymentSettingsParams } from '@trendy-tickets/sdk';
import { type Exact, timestampOut } from './common.js';

export const UpdatePaymentSettingsBody = z
  .strictObject({
    gateway: z.literal('razorpay'),
    key_id: z.string().trim().max(60).openapi({ description: '`rzp_test_…` with a test key, `rzp_live_…` with a live key.', example: 'rzp_live_ILgsfZCZoFIKMb' }),
    key_secret: z.string().trim().min(1).max(200).openapi({ description: 'Shown by Razorpay with the key id. Stored encrypted; never returned.' }),
    webhook_secret: z.string().trim().min(1).max(200).openapi({ description: 'The secret set on the webhook in Razorpay’s dashboard. Stored encrypted; never returned.' }),
  })
  .openapi('UpdatePaymentSettingsParams');

const ConnectedRazorpaySchema = z
  .object({
    key_id: z.string(),
    key_secret_last4: z.string(),
    webhook_secret_last4: z.string(),
    connected_at: timestampOut,
  })
  .openapi('ConnectedRazorpayAccount');

export const PaymentSettingsSchema = z
  .object({
    object: z.literal('payment_settings'),
    livemode: z.boolean(),
    collected_by: z.enum(['connected_account', 'test_gateway', 'platform', 'not_connected']),
    razorpay: ConnectedRazorpaySchema.nullable(),
    webhook_url: z.string().openapi({ example: 'https://tickets.example.com/v1/gateway/razorpay/webhook/acct_4QpZ0x2bB8Lr6qXhS1mYtA' }),
  })
  .openapi('PaymentSettings');

/** The wire objects are exactly the SDK's: a field on one side only fails `tsc`. */
export const paymentSettingsSchemasMatchWireTypes: [
  Exact<z.infer<typeof PaymentSettingsSchema>, PaymentSettings>,
  Exact<z.infer<typeof ConnectedRazorpaySchema>, ConnectedRazorpayAccount>,
  Exact<z.input<typeof UpdatePaymentSettingsBody>, UpdatePaymentSettingsParams>,
] = [true, true, true];
