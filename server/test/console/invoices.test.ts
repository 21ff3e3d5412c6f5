import { describe, expect, it } from 'vitest';
import { eventBody } from '../helpers/app.js';
import { buyer, payWithTestGateway, verify } from '../helpers/checkout.js';
import { consoleWithOrganizer, signUpInConsole } from './helpers.js';

const PROFILE = { legal_name: 'Mumbai Music Co. Pvt. Ltd.', address: 'Marine Drive, Mumbai', state: '27', gstin: '27AAPFU0939F1ZV' };

describe('invoices in the console', () => {
  it('links the order’s tax invoice from the ticket page, and serves its PDF to the organizer only', async () => {
    const { t, browser, sk, pk } = await consoleWithOrganizer();
    expect((await t.call('PUT', '/v1/account/tax_profile', { key: sk, body: PROFILE })).status).toBe(200);
    const event = (await t.call('POST', '/v1/events', { key: sk, body: eventBody({ venue_state: '27', ticket_types: [{ name: 'General', price: 49_900, tax_rate: 18 }] }) })).body;
    const order = (await t.call('POST', '/v1/orders', { key: pk, body: { event: event.id, items: [{ ticket_type: event.ticket_types[0].id, quantity: 1 }], buyer: buyer() } }))
      .body;
    const verified = await verify(t, pk, order);
    const paid = (await payWithTestGateway(t, pk, order, verified.payment.gateway_order_id)).body;
    const invoiceId = `inv_${order.id.slice(4)}`;

    const page = await browser.get(`/console/tickets/${paid.tickets[0].id}`);
    expect(page.text).toContain(`href="/console/invoices/${invoiceId}/pdf"`);
    expect(page.text).toContain('Tax invoice INV/3031/000001');
    const pdf = await browser.get(`/console/invoices/${invoiceId}/pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('Content-Type')).toBe('application/pdf');
    expect(pdf.text.startsWith('%PDF-')).toBe(true);

    const other = await signUpInConsole(t, 'Another Organizer');
    expect((await other.browser.get(`/console/invoices/${invoiceId}/pdf`)).status).toBe(404);
  });
});
