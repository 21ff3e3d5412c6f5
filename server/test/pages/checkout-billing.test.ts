import { beforeEach, describe, expect, it } from 'vitest';
import type { OrderDoc } from '../../src/domain/orders.js';
import { buildTestApp, eventBody, type TestApp } from '../helpers/app.js';

const BUYER = { name: 'Asha Rao', email: 'asha@example.com', phone: '' };

let t: TestApp;
let pk: string;
let event: { id: string; ticket_types: Array<{ id: string }> };

beforeEach(async () => {
  t = await buildTestApp();
  const keys = await t.signUp();
  pk = keys.pk;
  event = (await t.call('POST', '/v1/events', { key: keys.sk, body: eventBody() })).body;
});

function post(form: Record<string, string>) {
  return t.app.request(`/checkout/${event.id}/basic?key=${pk}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://tickets.test' },
    body: new URLSearchParams({ ...BUYER, [`qty_${event.ticket_types[0]?.id}`]: '1', ...form }).toString(),
  });
}

describe('the no-script checkout’s GST invoice fields', () => {
  it('offers a company name, billing address and GSTIN behind "Need a GST invoice?"', async () => {
    const html = await (await t.app.request(`/checkout/${event.id}/basic?key=${pk}`)).text();
    expect(html).toContain('<summary>Need a GST invoice?</summary>');
    for (const name of ['company', 'billing_address', 'gstin']) expect(html).toContain(`name="${name}"`);
  });

  it('keeps what the buyer gave on the order, the GSTIN in capitals', async () => {
    const res = await post({ company: 'Bengaluru Widgets Pvt Ltd', billing_address: '12 MG Road, Bengaluru', gstin: '29aagcb7383j1z4' });
    expect(res.status).toBe(303);
    const orderId = /ord_[0-9A-Za-z]+/.exec(res.headers.get('Location') ?? '')?.[0] ?? '';
    const order = await t.store.collection<OrderDoc>('orders').findOne({ _id: orderId });
    expect(order?.billing).toEqual({ company: 'Bengaluru Widgets Pvt Ltd', address: '12 MG Road, Bengaluru', gstin: '29AAGCB7383J1Z4' });
  });

  it('shows the form again, naming the GSTIN, when its check character is wrong', async () => {
    const res = await post({ gstin: '29AAGCB7383J1Z5' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('GSTIN');
    expect(html).toContain('check character');
    expect(html).toContain('value="29AAGCB7383J1Z5"');
  });
});
