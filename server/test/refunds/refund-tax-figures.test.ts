/**
 * Refunds lower the tax figure as well as gross and net (docs/gst.md#figures): by exactly the GST
 * each refund's credit note reverses, whether the refund was of an amount or of tickets, and the
 * periodic recount rebuilds what refunds count apart from the orders.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { InvoiceDoc } from '../../src/domain/invoices.js';
import type { FiguresDoc } from '../../src/domain/figures.js';
import type { Store } from '../../src/store/port.js';
import { createEmbeddedStore } from '../../src/store/embedded.js';
import { ManualClock } from '../../src/kernel/clock.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buyer, organizerWithEvent, payWithTestGateway, verify } from '../helpers/checkout.js';

const MAHARASHTRA = { legal_name: 'Mumbai Music Co. Pvt. Ltd.', address: 'Marine Drive, Mumbai 400020', state: '27', gstin: '27AAPFU0939F1ZV' };

/** A GST-registered organizer's event (₹499 + 18 % and a ₹10 fee) and a paid order of three tickets. */
async function taxedOrder(t: TestApp) {
  const org = await organizerWithEvent(t, {
    venue_state: '29',
    ticket_types: [{ name: 'General', price: 49_900, tax_rate: 18, tax_inclusive: false }],
    convenience_fee: { paid_by: 'buyer', fixed: 1_000 },
  });
  expect((await t.call('PUT', '/v1/account/tax_profile', { key: org.sk, body: MAHARASHTRA })).status).toBe(200);
  const res = await t.call('POST', '/v1/orders', { key: org.pk, body: { event: org.event.id, items: [{ ticket_type: org.general, quantity: 3 }], buyer: buyer() } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const verified = await verify(t, org.pk, res.body);
  const paid = await payWithTestGateway(t, org.pk, res.body, verified.payment.gateway_order_id);
  expect(paid.status, JSON.stringify(paid.body)).toBe(200);
  const order = paid.body;
  const refund = (body?: Record<string, unknown>) => t.call('POST', `/v1/orders/${order.id}/refund`, { key: org.sk, ...(body ? { body } : {}) });
  const stats = async () => (await t.call('GET', `/v1/events/${org.event.id}/stats`, { key: org.sk })).body as { gross: number; tax: number; fees: number; net: number };
  const creditNoteTax = async () =>
    (await t.store.collection<InvoiceDoc>('invoices').find({ order: order.id, kind: 'credit_note' })).reduce((sum, n) => sum + n.cgst + n.sgst + n.igst, 0);
  return { org, order, refund, stats, creditNoteTax };
}

const opened: Store[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

/** Both store drivers: SQLite (the test app's default) and the embedded nedb store. */
const DRIVERS: Array<[string, () => Promise<TestApp>]> = [
  ['sqlite', () => buildTestApp()],
  [
    'embedded',
    async () => {
      const clock = new ManualClock('2030-06-01T10:00:00.000Z');
      const store: Store = await createEmbeddedStore({ now: () => clock.now() });
      opened.push(store);
      return buildTestApp({ clock, store });
    },
  ],
];

describe.each(DRIVERS)('the tax figure after refunds (%s store)', (_driver, build) => {
  it("drops by exactly the credit notes' tax when an order is refunded by amount and by tickets, and to nothing once refunded in full", async () => {
    const t = await build();
    const { order, refund, stats, creditNoteTax } = await taxedOrder(t);
    const before = await stats();
    expect(before.tax).toBeGreaterThan(0);

    expect((await refund({ amount: 10_001 })).body.status).toBe('partially_refunded');
    const afterAmount = await stats();
    expect(await creditNoteTax()).toBeGreaterThan(0);
    expect(afterAmount.tax).toBe(before.tax - (await creditNoteTax()));
    expect(afterAmount.net).toBe(afterAmount.gross - afterAmount.tax - afterAmount.fees);

    expect((await refund({ tickets: [order.tickets[0].id] })).body.status).toBe('partially_refunded');
    expect((await stats()).tax).toBe(before.tax - (await creditNoteTax()));

    expect((await refund()).body.status).toBe('refunded');
    expect(await stats()).toMatchObject({ gross: 0, tax: 0, net: 0 });
  });

  it('rebuilds the refunds counted apart from the orders in the recount, when a crash kept them off the figures', async () => {
    const t = await build();
    const { org, refund, stats, creditNoteTax } = await taxedOrder(t);
    const before = await stats();
    await refund({ amount: 10_001 });
    const money = async () => {
      const { gross, tax, fees, net } = await stats();
      return { gross, tax, fees, net };
    };
    const right = await money();

    // A crash between the order's counters and the figures' leaves the figures behind.
    const figures = t.store.collection<FiguresDoc>('figures');
    await figures.updateOne({ _id: org.event.id }, { $set: { refunded: 0, refunded_tax: 0 } });
    expect((await stats()).tax).toBe(before.tax);

    t.clock.advance(5 * 60_000);
    const report = await t.services.figures.repair({ accounts: 10 });
    expect(report.drifts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: org.event.id, field: 'refunded', was: 0, now: 10_001 }),
        expect.objectContaining({ id: org.event.id, field: 'refunded_tax', was: 0, now: await creditNoteTax() }),
      ]),
    );
    expect(await money()).toEqual(right);
  });
});
