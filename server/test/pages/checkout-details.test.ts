import { beforeEach, describe, expect, it } from 'vitest';
import type { OrderDoc } from '../../src/domain/orders.js';
import type { TicketDoc } from '../../src/domain/tickets.js';
import { buildTestApp, eventBody, type TestApp } from '../helpers/app.js';

const BUYER = { name: 'Asha Rao', email: 'asha@example.com', phone: '' };

let t: TestApp;
let sk: string;
let pk: string;
let event: { id: string; ticket_types: Array<{ id: string }> };
let general: string;
let size: string;
let company: string;

beforeEach(async () => {
  t = await buildTestApp();
  const keys = await t.signUp();
  ({ sk, pk } = keys);
  const created = await t.call('POST', '/v1/events', { key: keys.sk, body: eventBody({ attendee_details: 'name', require_email_verification: false }) });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  event = created.body;
  general = event.ticket_types[0]?.id ?? '';
  const ask = async (body: Record<string, unknown>) => {
    const res = await t.call('POST', `/v1/events/${event.id}/questions`, { key: keys.sk, body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return (res.body as { id: string }).id;
  };
  size = await ask({ label: 'T-shirt size', kind: 'choice', options: ['S', 'M', 'L'], required: true, scope: 'ticket' });
  company = await ask({ label: 'Company', kind: 'text', required: true });
});

function post(form: Record<string, string>) {
  return t.app.request(`/checkout/${event.id}/basic?key=${pk}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://tickets.test' },
    body: new URLSearchParams({ ...BUYER, [`qty_${general}`]: '3', ...form }).toString(),
  });
}

/** The details step's fields for three attendees, as a buyer fills them in. */
const filledIn = () => ({
  step: 'details',
  'attendees.0.name': 'Asha Rao',
  [`attendees.0.answers.${size}`]: 'M',
  'attendees.1.name': 'Ravi Kumar',
  [`attendees.1.answers.${size}`]: 'L',
  'attendees.2.name': 'Meera Iyer',
  [`attendees.2.answers.${size}`]: 'S',
  [`answers.${company}`]: 'Acme',
});

describe('the no-script checkout’s attendee details step', () => {
  it('asks, after the quantities, for each ticket’s name and answers and the order’s questions, every field labelled', async () => {
    const res = await post({});
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const n of [1, 2, 3]) expect(html).toContain(`Ticket ${n} of 3`);
    for (const i of [0, 1, 2]) {
      expect(html).toContain(`<label for="attendees.${i}.name">`);
      expect(html).toContain(`<label for="attendees.${i}.answers.${size}">`);
      expect(html).toContain(`<select id="attendees.${i}.answers.${size}" name="attendees.${i}.answers.${size}"`);
    }
    expect(html).toContain(`<label for="answers.${company}">`);
    // The first step travels on with it.
    expect(html).toContain('<input type="hidden" name="email" value="asha@example.com"/>');
    expect(html).toContain(`<input type="hidden" name="qty_${general}" value="3"/>`);
    expect(html).toContain('<input type="hidden" name="step" value="details"/>');
  });

  it('creates three tickets held by the attendees named, with their answers and the order’s', async () => {
    const res = await post(filledIn());
    expect(res.status, await res.clone().text()).toBe(303);
    const cookie = (res.headers.get('Set-Cookie') ?? '').split(';')[0] ?? '';
    const orderId = /ord_[0-9A-Za-z]+/.exec(res.headers.get('Location') ?? '')?.[0] ?? '';
    const order = await t.store.collection<OrderDoc>('orders').findOne({ _id: orderId });
    expect(order?.answers).toEqual({ [company]: 'Acme' });

    const paid = await t.app.request(`/checkout/orders/${orderId}/pay?key=${pk}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://tickets.test', Cookie: cookie },
      body: 'outcome=success',
    });
    expect(paid.status).toBe(303);
    const tickets = await t.store.collection<TicketDoc>('tickets').find({ order: orderId }, { sort: { _id: 1 } });
    expect(tickets.map((k) => [k.holder.name, k.answers?.[size]]).sort()).toEqual([
      ['Asha Rao', 'M'],
      ['Meera Iyer', 'S'],
      ['Ravi Kumar', 'L'],
    ]);
    expect(tickets.every((k) => k.holder.email === 'asha@example.com')).toBe(true);
  });

  it('shows a missing required answer beside its field and keeps everything typed', async () => {
    const res = await post({ ...filledIn(), [`attendees.1.answers.${size}`]: '' });
    expect(res.status).toBe(400);
    const html = await res.text();
    const field = `attendees.1.answers.${size}`;
    expect(html).toMatch(new RegExp(`<select id="${field}" name="${field}" required="" aria-invalid="true" aria-describedby="${field}-error">`));
    expect(html).toMatch(new RegExp(`<p id="${field}-error"[^>]*>is required</p>`));
    expect(html).not.toContain(`id="attendees.0.answers.${size}-error"`);
    expect(html).toContain('value="Ravi Kumar"');
    expect(html).toContain('value="Meera Iyer"');
    expect(html).toContain('<option value="M" selected="">M</option>');
    expect(html).toMatch(new RegExp(`<input id="answers.${company}" [^>]*value="Acme"`));
    expect(await t.store.collection<OrderDoc>('orders').find({})).toHaveLength(0);
  });

  it('carries an applied promo code through the details step onto the order', async () => {
    expect((await t.call('POST', `/v1/events/${event.id}/promo_codes`, { key: sk, body: { code: 'CREW', kind: 'fixed', value: 10_000 } })).status).toBe(201);
    const step = await (await post({ promo_code: 'CREW' })).text();
    expect(step).toContain('<input type="hidden" name="promo_code" value="CREW"/>');
    const res = await post({ ...filledIn(), promo_code: 'CREW' });
    expect(res.status, await res.clone().text()).toBe(303);
    const orderId = /ord_[0-9A-Za-z]+/.exec(res.headers.get('Location') ?? '')?.[0] ?? '';
    const order = await t.store.collection<OrderDoc>('orders').findOne({ _id: orderId });
    expect(order?.discount).toMatchObject({ code: 'CREW', amount: 30_000 });
  });

  it('stays one step for tickets no question is asked of', async () => {
    const keys = await t.signUp('Second organizer');
    const other = (await t.call('POST', '/v1/events', { key: keys.sk, body: eventBody({ require_email_verification: false }) })).body as typeof event;
    const [plain, vip] = other.ticket_types.map((k) => k.id);
    const asked = await t.call('POST', `/v1/events/${other.id}/questions`, {
      key: keys.sk,
      body: { label: 'Lounge slot', kind: 'text', required: true, scope: 'ticket', ticket_types: [vip] },
    });
    expect(asked.status).toBe(201);
    const send = (qty: string) =>
      t.app.request(`/checkout/${other.id}/basic?key=${keys.pk}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://tickets.test' },
        body: new URLSearchParams({ ...BUYER, [`qty_${qty}`]: '1' }).toString(),
      });
    expect((await send(plain ?? '')).status).toBe(303);
    const vipStep = await send(vip ?? '');
    expect(vipStep.status).toBe(200);
    expect(await vipStep.text()).toContain('Ticket 1 of 1 · VIP');
  });

  it('goes back to the quantities as they were with "Change tickets"', async () => {
    const res = await post({ ...filledIn(), back: '1' });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`name="qty_${general}" type="number" inputmode="numeric" min="0" max="10" value="3"`);
    expect(html).not.toContain('Ticket 1 of 3');
  });
});

describe('the details step’s answers as the form encodes them', () => {
  it('reads ticked options as a list, a ticked box as true, and an attendee’s own email', async () => {
    const keys = await t.signUp('Second organizer');
    const other = (await t.call('POST', '/v1/events', { key: keys.sk, body: eventBody({ attendee_details: 'name_email', require_email_verification: false }) }))
      .body as typeof event;
    const ask = async (body: Record<string, unknown>) => (await t.call('POST', `/v1/events/${other.id}/questions`, { key: keys.sk, body })).body.id as string;
    const diet = await ask({ label: 'Dietary needs', kind: 'multiple_choice', options: ['Vegetarian', 'No nuts', 'Jain'], scope: 'ticket' });
    const consent = await ask({ label: 'I accept the venue rules', kind: 'checkbox', required: true });
    const body = new URLSearchParams({ ...BUYER, [`qty_${other.ticket_types[0]?.id}`]: '1', step: 'details', 'attendees.0.name': 'Ravi Kumar' });
    body.append('attendees.0.email', 'ravi@example.com');
    body.append(`attendees.0.answers.${diet}`, 'Vegetarian');
    body.append(`attendees.0.answers.${diet}`, 'Jain');
    body.append(`answers.${consent}`, 'yes');
    const res = await t.app.request(`/checkout/${other.id}/basic?key=${keys.pk}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://tickets.test' },
      body: body.toString(),
    });
    expect(res.status, await res.clone().text()).toBe(303);
    const orderId = /ord_[0-9A-Za-z]+/.exec(res.headers.get('Location') ?? '')?.[0] ?? '';
    const order = await t.store.collection<OrderDoc>('orders').findOne({ _id: orderId });
    expect(order?.answers).toEqual({ [consent]: true });
    expect(order?.attendees).toEqual([{ ticket_type: other.ticket_types[0]?.id, name: 'Ravi Kumar', email: 'ravi@example.com', answers: { [diet]: ['Vegetarian', 'Jain'] } }]);
  });
});
