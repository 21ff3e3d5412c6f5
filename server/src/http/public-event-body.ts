import type { Context, TypedResponse } from 'hono';
import type { PublicEvent } from '@trendy-tickets/sdk';
import { salesOpen, type EventDoc } from '../domain/events.js';
import type { PromoCodeDoc } from '../domain/promo-codes.js';
import { toPublicEventJson } from './serializers.js';

/** JSON text known to encode a `T`, so a route answering with it keeps its typed response. */
export type JsonText<T> = string & { readonly __encodes: T };

/** The JSON text last written for one event document, and the two inputs besides it that shape it. */
interface WrittenBody {
  holdsExpireAt: number | null;
  salesOpen: boolean;
  text: JsonText<PublicEvent>;
}

/**
 * Keyed by the document object itself: the event service hands out one object per read of the
 * store (its short public cache, decision 0009) and a new one after every change, so a text
 * kept here lives exactly as long as the document it was made from, and is never staler.
 */
const written = new WeakMap<EventDoc, WrittenBody>();

/**
 * The public view of an event as JSON text: `JSON.stringify(toPublicEventJson(...))`, written
 * once per event document rather than once per request. Every buyer's page asks for the same
 * event, and building and stringifying the object was a fifth of the read's own work
 * (docs/decisions/0055-public-read-cost.md).
 *
 * Besides the document, the text depends on the clock only through `sales_open` and on the
 * holds through `holds_expire_at`: both are compared on every call, so a sales window opening
 * or a hold expiring shows at once. A view with a promo code is per buyer and never kept.
 *
 * @example
 * return jsonText(c, publicEventBody(event, clock.now(), holdsExpireAt, null), 200);
 */
export function publicEventBody(event: EventDoc, now: Date, holdsExpireAt: Date | null, promo: PromoCodeDoc | null): JsonText<PublicEvent> {
  if (promo !== null) return encode(toPublicEventJson(event, now, holdsExpireAt, promo));
  const holds = holdsExpireAt === null ? null : holdsExpireAt.getTime();
  const open = salesOpen(event, now);
  const kept = written.get(event);
  if (kept !== undefined && kept.holdsExpireAt === holds && kept.salesOpen === open) return kept.text;
  const text = encode(toPublicEventJson(event, now, holdsExpireAt, null));
  written.set(event, { holdsExpireAt: holds, salesOpen: open, text });
  return text;
}

const encode = <T>(value: T) => JSON.stringify(value) as JsonText<T>;

/** The header `c.json()` sets. */
const JSON_CONTENT_TYPE = { 'Content-Type': 'application/json' } as const;

/**
 * Answers with text that is already JSON, exactly as `c.json(value, status)` would have
 * answered with the value (same status, same headers), and typed as that response.
 *
 * @example
 * return jsonText(c, publicEventBody(event, now, null, null), 200);
 */
export function jsonText<T, S extends 200>(c: Context, text: JsonText<T>, status: S): Response & TypedResponse<T, S, 'json'> {
  return c.body(text, status, JSON_CONTENT_TYPE) as unknown as Response & TypedResponse<T, S, 'json'>;
}
