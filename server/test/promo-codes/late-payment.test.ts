/**
 * A late payment's promo-code use (docs/promo-codes.md#uses): an order that expired gave its use
 * back; when its payment arrives anyway and the order is sold with the discount, the order takes
 * the use again, once, past the code's limit if need be, and the recount agrees.
 */
import type { Order, PromoCode } from '@trendy-tickets/sdk';
import { describe, expect, it } from 'vitest';
import { backgroundJobs } from '../../src/background.js';
import type { OrderDoc } from '../../src/domain/orders.js';
import { givePromoBack, PROMO_RECOUNT_GRACE_MS } from '../../src/domain/promo-codes.js';
import { buildTestApp, eventBody, type TestApp } from '../helpers/app.js';
import { buyer, payWithTestGateway } from '../helpers/checkout.js';

/** An organizer with a test event sold without email codes, and a 20 % code of `maxUses` uses. */
async function withCode(t: TestApp, maxUses: number) {
  const keys = await t.signUp();
  const created = await t.call('POST', '/v1/events', { key: keys.sk, body: eventBody({ require_email_verification: false, capacity: 100 }) });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const event = created.body.id as string;
  const promo = (await t.call<PromoCode>('POST', `/v1/events/${event}/promo_codes`, { key: keys.sk, body: { code: 'EARLYBIRD', kind: 'percent', value: 20, max_uses: maxUses } }))
    .body;
  const order = async () => {
    const res = await t.call<Order>('POST', '/v1/orders', {
      key: keys.pk,
      body: { event, items: [{ ticket_type: created.body.ticket_types[0].id, quantity: 1 }], buyer: buyer(), promo_code: 'EARLYBIRD' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  const uses = async () => (await t.call<PromoCode>('GET', `/v1/events/${event}/promo_codes/${promo.id}`, { key: keys.sk })).body.uses;
  const payLate = async (o: Order) => {
    const paid = await payWithTestGateway(t, keys.pk, o as never, o.payment!.gateway_order_id!);
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body).toMatchObject({ status: 'paid', discount: { code: 'EARLYBIRD' } });
    return paid.body as Order;
  };
  const stored = async (o: Order) => (await t.store.collection<OrderDoc>('orders').findOne({ _id: o.id }))!;
  return { ...keys, order, uses, payLate, stored };
}

const recountJob = (t: TestApp) => backgroundJobs(t.services, t.logger).find((j) => j.name === 'promo-uses')!;

async function expireAll(t: TestApp) {
  t.clock.advance(16 * 60_000);
  await t.services.orders.expireLapsedOrders();
}

describe('a late payment on an order whose promo use was given back', () => {
  it('takes the use again once, however often the payment is completed, and the recount finds nothing to set right', async () => {
    const t = await buildTestApp();
    const org = await withCode(t, 5);
    const late = await org.order();
    expect(await org.uses()).toBe(1);
    await expireAll(t);
    expect(await org.uses()).toBe(0);

    await org.payLate(late);
    expect(await org.uses()).toBe(1);
    expect((await org.stored(late)).discount).toMatchObject({ returned: false, retaken: true });
    // The sweeper and a second completion find the use taken already.
    await t.services.repair.sweep();
    await t.services.fulfilment.completePayment(late.id, null);
    expect(await org.uses()).toBe(1);

    t.clock.advance(PROMO_RECOUNT_GRACE_MS + 1);
    expect(await recountJob(t).run()).toEqual({ repaired: 0 });
    expect(await org.uses()).toBe(1);
  });

  it('counts the use past the limit when the last use went to another buyer meanwhile, and records that on the order', async () => {
    const t = await buildTestApp();
    const org = await withCode(t, 1);
    const late = await org.order();
    await expireAll(t);
    await org.order(); // the freed use goes to someone else
    expect(await org.uses()).toBe(1);

    await org.payLate(late);
    expect(await org.uses()).toBe(2);
    expect((await org.stored(late)).discount).toMatchObject({ returned: false, retaken: true, over_limit: true });

    t.clock.advance(PROMO_RECOUNT_GRACE_MS + 1);
    expect(await recountJob(t).run()).toEqual({ repaired: 0 });
    expect(await org.uses()).toBe(2);
  });

  it('gives the use back again when the late-paid order is then refunded in full', async () => {
    const t = await buildTestApp();
    const org = await withCode(t, 5);
    const late = await org.order();
    await expireAll(t);
    await org.payLate(late);
    expect(await org.uses()).toBe(1);
    const refund = await t.call('POST', `/v1/orders/${late.id}/refund`, { key: org.sk });
    expect(refund.status, JSON.stringify(refund.body)).toBe(200);
    await t.services.repair.sweep();
    expect(await org.uses()).toBe(0);
  });

  it('keeps the use of an order paid between its expiry and the give-back that expiry would have run', async () => {
    const t = await buildTestApp();
    const org = await withCode(t, 5);
    const late = await org.order();
    // A sweeper moved the order to expired and has not given its use back yet when the payment lands.
    await t.store.collection<OrderDoc>('orders').updateOne({ _id: late.id }, { $set: { status: 'expired' } });
    const expired = await org.stored(late);
    await org.payLate(late);
    expect(await givePromoBack(t.store, expired)).toBe(false);
    expect(await org.uses()).toBe(1);
    expect((await org.stored(late)).discount).toMatchObject({ returned: false });
  });
});
