import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app.js';
import { buyer, organizerWithEvent, startOrder } from '../helpers/checkout.js';

/** What a buyer sees when the seats left are held by others: held is not sold. */
describe('held seats in the public event', () => {
  it('says how many seats are held and when the oldest hold runs out', async () => {
    const t = await buildTestApp();
    const { pk, event, general } = await organizerWithEvent(t, {
      capacity: 3,
      hold_minutes: 10,
      require_email_verification: false,
      ticket_types: [{ name: 'General', price: 49_900 }],
    });
    const first = await startOrder(t, pk, event.id, [{ ticket_type: general, quantity: 2 }], buyer());
    t.clock.advance(60_000);
    await startOrder(t, pk, event.id, [{ ticket_type: general, quantity: 1 }], buyer());
    t.clock.advance(2_000); // past the public view's cache

    const res = await t.call('GET', `/v1/public/events/${event.id}`, { key: pk });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ available: 0, held: 3, holds_expire_at: first.expires_at });
    expect(res.body.ticket_types[0]).toMatchObject({ id: general, available: 0, held: 3 });
  });

  it('reports nothing held once the holds are gone', async () => {
    const t = await buildTestApp();
    const { pk, event, general } = await organizerWithEvent(t, { capacity: 3, require_email_verification: false, ticket_types: [{ name: 'General', price: 49_900 }] });
    const order = await startOrder(t, pk, event.id, [{ ticket_type: general, quantity: 1 }], buyer());
    await t.call('POST', `/v1/orders/${order.id}/cancel`, { key: pk, body: { client_secret: order.client_secret } });
    t.clock.advance(2_000);

    const res = await t.call('GET', `/v1/public/events/${event.id}`, { key: pk });
    expect(res.body).toMatchObject({ available: 3, held: 0, holds_expire_at: null });
  });
});
