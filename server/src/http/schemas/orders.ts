import { z } from '@hono/zod-openapi';
import {
  TAX_RATES,
  type ClientSecretParams,
  type CreateOrderParams,
  type IssueTicketsParams,
  type Order,
  type PayOrderParams,
  type PublicTicket,
  type TestGatewayPayParams,
  type RefundOrderParams,
  type Ticket,
  type VerifyOrderParams,
} from '@trendy-tickets/sdk';
import { amount, type Exact, phone, text, timestampOut } from './common.js';
import { AnswersOutSchema, AnswersSchema, AttendeeParamsSchema } from './questions.js';
import { promoCodeText } from './promo-codes.js';

const id = (example: string) => z.string().min(1).max(64).openapi({ example });
const clientSecret = z.string().max(200).optional().openapi({ description: 'Required with a publishable key: the `client_secret` the order was created with.' });
const email = z.string().trim().max(254).pipe(z.email('must be an email address'));
/** The longest tracking value kept: campaign names are short, and each one is a stats row. */
export const MAX_TRACKING_LENGTH = 100;
const trackingValue = text(MAX_TRACKING_LENGTH).optional();

/** Where the buyer came from (the page's `utm_*` parameters, without the prefix). */
export const OrderTrackingSchema = z
  .strictObject({ source: trackingValue, medium: trackingValue, campaign: trackingValue, term: trackingValue, content: trackingValue })
  .openapi('OrderTracking', { description: 'The campaign the buyer came from: the `utm_*` parameters of the page, without `utm_`. Each value 1–100 characters.' });

export const CreateOrderBody = z
  .strictObject({
    event: id('evt_4QpZ0x2bB8Lr6qXhS1mYtA'),
    items: z
      .array(z.strictObject({ ticket_type: id('tt_4QpZ0x2bB8Lr6qXhS1mYtA'), quantity: z.number().int().min(1).max(50) }))
      .min(1)
      .max(50)
      .optional(),
    amount: amount.optional().openapi({ description: 'Open-amount events only: what the buyer pays, in paise.' }),
    ticket_type: id('tt_4QpZ0x2bB8Lr6qXhS1mYtA').optional().openapi({ description: 'With `amount`: the ticket type to issue (default: the first).' }),
    buyer: z.strictObject({
      name: text(200).openapi({ example: 'Asha Rao' }),
      email: email.openapi({ example: 'asha@example.com' }),
      phone: phone.nullable().optional(),
    }),
    tracking: OrderTrackingSchema.optional().openapi({
      description: 'Stored on the order; `campaign` is counted in the event stats.',
      example: { source: 'newsletter', campaign: 'diwali' },
    }),
    billing: z
      .strictObject({
        company: text(200).nullable().optional(),
        address: text(500, { multiline: true }).nullable().optional(),
        gstin: z.string().trim().max(20, 'must be at most 20 characters').nullable().optional().openapi({ example: '29AAGCB7383J1Z4' }),
      })
      .nullable()
      .optional()
      .openapi({
        description:
          'Who the tax invoice is made out to, for a buyer who wants one for a business: a company name, a billing address and a GSTIN, each optional. A GSTIN must pass its check character (400 `VALIDATION_FAILED` on `billing.gstin`). See docs/gst.md#invoices-and-credit-notes.',
      }),
    attendees: z
      .array(AttendeeParamsSchema)
      .max(2500)
      .optional()
      .openapi({ description: 'One per ticket, in the order of `items`: each ticket’s holder and answers to ticket-scope questions (docs/attendee-details.md).' }),
    answers: AnswersSchema.optional().openapi({ description: 'Answers to the event’s order-scope questions, by question id.' }),
    promo_code: promoCodeText.optional().openapi({
      description: 'One promo code, in any case: its discount, and the hidden ticket types it unlocks. 422 `PROMO_CODE_INVALID` (with `details.reason`) when it cannot be used.',
    }),
  })
  .openapi('CreateOrderParams');

export const VerifyOrderBody = z
  .strictObject({ client_secret: clientSecret, code: z.string().regex(/^\d{6}$/, 'must be the 6-digit code from the email') })
  .openapi('VerifyOrderParams');

export const ClientSecretBody = z.strictObject({ client_secret: clientSecret }).openapi('OrderAccessParams');

/**
 * What to refund: `amount` paise, or the `tickets` (of the order, not voided) whose share of the
 * payment goes back; never both. Neither refunds what remains. Razorpay refunds ₹1 at least.
 */
export const RefundOrderBody = z
  .strictObject({
    amount: z.number().int().min(100, 'must be at least 100 paise (₹1), the least Razorpay refunds').optional(),
    tickets: z.array(z.string().max(64)).min(1).max(100).optional(),
  })
  .refine((b) => b.amount === undefined || b.tickets === undefined, { message: 'send amount or tickets, not both', path: ['tickets'] })
  .openapi('RefundOrderParams');

export const ClientSecretQuery = z.strictObject({ client_secret: clientSecret });

export const PayOrderBody = z
  .strictObject({
    client_secret: clientSecret,
    gateway_order_id: z.string().min(1).max(100).openapi({ description: 'razorpay_order_id from Checkout.' }),
    gateway_payment_id: z.string().min(1).max(100).openapi({ description: 'razorpay_payment_id from Checkout.' }),
    signature: z.string().min(1).max(200).openapi({ description: 'razorpay_signature from Checkout.' }),
  })
  .openapi('PayOrderParams');

export const TestGatewayBody = z.strictObject({ gateway_order_id: z.string().min(1).max(100), outcome: z.enum(['success', 'failure']) }).openapi('TestGatewayPaymentParams');

export const TestGatewayResultSchema = z
  .object({
    outcome: z.enum(['success', 'failure']),
    gateway_order_id: z.string(),
    gateway_payment_id: z.string(),
    signature: z.string().nullable().openapi({ description: 'On success: what Razorpay Checkout would hand the page.' }),
    error: z.object({ code: z.string(), description: z.string(), reason: z.string() }).nullable(),
  })
  .openapi('TestGatewayPayment');

export const IssueTicketsBody = z
  .strictObject({
    event: id('evt_4QpZ0x2bB8Lr6qXhS1mYtA'),
    ticket_type: id('tt_4QpZ0x2bB8Lr6qXhS1mYtA'),
    quantity: z.number().int().min(1).max(50).optional().openapi({ description: '1–50, default 1.' }),
    holder: z.strictObject({ name: text(200), email }),
    external_reference: text(200).nullable().optional().openapi({ description: 'Your payment or booking reference.' }),
    send_email: z.boolean().optional().openapi({ description: 'Email the tickets to the holder (default true).' }),
  })
  .openapi('IssueTicketsParams');

export const TicketSchema = z
  .object({
    id: z.string(),
    object: z.literal('ticket'),
    created_at: timestampOut,
    livemode: z.boolean(),
    event: z.string(),
    order: z.string(),
    ticket_type: z.string(),
    ticket_type_name: z.string(),
    holder: z.object({ name: z.string(), email: z.string() }),
    status: z.enum(['valid', 'checked_in', 'voided']),
    code: z.string().openapi({ description: 'The QR content: a signed code.' }),
    valid_from: timestampOut.nullable(),
    valid_until: timestampOut.nullable(),
    checked_in_at: timestampOut.nullable(),
    campaign: z.string().nullable().openapi({ description: 'The `tracking.campaign` of the order that bought it.' }),
    answers: AnswersOutSchema.openapi({ description: 'Its attendee’s answers to ticket-scope questions, by question id.' }),
    promo_code: z.string().nullable().openapi({ description: 'The promo code of the order that bought it.' }),
    url: z.string(),
    pdf_url: z.string(),
  })
  .openapi('Ticket');

export const PublicTicketSchema = z
  .object({
    id: z.string(),
    object: z.literal('public_ticket'),
    event: z.object({ id: z.string(), name: z.string(), venue: z.string().nullable(), starts_at: timestampOut, ends_at: timestampOut, timezone: z.string() }),
    ticket_type_name: z.string(),
    holder_first_name: z.string(),
    status: z.enum(['valid', 'checked_in', 'voided']),
    valid_from: timestampOut.nullable(),
    valid_until: timestampOut.nullable(),
  })
  .openapi('PublicTicket');

export const TicketListSchema = z
  .object({ object: z.literal('list'), data: z.array(TicketSchema), has_more: z.boolean(), next_cursor: z.string().nullable() })
  .openapi('TicketList');

const taxAmounts = { cgst: z.number().int(), sgst: z.number().int(), igst: z.number().int() };
const taxRateOut = z.literal(TAX_RATES).nullable();

const OrderBreakdownSchema = z
  .object({
    supply: z.enum(['intra_state', 'inter_state']).nullable(),
    place_of_supply: z.string().nullable(),
    lines: z.array(
      z.object({
        ticket_type: z.string(),
        tax_rate: taxRateOut,
        tax_inclusive: z.boolean(),
        sac: z.string().nullable(),
        discount: z.number().int().openapi({ description: 'Paise a promo code took off the line before tax; `taxable_value` is after it.' }),
        taxable_value: z.number().int(),
        ...taxAmounts,
        total: z.number().int(),
      }),
    ),
    fee: z.object({ paid_by: z.enum(['buyer', 'organizer']), tax_rate: taxRateOut, taxable_value: z.number().int(), ...taxAmounts, total: z.number().int() }).nullable(),
    taxable_value: z.number().int(),
    ...taxAmounts,
    tax: z.number().int(),
    fees: z.number().int(),
    total: z.number().int(),
  })
  .openapi('OrderBreakdown', { description: 'The tickets, the convenience fee and GST by kind, adding up to `total`, the amount charged (docs/gst.md).' });

const OrderRefundSchema = z.object({
  status: z.enum(['pending', 'processed', 'failed']),
  amount: z.number().int(),
  reason: z.string(),
  source: z.enum(['api', 'console', 'cancellation', 'automatic', 'dashboard']).nullable().openapi({
    description:
      'Who made the refund: your code through the API, a person in the console, a cancelled event’s refund run, the service itself (a payment that arrived after its seats were sold), or a person in Razorpay’s dashboard. Null for a refund asked for before sources were kept.',
  }),
  failure_reason: z.string().nullable(),
  requested_at: timestampOut,
  updated_at: timestampOut,
});

const OrderRefundRecordSchema = OrderRefundSchema.extend({ id: z.string(), tickets: z.array(z.string()) }).openapi('OrderRefund');

export const OrderSchema = z
  .object({
    id: z.string(),
    object: z.literal('order'),
    created_at: timestampOut,
    livemode: z.boolean(),
    event: z.string(),
    status: z.enum(['awaiting_verification', 'awaiting_payment', 'paid', 'partially_refunded', 'refunded', 'expired', 'cancelled']),
    items: z.array(z.object({ ticket_type: z.string(), name: z.string(), quantity: z.number().int(), unit_price: z.number().int() })),
    quantity: z.number().int(),
    amount: z.number().int(),
    breakdown: OrderBreakdownSchema,
    currency: z.literal('INR'),
    buyer: z.object({ name: z.string(), email: z.string(), phone: z.string().nullable() }),
    expires_at: timestampOut,
    client_secret: z.string().optional().openapi({ description: 'Only in the response that created the order.' }),
    verification: z.object({ required: z.boolean(), sent_to: z.string().nullable(), attempts_left: z.number().int().nullable() }),
    payment: z
      .object({
        gateway: z.enum(['razorpay', 'test', 'external']),
        key_id: z.string().nullable(),
        gateway_order_id: z.string().nullable(),
        gateway_payment_id: z.string().nullable(),
        amount: z.number().int(),
        currency: z.literal('INR'),
      })
      .nullable(),
    refund: OrderRefundSchema.nullable().openapi({
      description:
        'The refund changed last, once one was asked for. The order turns `partially_refunded` or `refunded` only when Razorpay reports a refund `processed`; while `pending` the order keeps its state, and a `failed` refund (say, too little balance at Razorpay) leaves it so, with `failure_reason` saying why.',
    }),
    refunds: z.array(OrderRefundRecordSchema).openapi({ description: 'Every refund asked for, oldest first.' }),
    refunded_amount: z.number().int().openapi({ description: 'Paise refunded or being refunded (pending included, failed not); never more than `amount`.' }),
    tracking: z
      .object({ source: z.string().optional(), medium: z.string().optional(), campaign: z.string().optional(), term: z.string().optional(), content: z.string().optional() })
      .nullable()
      .openapi({ description: 'The campaign the buyer came from, as sent when the order was created; null when none was.' }),
    answers: AnswersOutSchema.openapi({ description: 'Answers to the event’s order-scope questions, by question id.' }),
    billing: z
      .object({ company: z.string().nullable(), address: z.string().nullable(), gstin: z.string().nullable() })
      .nullable()
      .openapi({ description: 'Who the tax invoice is made out to, as the order was created with it (trimmed, the GSTIN upper-case); null when it was not.' }),
    discount: z
      .object({ code: z.string(), amount: z.number().int() })
      .nullable()
      .openapi({ description: 'The promo code the order used and the paise it took off before tax; null without one.' }),
    tickets: z.array(TicketSchema),
  })
  .openapi('Order');

export const orderSchemasMatchWireTypes: [
  Exact<z.infer<typeof OrderSchema>, Order>,
  Exact<z.infer<typeof TicketSchema>, Ticket>,
  Exact<z.infer<typeof PublicTicketSchema>, PublicTicket>,
] = [true, true, true];

/**
 * Request bodies take exactly the SDK's parameter types: what a partner can send is what the API
 * reads. The test gateway's `outcome` is optional in the SDK only because the SDK sends `success`
 * when it is left out; the API itself wants it said.
 */
export const orderBodiesMatchWireTypes: [
  Exact<z.input<typeof CreateOrderBody>, CreateOrderParams>,
  Exact<z.input<typeof VerifyOrderBody>, VerifyOrderParams>,
  Exact<z.input<typeof ClientSecretBody>, ClientSecretParams>,
  Exact<z.input<typeof PayOrderBody>, PayOrderParams>,
  Exact<z.input<typeof IssueTicketsBody>, IssueTicketsParams>,
  Exact<z.input<typeof TestGatewayBody>, Required<TestGatewayPayParams>>,
  Exact<z.input<typeof RefundOrderBody>, RefundOrderParams>,
] = [true, true, true, true, true, true, true];
