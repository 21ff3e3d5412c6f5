import type { Account, ApiKey, Event, List, PublicEvent } from '@trendy-tickets/sdk';
import type { AccountDoc, ApiKeyDoc } from '../domain/accounts.js';
import { salesOpen, typeAvailable, type EventDoc } from '../domain/events.js';
import type { Page } from '../store/paginate.js';

/** Stored documents → wire objects (SPEC §4). The only place that knows both shapes. */

const iso = (d: Date): string => d.toISOString();
const isoOrNull = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function toList<D, T>(page: Page<D>, toJson: (doc: D) => T): List<T> {
  return { object: 'list', data: page.data.map(toJson), has_more: page.hasMore, next_cursor: page.nextCursor };
}

export function toAccountJson(doc: AccountDoc): Account {
  return { id: doc._id, object: 'account', created_at: iso(doc.created_at), email: doc.email, name: doc.name };
}

export function toApiKeyJson(doc: ApiKeyDoc, secret?: string): ApiKey {
  return {
    id: doc._id,
    object: 'api_key',
    created_at: iso(doc.created_at),
    kind: doc.kind,
    mode: doc.mode,
    display: doc.display,
    ...(secret === undefined ? {} : { secret }),
  };
}

export function toEventJson(doc: EventDoc): Event {
  return {
    id: doc._id,
    object: 'event',
    created_at: iso(doc.created_at),
    livemode: doc.livemode,
    name: doc.name,
    description: doc.description,
    venue: doc.venue,
    starts_at: iso(doc.starts_at),
    ends_at: iso(doc.ends_at),
    timezone: doc.timezone,
    capacity: doc.capacity,
    currency: doc.currency,
    status: doc.status,
    ticket_types: doc.ticket_types.map((t) => {
      const counters = doc.inventory.types[t.id] ?? { sold: 0, held: 0 };
      return {
        id: t.id,
        name: t.name,
        price: t.price,
        capacity: t.capacity,
        max_per_order: t.max_per_order,
        sold: counters.sold,
        held: counters.held,
        available: typeAvailable(doc, t.id),
      };
    }),
    sales_start_at: isoOrNull(doc.sales_start_at),
    sales_end_at: isoOrNull(doc.sales_end_at),
    valid_from: isoOrNull(doc.valid_from),
    valid_until: isoOrNull(doc.valid_until),
    allowed_origins: doc.allowed_origins,
    open_amount: doc.open_amount,
    require_email_verification: doc.require_email_verification,
    hold_minutes: doc.hold_minutes,
    sold: doc.inventory.sold,
    held: doc.inventory.held,
    available: doc.inventory.available,
  };
}

/** What a publishable key may see: no counters beyond availability, no origins, no account. */
export function toPublicEventJson(doc: EventDoc, now: Date): PublicEvent {
  return {
    id: doc._id,
    object: 'public_event',
    livemode: doc.livemode,
    name: doc.name,
    description: doc.description,
    venue: doc.venue,
    starts_at: iso(doc.starts_at),
    ends_at: iso(doc.ends_at),
    timezone: doc.timezone,
    currency: doc.currency,
    status: doc.status,
    ticket_types: doc.ticket_types.map((t) => ({
      id: t.id,
      name: t.name,
      price: t.price,
      max_per_order: t.max_per_order,
      available: typeAvailable(doc, t.id),
    })),
    available: doc.inventory.available,
    sales_open: salesOpen(doc, now),
    sales_start_at: isoOrNull(doc.sales_start_at),
    sales_end_at: isoOrNull(doc.sales_end_at),
    open_amount: doc.open_amount,
    require_email_verification: doc.require_email_verification,
  };
}
