/** Cancelling an unpaid order from its console page, as `POST /v1/orders/{id}/cancel` does. */
import { describe, expect, it } from 'vitest';
import type { AuditEntryDoc } from '../../src/domain/audit-log.js';
import { signUpInConsole, visibleText } from '../console/helpers.js';
import { buildTestApp, eventBody } from '../helpers/app.js';
import { startOrder } from '../helpers/checkout.js';
import { paidOrders } from './helpers.js';

describe('the console order page’s Cancel order', () => {
  it('cancels an unpaid order, frees its seats and records who did, and is not offered for a paid one', async () => {
    const t = await buildTestApp();
    const org = await signUpInConsole(t);
    const created = await t.call('POST', '/v1/events', { key: org.sk, body: eventBody({ require_email_verification: false }) });
    const general = created.body.ticket_types[0].id as string;
    const unpaid = await startOrder(t, org.pk, created.body.id, [{ ticket_type: general, quantity: 2 }]);
    expect(unpaid.status).toBe('awaiting_payment');

    const page = visibleText((await org.browser.get(`/console/orders/${unpaid.id}`)).text);
    expect(page).toContain('Cancel order');
    const done = await org.browser.post(`/console/orders/${unpaid.id}/cancel`, { confirm: 'on' });
    expect(done.location).toBe(`/console/orders/${unpaid.id}?notice=cancelled`);
    expect((await t.call('GET', `/v1/orders/${unpaid.id}`, { key: org.sk })).body.status).toBe('cancelled');
    expect((await t.call('GET', `/v1/events/${created.body.id}`, { key: org.sk })).body.held).toBe(0);
    const audit = await t.store.collection<AuditEntryDoc>('audit_log').find({ action: 'order.cancelled' });
    expect(audit.map((a) => a.target.id)).toEqual([unpaid.id]);

    const [paid] = await paidOrders(t, org.pk, created.body.id, general, 1);
    expect(visibleText((await org.browser.get(`/console/orders/${paid?.id}`)).text)).not.toContain('Cancel order');
  });
});
