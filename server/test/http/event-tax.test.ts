import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, eventBody, type TestApp } from '../helpers/app.js';
import { organizerWithEvent, payWithTestGateway, startOrder, verify } from '../helpers/checkout.js';

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp();
});

const MAHARASHTRA = { legal_name: 'Mumbai Music Co. Pvt. Ltd.', address: 'Marine Drive, Mumbai', state: '27', gstin: '27AAPFU0939F1ZV' };

/** General ₹499 plus 18 %, VIP ₹1,499 including 18 %, and a fee of ₹10 + 2.5 % per ticket. */
const taxed = (venue_state: string, paid_by: 'buyer' | 'organizer' = 'buyer') => ({
  venue_state,
  ticket_types: [
    { name: 'General', price: 49_900, tax_rate: 18, tax_inclusive: false },
    { name: 'VIP', price: 149_900, capacity: 20, max_per_order: 4, tax_rate: 18 },
  ],
  convenience_fee: { paid_by, percent_bp: 250, fixed: 1_000 },
});

async function taxedOrganizer(venue_state: string, paid_by: 'buyer' | 'organizer' = 'buyer', profile: object | null = MAHARASHTRA) {
  const org = await organizerWithEvent(t, taxed(venue_state, paid_by));
  if (profile) expect((await t.call('PUT', '/v1/account/tax_profile', { key: org.sk, body: profile })).status).toBe(200);
  return org;
}

describe('tax settings on events', () => {
  it('stores each ticket type’s rate, inclusion and SAC, the venue state and the fee, with their defaults', async () => {
    const { event } = await taxedOrganizer('27');
    expect(event.venue_state).toBe('27');
    expect(event.ticket_types.map((tt: any) => [tt.tax_rate, tt.tax_inclusive, tt.sac])).toEqual([
      [18, false, '9996'],
      [18, true, '9996'],
    ]);
    expect(event.convenience_fee).toEqual({ paid_by: 'buyer', percent_bp: 250, fixed: 1_000, tax_rate: 18 });
  });

  it('gives events without tax settings no tax, no fee and no venue state', async () => {
    const { event } = await organizerWithEvent(t);
    expect(event).toMatchObject({ venue_state: null, convenience_fee: null });
    expect(event.ticket_types[0]).toMatchObject({ tax_rate: null, tax_inclusive: true, sac: '9996' });
  });

  it('refuses a taxed ticket type on an event without a venue state', async () => {
    const { sk } = await t.signUp();
    const res = await t.call('POST', '/v1/events', { key: sk, body: eventBody({ ...taxed('27'), venue_state: null }) });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ field: 'venue_state', message: expect.stringContaining('ticket_types.0.tax_rate') }]);
  });

  it('refuses a rate that is not a GST slab and a SAC outside chapter 99', async () => {
    const { sk } = await t.signUp();
    const res = await t.call('POST', '/v1/events', {
      key: sk,
      body: eventBody({ venue_state: '27', ticket_types: [{ name: 'General', price: 100, tax_rate: 15, sac: '123456' }] }),
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['ticket_types.0.sac', 'ticket_types.0.tax_rate']);
  });

  it('keeps a type’s tax settings when an edit leaves them out', async () => {
    const { sk, event } = await taxedOrganizer('27');
    const types = event.ticket_types.map((tt: any) => ({ id: tt.id, name: tt.name, price: tt.price }));
    const res = await t.call('PATCH', `/v1/events/${event.id}`, { key: sk, body: { ticket_types: types } });
    expect(res.body.ticket_types.map((tt: any) => tt.tax_rate)).toEqual([18, 18]);
  });

  it('shows buyers the fee they pay and the tax settings, and hides a fee the organizer absorbs', async () => {
    const passed = await taxedOrganizer('27');
    const view = await t.call('GET', `/v1/public/events/${passed.event.id}`, { key: passed.pk });
    expect(view.body.convenience_fee).toMatchObject({ paid_by: 'buyer', fixed: 1_000 });
    expect(view.body.ticket_types[0]).toMatchObject({ tax_rate: 18, tax_inclusive: false });
    const absorbed = await taxedOrganizer('27', 'organizer');
    expect((await t.call('GET', `/v1/public/events/${absorbed.event.id}`, { key: absorbed.pk })).body.convenience_fee).toBeNull();
  });
});

describe('orders carry their tax and fee figures', () => {
  it('charges CGST and SGST, and the fee with its tax, when the venue is in the organizer’s state', async () => {
    const { pk, event, general } = await taxedOrganizer('27');
    const order = await startOrder(t, pk, event.id, [{ ticket_type: general, quantity: 3 }]);
    // Hand-computed as in sdk/test/tax.test.ts: tickets 1,49,700 + 2 × 13,473; fee 6,744 + 2 × 607.
    expect(order.breakdown).toMatchObject({
      supply: 'intra_state',
      place_of_supply: '27',
      taxable_value: 156_444,
      cgst: 14_080,
      sgst: 14_080,
      igst: 0,
      tax: 28_160,
      fees: 6_744,
      total: 184_604,
    });
    expect(order.breakdown.lines).toEqual([
      { ticket_type: general, tax_rate: 18, tax_inclusive: false, sac: '9996', discount: 0, taxable_value: 149_700, cgst: 13_473, sgst: 13_473, igst: 0, total: 176_646 },
    ]);
    expect(order.amount).toBe(184_604);
  });

  it('charges IGST when the venue is in another state, and the gateway is asked for the total', async () => {
    const { pk, event, vip } = await taxedOrganizer('29');
    const order = await startOrder(t, pk, event.id, [{ ticket_type: vip, quantity: 1 }]);
    // ₹1,499 including 18 %: 1,49,900 × 18 / 118 = 22,866.10… → 22,866. Fee: 1,000 + 3,747.5 → 4,748, 18 % = 854.64 → 855.
    expect(order.breakdown.lines[0]).toMatchObject({ taxable_value: 127_034, igst: 22_866, cgst: 0, total: 149_900 });
    expect(order.breakdown.fee).toEqual({ paid_by: 'buyer', tax_rate: 18, taxable_value: 4_748, cgst: 0, sgst: 0, igst: 855, total: 5_603 });
    expect(order.amount).toBe(149_900 + 5_603);
    const verified = await verify(t, pk, order);
    const paid = await payWithTestGateway(t, pk, order, verified.payment.gateway_order_id);
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ status: 'paid', amount: 155_503 });
  });

  it('records an absorbed fee without charging the buyer for it', async () => {
    const { pk, event, general } = await taxedOrganizer('27', 'organizer');
    const order = await startOrder(t, pk, event.id, [{ ticket_type: general, quantity: 3 }]);
    expect(order.breakdown).toMatchObject({ fees: 0, tax: 26_946, total: 176_646 });
    expect(order.breakdown.fee).toMatchObject({ paid_by: 'organizer', taxable_value: 6_744, total: 7_958 });
    expect(order.amount).toBe(176_646);
  });

  it('charges no GST for an organizer who is not registered, but still the fee', async () => {
    const { pk, event, general } = await taxedOrganizer('27', 'buyer', { ...MAHARASHTRA, gstin: null });
    const order = await startOrder(t, pk, event.id, [{ ticket_type: general, quantity: 1 }]);
    expect(order.breakdown).toMatchObject({ supply: null, place_of_supply: null, tax: 0, fees: 2_248, total: 49_900 + 2_248 });
  });

  it('leaves orders of events without tax settings exactly as before: the items’ sum, untaxed', async () => {
    const { pk, event, general } = await organizerWithEvent(t);
    const order = await startOrder(t, pk, event.id, [{ ticket_type: general, quantity: 2 }]);
    expect(order.amount).toBe(99_800);
    expect(order.breakdown).toEqual({
      supply: null,
      place_of_supply: null,
      lines: [{ ticket_type: general, tax_rate: null, tax_inclusive: true, sac: null, discount: 0, taxable_value: 99_800, cgst: 0, sgst: 0, igst: 0, total: 99_800 }],
      fee: null,
      taxable_value: 99_800,
      cgst: 0,
      sgst: 0,
      igst: 0,
      tax: 0,
      fees: 0,
      total: 99_800,
    });
    const stored = await t.store.collection('orders').findOne({ _id: order.id });
    expect(stored).not.toHaveProperty('breakdown');
  });
});

describe('figures of taxed sales', () => {
  async function buyAndPay(pk: string, eventId: string, items: Array<{ ticket_type: string; quantity: number }>) {
    const order = await startOrder(t, pk, eventId, items);
    const verified = await verify(t, pk, order);
    const paid = await payWithTestGateway(t, pk, order, verified.payment.gateway_order_id);
    expect(paid.status).toBe(200);
    return paid.body;
  }

  it('counts gross, tax, fees and net when the buyer pays the fee, and the tickets add up to the order', async () => {
    const { sk, pk, event, general, vip } = await taxedOrganizer('29');
    const order = await buyAndPay(pk, event.id, [
      { ticket_type: general, quantity: 3 },
      { ticket_type: vip, quantity: 1 },
    ]);
    const stats = (await t.call('GET', `/v1/events/${event.id}/stats`, { key: sk })).body;
    expect(stats).toMatchObject({ gross: order.amount, tax: order.breakdown.tax, fees: order.breakdown.fees, revenue: 3 * 49_900 + 149_900 });
    // Net is the tickets' value before tax: 1,49,700 + 1,27,034.
    expect(stats.net).toBe(149_700 + 127_034);
    const account = (await t.call('GET', '/v1/account', { key: sk })).body.id;
    const dashboard = await t.services.dashboard.summary({ account, livemode: false }, { timezone: 'Asia/Kolkata' });
    expect(dashboard.money).toEqual({ gross: stats.gross, tax: stats.tax, fees: stats.fees, net: stats.net });
  });

  it('takes an absorbed fee, with its tax, out of the organizer’s net', async () => {
    const { sk, pk, event, general } = await taxedOrganizer('27', 'organizer');
    const order = await buyAndPay(pk, event.id, [{ ticket_type: general, quantity: 3 }]);
    const stats = (await t.call('GET', `/v1/events/${event.id}/stats`, { key: sk })).body;
    expect(stats).toMatchObject({ gross: 176_646, tax: 26_946, fees: 7_958, net: 149_700 - 7_958 });
    expect(stats.gross).toBe(order.amount);
  });

  it('counts sales of events without tax settings at their prices, with no tax or fee', async () => {
    const { sk, pk, event, general } = await organizerWithEvent(t);
    await buyAndPay(pk, event.id, [{ ticket_type: general, quantity: 2 }]);
    const stats = (await t.call('GET', `/v1/events/${event.id}/stats`, { key: sk })).body;
    expect(stats).toMatchObject({ revenue: 99_800, gross: 99_800, tax: 0, fees: 0, net: 99_800 });
  });
});
