import { describe, expect, it } from 'vitest';
import type { EventDoc } from '../domain/events.js';
import type { PromoCodeDoc } from '../domain/promo-codes.js';
import { publicEventBody } from './public-event-body.js';
import { toPublicEventJson } from './serializers.js';

const NOW = new Date('2030-06-01T10:00:00Z');

function eventDoc(overrides: Partial<EventDoc> = {}): EventDoc {
  return {
    _id: 'evt_body',
    account: 'acct_body',
    livemode: false,
    name: 'Monsoon Jazz Night',
    description: null,
    venue: 'NCPA, Mumbai',
    starts_at: new Date('2030-06-08T14:00:00Z'),
    ends_at: new Date('2030-06-08T18:00:00Z'),
    timezone: 'Asia/Kolkata',
    capacity: 100,
    currency: 'INR',
    status: 'published',
    ticket_types: [
      { id: 'tt_general', name: 'General', price: 49_900, capacity: null, max_per_order: 10 },
      { id: 'tt_hidden', name: 'Friends', price: 9_900, capacity: null, max_per_order: 2, hidden: true },
    ],
    sales_start_at: null,
    sales_end_at: null,
    valid_from: null,
    valid_until: null,
    allowed_origins: [],
    open_amount: null,
    require_email_verification: false,
    hold_minutes: 10,
    inventory: { available: 100, held: 0, sold: 0, types: {} },
    rev: 1,
    created_at: NOW,
    updated_at: NOW,
    cancelled_at: null,
    ...overrides,
  } as EventDoc;
}

const fresh = (event: EventDoc, now: Date, holds: Date | null, promo: PromoCodeDoc | null = null) => JSON.stringify(toPublicEventJson(event, now, holds, promo));

describe('publicEventBody: the public view as JSON text', () => {
  it('is the text the serializer gives, read after read', () => {
    const event = eventDoc();
    expect(publicEventBody(event, NOW, null, null)).toBe(fresh(event, NOW, null));
    expect(publicEventBody(event, NOW, null, null)).toBe(fresh(event, NOW, null));
  });

  it('opens and closes sales by the clock for the same document', () => {
    const event = eventDoc({ sales_start_at: new Date('2030-06-02T00:00:00Z') });
    expect(JSON.parse(publicEventBody(event, NOW, null, null)).sales_open).toBe(false);
    const opened = new Date('2030-06-03T00:00:00Z');
    expect(publicEventBody(event, opened, null, null)).toBe(fresh(event, opened, null));
    expect(JSON.parse(publicEventBody(event, new Date('2030-06-08T18:00:00Z'), null, null)).sales_open).toBe(false);
  });

  it('shows a new hold expiry for the same document', () => {
    const event = eventDoc();
    const expiry = new Date('2030-06-01T10:10:00Z');
    expect(JSON.parse(publicEventBody(event, NOW, null, null)).holds_expire_at).toBeNull();
    expect(JSON.parse(publicEventBody(event, NOW, expiry, null)).holds_expire_at).toBe(expiry.toISOString());
    expect(JSON.parse(publicEventBody(event, NOW, null, null)).holds_expire_at).toBeNull();
  });

  it('describes a promo code only to the buyer who sent it', () => {
    const event = eventDoc();
    const promo = { _id: 'promo_1', code: 'FRIENDS', kind: 'percent', value: 10, ticket_types: null, unlocks: ['tt_hidden'] } as unknown as PromoCodeDoc;
    expect(publicEventBody(event, NOW, null, promo)).toBe(fresh(event, NOW, null, promo));
    const plain = JSON.parse(publicEventBody(event, NOW, null, null));
    expect(plain.promo).toBeNull();
    expect(plain.ticket_types.map((t: { id: string }) => t.id)).toEqual(['tt_general']);
  });

  it('writes new text for the document read after an edit', () => {
    const before = eventDoc();
    expect(JSON.parse(publicEventBody(before, NOW, null, null)).name).toBe('Monsoon Jazz Night');
    const after = eventDoc({ name: 'Monsoon Jazz Night (moved)', rev: 2 });
    expect(JSON.parse(publicEventBody(after, NOW, null, null)).name).toBe('Monsoon Jazz Night (moved)');
  });
});
