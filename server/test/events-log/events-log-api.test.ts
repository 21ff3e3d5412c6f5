import { describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { organizerWithEvent, payWithTestGateway, startOrder, verify } from '../helpers/checkout.js';

/** A paid order of `quantity` tickets through the test gateway; returns the keys, the event and the order as GET answers it. */
async function paidOrder(t: TestApp, quantity: number) {
  const org = await organizerWithEvent(t);
  t.clock.advance(1000);
  const order = await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.general, quantity }]);
  t.clock.advance(1000);
  const verified = await verify(t, org.pk, order);
  t.clock.advance(1000);
  const paid = await payWithTestGateway(t, org.pk, order, verified.payment.gateway_order_id);
  expect(paid.status, JSON.stringify(paid.body)).toBe(200);
  return { ...org, order: paid.body };
}

describe('GET /v1/events_log', () => {
  it('lists one entry per transition of a paid checkout, newest first: one order.paid and a ticket.issued per ticket', async () => {
    const t = await buildTestApp();
    const { sk, event, order } = await paidOrder(t, 3);

    const res = await t.call('GET', '/v1/events_log?limit=100', { key: sk });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const types = res.body.data.map((e: { type: string }) => e.type).sort();
    expect(types).toEqual(['event.created', 'order.created', 'order.paid', 'order.verified', 'ticket.issued', 'ticket.issued', 'ticket.issued']);
    for (const entry of res.body.data) {
      expect(entry).toMatchObject({ object: 'event_log_entry', livemode: false, account: expect.stringMatching(/^acct_/) });
      expect(entry.id).toMatch(/^ev_([0-9A-Za-z]{7})?[0-9a-f]{24}$/);
    }
    const paid = res.body.data.find((e: { type: string }) => e.type === 'order.paid');
    // The snapshot is the order as its own endpoint shows it, tickets included.
    expect(paid.data.object).toEqual({ ...order, tickets: order.tickets });
    const issued = res.body.data.filter((e: { type: string }) => e.type === 'ticket.issued').map((e: { data: { object: { id: string } } }) => e.data.object.id);
    expect(issued.sort()).toEqual(order.tickets.map((x: { id: string }) => x.id).sort());
    const created = res.body.data.find((e: { type: string }) => e.type === 'event.created');
    expect(created.data.object.id).toBe(event.id);
  });

  it('filters by type and by object, and pages with the cursor', async () => {
    const t = await buildTestApp();
    const { sk, order } = await paidOrder(t, 2);

    const tickets = await t.call('GET', '/v1/events_log?type=ticket.issued', { key: sk });
    expect(tickets.body.data).toHaveLength(2);
    const aboutOrder = await t.call('GET', `/v1/events_log?object=${order.id}`, { key: sk });
    expect(aboutOrder.body.data.map((e: { type: string }) => e.type)).toEqual(['order.paid', 'order.verified', 'order.created']);

    const first = await t.call('GET', '/v1/events_log?limit=4', { key: sk });
    expect(first.body.has_more).toBe(true);
    const second = await t.call('GET', `/v1/events_log?limit=4&cursor=${first.body.next_cursor}`, { key: sk });
    const ids = [...first.body.data, ...second.body.data].map((e: { id: string }) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(6);
  });

  it('retrieves one entry by id, and answers 404 for an id of another account', async () => {
    const t = await buildTestApp();
    const { sk } = await paidOrder(t, 1);
    const [entry] = (await t.call('GET', '/v1/events_log?type=order.paid', { key: sk })).body.data;

    const one = await t.call('GET', `/v1/events_log/${entry.id}`, { key: sk });
    expect(one.status).toBe(200);
    expect(one.body).toEqual(entry);

    const stranger = await t.signUp();
    expect((await t.call('GET', `/v1/events_log/${entry.id}`, { key: stranger.sk })).status).toBe(404);
    expect((await t.call('GET', '/v1/events_log', { key: stranger.sk })).body.data).toEqual([]);
  });

  it('refuses a publishable key and an unknown type', async () => {
    const t = await buildTestApp();
    const { pk, sk } = await organizerWithEvent(t);
    expect((await t.call('GET', '/v1/events_log', { key: pk })).status).toBe(403);
    const bad = await t.call('GET', '/v1/events_log?type=order.exploded', { key: sk });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('records a payment completed again (a webhook after the browser) once: one order.paid', async () => {
    const t = await buildTestApp();
    const { sk, order } = await paidOrder(t, 1);
    const again = await t.services.fulfilment.completePayment(order.id, order.payment.gateway_payment_id);
    expect(again.status).toBe('paid');
    expect((await t.call('GET', '/v1/events_log?type=order.paid', { key: sk })).body.data).toHaveLength(1);
  });
});
