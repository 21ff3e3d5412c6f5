/**
 * What a page may set up a checkout with, read from attributes or given to `open()`: tickets
 * chosen in advance, the ticket types shown, the buyer's details, and the campaign the buyer
 * came from. DOM-free, so the attribute grammar is unit-tested on its own.
 *
 * A module of its own, built to `widget/dist/tts-checkout.options.js` and fetched only by a
 * checkout that uses one of these (or runs on a page with `utm_*` parameters), so the
 * script-tag bundle stays within its size budget for everyone else (docs/widget.md#size).
 */
import type { OrderTracking } from '@trendy-tickets/sdk';
import type { CheckoutFlow } from './checkout-flow.js';

/** How a page sets up a checkout (each one optional; see docs/widget.md#attributes). */
export interface CheckoutOptions {
  /** Tickets chosen per ticket type when the event loads (`tt_…` → quantity). */
  items?: Record<string, number>;
  /** Show only these ticket types (empty: all). */
  ticketTypes?: string[];
  /** The buyer's details filled in; the buyer may still change them. */
  buyer?: { name?: string; email?: string; phone?: string };
  /** The campaign the buyer came from; sent with the order. */
  tracking?: OrderTracking;
  /** A promo code to apply, as the `promo-code` attribute does (read by the element, not here). */
  promoCode?: string;
}

/** The tracking fields, as the order takes them; the page's own carry a `utm_` prefix. */
const TRACKING = ['source', 'medium', 'campaign', 'term', 'content'] as const;
/** The longest value the server keeps (longer ones would refuse the order, so they are cut). */
const MAX = 100;
/** Line breaks and other control characters: the server refuses them in a tracking value. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
const CONTROL = /[\u0000-\u001f\u007f]/g;

/**
 * `items="tt_a:2,tt_b:1"` → `{ tt_a: 2, tt_b: 1 }`. A type without a count is one ticket;
 * a malformed count is skipped, never guessed.
 *
 * @example
 * parseItems('tt_a:2, tt_b'); // { tt_a: 2, tt_b: 1 }
 */
export function parseItems(text: string | null | undefined): Record<string, number> {
  const items: Record<string, number> = {};
  for (const part of parseList(text)) {
    const [id = '', count = '1'] = part.split(':').map((s) => s.trim());
    if (id && /^\d+$/.test(count)) items[id] = Number(count);
  }
  return items;
}

/**
 * A comma-separated list without blanks.
 *
 * @example
 * parseList('tt_a, ,tt_b'); // ['tt_a', 'tt_b']
 */
export function parseList(text: string | null | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Each known field's value, cleaned: control characters out, cut to {@link MAX}, blanks left out. */
function clean(read: (field: (typeof TRACKING)[number]) => string | null | undefined): OrderTracking {
  const tracking: OrderTracking = {};
  for (const field of TRACKING) {
    const value = String(read(field) ?? '')
      .replace(CONTROL, ' ')
      .trim()
      .slice(0, MAX)
      .trim();
    if (value) tracking[field] = value;
  }
  return tracking;
}

/**
 * Tracking from query-string text: the `tracking` attribute (`campaign=diwali&source=mail`,
 * with or without `utm_`), or with `pageOnly` the page's `location.search`, where only the
 * `utm_*` parameters count. Values are cut to what the server keeps (100 characters), control
 * characters dropped, empty ones left out.
 *
 * @example
 * parseTracking('?utm_source=mail&utm_campaign=diwali&source=x', true); // { source: 'mail', campaign: 'diwali' }
 */
export function parseTracking(text: string | null | undefined, pageOnly = false): OrderTracking {
  const params = new URLSearchParams(text ?? '');
  return clean((f) => params.get(`utm_${f}`) ?? (pageOnly ? null : params.get(f)));
}

/**
 * The tracking an order is sent with: the page's `utm_*` parameters, each overridden by the
 * partner's own (attribute or `open()`) where it names the same field; null when neither says anything.
 *
 * @example
 * orderTracking('?utm_source=mail', { campaign: 'diwali' }); // { source: 'mail', campaign: 'diwali' }
 */
export function orderTracking(pageSearch: string, given: OrderTracking | null | undefined): OrderTracking | null {
  const tracking = { ...parseTracking(pageSearch, true), ...clean((f) => given?.[f]) };
  return Object.keys(tracking).length > 0 ? tracking : null;
}

/** The element's attributes this module reads (as written, unparsed). */
export interface OptionAttributes {
  items: string;
  ticketTypes: string;
  tracking: string;
}

/**
 * Sets the flow up from the attributes, then from `options` (an `open()` call), which win. A
 * new choice of tickets or types is made again at once when the event is already loaded, and
 * otherwise when it loads.
 *
 * @example
 * configure(flow, location.search, { items: 'tt_a:2', ticketTypes: '', tracking: '' });
 */
export function configure(flow: CheckoutFlow, pageSearch: string, attributes: OptionAttributes, options: CheckoutOptions = {}): void {
  const items = options.items ?? parseItems(attributes.items);
  const ticketTypes = options.ticketTypes ?? parseList(attributes.ticketTypes);
  const chosen = JSON.stringify([items, ticketTypes]) !== JSON.stringify([flow.items, flow.ticketTypes]);
  flow.items = items;
  flow.ticketTypes = ticketTypes;
  flow.tracking = orderTracking(pageSearch, options.tracking ?? parseTracking(attributes.tracking));
  for (const [field, value] of Object.entries(options.buyer ?? {})) if (value) flow.field(field as 'name', value);
  if (chosen && flow.state.ev) flow.choose();
}
