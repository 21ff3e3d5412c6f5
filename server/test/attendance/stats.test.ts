import { describe, expect, it } from 'vitest';
import type { EventStats, Ticket } from '@trendy-tickets/sdk';
import { buildTestApp, eventBody, type TestApp } from '../helpers/app.js';
import { checkInAt, organizerWithEvent, payWithTestGateway, startOrder } from '../helpers/checkout.js';

const GENERAL = 49_900;
const VIP = 149_900;

/** Buys and pays at `at` through the test gateway, so the tickets carry real prices and that issue time. */
async function buyAt(t: TestApp, pk: string, event: string, items: Array<{ ticket_type: string; quantity: number }>, at: string): Promise<Ticket[]> {
  t.clock.set(at);
  const order = await startOrder(t, pk, event, items);
  const paid = await payWithTestGateway(t, pk, order, order.payment.gateway_order_id);
  expect(paid.status, JSON.stringify(paid.body)).toBe(200);
  return paid.body.tickets;
}

async function checkIn(t: TestApp, ticket: Ticket | undefined, at: string) {
  await checkInAt(t, ticket!, at);
}

async function statsOf(t: TestApp, sk: string, eventId: string): Promise<EventStats> {
  const res = await t.call('GET', `/v1/events/${eventId}/stats`, { key: sk });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

describe('GET /v1/events/{id}/stats', () => {
  it('computes every figure, bucketing sales by the Mumbai day rather than the UTC day', async () => {
    const t = await buildTestApp();
    const { sk, pk, event, general, vip } = await organizerWithEvent(t, { require_email_verification: false });
    //                                                                       UTC day     IST (+05:30)
    const [g1, g2] = await buyAt(t, pk, event.id, [{ ticket_type: general, quantity: 2 }], '2030-06-01T10:00:00Z'); // 06-01 15:30
    const [v1] = await buyAt(t, pk, event.id, [{ ticket_type: vip, quantity: 1 }], '2030-06-01T18:29:00Z'); // 06-01 23:59
    const [g3, v2] = await buyAt(
      t,
      pk,
      event.id,
      [
        { ticket_type: general, quantity: 1 },
        { ticket_type: vip, quantity: 1 },
      ],
      '2030-06-01T20:00:00Z',
    ); // 06-02 01:30
    const [g4, g5, g6] = await buyAt(t, pk, event.id, [{ ticket_type: general, quantity: 3 }], '2030-06-02T18:45:00Z'); // 06-03 00:15
    const [v3, v4] = await buyAt(t, pk, event.id, [{ ticket_type: vip, quantity: 2 }], '2030-06-03T05:00:00Z'); // 06-03 10:30
    expect([g1, g2, v1, g3, v2, g4, g5, g6, v3, v4].every(Boolean)).toBe(true);

    await checkIn(t, g1, '2030-06-08T13:10:00Z'); // 18:40 IST
    await checkIn(t, v1, '2030-06-08T13:25:00Z'); // 18:55 IST
    await checkIn(t, g3, '2030-06-08T13:35:00Z'); // 19:05 IST
    await checkIn(t, v4, '2030-06-08T13:40:00Z'); // then voided: keeps checked_in_at, counts nowhere
    for (const gone of [g6, v4]) expect((await t.call('POST', `/v1/tickets/${gone!.id}/void`, { key: sk })).status).toBe(200);

    // An unpaid order holds two seats; another event's sales and check-ins stay out.
    t.clock.set('2030-06-03T06:00:00Z');
    await startOrder(t, pk, event.id, [{ ticket_type: general, quantity: 2 }]);
    const other = await t.call('POST', '/v1/events', { key: sk, body: eventBody({ name: 'Other night', require_email_verification: false }) });
    const [elsewhere] = await buyAt(t, pk, other.body.id, [{ ticket_type: other.body.ticket_types[1].id, quantity: 1 }], '2030-06-03T06:00:00Z');
    await checkIn(t, elsewhere, '2030-06-08T13:10:00Z');

    expect(await statsOf(t, sk, event.id)).toEqual({
      object: 'event_stats',
      event: event.id,
      livemode: false,
      timezone: 'Asia/Kolkata',
      currency: 'INR',
      generated_at: '2030-06-03T06:00:00.000Z',
      capacity: 100,
      sold: 8, // 10 bought, 2 voided
      held: 2,
      available: 90,
      revenue: 5 * GENERAL + 3 * VIP,
      // No tax settings: gross and net are the revenue, with no tax and no fees.
      gross: 5 * GENERAL + 3 * VIP,
      tax: 0,
      fees: 0,
      net: 5 * GENERAL + 3 * VIP,
      issued: { total: 0, comps: 0, paid_elsewhere: 0 },
      checked_in: 3,
      not_checked_in: 5,
      attendance_rate: 0.375,
      by_ticket_type: [
        { ticket_type: general, name: 'General', price: GENERAL, capacity: null, sold: 5, held: 2, available: 90, revenue: 5 * GENERAL, checked_in: 2 },
        { ticket_type: vip, name: 'VIP', price: VIP, capacity: 20, sold: 3, held: 0, available: 17, revenue: 3 * VIP, checked_in: 1 },
      ],
      sales_by_day: [
        { date: '2030-06-01', tickets: 3, revenue: 2 * GENERAL + VIP }, // in UTC, 06-01 would also hold g3 and v2
        { date: '2030-06-02', tickets: 2, revenue: GENERAL + VIP },
        { date: '2030-06-03', tickets: 3, revenue: 2 * GENERAL + VIP },
      ],
      checkins_by_hour: [
        { hour: '2030-06-08T18:00', checkins: 2 },
        { hour: '2030-06-08T19:00', checkins: 1 },
      ],
      by_campaign: [],
      checkin_lists: [],
    });
  });

  it("buckets days and hours in the event's own time zone: New York", async () => {
    const t = await buildTestApp();
    const { sk, pk, event, general, vip } = await organizerWithEvent(t, { require_email_verification: false, timezone: 'America/New_York' });
    //                                                                                         New York (EDT, −04:00)
    await buyAt(t, pk, event.id, [{ ticket_type: general, quantity: 1 }], '2030-06-01T12:00:00Z'); //  06-01 08:00
    const [late] = await buyAt(t, pk, event.id, [{ ticket_type: general, quantity: 1 }], '2030-06-02T02:00:00Z'); // 06-01 22:00
    await buyAt(t, pk, event.id, [{ ticket_type: vip, quantity: 1 }], '2030-06-02T05:00:00Z'); //  06-02 01:00
    await checkIn(t, late, '2030-06-08T03:30:00Z'); // 06-07 23:30 in New York, 06-08 09:00 in Mumbai

    const stats = await statsOf(t, sk, event.id);
    expect(stats.timezone).toBe('America/New_York');
    expect(stats.sales_by_day).toEqual([
      { date: '2030-06-01', tickets: 2, revenue: 2 * GENERAL },
      { date: '2030-06-02', tickets: 1, revenue: VIP },
    ]);
    expect(stats.checkins_by_hour).toEqual([{ hour: '2030-06-07T23:00', checkins: 1 }]);
    expect(stats).toMatchObject({ checked_in: 1, not_checked_in: 2, attendance_rate: 0.3333, revenue: 2 * GENERAL + VIP });

    // The same sales, were the event in Mumbai, fall on other days.
    expect((await t.call('PATCH', `/v1/events/${event.id}`, { key: sk, body: { timezone: 'Asia/Kolkata' } })).status).toBe(200);
    const mumbai = await statsOf(t, sk, event.id);
    expect(mumbai.sales_by_day).toEqual([
      { date: '2030-06-01', tickets: 1, revenue: GENERAL },
      { date: '2030-06-02', tickets: 2, revenue: GENERAL + VIP },
    ]);
    expect(mumbai.checkins_by_hour).toEqual([{ hour: '2030-06-08T09:00', checkins: 1 }]);
  });

  it('answers for every time zone an event may have, not only Area/Location names', async () => {
    const t = await buildTestApp();
    const { sk, pk, event, general } = await organizerWithEvent(t, { require_email_verification: false, timezone: 'UTC' });
    await buyAt(t, pk, event.id, [{ ticket_type: general, quantity: 1 }], '2030-06-01T23:30:00Z');
    expect((await statsOf(t, sk, event.id)).sales_by_day).toEqual([{ date: '2030-06-01', tickets: 1, revenue: GENERAL }]);
    // UTC−3, a three-part name: 20:30 on 1 June.
    expect((await t.call('PATCH', `/v1/events/${event.id}`, { key: sk, body: { timezone: 'America/Argentina/Buenos_Aires' } })).status).toBe(200);
    expect((await statsOf(t, sk, event.id)).sales_by_day).toEqual([{ date: '2030-06-01', tickets: 1, revenue: GENERAL }]);
    // UTC+12 (POSIX signs are reversed): already 2 June.
    expect((await t.call('PATCH', `/v1/events/${event.id}`, { key: sk, body: { timezone: 'Etc/GMT-12' } })).status).toBe(200);
    expect((await statsOf(t, sk, event.id)).sales_by_day).toEqual([{ date: '2030-06-02', tickets: 1, revenue: GENERAL }]);
  });

  it('buckets by the tz database spelling of an event time zone stored in another case before names were canonical', async () => {
    const t = await buildTestApp();
    const { sk, pk, event, general } = await organizerWithEvent(t, { require_email_verification: false });
    await buyAt(t, pk, event.id, [{ ticket_type: general, quantity: 1 }], '2030-06-01T20:00:00Z'); // 06-02 01:30 in Mumbai
    await t.store.collection('events').updateOne({ _id: event.id }, { $set: { timezone: 'asia/kolkata' } });
    const stats = await statsOf(t, sk, event.id);
    expect(stats.timezone).toBe('Asia/Kolkata');
    expect(stats.sales_by_day).toEqual([{ date: '2030-06-02', tickets: 1, revenue: GENERAL }]);
  });

  it('counts paid revenue only, and labels tickets issued directly as comps or paid elsewhere', async () => {
    const t = await buildTestApp();
    const { sk, pk, event, general, vip } = await organizerWithEvent(t, { require_email_verification: false });
    await buyAt(t, pk, event.id, [{ ticket_type: general, quantity: 1 }], '2030-06-01T12:00:00Z');
    const issue = (body: Record<string, unknown>) =>
      t.call('POST', '/v1/tickets', { key: sk, body: { event: event.id, holder: { name: 'Guest', email: 'guest@example.com' }, send_email: false, ...body } });
    const comp = await issue({ ticket_type: vip, quantity: 1 });
    expect(comp.status).toBe(201);
    expect((await issue({ ticket_type: general, quantity: 2, external_reference: 'box-office-17' })).status).toBe(201);
    expect((await issue({ ticket_type: general, quantity: 1, external_reference: 'box-office-18' })).status).toBe(201);

    const stats = await statsOf(t, sk, event.id);
    expect(stats).toMatchObject({ sold: 5, revenue: GENERAL, issued: { total: 4, comps: 1, paid_elsewhere: 3 }, not_checked_in: 5 });

    // A voided comp drops out, as every figure leaves voided tickets out.
    expect((await t.call('POST', `/v1/tickets/${comp.body.data[0].id}/void`, { key: sk })).status).toBe(200);
    expect((await statsOf(t, sk, event.id)).issued).toEqual({ total: 3, comps: 0, paid_elsewhere: 3 });
  });

  it('reports zeros, not NaN, for an event with no tickets', async () => {
    const t = await buildTestApp();
    const { sk, event, general, vip } = await organizerWithEvent(t);
    const stats = await statsOf(t, sk, event.id);
    expect(stats).toMatchObject({ sold: 0, held: 0, available: 100, revenue: 0, checked_in: 0, not_checked_in: 0, attendance_rate: 0 });
    expect(stats.by_ticket_type).toEqual([
      { ticket_type: general, name: 'General', price: GENERAL, capacity: null, sold: 0, held: 0, available: 100, revenue: 0, checked_in: 0 },
      { ticket_type: vip, name: 'VIP', price: VIP, capacity: 20, sold: 0, held: 0, available: 20, revenue: 0, checked_in: 0 },
    ]);
    expect(stats.sales_by_day).toEqual([]);
    expect(stats.checkins_by_hour).toEqual([]);
  });

  it('is described in the OpenAPI document', async () => {
    const t = await buildTestApp();
    const doc = (await t.call('GET', '/openapi.json')).body;
    expect(doc.paths['/v1/events/{id}/stats'].get.tags).toEqual(['Attendance']);
    expect(doc.paths['/v1/events/{id}/attendees.csv'].get.responses['200'].content).toHaveProperty('text/csv');
    expect(doc.components.schemas.EventStats.required).toContain('attendance_rate');
  });
});
