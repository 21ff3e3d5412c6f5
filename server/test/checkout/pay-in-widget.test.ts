/**
 * `/checkout/orders/:orderId/pay`: an order started without the widget (a waiting-list claim, the
 * no-script checkout) opened in the hosted widget page at its pay step.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { organizerWithEvent, startOrder } from '../helpers/checkout.js';
import { startLiveRazorpay, type LiveRazorpay } from '../helpers/live-razorpay.js';

const cookieOf = (order: { id: string; client_secret: string }) => `tts_cs_${order.id}=${order.client_secret}`;

async function testOrder(t: TestApp) {
  const org = await organizerWithEvent(t, { require_email_verification: false });
  const order = await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.vip, quantity: 1 }]);
  return { org, order };
}

describe('the pay page of an order', () => {
  it('serves the widget page with the order kept for it by a first-party script, under the widget page’s CSP', async () => {
    const t = await buildTestApp();
    const { org, order } = await testOrder(t);
    const res = await t.app.request(`/checkout/orders/${order.id}/pay?key=${org.pk}`, { headers: { Cookie: cookieOf(order) } });
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self' https:\/\/checkout\.razorpay\.com(;|\s)/);
    expect(csp.split(';').find((d) => d.trim().startsWith('script-src'))).not.toContain('unsafe-inline');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.text();
    const scripts = [...body.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    // Every script is a file of ours (no inline code), the kept order's before the widget's.
    expect(scripts.map((s) => s[1]!.match(/src="([^"]+)"/)?.[1])).toEqual(['/checkout/keep-order.js', '/widget/v1/tts-checkout.js']);
    expect(scripts.every((s) => s[2]!.trim() === '')).toBe(true);
    expect(scripts[0]![1]).toContain(`data-event="${org.event.id}"`);
    expect(scripts[0]![1]).toContain(`data-order="${order.id}"`);
    expect(scripts[0]![1]).toContain(`data-secret="${order.client_secret}"`);
    expect(body).toContain(`<tts-checkout mode="page" event="${org.event.id}" key="${org.pk}"`);

    const js = await t.app.request('/checkout/keep-order.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await js.text()).toContain("'tts-order:' + d.event");
  });

  it('opens only with the order’s own client secret, in its own cookie', async () => {
    const t = await buildTestApp();
    const { org, order } = await testOrder(t);
    const other = await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.vip, quantity: 1 }]);
    const url = `/checkout/orders/${order.id}/pay?key=${org.pk}`;
    expect((await t.app.request(url)).status).toBe(404);
    // Another order's secret, whether in this order's cookie or its own, opens nothing here.
    const swapped = await t.app.request(url, { headers: { Cookie: `tts_cs_${order.id}=${other.client_secret}` } });
    expect(swapped.status).toBe(404);
    expect(await swapped.text()).not.toContain('keep-order.js');
    expect((await t.app.request(url, { headers: { Cookie: cookieOf(other) } })).status).toBe(404);
    // Another account's key does not reach it either.
    const stranger = await organizerWithEvent(t);
    expect((await t.app.request(`/checkout/orders/${order.id}/pay?key=${stranger.pk}`, { headers: { Cookie: cookieOf(order) } })).status).toBe(404);
  });

  it('sends an order that can no longer be paid to its page', async () => {
    const t = await buildTestApp();
    const { org, order } = await testOrder(t);
    await t.services.testCheckout.payOrder({ owner: { account: org.account.id, livemode: false }, clientSecret: order.client_secret }, order.id, 'success');
    const res = await t.app.request(`/checkout/orders/${order.id}/pay?key=${org.pk}`, { headers: { Cookie: cookieOf(order) } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/checkout/orders/${order.id}?key=${encodeURIComponent(org.pk)}`);
  });
});

describe('the no-script order page of a live order', () => {
  let live: LiveRazorpay | undefined;
  afterEach(async () => {
    await live?.close();
  });

  it('links to the pay page instead of sending the buyer away', async () => {
    live = await startLiveRazorpay();
    const org = await live.organizer();
    const order = await live.payableOrder(org);
    const res = await live.t.app.request(`/checkout/orders/${order.id}?key=${org.pk}`, { headers: { Cookie: cookieOf(order) } });
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain(`href="/checkout/orders/${order.id}/pay?key=${encodeURIComponent(org.pk)}"`);
    expect(body).not.toContain('cannot open');
  });
});
