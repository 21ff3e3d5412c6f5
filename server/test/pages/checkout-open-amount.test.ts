/**
 * Open-amount events (pay what you want) with a promo code, attendee details and questions:
 * through the API, and through the no-script checkout, which offers the code field above the
 * amount and takes the attendee step as it does for fixed prices.
 */
import type { Order } from '@trendy-tickets/sdk';
import { beforeEach, describe, expect, it } from 'vitest';
import type { OrderDoc } from '../../src/domain/orders.js';
import type { TicketDoc } from '../../src/domain/tickets.js';
import { buildTestApp, eventBody, type TestApp } from '../helpers/app.js';
import { buyer, payWithTestGateway } from '../helpers/checkout.js';

const BUYER = { name: 'Asha Rao', email: 'asha@example.com', phone: '' };

let t: TestApp;
let sk: string;
let pk: string;
let event: { id: string; ticket_types: Array<{ id: string }> };
let company: string;
let size: string;

beforeEach(async () => {
  t = await buildTestApp();
  ({ sk, pk } = await t.signUp());
  const created = await t.call('POST', '/v1/events', {
    key: sk,
    body: eventBody({
      require_email_verification: false,
      open_amount: { min: 10_000, max: 1_000_000 },
      attendee_details: 'name_email',
      ticket_types: [{ name: 'Donation', price: 0 }],
    }),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  event = created.body;
  const ask = async (body: Record<string, unknown>) => {
    const res = await t.call('POST', `/v1/events/${event.id}/questions`, { key: sk, body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };
  company = await ask({ label: 'Company', kind: 'text', required: true });
  size = await ask({ label: 'T-shirt size', kind: 'choice', options: ['S', 'M', 'L'], required: true, scope: 'ticket' });
  const code = await t.call('POST', `/v1/events/${event.id}/promo_codes`, { key: sk, body: { code: 'HALF', kind: 'percent', value: 50 } });
  expect(code.status, JSON.stringify(code.body)).toBe(201);
});

const stored = (id: string) => t.store.collection<OrderDoc>('orders').findOne({ _id: id });

describe('an open-amount order through the API', () => {
  it('takes a promo code off the chosen amount, and the attendee’s name, email and answers onto the ticket', async () => {
    const res = await t.call<Order>('POST', '/v1/orders', {
      key: pk,
      body: {
        event: event.id,
        amount: 50_000,
        buyer: buyer(),
        promo_code: 'half',
        answers: { [company]: 'Acme' },
        attendees: [{ ticket_type: event.ticket_types[0]!.id, name: 'Ravi Kumar', email: 'ravi@example.com', answers: { [size]: 'M' } }],
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ amount: 25_000, discount: { code: 'HALF', amount: 25_000 }, answers: { [company]: 'Acme' } });
    const paid = await payWithTestGateway(t, pk, res.body as never, res.body.payment!.gateway_order_id!);
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    const [ticket] = await t.store.collection<TicketDoc>('tickets').find({ order: res.body.id });
    expect(ticket).toMatchObject({ holder: { name: 'Ravi Kumar', email: 'ravi@example.com' }, answers: { [size]: 'M' } });
  });

  it('refuses an open-amount order missing its attendee and required answers, naming each', async () => {
    const res = await t.call('POST', '/v1/orders', { key: pk, body: { event: event.id, amount: 50_000, buyer: buyer() } });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([`answers.${company}`, 'attendees']);
  });
});

function post(form: Record<string, string>) {
  return t.app.request(`/checkout/${event.id}/basic?key=${pk}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://tickets.test' },
    body: new URLSearchParams({ ...BUYER, amount: '500', ...form }).toString(),
  });
}

const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('an open-amount event in the no-script checkout', () => {
  it('offers the promo code field, and applies a code off the amount the buyer chooses', async () => {
    const page = await (await t.app.request(`/checkout/${event.id}/basic?key=${pk}&promo_code=half`)).text();
    expect(page).toContain('<label for="promo_code">');
    expect(page).toContain('name="amount"');
    expect(page).toContain('<input type="hidden" name="promo_code" value="HALF"/>');
    expect(textOf(page)).toContain('Promo code HALF applied: 50% off the amount you choose.');

    const unknown = await t.app.request(`/checkout/${event.id}/basic?key=${pk}&promo_code=NOPE`);
    expect(unknown.status).toBe(422);
    expect(await unknown.text()).toContain('That promo code does not exist for this event.');
  });

  it('asks for the attendee and the answers on the details step, then creates the order with the discount', async () => {
    const step = await post({ promo_code: 'HALF' });
    expect(step.status).toBe(200);
    const html = await step.text();
    expect(html).toContain('Ticket 1 of 1');
    expect(html).toContain('<input type="hidden" name="promo_code" value="HALF"/>');

    const res = await post({
      promo_code: 'HALF',
      step: 'details',
      'attendees.0.name': 'Ravi Kumar',
      'attendees.0.email': 'ravi@example.com',
      [`attendees.0.answers.${size}`]: 'L',
      [`answers.${company}`]: 'Acme',
    });
    expect(res.status, await res.clone().text()).toBe(303);
    const orderId = /ord_[0-9A-Za-z]+/.exec(res.headers.get('Location') ?? '')?.[0] ?? '';
    expect(await stored(orderId)).toMatchObject({
      amount: 25_000,
      discount: { code: 'HALF', amount: 25_000 },
      answers: { [company]: 'Acme' },
      attendees: [{ name: 'Ravi Kumar', email: 'ravi@example.com', answers: { [size]: 'L' } }],
    });
  });
});
