import { describe, expect, it } from 'vitest';
import { DOMAIN_EVENTS_COLLECTION, type DomainEventDoc } from '../../src/domain/domain-events.js';
import type { OrderDoc } from '../../src/domain/orders.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { organizerWithEvent, startOrder, verify } from '../helpers/checkout.js';

/**
 * A process killed between a transition and its event leaves the transition stored and the
 * event missing. These tests write exactly that state (the transition's own update, nothing
 * after it) and check that the job that finishes the transition records the event, once.
 */

async function eventsOf(t: TestApp, type: string): Promise<DomainEventDoc[]> {
  return t.store.collection<DomainEventDoc>(DOMAIN_EVENTS_COLLECTION).find({ type });
}

/** A verified order, then only the write `completePayment` makes: paid, fulfilment pending. */
async function paidButCutShort(t: TestApp) {
  const org = await organizerWithEvent(t);
  const order = await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.general, quantity: 2 }]);
  await verify(t, org.pk, order);
  const now = t.clock.now();
  await t.store.collection<OrderDoc>('orders').updateOne({ _id: order.id }, { $set: { status: 'paid', fulfilment: 'pending', paid_at: now, updated_at: now } });
  return { ...org, order: order.id as string };
}

describe('events of transitions cut short', () => {
  it('records order.paid and each ticket.issued once when the sweeper finishes a payment cut short', async () => {
    const t = await buildTestApp();
    const { order } = await paidButCutShort(t);
    expect(await eventsOf(t, 'order.paid')).toEqual([]);

    t.clock.advance(2 * 60_000);
    expect((await t.services.repair.sweep()).fulfilled).toBe(1);
    await t.services.repair.sweep();
    await t.services.fulfilment.completePayment(order, null);

    const paid = await eventsOf(t, 'order.paid');
    expect(paid.map((e) => e.object_id)).toEqual([order]);
    const issued = await eventsOf(t, 'ticket.issued');
    const tickets = await t.services.tickets.listForOrder(order);
    expect(issued.map((e) => e.object_id).sort()).toEqual(tickets.map((x) => x._id).sort());
    expect(tickets).toHaveLength(2);
  });

  it('records order.expired once when the ledger sweep frees the seats of an order expired just before a crash', async () => {
    const t = await buildTestApp();
    const org = await organizerWithEvent(t);
    const order = await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.general, quantity: 1 }]);
    t.clock.advance(60 * 60_000);
    await t.store.collection<OrderDoc>('orders').updateOne({ _id: order.id }, { $set: { status: 'expired', updated_at: t.clock.now() } });
    expect(await eventsOf(t, 'order.expired')).toEqual([]);

    t.clock.advance(10 * 60_000);
    await t.services.repair.sweep();
    await t.services.repair.sweep();

    expect((await eventsOf(t, 'order.expired')).map((e) => e.object_id)).toEqual([order.id]);
    expect((await eventsOf(t, 'order.created')).filter((e) => e.object_id === order.id)).toHaveLength(1);
  });

  it('records order.refunded once when a refund cut short is settled by the sweeper', async () => {
    const t = await buildTestApp();
    const { order } = await paidButCutShort(t);
    t.clock.advance(2 * 60_000);
    await t.services.repair.sweep();
    await t.store
      .collection<OrderDoc>('orders')
      .updateOne({ _id: order }, { $set: { status: 'refunded', refund_reason: 'requested_by_organizer', refund_settled: false, updated_at: t.clock.now() } });

    t.clock.advance(2 * 60_000);
    await t.services.repair.sweep();
    await t.services.repair.sweep();

    expect((await eventsOf(t, 'order.refunded')).map((e) => e.object_id)).toEqual([order]);
    expect(await eventsOf(t, 'ticket.voided')).toHaveLength(2);
  });
});
