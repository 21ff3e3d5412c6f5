import { describe, expect, it } from 'vitest';
import type { PromoCodeDoc } from '../../src/domain/promo-codes.js';
import { buyer, payWithTestGateway } from '../helpers/checkout.js';
import { teamWithEvent } from '../teams/helpers.js';
import { visibleText } from './helpers.js';

/** Promo codes in the console: created, edited and deactivated on the event, with their uses and a usage report. */

describe('promo codes on the event page', () => {
  it('creates a code, lists it with its uses and limit, reports the paid orders and discount, and deactivates it', async () => {
    const { t, owner, event } = await teamWithEvent();
    await owner.browser.get(`/console/events/${event.id}/promo-codes`);
    const created = await owner.browser.post(`/console/events/${event.id}/promo-codes`, { code: 'EarlyBird', kind: 'fixed', value: '100', max_uses: '20' });
    expect(created.status, created.text.slice(0, 300)).toBe(303);
    const code = (await t.store.collection<PromoCodeDoc>('promo_codes').findOne({ event: event.id }))!;
    expect(code).toMatchObject({ code: 'EarlyBird', kind: 'fixed', value: 10_000, max_uses: 20, active: true });

    await t.call('PATCH', `/v1/events/${event.id}`, { key: owner.sk, body: { require_email_verification: false } });
    const order = await t.call('POST', '/v1/orders', {
      key: owner.pk,
      body: { event: event.id, items: [{ ticket_type: event.ticket_types[0]!.id, quantity: 2 }], buyer: buyer(), promo_code: 'earlybird' },
    });
    expect(order.status, JSON.stringify(order.body)).toBe(201);
    expect((await payWithTestGateway(t, owner.pk, order.body, order.body.payment.gateway_order_id)).status).toBe(200);

    const page = visibleText((await owner.browser.get(`/console/events/${event.id}/promo-codes?notice=created`)).text);
    expect(page).toContain('Promo code created.');
    expect(page).toMatch(/EarlyBird\s+₹100(\.00)? off each ticket\s+every type\s+Any time\s+1 \/ 20\s+Active/);
    expect(page).toMatch(/Usage .*EarlyBird\s+1\s+₹200/);
    expect(visibleText((await owner.browser.get(`/console/events/${event.id}`)).text)).toContain('Promo codes');

    const off = await owner.browser.post(`/console/events/${event.id}/promo-codes/${code._id}/deactivate`);
    expect(off.status).toBe(303);
    expect((await t.store.collection<PromoCodeDoc>('promo_codes').findOne({ _id: code._id }))?.active).toBe(false);
    const audit = await t.call('GET', `/v1/audit_logs?target=${code._id}`, { key: owner.sk });
    expect(audit.body.data.map((e: { action: string }) => e.action).sort()).toEqual(['promo_code.created', 'promo_code.updated']);
  });

  it('refuses a code the event already has in another case, saying so', async () => {
    const { owner, event } = await teamWithEvent();
    await owner.browser.get(`/console/events/${event.id}/promo-codes`);
    expect((await owner.browser.post(`/console/events/${event.id}/promo-codes`, { code: 'VIP', kind: 'percent', value: '10' })).status).toBe(303);
    const twin = await owner.browser.post(`/console/events/${event.id}/promo-codes`, { code: 'vip', kind: 'percent', value: '20' });
    expect(twin.status).toBe(409);
    expect(visibleText(twin.text)).toContain('already has a promo code with that name');
  });
});
