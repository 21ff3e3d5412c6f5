import type { PublicEvent } from '@trendy-tickets/sdk';
import { describe, expect, it } from 'vitest';
import { CheckoutFlow } from './checkout-flow.js';
import { configure, orderTracking, parseItems, parseList, parseTracking } from './options.js';

describe('parseItems', () => {
  it('reads type:count pairs, a bare type as one ticket', () => {
    expect(parseItems('tt_a:2, tt_b:1 ,tt_c')).toEqual({ tt_a: 2, tt_b: 1, tt_c: 1 });
  });

  it('skips a malformed count instead of guessing one', () => {
    expect(parseItems('tt_a:two,tt_b:-1,tt_c:1.5,:3,tt_d:4')).toEqual({ tt_d: 4 });
  });

  it('reads nothing from an empty or missing attribute', () => {
    expect(parseItems('')).toEqual({});
    expect(parseItems(null)).toEqual({});
  });
});

describe('parseList', () => {
  it('splits on commas and drops blanks', () => {
    expect(parseList(' tt_a, ,tt_b,')).toEqual(['tt_a', 'tt_b']);
  });
});

describe('parseTracking', () => {
  it('reads the tracking attribute with or without the utm_ prefix', () => {
    expect(parseTracking('campaign=diwali&utm_source=mail&medium=email')).toEqual({ campaign: 'diwali', source: 'mail', medium: 'email' });
  });

  it('reads only utm_* parameters from the page, never a page parameter that merely shares a name', () => {
    expect(parseTracking('?utm_campaign=diwali&source=header&utm_term=rock+band&utm_content=', true)).toEqual({ campaign: 'diwali', term: 'rock band' });
  });

  it('cuts values to the 100 characters the server keeps and turns control characters into spaces', () => {
    const tracking = parseTracking(`campaign=${'x'.repeat(150)}&source=a%0Ab%09c`);
    expect(tracking.campaign).toHaveLength(100);
    expect(tracking.source).toBe('a b c');
  });
});

describe('orderTracking', () => {
  it("overrides the page's utm_* field by field with the partner's own", () => {
    expect(orderTracking('?utm_source=mail&utm_campaign=spring', { campaign: 'diwali' })).toEqual({ source: 'mail', campaign: 'diwali' });
  });

  it('is null when neither the page nor the partner says anything', () => {
    expect(orderTracking('?q=1', {})).toBeNull();
    expect(orderTracking('', undefined)).toBeNull();
  });
});

const EVENT = {
  id: 'evt_1',
  open_amount: null,
  ticket_types: [
    { id: 'tt_a', available: 10, max_per_order: 4 },
    { id: 'tt_b', available: 1, max_per_order: 4 },
    { id: 'tt_c', available: 10, max_per_order: 4 },
  ],
} as unknown as PublicEvent;

/** A flow whose API answers EVENT; nothing else is called before an order. */
function flowOnEvent() {
  const flow = new CheckoutFlow({
    api: () => ({ event: async () => EVENT }) as never,
    changed: () => {},
    fire: () => {},
    resumed: () => {},
    invalidField: () => {},
    handlers: { test: null, razorpay: null, external: null },
  });
  flow.setEvent('evt_1');
  return flow;
}

describe('configure', () => {
  it('chooses the page’s tickets when the event loads, no more than are left, and shows only the listed types', async () => {
    const flow = flowOnEvent();
    configure(flow, '', { items: 'tt_a:2,tt_b:3', ticketTypes: 'tt_a,tt_b', tracking: '' });
    await flow.load();
    expect(flow.state.ev?.ticket_types.map((t) => t.id)).toEqual(['tt_a', 'tt_b']);
    expect(flow.state.qty).toEqual({ tt_a: 2, tt_b: 1 });
  });

  it('lets open() options win over the attributes, fills in the buyer, and chooses again once the event is loaded', async () => {
    const flow = flowOnEvent();
    configure(flow, '?utm_source=mail', { items: 'tt_a:2', ticketTypes: '', tracking: 'campaign=spring' });
    await flow.load();
    configure(
      flow,
      '?utm_source=mail',
      { items: 'tt_a:2', ticketTypes: '', tracking: 'campaign=spring' },
      {
        items: { tt_c: 3 },
        buyer: { name: 'Asha Rao', email: 'asha@example.com' },
        tracking: { campaign: 'diwali' },
      },
    );
    await flow.load();
    expect(flow.state.qty).toEqual({ tt_a: 0, tt_b: 0, tt_c: 3 });
    expect(flow.state.buyer).toEqual({ name: 'Asha Rao', email: 'asha@example.com', phone: '', company: '', address: '', gstin: '' });
    expect(flow.tracking).toEqual({ source: 'mail', campaign: 'diwali' });
  });

  it('without items, chooses the first type on sale as before', async () => {
    const flow = flowOnEvent();
    configure(flow, '', { items: '', ticketTypes: 'tt_c', tracking: '' });
    await flow.load();
    expect(flow.state.qty).toEqual({ tt_c: 1 });
  });
});
