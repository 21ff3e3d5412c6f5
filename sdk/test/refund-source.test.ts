/** The SDK's orders carry who made each refund (`source`), typed as the server answers it. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { OrderRefund, RefundSource } from '../src/index.js';
import { buildTestApp, buyer, eventParams, organizer, readCode } from './helpers.js';

describe('a refund’s source through the SDK', () => {
  it('says api for a refund asked for through the SDK, on the latest refund and in the list', async () => {
    const t = await buildTestApp();
    const org = await organizer(t);
    const event = await org.tts.events.create(eventParams());
    const order = await org.browser.orders.create({ event: event.id, items: [{ ticket_type: event.ticket_types[0]!.id, quantity: 1 }], buyer: buyer() });
    const verified = await org.browser.orders.verify(order.id, { client_secret: order.client_secret!, code: await readCode(t, order.buyer.email) });
    const payment = await org.browser.testGateway.pay({ gateway_order_id: verified.payment!.gateway_order_id! });
    await org.browser.orders.pay(order.id, {
      client_secret: order.client_secret!,
      gateway_order_id: payment.gateway_order_id,
      gateway_payment_id: payment.gateway_payment_id,
      signature: payment.signature!,
    });

    const refunded = await org.tts.orders.refund(order.id, { amount: 100 });
    expectTypeOf<OrderRefund['source']>().toEqualTypeOf<RefundSource | null>();
    expect(refunded.refund?.source).toBe('api');
    expect(refunded.refunds.map((r) => r.source)).toEqual(['api']);
  });
});
