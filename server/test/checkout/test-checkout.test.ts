import { describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { organizerWithEvent, startOrder } from '../helpers/checkout.js';

/** A test order awaiting payment, and the access its buyer's browser has. */
async function awaitingPayment(t: TestApp) {
  const { account, pk, event, vip } = await organizerWithEvent(t, { require_email_verification: false });
  const order = await startOrder(t, pk, event.id, [{ ticket_type: vip, quantity: 1 }]);
  const owner = { account: account.id as string, livemode: false };
  return { owner, order, access: { owner, clientSecret: order.client_secret as string } };
}

describe('paying test orders at the test gateway (services.testCheckout)', () => {
  it('pays a hosted checkout order in one step, and the order gets its tickets', async () => {
    const t = await buildTestApp();
    const { order, access } = await awaitingPayment(t);
    await t.services.testCheckout.payOrder(access, order.id, 'success');
    const paid = await t.services.orders.retrieve(access, order.id);
    expect(paid.status).toBe('paid');
    expect(await t.services.tickets.listForOrder(order.id)).toHaveLength(1);
  });

  it('records a failed test payment on the order, from the hosted checkout and the API alike', async () => {
    const t = await buildTestApp();
    const hosted = await awaitingPayment(t);
    await t.services.testCheckout.payOrder(hosted.access, hosted.order.id, 'failure');
    expect(await t.services.orders.retrieve(hosted.access, hosted.order.id)).toMatchObject({ status: 'awaiting_payment', last_payment_error: expect.any(String) });

    const api = await awaitingPayment(t);
    const answer = await t.services.testCheckout.simulate(api.owner, api.order.payment.gateway_order_id, 'failure');
    expect(answer).toMatchObject({ error: { reason: 'payment_failed' } });
    expect(await t.services.orders.retrieve(api.access, api.order.id)).toMatchObject({ status: 'awaiting_payment', last_payment_error: expect.any(String) });
  });

  it("refuses a live owner, and another account's gateway order", async () => {
    const t = await buildTestApp();
    const { owner, order } = await awaitingPayment(t);
    const gatewayOrderId = order.payment.gateway_order_id as string;
    await expect(t.services.testCheckout.simulate({ ...owner, livemode: true }, gatewayOrderId, 'success')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const stranger = await awaitingPayment(t);
    await expect(t.services.testCheckout.simulate(stranger.owner, gatewayOrderId, 'success')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
