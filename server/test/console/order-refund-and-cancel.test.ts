/**
 * Refunding and cancelling from the console's order page ask for a ticked box first, say what
 * happened in words, and are written to the audit log; each refund says who made it.
 */
import { describe, expect, it } from 'vitest';
import type { AuditEntryDoc } from '../../src/domain/audit-log.js';
import { buildTestApp, eventBody } from '../helpers/app.js';
import { buyer, payWithTestGateway, startOrder } from '../helpers/checkout.js';
import { fieldError, signUpInConsole, visibleText } from './helpers.js';

async function organizer() {
  const t = await buildTestApp();
  const org = await signUpInConsole(t);
  const created = await t.call('POST', '/v1/events', { key: org.sk, body: eventBody({ require_email_verification: false }) });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const unpaid = () => startOrder(t, org.pk, created.body.id, [{ ticket_type: created.body.ticket_types[0].id, quantity: 2 }], buyer());
  return { t, org, unpaid };
}

const auditOf = (t: Awaited<ReturnType<typeof organizer>>['t'], action: string) => t.store.collection<AuditEntryDoc>('audit_log').find({ action });

describe('the console order page’s refund and cancel', () => {
  it('refunds nothing until the box is ticked, then refunds the whole order, records who did and says it was asked for in the console', async () => {
    const { t, org, unpaid } = await organizer();
    const order = await unpaid();
    expect((await payWithTestGateway(t, org.pk, order, order.payment.gateway_order_id)).status).toBe(200);
    const page = `/console/orders/${order.id}`;
    expect(visibleText((await org.browser.get(page)).text)).toContain('Yes, refund');

    const unticked = await org.browser.post(`${page}/refund`, {});
    expect(unticked.status).toBe(400);
    expect(fieldError(unticked.text, 'confirm')).toBe('Tick the box to confirm.');
    expect((await t.call('GET', `/v1/orders/${order.id}`, { key: org.sk })).body).toMatchObject({ status: 'paid', refunds: [] });

    const done = await org.browser.post(`${page}/refund`, { confirm: 'on' });
    expect(done.location).toBe(`${page}?notice=refunded`);
    const text = visibleText((await org.browser.follow(done)).text);
    expect(text).toContain('Refunded. The buyer is told by email.');
    expect(text).toContain('asked for in the console');
    expect((await t.call('GET', `/v1/orders/${order.id}`, { key: org.sk })).body.status).toBe('refunded');
    expect((await auditOf(t, 'order.refund_requested')).map((a) => a.target.id)).toEqual([order.id]);
  });

  it('cancels an unpaid order only once the box is ticked', async () => {
    const { t, org, unpaid } = await organizer();
    const order = await unpaid();
    const page = `/console/orders/${order.id}`;
    await org.browser.get(page);
    const unticked = await org.browser.post(`${page}/cancel`, {});
    expect(unticked.status).toBe(400);
    expect(fieldError(unticked.text, 'confirm')).toBe('Tick the box to confirm.');
    expect((await t.call('GET', `/v1/orders/${order.id}`, { key: org.sk })).body.status).toBe('awaiting_payment');
    expect(await auditOf(t, 'order.cancelled')).toEqual([]);
  });

  it('says in words why an order paid while its page was open cannot be cancelled, and that an expired one had expired', async () => {
    const { t, org, unpaid } = await organizer();
    const paidMeanwhile = await unpaid();
    await org.browser.get(`/console/orders/${paidMeanwhile.id}`);
    expect((await payWithTestGateway(t, org.pk, paidMeanwhile, paidMeanwhile.payment.gateway_order_id)).status).toBe(200);
    const refused = await org.browser.post(`/console/orders/${paidMeanwhile.id}/cancel`, { confirm: 'on' });
    expect(refused.status).toBe(409);
    expect(visibleText(refused.text)).toContain('A paid order cannot be cancelled; refund it instead.');
    expect(visibleText(refused.text)).toContain('Yes, refund');

    const lapsed = await unpaid();
    await org.browser.get(`/console/orders/${lapsed.id}`);
    t.clock.advance(16 * 60_000);
    await t.services.orders.expireLapsedOrders();
    const late = await org.browser.post(`/console/orders/${lapsed.id}/cancel`, { confirm: 'on' });
    expect(late.location).toBe(`/console/orders/${lapsed.id}?notice=expired`);
    expect(visibleText((await org.browser.follow(late)).text)).toContain('The order had expired already');
  });
});
