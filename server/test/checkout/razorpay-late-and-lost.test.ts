/**
 * Razorpay answers that arrive late or not at all (docs/domain-rules.md#payments): a create
 * whose answer was lost on an account with unique receipts, payments the bank authorizes
 * days later, and a Razorpay that asks us to slow down.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buyer, readCode, startOrder } from '../helpers/checkout.js';
import { startLiveRazorpay, type LiveRazorpay } from '../helpers/live-razorpay.js';

let live: LiveRazorpay;

afterEach(async () => {
  await live.close();
});

describe('a create-order whose answer was lost', () => {
  it('reuses the order the first create made, on accounts where Razorpay wants unique receipts', async () => {
    live = await startLiveRazorpay({ uniqueReceipts: true });
    const org = await live.organizer();
    const started = await startOrder(live.t, org.pk, org.event.id, [{ ticket_type: org.general, quantity: 1 }], buyer());
    const code = await readCode(live.t, started.buyer.email);
    const verify = () => live.t.call('POST', `/v1/orders/${started.id}/verify`, { key: org.pk, body: { client_secret: started.client_secret, code } });

    live.fake.setDown('lose-answer');
    expect((await verify()).status).toBe(503);
    expect(live.fake.orders.size).toBe(1); // made at Razorpay, but we never heard

    const again = await verify();
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    const [made] = [...live.fake.orders.values()];
    expect(again.body.payment.gateway_order_id).toBe(made!.id);
    expect(live.fake.orders.size).toBe(1);
    expect(live.fake.requests.some((r) => r.method === 'GET' && r.path === '/v1/orders')).toBe(true);

    const order = { ...again.body, client_secret: started.client_secret, gatewayOrderId: made!.id };
    expect((await live.pay(org.pk, order, live.fake.pay(made!.id))).body.status).toBe('paid');
  });
});

describe('payments the bank authorizes late', () => {
  it('completes an order on payment.authorized for a payment that had failed', async () => {
    live = await startLiveRazorpay();
    const org = await live.organizer();
    const order = await live.payableOrder(org);
    const { paymentId } = live.fake.fail(order.gatewayOrderId);
    expect((await live.webhook('payment.failed', { paymentId })).status).toBe(200);

    live.clock.advance(30 * 60_000);
    live.fake.lateAuthorize(paymentId);
    expect((await live.webhook('payment.authorized', { paymentId })).status).toBe(200);
    expect(await live.getOrder(org, order.id)).toMatchObject({ status: 'paid', payment: { gateway_payment_id: paymentId } });
    expect(live.fake.payments.get(paymentId)).toMatchObject({ status: 'captured' });
  });

  it('finds, through the reconciler, a payment authorized two days after its order lapsed', async () => {
    live = await startLiveRazorpay();
    const org = await live.organizer();
    const order = await live.payableOrder(org);
    const { paymentId } = live.fake.fail(order.gatewayOrderId);

    live.clock.advance(2 * 24 * 60 * 60_000);
    await live.t.services.orders.expireLapsedOrders();
    expect((await live.getOrder(org, order.id)).status).toBe('expired');
    live.fake.lateAuthorize(paymentId);

    expect(await live.t.services.repair.reconcile()).toBe(1);
    expect(await live.getOrder(org, order.id)).toMatchObject({ status: 'paid', tickets: [expect.objectContaining({ status: 'valid' })] });
  });
});

describe('a Razorpay that asks us to slow down', () => {
  it('ends the reconcile round at the first 429 instead of spending the rest of it on refusals', async () => {
    live = await startLiveRazorpay();
    const org = await live.organizer();
    for (let i = 0; i < 3; i += 1) await live.payableOrder(org);
    live.fake.setDown('throttle');
    const listed = () => live.fake.requests.filter((r) => /^\/v1\/orders\/[^/]+\/payments$/.test(r.path)).length;

    expect(await live.t.services.repair.reconcile()).toBe(0);
    expect(listed()).toBe(1);

    live.fake.setDown(false);
    await live.t.services.repair.reconcile();
    expect(listed()).toBe(4);
  });
});
