import type { WaitingListEntry } from '@trendy-tickets/sdk';
import { describe, expect, it } from 'vitest';
import { buyer, payWithTestGateway, startOrder } from '../helpers/checkout.js';
import { appOn, claimTokenFor, countersOf, DRIVERS, joinLine, waitingListEvent } from './helpers.js';

describe.each(DRIVERS)('the waiting list on the %s store', (_name, driver) => {
  it('offers freed seats first come first served, passes a lapsed offer on, and issues tickets for a paid claim', async () => {
    const t = await appOn(driver);
    const org = await waitingListEvent(t, 2);
    const first = await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.vip, quantity: 1 }]);
    const second = await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.vip, quantity: 1 }]);
    const people = [buyer('One'), buyer('Two'), buyer('Three')];
    const line: WaitingListEntry[] = [];
    for (const who of people) line.push(await joinLine(t, org.pk, org.event.id, org.vip, 1, who));
    expect(line.map((e) => e.position)).toEqual([1, 2, 3]);
    expect(await countersOf(t, org.event.id, org.vip)).toMatchObject({ available: 0, held: 2, waiting: 3 });

    for (const order of [first, second]) {
      const cancelled = await t.call('POST', `/v1/orders/${order.id}/cancel`, { key: org.pk, body: { client_secret: order.client_secret } });
      expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    }
    // Freed while people wait: buyers see none and cannot hold them.
    const pub = await t.call('GET', `/v1/public/events/${org.event.id}`, { key: org.pk });
    expect(pub.body.ticket_types.find((tt: { id: string }) => tt.id === org.vip).available).toBe(0);
    const early = await t.call('POST', '/v1/orders', { key: org.pk, body: { event: org.event.id, items: [{ ticket_type: org.vip, quantity: 1 }], buyer: buyer() } });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('SOLD_OUT');

    expect(await t.services.waitingOffers.offerDue()).toBe(2);
    const tokens = [await claimTokenFor(t, people[0]!.email), await claimTokenFor(t, people[1]!.email), await claimTokenFor(t, people[2]!.email)];
    expect(tokens[0]).toBeDefined();
    expect(tokens[1]).toBeDefined();
    expect(tokens[2]).toBeUndefined();
    expect(await countersOf(t, org.event.id, org.vip)).toMatchObject({ available: 0, held: 2, waiting: 1 });
    const offered = await t.call('GET', `/v1/waiting_list_entries/${line[0]!.id}`, { key: org.sk });
    expect(offered.body).toMatchObject({ status: 'offered', position: null, offer_expires_at: '2030-06-02T10:00:00.000Z' });

    const refused = await t.call('POST', '/v1/orders', { key: org.pk, body: { event: org.event.id, items: [{ ticket_type: org.vip, quantity: 1 }], buyer: buyer() } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('SOLD_OUT');

    // The second claims and pays.
    const { order, clientSecret } = await t.services.waitingOffers.claim(tokens[1]!, { name: 'Two Claimed' });
    expect(order).toMatchObject({ _id: expect.stringMatching(/^ord_/), status: 'awaiting_payment', amount: 149_900, quantity: 1 });
    const paid = await payWithTestGateway(t, org.pk, { id: order._id, client_secret: clientSecret }, order.payment!.gateway_order_id!);
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body.status).toBe('paid');
    expect(paid.body.tickets).toHaveLength(1);
    const claimedEntry = await t.call('GET', `/v1/waiting_list_entries/${line[1]!.id}`, { key: org.sk });
    expect(claimedEntry.body).toMatchObject({ status: 'claimed', order: order._id });

    // The first lets the offer lapse: the third gets the seat.
    t.clock.advance(24 * 60 * 60_000 + 1);
    expect(await t.services.waitingOffers.lapseExpired()).toBe(1);
    expect((await t.call('GET', `/v1/waiting_list_entries/${line[0]!.id}`, { key: org.sk })).body.status).toBe('lapsed');
    expect(await claimTokenFor(t, people[2]!.email)).toBeDefined();
    expect((await t.call('GET', `/v1/waiting_list_entries/${line[2]!.id}`, { key: org.sk })).body.status).toBe('offered');

    expect(await countersOf(t, org.event.id, org.vip)).toEqual({ available: 0, held: 1, sold: 1, waiting: 0 });
    const event = await t.services.events.findById(org.event.id);
    expect(event!.inventory).toMatchObject({ sold: 1, held: 1, available: 98 });
  });
});
