/**
 * An event's fields as stored, from what the organizer sent: the defaults, the ticket types with
 * the tax settings an edit leaves out kept, and the convenience fee. Shared by create and edit.
 */
import { newId } from '../kernel/ids.js';
import { canonicalTimeZone } from '../kernel/zoned-time.js';
import { type ConvenienceFeeDoc, DEFAULT_FEE_TAX_RATE, DEFAULT_SAC } from './event-tax.js';
import type { ConvenienceFeeInput, EventInput, TicketTypeDoc, TicketTypeInput } from './events.js';

/** The time zone of an event created without one. */
export const DEFAULT_TIMEZONE = 'Asia/Kolkata';
/** Tickets of one type a buyer may take in one order, unless the type says otherwise. */
export const DEFAULT_MAX_PER_ORDER = 10;
/** How long a checkout holds seats, unless the event says otherwise. */
export const DEFAULT_HOLD_MINUTES = 15;

/** How long a waiting-list offer holds its seats unless the organizer says otherwise (docs/waiting-list.md). */
export const DEFAULT_OFFER_HOURS = 24;

/**
 * Ticket types as stored. An edit that keeps a type (by id) but leaves out its tax settings
 * keeps them, so a client that knows nothing of tax (an older integration, the console's type
 * rows) cannot clear them by saving.
 */
export function toTicketTypes(inputs: TicketTypeInput[], current: readonly TicketTypeDoc[] = []): TicketTypeDoc[] {
  return inputs
    .map((input) => {
      const before = input.id === undefined ? undefined : current.find((c) => c.id === input.id);
      const kept = <K extends 'tax_rate' | 'tax_inclusive' | 'sac' | 'hidden'>(key: K) => (input[key] === undefined ? before?.[key] : input[key]);
      return { ...input, tax_rate: kept('tax_rate'), tax_inclusive: kept('tax_inclusive'), sac: kept('sac'), hidden: kept('hidden') };
    })
    .map((t) => ({
      id: t.id ?? newId('tt'),
      name: t.name,
      price: t.price,
      capacity: t.capacity ?? null,
      max_per_order: t.max_per_order ?? DEFAULT_MAX_PER_ORDER,
      tax_rate: t.tax_rate ?? null,
      tax_inclusive: t.tax_inclusive ?? true,
      sac: t.sac ?? DEFAULT_SAC,
      hidden: t.hidden ?? false,
    }));
}

/** The convenience fee as stored, with its defaults; null when the event charges none. */
export function toFee(fee: ConvenienceFeeInput | null | undefined): ConvenienceFeeDoc | null {
  if (!fee) return null;
  return { paid_by: fee.paid_by, percent_bp: fee.percent_bp ?? 0, fixed: fee.fixed ?? 0, tax_rate: fee.tax_rate === undefined ? DEFAULT_FEE_TAX_RATE : fee.tax_rate };
}

/** Only the fields the organizer edits, with defaults applied: the shared part of create and edit. */
export function editableFields(e: EventInput) {
  return {
    name: e.name,
    description: e.description ?? null,
    venue: e.venue ?? null,
    starts_at: e.starts_at,
    ends_at: e.ends_at,
    // MongoDB's $dateToString refuses `asia/kolkata`; stats bucket sales by this name.
    timezone: canonicalTimeZone(e.timezone ?? DEFAULT_TIMEZONE) ?? DEFAULT_TIMEZONE,
    capacity: e.capacity,
    sales_start_at: e.sales_start_at ?? null,
    sales_end_at: e.sales_end_at ?? null,
    valid_from: e.valid_from ?? null,
    valid_until: e.valid_until ?? null,
    allowed_origins: e.allowed_origins ?? [],
    open_amount: e.open_amount ?? null,
    require_email_verification: e.require_email_verification ?? true,
    hold_minutes: e.hold_minutes ?? DEFAULT_HOLD_MINUTES,
    venue_state: e.venue_state ?? null,
    convenience_fee: toFee(e.convenience_fee),
    status: e.status ?? ('published' as const),
    attendee_details: e.attendee_details ?? ('none' as const),
    waiting_list: { enabled: e.waiting_list?.enabled ?? false, offer_hours: e.waiting_list?.offer_hours ?? DEFAULT_OFFER_HOURS },
  };
}
