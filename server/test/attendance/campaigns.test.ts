import type { EventStats, Order, Ticket } from '@trendy-tickets/sdk';
import { describe, expect, it } from 'vitest';
import { RECOUNT_QUIET_MS } from '../../src/domain/figures.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buyer, organizerWithEvent, payWithTestGateway } from '../helpers/checkout.js';

const GENERAL = 49_900;

/** Creates an order with `tracking` as the widget sends it. */
function create(t: TestApp, pk: string, event: string, items: Array<{ ticket_type: string; quantity: number }>, tracking?: unknown) {
  return t.call('POST', '/v1/orders', { key: pk, body: { event, items, buyer: buyer(), ...(tracking === undefined ? {} : { tracking }) } });
}

/** Buys and pays through the test gateway; returns the paid order. */
async function buy(t: TestApp, pk: string, event: string, items: Array<{ ticket_type: string; quantity: number }>, tracking?: unknown): Promise<Order> {
  const created = await create(t, pk, event, items, tracking);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const paid = await payWithTestGateway(t, pk, created.body, created.body.payment.gateway_order_id);
  expect(paid.status, JSON.stringify(paid.body)).toBe(200);
  return paid.body;
}

async function statsOf(t: TestApp, sk: string, eventId: string): Promise<EventStats> {
  const res = await t.call('GET', `/v1/events/${eventId}/stats`, { key: sk });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

describe('campaign tracking on orders', () => {
  it('keeps the tracking sent with an order and shows it on the order and its tickets', async () => {
    const t = await buildTestApp();
    const { pk, sk, event, general } = await organizerWithEvent(t, { require_email_verification: false });
    const order = await buy(t, pk, event.id, [{ ticket_type: general, quantity: 1 }], { source: 'newsletter', medium: 'email', campaign: ' diwali ' });
    expect(order.tracking).toEqual({ source: 'newsletter', medium: 'email', campaign: 'diwali' });
    expect(order.tickets.map((x: Ticket) => x.campaign)).toEqual(['diwali']);
    const again = await t.call('GET', `/v1/orders/${order.id}`, { key: sk });
    expect(again.body.tracking).toEqual({ source: 'newsletter', medium: 'email', campaign: 'diwali' });
  });

  it('answers null tracking and campaign for an order sent without any', async () => {
    const t = await buildTestApp();
    const { pk, event, general } = await organizerWithEvent(t, { require_email_verification: false });
    const order = await buy(t, pk, event.id, [{ ticket_type: general, quantity: 1 }]);
    expect(order.tracking).toBeNull();
    expect(order.tickets[0]?.campaign).toBeNull();
  });

  it.each([
    ['a value over 100 characters', { campaign: 'x'.repeat(101) }, 'tracking.campaign'],
    ['an empty value', { source: '   ' }, 'tracking.source'],
    ['a field it does not know', { utm_campaign: 'diwali' }, 'tracking'],
    ['a value that is not text', { campaign: 7 }, 'tracking.campaign'],
    ['a line break in a value', { campaign: 'a\nb' }, 'tracking.campaign'],
  ])('refuses tracking with %s and holds no seats', async (_why, tracking, field) => {
    const t = await buildTestApp();
    const { pk, sk, event, general } = await organizerWithEvent(t, { require_email_verification: false });
    const res = await create(t, pk, event.id, [{ ticket_type: general, quantity: 1 }], tracking);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(res.body.error.details)).toContain(field);
    expect((await statsOf(t, sk, event.id)).held).toBe(0);
  });
});

describe('campaigns in the attendee list, the CSV and the stats', () => {
  it('counts tickets and revenue per campaign from the counters, takes voided tickets out, and a recount agrees', async () => {
    const t = await buildTestApp();
    const { pk, sk, event, general, vip, account } = await organizerWithEvent(t, { require_email_verification: false });
    await buy(t, pk, event.id, [{ ticket_type: general, quantity: 2 }], { source: 'newsletter', campaign: 'diwali.2030' });
    const second = await buy(t, pk, event.id, [{ ticket_type: vip, quantity: 1 }], { campaign: 'diwali.2030' });
    await buy(t, pk, event.id, [{ ticket_type: general, quantity: 1 }], { source: 'instagram', campaign: '$launch' });
    await buy(t, pk, event.id, [{ ticket_type: general, quantity: 1 }], { source: 'instagram' }); // no campaign: not a row
    await buy(t, pk, event.id, [{ ticket_type: general, quantity: 1 }]);
    const voided = await t.call('POST', `/v1/tickets/${second.tickets[0]!.id}/void`, { key: sk });
    expect(voided.status).toBe(200);

    expect((await statsOf(t, sk, event.id)).by_campaign).toEqual([
      { campaign: 'diwali.2030', tickets: 2, revenue: 2 * GENERAL },
      { campaign: '$launch', tickets: 1, revenue: GENERAL },
    ]);
    // The counters moved with each ticket's own follow-up: a recount from the tickets finds nothing to fix.
    t.clock.advance(RECOUNT_QUIET_MS + 1);
    expect(await t.services.figures.recount({ account: account.id, livemode: false })).toEqual({ busy: false, drifts: [] });
  });

  it('shows each attendee’s campaign in the list and as the CSV’s campaign column, after the order and issue time', async () => {
    const t = await buildTestApp();
    const { pk, sk, event, general } = await organizerWithEvent(t, { require_email_verification: false });
    const tracked = await buy(t, pk, event.id, [{ ticket_type: general, quantity: 1 }], { campaign: '=launch' });
    const plain = await buy(t, pk, event.id, [{ ticket_type: general, quantity: 1 }]);

    const list = await t.call('GET', `/v1/events/${event.id}/attendees`, { key: sk });
    expect(list.status).toBe(200);
    const byOrder = Object.fromEntries(list.body.data.map((x: Ticket) => [x.order, x.campaign]));
    expect(byOrder).toEqual({ [tracked.id]: '=launch', [plain.id]: null });

    const csv = await t.call('GET', `/v1/events/${event.id}/attendees.csv`, { key: sk });
    const lines = String(csv.body).trim().split('\r\n');
    expect(lines[0]?.split(',').slice(-2)).toEqual(['campaign', 'promo_code']);
    const row = (order: string) =>
      lines
        .find((l) => l.includes(order))
        ?.split(',')
        .at(-2);
    // A campaign is the buyer's page's text: neutralised like any cell a spreadsheet could run.
    expect(row(tracked.id)).toBe("'=launch");
    expect(row(plain.id)).toBe('');
  });
});
