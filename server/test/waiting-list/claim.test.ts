import { beforeEach, describe, expect, it } from 'vitest';
import { createInventory } from '../../src/domain/inventory.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buyer, issueTickets, startOrder } from '../helpers/checkout.js';
import { claimTokenFor, countersOf, joinLine, waitingListEvent } from './helpers.js';

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp();
});

const form = (fields: Record<string, string>) => ({
  rawBody: new URLSearchParams(fields).toString(),
  headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://tickets.test' },
});

/** A VIP type of one seat held by an order, one person waiting, the order cancelled and the seat offered. */
async function oneOffer() {
  const org = await waitingListEvent(t, 1);
  const order = await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.vip, quantity: 1 }]);
  const who = buyer('Meera Iyer');
  const entry = await joinLine(t, org.pk, org.event.id, org.vip, 1, who);
  await t.call('POST', `/v1/orders/${order.id}/cancel`, { key: org.pk, body: { client_secret: order.client_secret } });
  expect(await t.services.waitingOffers.offerDue()).toBe(1);
  const token = await claimTokenFor(t, who.email);
  expect(token).toBeDefined();
  return { org, entry, who, token: token! };
}

describe('the claim page', () => {
  it('shows the offer, claims it with the buyer’s name, and pays it through the test gateway', async () => {
    const { org, entry, token } = await oneOffer();
    const page = await t.call('GET', `/waiting-list/claim/${token}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('1 × VIP');
    expect(page.body).toContain('Meera Iyer');
    expect(page.body).toContain('Claim and pay');

    const claimed = await t.call('POST', `/waiting-list/claim/${token}`, form({ name: 'Meera R. Iyer' }));
    expect(claimed.status).toBe(303);
    const pay = await t.call('GET', `/waiting-list/claim/${token}`);
    expect(pay.body).toContain('Pay (test mode)');
    const paid = await t.call('POST', `/waiting-list/claim/${token}/pay`, form({}));
    expect(paid.status).toBe(303);
    expect((await t.call('GET', `/waiting-list/claim/${token}`)).body).toContain('Paid.');

    const read = await t.call('GET', `/v1/waiting_list_entries/${entry.id}`, { key: org.sk });
    const order = await t.call('GET', `/v1/orders/${read.body.order}`, { key: org.sk });
    expect(order.body).toMatchObject({ status: 'paid', buyer: { name: 'Meera R. Iyer', email: entry.email } });
    expect(order.body.tickets).toHaveLength(1);
    expect(await countersOf(t, org.event.id, org.vip)).toEqual({ available: 0, held: 0, sold: 1, waiting: 0 });
  });

  it('shows an ended offer as gone, with no form', async () => {
    const { token } = await oneOffer();
    t.clock.advance(24 * 60 * 60_000 + 1);
    const page = await t.call('GET', `/waiting-list/claim/${token}`);
    expect(page.status).toBe(410);
    expect(page.body).not.toContain('<form');
    const late = await t.call('POST', `/waiting-list/claim/${token}`, form({ name: 'Late' }));
    expect(late.status).toBe(410);
    expect((await t.call('GET', '/waiting-list/claim/wlc_unknown')).status).toBe(404);
  });

  it('lets one of two racing claims of one offer make an order', async () => {
    const { token } = await oneOffer();
    const results = await Promise.allSettled([t.services.waitingOffers.claim(token, { name: 'A' }), t.services.waitingOffers.claim(token, { name: 'B' })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: 'CONFLICT' });
    const orders = await t.store.collection('orders').count({ source: 'checkout', status: 'awaiting_payment' });
    expect(orders).toBe(1);
  });
});

describe('seats while people wait', () => {
  it('gives a released seat to nobody of 50 racing buyers while someone waits', async () => {
    const org = await waitingListEvent(t, 1);
    const order = await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.vip, quantity: 1 }]);
    await joinLine(t, org.pk, org.event.id, org.vip, 1);
    await t.call('POST', `/v1/orders/${order.id}/cancel`, { key: org.pk, body: { client_secret: order.client_secret } });
    const event = (await t.services.events.findById(org.event.id))!;
    const holds = await Promise.all(
      Array.from({ length: 50 }, (_, i) => createInventory({ store: t.store, clock: t.clock }).hold(event, `ord_racer${i}`, [{ ticketType: org.vip, quantity: 1 }])),
    );
    expect(holds.filter(Boolean)).toHaveLength(0);
    expect(await countersOf(t, org.event.id, org.vip)).toMatchObject({ available: 1, held: 0, waiting: 1 });
    expect(await t.services.waitingOffers.offerDue()).toBe(1);
  });

  it('offers seats a capacity increase adds', async () => {
    const org = await waitingListEvent(t, 1);
    await issueTickets(t, org.sk, org.event.id, org.vip, { name: 'Early', email: 'early@example.com' }, 1);
    await joinLine(t, org.pk, org.event.id, org.vip, 2);
    expect(await t.services.waitingOffers.offerDue()).toBe(0);
    const event = (await t.call('GET', `/v1/events/${org.event.id}`, { key: org.sk })).body;
    const types = event.ticket_types.map((tt: { id: string; name: string; price: number; capacity: number | null }) => ({
      id: tt.id,
      name: tt.name,
      price: tt.price,
      capacity: tt.id === org.vip ? 3 : tt.capacity,
    }));
    const raised = await t.call('PATCH', `/v1/events/${org.event.id}`, { key: org.sk, body: { ticket_types: types } });
    expect(raised.status, JSON.stringify(raised.body)).toBe(200);
    expect(await t.services.waitingOffers.offerDue()).toBe(1);
    expect(await countersOf(t, org.event.id, org.vip)).toEqual({ available: 0, held: 2, sold: 1, waiting: 0 });
  });

  it('gives an offered entry’s seats to the next in line when the organizer removes it', async () => {
    const org = await waitingListEvent(t, 1);
    const order = await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.vip, quantity: 1 }]);
    const first = await joinLine(t, org.pk, org.event.id, org.vip, 1);
    const second = await joinLine(t, org.pk, org.event.id, org.vip, 1);
    await t.call('POST', `/v1/orders/${order.id}/cancel`, { key: org.pk, body: { client_secret: order.client_secret } });
    await t.services.waitingOffers.offerDue();
    const removed = await t.call('DELETE', `/v1/waiting_list_entries/${first.id}`, { key: org.sk });
    expect(removed.body.status).toBe('removed');
    expect((await t.call('GET', `/v1/waiting_list_entries/${second.id}`, { key: org.sk })).body.status).toBe('offered');
    expect(await countersOf(t, org.event.id, org.vip)).toMatchObject({ available: 0, held: 1, waiting: 0 });
  });

  it('releases an offer hold a crash left without its entry, and offers the seat again', async () => {
    const org = await waitingListEvent(t, 1);
    const order = await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.vip, quantity: 1 }]);
    const entry = await joinLine(t, org.pk, org.event.id, org.vip, 1);
    await t.call('POST', `/v1/orders/${order.id}/cancel`, { key: org.pk, body: { client_secret: order.client_secret } });
    // The offer's first write, with the process gone before the entry says it is offered.
    const event = (await t.services.events.findById(org.event.id))!;
    expect(await createInventory({ store: t.store, clock: t.clock }).holdForOffer(event, 'ord_crashedoffer', [{ ticketType: org.vip, quantity: 1 }])).toBe(true);
    expect(await t.services.waitingOffers.offerDue()).toBe(0);
    t.clock.advance(2 * 60_000);
    expect((await t.services.repair.sweep()).released).toBe(1);
    expect(await t.services.waitingOffers.offerDue()).toBe(1);
    expect((await t.call('GET', `/v1/waiting_list_entries/${entry.id}`, { key: org.sk })).body.status).toBe('offered');
    // An open offer's hold has no order, and the sweeper keeps it.
    t.clock.advance(2 * 60_000);
    expect((await t.services.repair.sweep()).released).toBe(0);
    expect(await countersOf(t, org.event.id, org.vip)).toMatchObject({ held: 1, waiting: 0 });
  });
});

describe('cancelling an event with open offers', () => {
  it('lapses every offer and shows its link as ended', async () => {
    const { org, entry, token } = await oneOffer();
    const cancelled = await t.call('POST', `/v1/events/${org.event.id}/cancel`, { key: org.sk, body: {} });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect((await t.call('GET', `/v1/waiting_list_entries/${entry.id}`, { key: org.sk })).body.status).toBe('lapsed');
    expect((await t.call('GET', `/waiting-list/claim/${token}`)).status).toBe(410);
    expect(await countersOf(t, org.event.id, org.vip)).toMatchObject({ held: 0, waiting: 0 });
  });
});
