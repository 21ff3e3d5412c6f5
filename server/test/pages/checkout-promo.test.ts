import { beforeEach, describe, expect, it } from 'vitest';
import type { OrderDoc } from '../../src/domain/orders.js';
import { buildTestApp, eventBody, type TestApp } from '../helpers/app.js';

const BUYER = { name: 'Asha Rao', email: 'asha@example.com', phone: '' };

let t: TestApp;
let sk: string;
let pk: string;
let event: { id: string; ticket_types: Array<{ id: string; name: string }> };
let general: string;
let presale: string;

beforeEach(async () => {
  t = await buildTestApp();
  ({ sk, pk } = await t.signUp());
  const created = await t.call('POST', '/v1/events', {
    key: sk,
    body: eventBody({
      ticket_types: [
        { name: 'General', price: 49_900 },
        { name: 'Band presale', price: 29_900, hidden: true },
      ],
    }),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  event = created.body;
  general = event.ticket_types[0]?.id ?? '';
  presale = event.ticket_types[1]?.id ?? '';
});

async function createCode(body: Record<string, unknown>) {
  const res = await t.call('POST', `/v1/events/${event.id}/promo_codes`, { key: sk, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

const open = (query = '') => t.app.request(`/checkout/${event.id}/basic?key=${pk}${query}`);

function post(form: Record<string, string>) {
  return t.app.request(`/checkout/${event.id}/basic?key=${pk}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://tickets.test' },
    body: new URLSearchParams({ ...BUYER, ...form }).toString(),
  });
}

const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('the no-script checkout’s promo code', () => {
  it('offers a promo code field that applies the code by reopening the page with it', async () => {
    const html = await (await open()).text();
    expect(html).toContain(`action="/checkout/${event.id}/basic"`);
    expect(html).toContain('method="get"');
    expect(html).toContain('<label for="promo_code">');
    expect(html).toContain('name="promo_code"');
  });

  it('shows a hidden ticket type only once a code that unlocks it is applied', async () => {
    await createCode({ code: 'BAND', kind: 'percent', value: 10, ticket_types: [general], unlocks: [presale] });
    const without = await (await open()).text();
    expect(without).not.toContain('Band presale');
    expect(without).not.toContain(`name="qty_${presale}"`);

    const res = await open('&promo_code=band');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Band presale');
    expect(html).toContain(`name="qty_${presale}"`);
    expect(html).toContain('<input type="hidden" name="promo_code" value="BAND"/>');
    expect(textOf(html)).toContain('Promo code BAND applied: 10% off the tickets marked below.');
    expect(textOf(html)).toContain('₹499.00 ₹449.10 with BAND');
  });

  it('buys with the code: the order carries the discount and its hidden tickets', async () => {
    await createCode({ code: 'BAND', kind: 'percent', value: 10, ticket_types: [general], unlocks: [presale] });
    const res = await post({ promo_code: 'BAND', [`qty_${general}`]: '2', [`qty_${presale}`]: '1' });
    expect(res.status, await res.clone().text()).toBe(303);
    const orderId = /ord_[0-9A-Za-z]+/.exec(res.headers.get('Location') ?? '')?.[0] ?? '';
    const order = await t.store.collection<OrderDoc>('orders').findOne({ _id: orderId });
    expect(order?.discount).toMatchObject({ code: 'BAND', amount: 9_980 });
    expect(order?.items.map((i) => [i.ticket_type, i.quantity])).toEqual([
      [general, 2],
      [presale, 1],
    ]);
    expect(order?.amount).toBe(2 * 49_900 + 29_900 - 9_980);
  });

  it('says in words why a code cannot be used, beside the field, and keeps what was typed', async () => {
    await createCode({ code: 'OLD', kind: 'percent', value: 10, active: false });
    const unknown = await open('&promo_code=NOPE');
    expect(unknown.status).toBe(422);
    const html = await unknown.text();
    expect(html).toContain('That promo code does not exist for this event.');
    expect(html).toContain('aria-describedby="promo_code-error"');
    expect(html).toContain('value="NOPE"');
    expect(html).not.toContain('type="hidden" name="promo_code"'); // the order form carries only a code that applies

    const inactive = await post({ promo_code: 'OLD', [`qty_${general}`]: '1' });
    expect(inactive.status).toBe(422);
    expect(await inactive.text()).toContain('That promo code is no longer active.');
  });
});
