import { z } from '@hono/zod-openapi';
import type { EventStats } from '@trendy-tickets/sdk';
import { MAX_QUERY_LENGTH } from '../../domain/attendance.js';
import { type Exact, ListQuery, timestampOut } from './common.js';

const attendeeFilters = {
  // Query strings carry text: coercing would read any non-empty value, even "false", as true.
  checked_in: z.enum(['true', 'false'], 'must be true or false').optional().openapi({ description: '`true`: only checked in; `false`: only not yet checked in; omit for both.' }),
  q: z
    .string()
    .trim()
    .max(MAX_QUERY_LENGTH, `must be at most ${MAX_QUERY_LENGTH} characters`)
    .optional()
    .openapi({ description: 'Part of the holder’s name or email (any case), or a ticket id.', example: 'asha' }),
};

/** `GET /v1/events/{id}/attendees`: filters plus the usual page parameters. */
export const AttendeesQuery = z.strictObject({ ...attendeeFilters, ...ListQuery.shape });

/** `GET /v1/events/{id}/attendees.csv`: the same filters; the export is never paged. */
export const AttendeesCsvQuery = z.strictObject(attendeeFilters);

/** `'true' | 'false' | undefined` from the query → the domain's optional boolean. */
export function checkedInFilter(value: 'true' | 'false' | undefined): boolean | undefined {
  return value === undefined ? undefined : value === 'true';
}

const count = z.number().int();

/** The `GET /v1/events/{id}/stats` response; what each figure means is in docs/domain-rules.md#figures. */
export const EventStatsSchema = z
  .object({
    object: z.literal('event_stats'),
    event: z.string().openapi({ example: 'evt_4QpZ0x2bB8Lr6qXhS1mYtA' }),
    livemode: z.boolean(),
    timezone: z.string().openapi({ example: 'Asia/Kolkata' }),
    currency: z.literal('INR'),
    generated_at: timestampOut,
    capacity: count,
    sold: count,
    held: count,
    available: count,
    revenue: count.openapi({
      description: 'Paise paid through checkout: the prices of every ticket not voided. Tickets issued through POST /v1/tickets add nothing; `issued` counts them.',
    }),
    gross: count.openapi({ description: 'What buyers paid for the tickets not voided: prices, tax added to exclusive prices, and convenience fees they paid.' }),
    tax: count.openapi({ description: 'GST in `gross`.' }),
    fees: count.openapi({ description: 'Convenience fees: before their tax when buyers paid them, with it when the organizer absorbed them.' }),
    net: z.number().int().openapi({ description: '`gross − tax − fees`: what the organizer keeps.' }),
    issued: z.object({ total: count, comps: count, paid_elsewhere: count }).openapi({
      description: 'Tickets (not voided) issued through POST /v1/tickets: `comps` without an `external_reference`, `paid_elsewhere` with one; `total` is their sum.',
    }),
    checked_in: count,
    not_checked_in: count.openapi({ description: 'Valid tickets not yet scanned.' }),
    attendance_rate: z.number().min(0).max(1).openapi({ description: 'checked_in / (checked_in + not_checked_in), 4 decimals.', example: 0.375 }),
    by_ticket_type: z.array(
      z.object({
        ticket_type: z.string(),
        name: z.string(),
        price: count,
        capacity: count.nullable(),
        sold: count,
        held: count,
        available: count,
        revenue: count,
        checked_in: count,
      }),
    ),
    sales_by_day: z
      .array(z.object({ date: z.string().openapi({ example: '2030-06-02' }), tickets: count, revenue: count }))
      .openapi({ description: 'By the local day (event time zone) tickets were issued; days without sales are left out.' }),
    checkins_by_hour: z
      .array(z.object({ hour: z.string().openapi({ example: '2030-06-08T18:00' }), checkins: count }))
      .openapi({ description: 'By the local hour (event time zone) of the check-in; hours without check-ins are left out.' }),
    by_campaign: z
      .array(z.object({ campaign: z.string().openapi({ example: 'diwali' }), tickets: count, revenue: count }))
      .openapi({ description: 'Tickets (not voided) and revenue by the `tracking.campaign` of their order, most tickets first; tickets without a campaign are left out.' }),
    checkin_lists: z
      .array(z.object({ list: z.string(), name: z.string(), reentry: z.boolean(), admitted: count, inside: count.nullable() }))
      .openapi({ description: 'The named check-in lists, oldest first, from their counters: tickets admitted on each; `inside` now on a re-entry list, null on the others.' }),
  })
  .openapi('EventStats');

/** Compile-time proof that the response schema and the SDK's `EventStats` are the same type. */
export const attendanceSchemasMatchWireTypes: [Exact<z.infer<typeof EventStatsSchema>, EventStats>] = [true];
