/**
 * Refunding from the console's order page: a chosen amount or chosen tickets, behind the CSRF
 * check, for those whose role may refund (owner, admin, finance) and not for door staff or
 * developers; the page lists each refund with its status.
 */
import { describe, expect, it } from 'vitest';
import { signUpInConsole, visibleText } from '../console/helpers.js';
import { buildTestApp, eventBody } from '../helpers/app.js';
import { buyer, payWithTestGateway, startOrder } from '../helpers/checkout.js';
import { addMember } from '../teams/helpers.js';

async function paidOrderInConsole() {
  const t = await buildTestApp();
  const org = await signUpInConsole(t);
  const created = await t.call('POST', '/v1/events', { key: org.sk, body: eventBody({ require_email_verification: false }) });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const order = await startOrder(t, org.pk, created.body.id, [{ ticket_type: created.body.ticket_types[0].id, quantity: 2 }], buyer());
  const paid = await payWithTestGateway(t, org.pk, order, order.payment.gateway_order_id);
  expect(paid.status).toBe(200);
  return { t, org, order: paid.body, page: `/console/orders/${order.id}` };
}

describe('the console’s order page', () => {
  it('refunds a typed amount, then a ticked ticket, and lists both refunds as refunded', async () => {
    const { t, org, order, page } = await paidOrderInConsole();
    const shown = await org.browser.get(page);
    expect(shown.status).toBe(200);
    expect(visibleText(shown.text)).toContain('No refunds yet');

    const byAmount = await org.browser.post(`${page}/refund`, { amount: '150', confirm: 'on' });
    expect(byAmount.status, byAmount.text.slice(0, 300)).toBe(303);
    const [ticket] = order.tickets as Array<{ id: string }>;
    const byTicket = await org.browser.post(`${page}/refund`, { [`ticket_${ticket!.id}`]: 'on', confirm: 'on' });
    expect(byTicket.status, byTicket.text.slice(0, 300)).toBe(303);

    const now = (await t.call('GET', `/v1/orders/${order.id}`, { key: org.sk })).body;
    expect(now.refunds.map((r: { amount: number; tickets: string[] }) => [r.amount, r.tickets])).toEqual([
      [15_000, []],
      [order.amount / 2, [ticket!.id]],
    ]);
    const text = visibleText((await org.browser.get(page)).text);
    expect(text).toContain('Partly refunded');
    expect(text.match(/Refunded ₹/g)).toHaveLength(2);
  });

  it('refuses a refund larger than what is left, with the reason on the page', async () => {
    const { org, order, page } = await paidOrderInConsole();
    await org.browser.get(page);
    const res = await org.browser.post(`${page}/refund`, { amount: String(order.amount / 100 + 1), confirm: 'on' });
    expect(res.status).toBe(409);
    expect(visibleText(res.text)).toMatch(/can still be refunded/);
  });

  it('refuses a refund without the form’s CSRF token', async () => {
    const { org, page } = await paidOrderInConsole();
    await org.browser.get(page);
    const res = await org.browser.post(`${page}/refund`, { _csrf: null, amount: '10', confirm: 'on' });
    expect(res.status).toBe(403);
  });

  it('lets finance refund, and not door staff or developers', async () => {
    const { t, org, page } = await paidOrderInConsole();
    const finance = await addMember(t, org.browser, 'finance');
    await finance.browser.get(page);
    expect((await finance.browser.post(`${page}/refund`, { amount: '10', confirm: 'on' })).status).toBe(303);
    for (const role of ['door', 'developer'] as const) {
      const member = await addMember(t, org.browser, role);
      await member.browser.get('/console');
      expect((await member.browser.post(`${page}/refund`, { amount: '10', confirm: 'on' })).status, role).toBe(403);
    }
  });
});
