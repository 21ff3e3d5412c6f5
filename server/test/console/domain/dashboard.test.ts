import type { Ticket } from '@trendy-tickets/sdk';
import { describe, expect, it } from 'vitest';
import { RECENT_ACTIVITY_LIMIT, SALES_CHART_DAYS } from '../../../src/domain/dashboard.js';
import { buildTestApp, eventBody, type TestApp } from '../../helpers/app.js';
import { organizerWithEvent, payWithTestGateway, startOrder } from '../../helpers/checkout.js';
import { signIn } from '../helpers.js';
import { turnsDuring } from '../../helpers/event-loop-turns.js';

const IST = 'Asia/Kolkata';

/** Buys at `at` through the test gateway, so tickets carry real prices and that issue time. */
async function buyAt(t: TestApp, pk: string, event: string, items: Array<{ ticket_type: string; quantity: number }>, at: string): Promise<Ticket[]> {
  t.clock.set(at);
  const order = await startOrder(t, pk, event, items);
  const paid = await payWithTestGateway(t, pk, order, order.payment.gateway_order_id);
  expect(paid.status, JSON.stringify(paid.body)).toBe(200);
  return paid.body.tickets;
}

describe('dashboard summary', () => {
  it('gives the event loop a turn between its parts, so a scan at the door waits behind one part at most', async () => {
    const t = await buildTestApp();
    const { account } = await t.signUp();
    const { result, turns } = await turnsDuring(() => t.services.dashboard.summary({ account: account.id, livemode: false }, { timezone: IST }));
    expect(result.sales_by_day).toHaveLength(SALES_CHART_DAYS);
    // The chart's days, the counters and lists, the recent activity: three boundaries.
    expect(turns).toBeGreaterThanOrEqual(3);
  });

  it('shows an empty account as zeros, with a full 30-day chart', async () => {
    const t = await buildTestApp();
    const { account } = await t.signUp();
    const summary = await t.services.dashboard.summary({ account: account.id, livemode: false }, { timezone: IST });
    expect(summary).toMatchObject({
      active_events: 0,
      tickets_sold: 0,
      revenue: 0,
      issued: { total: 0, comps: 0, paid_elsewhere: 0 },
      checkins_today: 0,
      attendance: { checked_in: 0, tickets: 0, rate: null },
      recent: [],
      upcoming: [],
    });
    expect(summary.sales_by_day).toHaveLength(SALES_CHART_DAYS);
    expect(summary.sales_by_day.at(-1)).toEqual({ date: '2030-06-01', tickets: 0, revenue: 0 });
    expect(summary.sales_by_day[0]?.date).toBe('2030-05-03');
  });

  it('counts only checkout payments as revenue, and names the comps and tickets paid elsewhere, on the page too', async () => {
    const t = await buildTestApp();
    const { account, sk, pk, event, general, vip } = await organizerWithEvent(t, { require_email_verification: false });
    await buyAt(t, pk, event.id, [{ ticket_type: vip, quantity: 1 }], '2030-06-01T09:00:00Z');
    const holder = { name: 'Guest', email: 'guest@example.com' };
    const issue = (body: Record<string, unknown>) =>
      t.call('POST', '/v1/tickets', { key: sk, body: { event: event.id, ticket_type: general, holder, send_email: false, ...body } });
    expect((await issue({ quantity: 1 })).status).toBe(201);
    expect((await issue({ quantity: 2, external_reference: 'razorpay-link-42' })).status).toBe(201);

    const summary = await t.services.dashboard.summary({ account: account.id, livemode: false }, { timezone: IST });
    expect(summary).toMatchObject({ tickets_sold: 4, revenue: 149_900, issued: { total: 3, comps: 1, paid_elsewhere: 2 } });

    const browser = await signIn(t, account.email);
    const note = (html: string) => /<div class="figure" id="fig-revenue">.*?<span class="note">([^<]*)<\/span>/s.exec(html)?.[1];
    expect(note((await browser.get('/console')).text)).toBe('paid through checkout · issued: 3, of which comps: 1, paid elsewhere: 2');
    expect(note((await browser.get(`/console/events/${event.id}`)).text)).toBe('paid through checkout · issued: 3, of which comps: 1, paid elsewhere: 2');
  });

  it('adds up sales, revenue, check-ins and attendance across events, by the organizer’s day', async () => {
    const t = await buildTestApp();
    // A concert a week out, and a talk that started yesterday and runs all week.
    const concert = await organizerWithEvent(t, { require_email_verification: false });
    const owner = { account: concert.account.id, livemode: false };
    const talkRes = await t.call('POST', '/v1/events', {
      key: concert.sk,
      body: eventBody({ name: 'Design Talk', starts_at: '2030-05-31T04:30:00Z', ends_at: '2030-06-07T12:30:00Z', require_email_verification: false }),
    });
    const talk = talkRes.body;
    const draftRes = await t.call('POST', '/v1/events', { key: concert.sk, body: eventBody({ name: 'Draft', status: 'draft' }) });
    expect(draftRes.status).toBe(201);

    //                                                                                                   IST day
    await buyAt(t, concert.pk, concert.event.id, [{ ticket_type: concert.general, quantity: 2 }], '2030-05-30T10:00:00Z'); // 05-30
    const [t1, t2, t3] = await buyAt(t, concert.pk, talk.id, [{ ticket_type: talk.ticket_types[0].id, quantity: 3 }], '2030-05-31T19:00:00Z'); // 06-01 00:30
    const [vip] = await buyAt(t, concert.pk, concert.event.id, [{ ticket_type: concert.vip, quantity: 1 }], '2030-06-01T09:00:00Z'); // 06-01
    expect([t1, t2, t3, vip].every(Boolean)).toBe(true);

    // Check-ins: one late last night (IST), two this morning; one ticket voided after its check-in.
    t.clock.set('2030-05-31T18:20:00Z'); // 23:50 IST on 31 May
    expect((await t.services.checkins.scan(owner, { code: t1!.code, by: 'Gate 1' })).checkin.result).toBe('accepted');
    t.clock.set('2030-06-01T09:30:00Z');
    await t.services.checkins.scan(owner, { code: t2!.code, by: 'Gate 1' });
    await t.services.checkins.scan(owner, { code: t2!.code, by: 'Gate 2' }); // refused: logged, counts once
    await t.services.checkins.scan(owner, { code: t3!.code, by: 'Gate 1' });
    await t.services.tickets.void(owner, t3!.id);

    // Another organizer and this organizer's live data stay out.
    const other = await organizerWithEvent(t, { require_email_verification: false });
    await buyAt(t, other.pk, other.event.id, [{ ticket_type: other.general, quantity: 4 }], '2030-06-01T09:40:00Z');
    await t.services.events.create(
      { account: owner.account, livemode: true },
      { name: 'Live show', starts_at: new Date('2030-06-08T14:00:00Z'), ends_at: new Date('2030-06-08T18:00:00Z'), capacity: 10, ticket_types: [{ name: 'General', price: 100 }] },
    );

    t.clock.set('2030-06-01T10:00:00Z');
    const summary = await t.services.dashboard.summary(owner, { timezone: IST });
    expect(summary.active_events).toBe(2); // the draft is not active
    expect(summary.tickets_sold).toBe(5); // 2 + 3 + 1, less the voided one
    expect(summary.revenue).toBe(2 * 49_900 + 2 * 49_900 + 149_900);
    expect(summary.checkins_today).toBe(1); // t2; t1 was yesterday in India, t3 is voided
    // Only the talk has started: 2 of its 2 remaining tickets are checked in.
    expect(summary.attendance).toEqual({ checked_in: 2, tickets: 2, rate: 1 });
    const days = Object.fromEntries(summary.sales_by_day.filter((d) => d.tickets > 0).map((d) => [d.date, d.tickets]));
    expect(days).toEqual({ '2030-05-30': 2, '2030-06-01': 3 });
    expect(summary.upcoming.map((e) => e.name)).toEqual(['Design Talk', 'Monsoon Jazz Night']);

    // In Tokyo (UTC+9) the late check-in, 03:20 on 1 June there, is "today" too.
    const tokyo = await t.services.dashboard.summary(owner, { timezone: 'Asia/Tokyo' });
    expect(tokyo.checkins_today).toBe(2);
  });

  it('lists the newest sales and scans together, newest first, with names', async () => {
    const t = await buildTestApp();
    const org = await organizerWithEvent(t, { require_email_verification: false });
    const owner = { account: org.account.id, livemode: false };
    const [ticket] = await buyAt(t, org.pk, org.event.id, [{ ticket_type: org.general, quantity: 1 }], '2030-06-01T10:00:00Z');
    t.clock.set('2030-06-01T10:05:00Z');
    await t.services.checkins.scan(owner, { code: ticket!.code, event: org.event.id, by: 'Gate 1' });
    t.clock.set('2030-06-01T10:06:00Z');
    await t.services.checkins.scan(owner, { code: 'garbage', event: org.event.id, by: 'Gate 1' });

    const { recent } = await t.services.dashboard.summary(owner, { timezone: IST });
    expect(recent.map((a) => a.kind)).toEqual(['scan', 'scan', 'order']);
    expect(recent[0]).toMatchObject({ result: 'rejected', reason: 'invalid_code', holder_name: null, event_name: 'Monsoon Jazz Night' });
    expect(recent[1]).toMatchObject({ result: 'accepted', holder_name: 'Asha Rao', by: 'Gate 1' });
    expect(recent[2]).toMatchObject({ kind: 'order', buyer_name: 'Asha Rao', quantity: 1, amount: 49_900, status: 'paid', event_name: 'Monsoon Jazz Night' });

    for (let i = 0; i < RECENT_ACTIVITY_LIMIT + 3; i++) await t.services.checkins.scan(owner, { code: `garbage ${i}`, by: 'Gate 1' });
    expect((await t.services.dashboard.summary(owner, { timezone: IST })).recent).toHaveLength(RECENT_ACTIVITY_LIMIT);
  });

  it('dates a refunded order at its refund, and picks the newest sales by the time it shows', async () => {
    const t = await buildTestApp();
    const org = await organizerWithEvent(t, { require_email_verification: false });
    const owner = { account: org.account.id, livemode: false };
    const general = [{ ticket_type: org.general, quantity: 1 }];
    // Started first, paid last: its payment is the newest sale.
    t.clock.set('2030-06-01T10:00:00Z');
    const slow = await startOrder(t, org.pk, org.event.id, general);
    for (let i = 0; i < RECENT_ACTIVITY_LIMIT; i++) {
      await buyAt(t, org.pk, org.event.id, general, new Date(Date.parse('2030-06-01T10:00:10Z') + i * 5_000).toISOString());
    }
    t.clock.set('2030-06-01T10:02:00Z');
    expect((await payWithTestGateway(t, org.pk, slow, slow.payment.gateway_order_id)).status).toBe(200);
    const latest = await t.services.dashboard.summary(owner, { timezone: IST });
    expect(latest.recent[0]).toMatchObject({ kind: 'order', order: slow.id, status: 'paid', at: new Date('2030-06-01T10:02:00Z') });
    expect(latest.recent.map((a) => a.at.getTime())).toEqual(latest.recent.map((a) => a.at.getTime()).sort((a, b) => b - a));

    // Refunded an hour later: listed at the refund, not at the payment.
    t.clock.set('2030-06-01T11:00:00Z');
    expect((await t.call('POST', `/v1/orders/${slow.id}/refund`, { key: org.sk, body: {} })).status).toBe(200);
    const afterRefund = await t.services.dashboard.summary(owner, { timezone: IST });
    expect(afterRefund.recent[0]).toMatchObject({ kind: 'order', order: slow.id, status: 'refunded', at: new Date('2030-06-01T11:00:00Z') });
    expect(afterRefund.recent.filter((a) => a.kind === 'order' && a.order === slow.id)).toHaveLength(1);
  });
});
