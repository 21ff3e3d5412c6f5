/** A live-mode offer claimed from its link and paid in the hosted widget page. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buyer, startOrder } from '../helpers/checkout.js';
import { startLiveRazorpay, type LiveRazorpay } from '../helpers/live-razorpay.js';
import { claimTokenFor, joinLine } from './helpers.js';

let live: LiveRazorpay;
beforeEach(async () => {
  live = await startLiveRazorpay();
});
afterEach(async () => {
  await live.close();
});

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  body: new URLSearchParams(fields).toString(),
  headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://tickets.test' },
});

/** A live event whose one VIP seat went to the line: the offer's claim token and the organizer. */
async function liveOffer() {
  const org = await live.organizer({
    ticket_types: [
      { name: 'General', price: 49_900 },
      { name: 'VIP', price: 149_900, capacity: 1, max_per_order: 4 },
    ],
    waiting_list: { enabled: true },
  });
  const vip = org.event.ticket_types[1].id as string;
  const t = live.t;
  const order = await startOrder(t, org.pk, org.event.id, [{ ticket_type: vip, quantity: 1 }]);
  const who = buyer('Meera Iyer');
  await joinLine(t, org.pk, org.event.id, vip, 1, who);
  await t.call('POST', `/v1/orders/${order.id}/cancel`, { key: org.pk, body: { client_secret: order.client_secret } });
  expect(await t.services.waitingOffers.offerDue()).toBe(1);
  const token = await claimTokenFor(t, who.email);
  expect(token).toBeDefined();
  return { org, token: token! };
}

describe('claiming a live offer', () => {
  it('links the claimed order to the widget pay page, which this browser may open', async () => {
    const { org, token } = await liveOffer();
    const claimed = await live.t.app.request(`/waiting-list/claim/${token}`, form({ name: 'Meera Iyer' }));
    expect(claimed.status).toBe(303);
    const cookie = (claimed.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect(cookie).toMatch(/^tts_cs_ord_/);

    const page = await (await live.t.app.request(`/waiting-list/claim/${token}`)).text();
    expect(page).not.toContain('link the organizer sends you');
    const href = page.match(/href="(\/checkout\/orders\/ord_[0-9A-Za-z]+\/pay\?key=[^"]+)"/)?.[1]?.replaceAll('&amp;', '&');
    expect(href).toBe(`/checkout/orders/${cookie.slice('tts_cs_'.length, cookie.indexOf('='))}/pay?key=${encodeURIComponent(org.pk)}`);

    const pay = await live.t.app.request(href!, { headers: { Cookie: cookie } });
    expect(pay.status).toBe(200);
    const body = await pay.text();
    expect(body).toContain('src="/checkout/keep-order.js"');
    expect(body).toContain(`<tts-checkout mode="page" event="${org.event.id}"`);
  });
});
