import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app.js';
import { buyer, organizerWithEvent } from '../helpers/checkout.js';

describe('promo codes on a server that keeps none', () => {
  it('refuses a promo code on the public event view as unknown, and still shows the view without one', async () => {
    const t = await buildTestApp();
    const org = await organizerWithEvent(t);
    const refused = await t.call('GET', `/v1/public/events/${org.event.id}?promo_code=DIWALI20`, { key: org.pk });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'PROMO_CODE_INVALID', details: { reason: 'unknown' } });
    const view = await t.call('GET', `/v1/public/events/${org.event.id}`, { key: org.pk });
    expect(view.status).toBe(200);
    expect(view.body.promo).toBeNull();
  });

  it('refuses an order made with a promo code instead of selling it at full price, and says orders carry no discount', async () => {
    const t = await buildTestApp();
    const org = await organizerWithEvent(t);
    const items = [{ ticket_type: org.general, quantity: 1 }];
    const refused = await t.call('POST', '/v1/orders', { key: org.pk, body: { event: org.event.id, items, buyer: buyer(), promo_code: 'DIWALI20' } });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'PROMO_CODE_INVALID', details: { reason: 'unknown' } });
    const made = await t.call('POST', '/v1/orders', { key: org.pk, body: { event: org.event.id, items, buyer: buyer() } });
    expect(made.status).toBe(201);
    expect(made.body.discount).toBeNull();
  });
});
