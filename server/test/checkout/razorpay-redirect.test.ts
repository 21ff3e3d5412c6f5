/**
 * Razorpay's redirect flow for in-app browsers (docs/widget.md#in-app-browsers): Checkout posts
 * the payment to our `callback_url` as a form, from Razorpay's origin, and the buyer lands on
 * the order's page with the tickets.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLiveRazorpay, type LiveRazorpay } from '../helpers/live-razorpay.js';

let live: LiveRazorpay;

beforeEach(async () => {
  live = await startLiveRazorpay();
});

afterEach(async () => {
  await live.close();
});

/** Razorpay's form post to the callback URL, as a browser sends it from api.razorpay.com. */
function postCallback(orderId: string, key: string, fields: Record<string, string>) {
  return live.t.app.request(`/gateway/razorpay/callback/${orderId}?key=${encodeURIComponent(key)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'https://api.razorpay.com', 'Sec-Fetch-Site': 'cross-site' },
    body: new URLSearchParams(fields).toString(),
  });
}

describe('the redirect callback', () => {
  it('completes the order from Razorpay’s form post and lands the buyer on the order page with the tickets', async () => {
    const org = await live.organizer();
    const order = await live.payableOrder(org, 2);
    const checkout = live.fake.pay(order.gatewayOrderId);

    const res = await postCallback(order.id, org.pk, {
      razorpay_payment_id: checkout.paymentId,
      razorpay_order_id: checkout.orderId,
      razorpay_signature: checkout.signature,
    });
    expect(res.status, await res.clone().text()).toBe(303);
    expect(res.headers.get('location')).toBe(`/checkout/orders/${order.id}?key=${encodeURIComponent(org.pk)}`);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(new RegExp(`^tts_cs_${order.id}=`));
    expect(cookie).toMatch(/HttpOnly/i);

    const paid = await live.getOrder(org, order.id);
    expect(paid).toMatchObject({ status: 'paid', payment: { gateway_payment_id: checkout.paymentId } });
    expect(live.fake.payments.get(checkout.paymentId)?.status).toBe('captured');

    const landing = await live.t.app.request(res.headers.get('location')!, { headers: { Cookie: cookie.split(';')[0]! } });
    expect(landing.status).toBe(200);
    const html = await landing.text();
    for (const ticket of paid.tickets) expect(html).toContain(ticket.id);

    // Razorpay posting again (a reload of the landing) changes nothing.
    const again = await postCallback(order.id, org.pk, { razorpay_payment_id: checkout.paymentId, razorpay_order_id: checkout.orderId, razorpay_signature: checkout.signature });
    expect(again.status).toBe(303);
    expect(live.fake.requests.filter((r) => r.path.endsWith('/capture'))).toHaveLength(1);
  });

  it('refuses a forged signature without completing the order or opening it to the poster', async () => {
    const org = await live.organizer();
    const order = await live.payableOrder(org);
    const checkout = live.fake.pay(order.gatewayOrderId);
    const res = await postCallback(order.id, org.pk, { razorpay_payment_id: checkout.paymentId, razorpay_order_id: checkout.orderId, razorpay_signature: 'ab'.repeat(32) });
    expect(res.status).toBe(402);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect((await live.getOrder(org, order.id)).status).toBe('awaiting_payment');
  });

  it('shows the buyer why when Razorpay posts a failure, and leaves the order payable', async () => {
    const org = await live.organizer();
    const order = await live.payableOrder(org);
    const res = await postCallback(order.id, org.pk, {
      'error[code]': 'BAD_REQUEST_ERROR',
      'error[description]': 'Payment failed because the buyer cancelled it',
      'error[reason]': 'payment_cancelled',
      'error[metadata]': JSON.stringify({ order_id: order.gatewayOrderId }),
    });
    expect(res.status).toBe(402);
    expect(await res.text()).toContain('Payment failed because the buyer cancelled it');
    expect((await live.getOrder(org, order.id)).status).toBe('awaiting_payment');
  });
});
