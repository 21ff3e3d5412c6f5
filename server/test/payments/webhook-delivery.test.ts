/**
 * How Razorpay's webhook deliveries are answered: signed with either secret during a rotation,
 * and within Razorpay's 5-second limit however slow the work behind them is.
 */
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebhookService } from '../../src/domain/webhooks.js';
import { startLiveRazorpay, WEBHOOK_PATH, WEBHOOK_SECRET, type LiveRazorpay } from '../helpers/live-razorpay.js';

const PREVIOUS_SECRET = 'whsec_previous_0123456789abcdef';

let live: LiveRazorpay;

afterEach(async () => {
  await live.close();
});

describe('webhook secrets', () => {
  it('accepts deliveries signed with the previous secret during a rotation, and none signed otherwise', async () => {
    live = await startLiveRazorpay({ env: { RAZORPAY_WEBHOOK_SECRET_PREVIOUS: PREVIOUS_SECRET } });
    const org = await live.organizer();
    const order = await live.payableOrder(org);
    const { paymentId } = live.fake.pay(order.gatewayOrderId, { capture: true });
    const url = `${live.bridgeUrl}${WEBHOOK_PATH}`;

    expect((await live.fake.sendWebhook(url, 'payment.captured', { paymentId }, { secret: 'whsec_someone_else_0123456789' })).status).toBe(401);
    expect((await live.fake.sendWebhook(url, 'payment.captured', { paymentId }, { secret: PREVIOUS_SECRET })).status).toBe(200);
    expect((await live.getOrder(org, order.id)).status).toBe('paid');
    expect((await live.fake.sendWebhook(url, 'payment.captured', { paymentId }, { secret: WEBHOOK_SECRET })).status).toBe(200);
  });
});

describe('answering in time', () => {
  it('answers a delivery whose work outlasts the budget instead of letting Razorpay count it failed', async () => {
    live = await startLiveRazorpay();
    const org = await live.organizer();
    const order = await live.payableOrder(org);
    const { paymentId } = live.fake.pay(order.gatewayOrderId);
    const webhooks = createWebhookService({
      store: live.t.store,
      clock: live.clock,
      fulfilment: live.t.services.fulfilment,
      gateways: live.t.services.gateways,
      answerWithinMs: 20,
    });
    const body = JSON.stringify({
      entity: 'event',
      event: 'payment.authorized',
      payload: { payment: { entity: { id: paymentId, order_id: order.gatewayOrderId, status: 'authorized' } } },
    });
    const signature = createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex');

    live.fake.setDown('hang'); // Razorpay is slow to answer our fetch and capture
    const outcome = await webhooks.receive(null, body, { 'x-razorpay-signature': signature, 'x-razorpay-event-id': 'EvtSlow0000001' });
    expect(outcome).toMatchObject({ duplicate: false, ignored: null, unfinished: expect.any(Promise) });
    expect((await live.getOrder(org, order.id)).status).toBe('awaiting_payment');

    // Once Razorpay answers again, the next delivery for the payment completes the order.
    live.fake.setDown(false);
    const done = await webhooks.receive(null, body, { 'x-razorpay-signature': signature, 'x-razorpay-event-id': 'EvtSlow0000002' });
    expect(done).toMatchObject({ ignored: null });
    // On a busy machine even this delivery may outlast the 20 ms budget: its work then ends after the answer.
    if ('unfinished' in done) await done.unfinished;
    expect((await live.getOrder(org, order.id)).status).toBe('paid');
  });
});
