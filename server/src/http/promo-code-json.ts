import type { PromoCode, PublicPromo } from '@trendy-tickets/sdk';
import type { PromoCodeDoc } from '../domain/promo-codes.js';

const isoOrNull = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/** A promo code on the wire, with its `uses` (docs/promo-codes.md). */
export function toPromoCodeJson(doc: PromoCodeDoc): PromoCode {
  return {
    id: doc._id,
    object: 'promo_code',
    event: doc.event,
    livemode: doc.livemode,
    code: doc.code,
    kind: doc.kind,
    value: doc.value,
    ticket_types: doc.ticket_types ? [...doc.ticket_types] : null,
    unlocks: [...doc.unlocks],
    max_uses: doc.max_uses,
    max_per_order: doc.max_per_order,
    starts_at: isoOrNull(doc.starts_at),
    ends_at: isoOrNull(doc.ends_at),
    active: doc.active,
    uses: doc.uses,
    created_at: doc.created_at.toISOString(),
  };
}

/** What a buyer may see of a code: what it takes off and on which types; never its limits or uses. */
export function toPublicPromoJson(doc: PromoCodeDoc): PublicPromo {
  return { code: doc.code, kind: doc.kind, value: doc.value, ticket_types: doc.ticket_types ? [...doc.ticket_types] : null };
}
