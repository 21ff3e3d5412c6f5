import { z } from '@hono/zod-openapi';
import {
  GST_STATE_CODES,
  TAX_RATES,
  type ConvenienceFee,
  type ConvenienceFeeParams,
  type CreateEventParams,
  type Event,
  type PublicEvent,
  type TicketType,
  type TicketTypeParams,
  type UpdateEventParams,
} from '@trendy-tickets/sdk';
import { amount, type Exact, listOf, origin, text, timestamp, timestampOut, timeZone } from './common.js';
import { PublicQuestionSchema } from './questions.js';

const attendeeDetails = z.enum(['none', 'name', 'name_email']);
import { EventCancellationSchema } from './event-cancellation.js';
import { PublicPromoSchema } from './promo-codes.js';

const capacity = z.number().int('must be a whole number').min(1, 'must be at least 1').max(1_000_000, 'must be at most 1,000,000');

const OpenAmountSchema = z
  .strictObject({ min: amount, max: amount })
  .openapi('OpenAmount', { description: 'Let buyers choose what to pay (donations, weddings), within these bounds.' });

/** A GST rate in percent, one of the slabs (docs/gst.md#rates). */
const taxRate = z.literal(TAX_RATES, { error: 'must be one of 0, 5, 12, 18, 28, 40' }).openapi({ description: 'GST rate in percent: 0, 5, 12, 18, 28 or 40.', example: 18 });

const venueState = z
  .string()
  .refine((v) => GST_STATE_CODES.includes(v), 'must be a GST state code')
  .openapi({ description: 'GST state code of the venue: the place of supply. Needed when a ticket type has a tax rate.', example: '27' });

const ConvenienceFeeParamsSchema = z
  .strictObject({
    paid_by: z.enum(['buyer', 'organizer']).openapi({ description: '`buyer`: added to each order as its own line; `organizer`: absorbed.' }),
    percent_bp: z.number().int().min(0).max(10_000).optional().openapi({ description: 'Hundredths of a percent of each ticket price (250 = 2.5 %); default 0.' }),
    fixed: amount.optional().openapi({ description: 'Paise per ticket; default 0.' }),
    tax_rate: taxRate.nullable().optional().openapi({ description: 'GST on the fee, added on top; default 18.' }),
  })
  .openapi('ConvenienceFeeParams');

const ConvenienceFeeSchema = z
  .object({ paid_by: z.enum(['buyer', 'organizer']), percent_bp: z.number().int(), fixed: z.number().int(), tax_rate: taxRate.nullable() })
  .openapi('ConvenienceFee');

const TicketTypeParamsSchema = z
  .strictObject({
    id: z.string().max(64).optional().openapi({ description: 'Only when editing: keeps the existing type with this id.' }),
    name: text(100).openapi({ example: 'General admission' }),
    price: amount,
    capacity: capacity.nullable().optional().openapi({ description: "Seats of this type; omit to share the event's capacity." }),
    max_per_order: z.number().int().min(1).max(50).optional().openapi({ description: '1–50, default 10.' }),
    tax_rate: taxRate.nullable().optional().openapi({ description: 'GST rate in percent; default null, no tax.' }),
    tax_inclusive: z.boolean().optional().openapi({ description: 'Default true: the price includes the tax.' }),
    sac: z
      .string()
      .regex(/^99\d{2}(\d{2})?(\d{2})?$/, 'must be a SAC: 4, 6 or 8 digits beginning 99')
      .optional()
      .openapi({ description: 'Services Accounting Code; default 9996.', example: '9996' }),
    hidden: z.boolean().optional().openapi({ description: 'Default false. A hidden type is shown and sold only with a promo code that unlocks it.' }),
  })
  .openapi('TicketTypeParams');

const WaitingListSettingsParamsSchema = z
  .strictObject({
    enabled: z.boolean().optional().openapi({ description: 'Default false. On: buyers may join a sold-out type’s waiting list.' }),
    offer_hours: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(168, 'must be at most 168 (a week)')
      .optional()
      .openapi({ description: 'Hours an offer holds its seats for the person it is made to; 1–168, default 24.' }),
  })
  .openapi('WaitingListSettingsParams');

const WaitingListSettingsSchema = z.object({ enabled: z.boolean(), offer_hours: z.number().int() }).openapi('WaitingListSettings');

const eventFields = {
  name: text(200).openapi({ example: 'Monsoon Jazz Night' }),
  description: text(5000, { multiline: true }).nullable().optional(),
  venue: text(300).nullable().optional().openapi({ example: 'NCPA, Mumbai' }),
  starts_at: timestamp,
  ends_at: timestamp,
  timezone: timeZone.optional().openapi({ description: 'Default Asia/Kolkata.' }),
  capacity,
  ticket_types: z
    .array(TicketTypeParamsSchema)
    .min(1, 'must have at least one ticket type')
    .max(50)
    // Two entries keeping one type would make the second a new type with fresh counters.
    .superRefine((types, ctx) => {
      const seen = new Set<string>();
      types.forEach((t, i) => {
        if (t.id === undefined) return;
        if (seen.has(t.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: 'appears more than once; send each ticket type once' });
        seen.add(t.id);
      });
    }),
  sales_start_at: timestamp.nullable().optional(),
  sales_end_at: timestamp.nullable().optional().openapi({ description: 'Default: when the event ends.' }),
  valid_from: timestamp.nullable().optional().openapi({ description: 'Tickets admit from this time; default: any time before the end.' }),
  valid_until: timestamp.nullable().optional().openapi({ description: 'Tickets admit until this time; default: the event end.' }),
  allowed_origins: z
    .array(origin)
    .max(20)
    .optional()
    .openapi({ description: 'Web origins allowed to sell this event with a publishable key. Empty: any origin in test mode, none in live mode.' }),
  open_amount: OpenAmountSchema.nullable().optional(),
  require_email_verification: z.boolean().optional().openapi({ description: 'Default true: buyers confirm their email with a code.' }),
  hold_minutes: z.number().int().min(5).max(120).optional().openapi({ description: 'Minutes an unpaid order holds its seats; default 15.' }),
  venue_state: venueState.nullable().optional(),
  convenience_fee: ConvenienceFeeParamsSchema.nullable().optional(),
  status: z.enum(['draft', 'published']).optional().openapi({ description: 'Default published. Cancel through POST /v1/events/{id}/cancel.' }),
  attendee_details: attendeeDetails
    .optional()
    .openapi({ description: 'Default `none`. `name`: checkout asks a name per ticket; `name_email`: a name and an optional email per ticket (docs/attendee-details.md).' }),
  waiting_list: WaitingListSettingsParamsSchema.optional().openapi({
    description: 'The waiting list of sold-out types (docs/waiting-list.md); on an update, only the fields sent change.',
  }),
};

export const CreateEventBody = z.strictObject(eventFields).openapi('CreateEventParams');

export const UpdateEventBody = z
  .strictObject({
    ...eventFields,
    name: eventFields.name.optional(),
    starts_at: eventFields.starts_at.optional(),
    ends_at: eventFields.ends_at.optional(),
    capacity: eventFields.capacity.optional(),
    ticket_types: eventFields.ticket_types.optional(),
  })
  .openapi('UpdateEventParams');

export const TicketTypeSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    price: z.number().int(),
    capacity: z.number().int().nullable(),
    max_per_order: z.number().int(),
    sold: z.number().int(),
    held: z.number().int(),
    available: z.number().int(),
    tax_rate: taxRate.nullable(),
    tax_inclusive: z.boolean(),
    sac: z.string(),
    hidden: z.boolean(),
  })
  .openapi('TicketType');

export const EventSchema = z
  .object({
    id: z.string().openapi({ example: 'evt_4QpZ0x2bB8Lr6qXhS1mYtA', description: 'The Event Token.' }),
    object: z.literal('event'),
    created_at: timestampOut,
    livemode: z.boolean(),
    name: z.string(),
    description: z.string().nullable(),
    venue: z.string().nullable(),
    starts_at: timestampOut,
    ends_at: timestampOut,
    timezone: z.string(),
    capacity: z.number().int(),
    currency: z.literal('INR'),
    status: z.enum(['draft', 'published', 'cancelled']),
    ticket_types: z.array(TicketTypeSchema),
    sales_start_at: timestampOut.nullable(),
    sales_end_at: timestampOut.nullable(),
    valid_from: timestampOut.nullable(),
    valid_until: timestampOut.nullable(),
    allowed_origins: z.array(z.string()),
    open_amount: z.object({ min: z.number().int(), max: z.number().int() }).nullable(),
    require_email_verification: z.boolean(),
    hold_minutes: z.number().int(),
    sold: z.number().int(),
    held: z.number().int(),
    available: z.number().int(),
    venue_state: z.string().nullable(),
    convenience_fee: ConvenienceFeeSchema.nullable(),
    attendee_details: attendeeDetails,
    cancellation: EventCancellationSchema.nullable(),
    waiting_list: WaitingListSettingsSchema,
  })
  .openapi('Event');

export const EventListSchema = listOf(EventSchema, 'EventList');

export const PublicEventSchema = z
  .object({
    id: z.string(),
    object: z.literal('public_event'),
    livemode: z.boolean(),
    name: z.string(),
    description: z.string().nullable(),
    venue: z.string().nullable(),
    starts_at: timestampOut,
    ends_at: timestampOut,
    timezone: z.string(),
    currency: z.literal('INR'),
    status: z.enum(['draft', 'published', 'cancelled']),
    ticket_types: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        price: z.number().int(),
        max_per_order: z.number().int(),
        available: z.number().int(),
        held: z.number().int().openapi({ description: 'Seats of this type held by unpaid orders: they come back if those buyers do not pay.' }),
        tax_rate: taxRate.nullable(),
        tax_inclusive: z.boolean(),
      }),
    ),
    venue_state: z.string().nullable(),
    convenience_fee: ConvenienceFeeSchema.nullable().openapi({ description: 'The fee the buyer pays on each ticket; null when none or absorbed.' }),
    available: z.number().int(),
    held: z.number().int().openapi({ description: 'Seats held by unpaid orders; not available now, but they come back if those buyers do not pay.' }),
    holds_expire_at: timestampOut.nullable().openapi({
      description: 'When the oldest hold runs out and its seats come back unless paid for; null when nothing is held.',
    }),
    sales_open: z.boolean(),
    sales_start_at: timestampOut.nullable(),
    sales_end_at: timestampOut.nullable(),
    open_amount: z.object({ min: z.number().int(), max: z.number().int() }).nullable(),
    require_email_verification: z.boolean(),
    attendee_details: attendeeDetails,
    questions: z.array(PublicQuestionSchema).openapi({ description: 'The questions checkout asks, by position.' }),
    promo: PublicPromoSchema.nullable().openapi({ description: 'The promo code sent as `?promo_code=`; null when none was sent.' }),
    waiting_list: z.boolean().openapi({ description: 'Whether buyers may join a sold-out type’s waiting list (`POST /v1/waiting_list_entries`).' }),
  })
  .openapi('PublicEvent');

export const eventSchemasMatchWireTypes: [
  Exact<z.infer<typeof EventSchema>, Event>,
  Exact<z.infer<typeof TicketTypeSchema>, TicketType>,
  Exact<z.infer<typeof PublicEventSchema>, PublicEvent>,
  Exact<z.infer<typeof ConvenienceFeeSchema>, ConvenienceFee>,
] = [true, true, true, true];

/** Request bodies take exactly the SDK's parameter types: what a partner can send is what the API reads. */
export const eventBodiesMatchWireTypes: [
  Exact<z.input<typeof CreateEventBody>, CreateEventParams>,
  Exact<z.input<typeof UpdateEventBody>, UpdateEventParams>,
  Exact<z.input<typeof TicketTypeParamsSchema>, TicketTypeParams>,
  Exact<z.input<typeof ConvenienceFeeParamsSchema>, ConvenienceFeeParams>,
] = [true, true, true, true];
