/**
 * Promo codes at checkout (docs/promo-codes.md): the discount on the order, the reasons a code
 * is refused, and redemptions counted by one conditional update on the code and given back
 * once when an order ends unpaid or is refunded in full.
 */
import type { Order, PromoCode } from '@trendy-tickets/sdk';
import { describe, expect, it } from 'vitest';
import { buildTestApp, eventBody, type TestApp } from '../helpers/app.js';
import { buyer, payWithTestGateway } from '../helpers/checkout.js';
import type { OrderDoc } from '../../src/domain/orders.js';
import { op } from '../../src/store/port.js';

/** An organizer with a test event sold without email codes, and a promo code on it. */
async function withCode(t: TestApp, code: Record<string, unknown>, event: Record<string, unknown> = {}) {
  const keys = await t.signUp();
  const created = await t.call('POST', '/v1/events', { key: keys.sk, body: eventBody({ require_email_verification: false, capacity: 1000, ...event }) });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const ev = created.body;
  const promo = await t.call<PromoCode>('POST', `/v1/events/${ev.id}/promo_codes`, { key: keys.sk, body: { code: 'EARLYBIRD', kind: 'percent', value: 20, ...code } });
  expect(promo.status, JSON.stringify(promo.body)).toBe(201);
  return { ...keys, event: ev.id as string, general: ev.ticket_types[0].id as string, vip: ev.ticket_types[1]?.id as string, promo: promo.body };
}

/** An order's answer: the order, or an error body. */
type OrderOrError = Order & { error?: { code: string; details?: { reason?: string } } };

function order(t: TestApp, pk: string, event: string, items: Array<{ ticket_type: string; quantity: number }>, promo?: string) {
  return t.call<OrderOrError>('POST', '/v1/orders', { key: pk, body: { event, items, buyer: buyer(), ...(promo === undefined ? {} : { promo_code: promo }) } });
}

const usesOf = async (t: TestApp, org: { sk: string; event: string; promo: PromoCode }) =>
  (await t.call<PromoCode>('GET', `/v1/events/${org.event}/promo_codes/${org.promo.id}`, { key: org.sk })).body.uses;

describe('promo codes on orders', () => {
  it('takes the discount off each discounted ticket before the total, and names the code on the order', async () => {
    const t = await buildTestApp();
    const org = await withCode(t, { value: 20 });
    const res = await order(t, org.pk, org.event, [{ ticket_type: org.general, quantity: 2 }], 'EARLYBIRD');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    // 2 × ₹499 less 20 % each (₹99.80): ₹798.40.
    expect(res.body.discount).toEqual({ code: 'EARLYBIRD', amount: 19_960 });
    expect(res.body.amount).toBe(79_840);
    expect(res.body.breakdown.lines[0]).toMatchObject({ discount: 19_960, taxable_value: 79_840, total: 79_840 });
    expect(await usesOf(t, org)).toBe(1);
  });

  it('matches the code whatever the case the buyer types, and refuses a second code of the same name in another case', async () => {
    const t = await buildTestApp();
    const org = await withCode(t, { code: 'EarlyBird' });
    const res = await order(t, org.pk, org.event, [{ ticket_type: org.general, quantity: 1 }], '  earlyBIRD ');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.discount?.code).toBe('EarlyBird');
    const twin = await t.call('POST', `/v1/events/${org.event}/promo_codes`, { key: org.sk, body: { code: 'EARLYBIRD', kind: 'fixed', value: 500 } });
    expect(twin.status).toBe(409);
    expect(twin.body.error.code).toBe('CONFLICT');
  });

  it('refuses a code of another event as unknown', async () => {
    const t = await buildTestApp();
    const org = await withCode(t, {});
    const other = await t.call('POST', '/v1/events', { key: org.sk, body: eventBody({ require_email_verification: false, name: 'Another night' }) });
    const res = await order(t, org.pk, other.body.id, [{ ticket_type: other.body.ticket_types[0].id, quantity: 1 }], 'EARLYBIRD');
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'PROMO_CODE_INVALID', details: { reason: 'unknown' } });
  });

  it('refuses a code outside its window, used up or inactive, naming the reason, and holds no seats for it', async () => {
    const t = await buildTestApp();
    const org = await withCode(t, { code: 'LATER', starts_at: '2030-06-02T00:00:00Z' });
    const make = (body: Record<string, unknown>) => t.call('POST', `/v1/events/${org.event}/promo_codes`, { key: org.sk, body: { kind: 'percent', value: 10, ...body } });
    expect((await make({ code: 'GONE', ends_at: '2030-06-01T09:00:00Z' })).status).toBe(201);
    expect((await make({ code: 'ONCE', max_uses: 1 })).status).toBe(201);
    expect((await make({ code: 'OFF', active: false })).status).toBe(201);
    expect((await order(t, org.pk, org.event, [{ ticket_type: org.general, quantity: 1 }], 'ONCE')).status).toBe(201);

    for (const [code, reason] of [
      ['LATER', 'not_started'],
      ['GONE', 'expired'],
      ['ONCE', 'used_up'],
      ['OFF', 'inactive'],
      ['NOPE', 'unknown'],
    ] as const) {
      const res = await order(t, org.pk, org.event, [{ ticket_type: org.general, quantity: 1 }], code);
      expect(res.status, code).toBe(422);
      expect(res.body.error, code).toMatchObject({ code: 'PROMO_CODE_INVALID', details: { reason } });
    }
    const event = await t.call('GET', `/v1/events/${org.event}`, { key: org.sk });
    expect(event.body.held).toBe(1);
  });

  it('takes one code per order: a list of codes or a second field is a validation error', async () => {
    const t = await buildTestApp();
    const org = await withCode(t, {});
    const items = [{ ticket_type: org.general, quantity: 1 }];
    const list = await t.call('POST', '/v1/orders', { key: org.pk, body: { event: org.event, items, buyer: buyer(), promo_code: ['EARLYBIRD', 'OTHER'] } });
    expect(list.status).toBe(400);
    const second = await t.call('POST', '/v1/orders', { key: org.pk, body: { event: org.event, items, buyer: buyer(), promo_code: 'EARLYBIRD', promo_codes: ['OTHER'] } });
    expect(second.status).toBe(400);
    expect(list.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('discounts only max_per_order tickets of an order, and only the types the code names', async () => {
    const t = await buildTestApp();
    const org = await withCode(t, { kind: 'fixed', value: 10_000, max_per_order: 1 });
    const res = await order(
      t,
      org.pk,
      org.event,
      [
        { ticket_type: org.general, quantity: 2 },
        { ticket_type: org.vip, quantity: 1 },
      ],
      'earlybird',
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.discount?.amount).toBe(10_000);
    expect(res.body.breakdown.lines.map((l) => l.discount)).toEqual([10_000, 0]);
    expect(res.body.amount).toBe(2 * 49_900 + 149_900 - 10_000);
  });

  it('makes a free order of a 100 % code: no payment step, the tickets issued at once', async () => {
    const t = await buildTestApp();
    const org = await withCode(t, { code: 'GUEST', value: 100 });
    const res = await order(t, org.pk, org.event, [{ ticket_type: org.general, quantity: 2 }], 'guest');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ status: 'paid', amount: 0, payment: null, discount: { code: 'GUEST', amount: 99_800 } });
    expect(res.body.tickets).toHaveLength(2);
  });
});

describe('redemptions under concurrency', () => {
  it('lets exactly 50 of 200 buyers racing for a 50-use code have the discount, and expiring 10 of those orders frees 10 uses', async () => {
    const t = await buildTestApp();
    const org = await withCode(t, { max_uses: 50 });
    const results = await Promise.all(Array.from({ length: 200 }, () => order(t, org.pk, org.event, [{ ticket_type: org.general, quantity: 1 }], 'EARLYBIRD')));
    const won = results.filter((r) => r.status === 201);
    const lost = results.filter((r) => r.status !== 201);
    expect(won).toHaveLength(50);
    expect(won.every((r) => r.body.discount?.code === 'EARLYBIRD')).toBe(true);
    expect(new Set(lost.map((r) => `${r.status} ${r.body.error?.details?.reason}`))).toEqual(new Set(['422 used_up']));
    expect(await usesOf(t, org)).toBe(50);
    // The losers hold nothing: only the winners' seats are held.
    expect((await t.call('GET', `/v1/events/${org.event}`, { key: org.sk })).body.held).toBe(50);

    const expiring = won.slice(0, 10).map((r) => r.body.id);
    const docs = await t.store.collection<OrderDoc>('orders').find({ _id: op.in(expiring) });
    // Each order expires twice over (a racing sweeper and a buyer's read): its use comes back once.
    await Promise.all(docs.flatMap((d) => [t.services.orders.releaseOrder(d, 'expired'), t.services.orders.releaseOrder(d, 'expired')]));
    expect(await usesOf(t, org)).toBe(40);
    const again = await Promise.all(Array.from({ length: 30 }, () => order(t, org.pk, org.event, [{ ticket_type: org.general, quantity: 1 }], 'EARLYBIRD')));
    expect(again.filter((r) => r.status === 201)).toHaveLength(10);
    expect(await usesOf(t, org)).toBe(50);
  });

  it('gives the use back once when an order is cancelled, and once when a paid order is refunded in full', async () => {
    const t = await buildTestApp();
    const org = await withCode(t, { max_uses: 5 });
    const a = (await order(t, org.pk, org.event, [{ ticket_type: org.general, quantity: 1 }], 'EARLYBIRD')).body;
    const b = (await order(t, org.pk, org.event, [{ ticket_type: org.general, quantity: 1 }], 'EARLYBIRD')).body;
    expect(await usesOf(t, org)).toBe(2);
    await t.call('POST', `/v1/orders/${a.id}/cancel`, { key: org.sk });
    await t.call('POST', `/v1/orders/${a.id}/cancel`, { key: org.sk });
    expect(await usesOf(t, org)).toBe(1);

    const paid = await payWithTestGateway(t, org.pk, b as never, b.payment!.gateway_order_id!);
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    const refund = await t.call('POST', `/v1/orders/${b.id}/refund`, { key: org.sk });
    expect(refund.status, JSON.stringify(refund.body)).toBe(200);
    expect((await t.call('GET', `/v1/orders/${b.id}`, { key: org.sk })).body.status).toBe('refunded');
    await t.services.repair.sweep();
    expect(await usesOf(t, org)).toBe(0);
  });
});
