import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_SENDS_PER_EMAIL_PER_HOUR } from '../../../server/src/domain/verification.js';
import type { TestApp } from '../../../server/test/helpers/app.js';
import { deliverMail, readCode, startOrder } from '../../../server/test/helpers/checkout.js';
import { $, appWithPausableOrders, button, enterCode, enterDetails, root, setup, submit, text, type, until } from '../test-support/harness.js';

afterEach(() => {
  document.body.replaceChildren();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

/** The event as its organizer sees it: `held` and `available` per ticket type. */
async function stock(t: TestApp, org: { sk: string; event: { id: string } }) {
  const res = await t.call('GET', `/v1/events/${org.event.id}`, { key: org.sk });
  return res.body.ticket_types as Array<{ held: number; available: number }>;
}

/** A checkout in page mode, past the tickets step. */
async function atDetails(options: Parameters<typeof setup>[0] = {}) {
  const s = await setup({ ...options, attrs: { mode: 'page', ...options.attrs } });
  await until(() => expect(text(s.el)).toContain('Choose tickets'));
  submit(s.el);
  await until(() => expect(text(s.el)).toContain('Your details'));
  return s;
}

describe('details step', () => {
  it('checks each field as the buyer leaves it, tying the message to the field', async () => {
    const { el } = await atDetails();
    const email = $<HTMLInputElement>(el, '#email');
    type(email, 'asha@', { blur: true });
    await el.updateComplete;
    expect(email.getAttribute('aria-invalid')).toBe('true');
    expect(email.getAttribute('aria-describedby')).toBe('email-e');
    expect($(el, '#email-e').textContent).toBe('Enter a valid email address.');
    type($<HTMLInputElement>(el, '#phone'), '12', { blur: true });
    await el.updateComplete;
    expect($(el, '#phone-e').textContent).toBe('Enter a phone number like +91 98765 43210.');
    // Fixing a field clears its message as the buyer types.
    type(email, 'asha@example.com');
    await el.updateComplete;
    expect(root(el).querySelector('#email-e')).toBeNull();
    expect(email.getAttribute('aria-invalid')).toBe('false');
  });

  it('sends nothing while a field is wrong, and puts focus on the first one', async () => {
    const { el, route } = await atDetails();
    submit(el);
    await el.updateComplete;
    await until(() => expect(root(el).activeElement?.id).toBe('name'));
    expect(text(el)).toContain('Enter your name.');
    expect(text(el)).toContain('Enter a valid email address.');
    expect(route.calls.filter((c) => c.startsWith('POST'))).toEqual([]);
  });

  it('holds the seats, fires tts-order-created without the client secret, and asks for the email code', async () => {
    const { el, events, org } = await atDetails();
    const who = await enterDetails(el, { name: 'Asha Rao', email: 'asha.rao@example.com', phone: '+91 98765 43210' });
    await until(() => expect(text(el)).toContain('Check your email'));
    expect(text(el)).toContain(`Enter the 6-digit code we sent to ${who.email}.`);
    const created = events.find((e) => e.type === 'tts-order-created')!;
    expect(created.detail.order).toMatchObject({ object: 'order', event: org.event.id, status: 'awaiting_verification', quantity: 1, buyer: { phone: '+91 98765 43210' } });
    expect(created.detail.order).not.toHaveProperty('client_secret');
    const everything = JSON.stringify(events.map((e) => e.detail)) + root(el).innerHTML + document.documentElement.outerHTML;
    expect(everything).not.toMatch(/_secret_/);
    expect(text(el)).toMatch(/Seats held for 15:00/);
  });

  it('sends the company, billing address and GSTIN given under "Need a GST invoice?", and marks a GSTIN the server refuses', async () => {
    const { el, t } = await atDetails();
    expect($(el, 'details summary').textContent).toBe('Need a GST invoice?');
    type($<HTMLInputElement>(el, '#company'), 'Bengaluru Widgets Pvt Ltd');
    type($<HTMLInputElement>(el, '#address'), '12 MG Road, Bengaluru');
    type($<HTMLInputElement>(el, '#gstin'), '29AAGCB7383J1Z5');
    await enterDetails(el);
    await until(() => expect($(el, '#gstin').getAttribute('aria-invalid')).toBe('true'));
    expect(text(el)).toContain('check character');
    type($<HTMLInputElement>(el, '#gstin'), '29AAGCB7383J1Z4');
    submit(el);
    await until(() => expect(text(el)).toContain('Check your email'));
    const [order] = await t.store.collection<{ _id: string; billing?: unknown }>('orders').find({});
    expect(order?.billing).toEqual({ company: 'Bengaluru Widgets Pvt Ltd', address: '12 MG Road, Bengaluru', gstin: '29AAGCB7383J1Z4' });
  });

  it('goes straight to payment when the event asks for no email code', async () => {
    const { el } = await atDetails({ event: { require_email_verification: false } });
    expect(text(el)).not.toContain('We will email you a code');
    await enterDetails(el);
    await until(() => expect(text(el)).toContain('Fail the payment'));
  });

  it('shows the server’s word on a field the browser let through, next to that field', async () => {
    const { el } = await atDetails();
    // Passes the quick browser check (something@something.something) but not the API's.
    await enterDetails(el, { name: 'Asha Rao', email: 'asha@example..com', phone: '' });
    await until(() => expect(text(el)).toContain('Please correct the marked fields.'));
    expect($(el, '#email').getAttribute('aria-invalid')).toBe('true');
    expect(text(el)).toContain('Your details');
  });

  it('offers a retry after a network failure, and the retry goes through', async () => {
    const { el, route, events } = await atDetails();
    route.offline = true;
    await enterDetails(el);
    await until(() => expect(text(el)).toContain('Could not connect. Check your internet.'));
    expect(events.find((e) => e.type === 'tts-error')?.detail).toMatchObject({ code: 'NETWORK_ERROR', request_id: null });
    expect($(el, '[part="error"]').getAttribute('role')).toBe('alert');
    route.offline = false;
    button(el, 'Try again').click();
    await until(() => expect(text(el)).toContain('Check your email'));
  });

  it('says how long to wait when codes to one address are rate limited, and holds the retry until then', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    const { el, t, org, events } = await atDetails();
    const who = { name: 'Asha Rao', email: 'busy@example.com' };
    for (let i = 0; i < MAX_SENDS_PER_EMAIL_PER_HOUR; i += 1) await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.general, quantity: 1 }], who as never);
    await enterDetails(el, { ...who, phone: '' });
    await vi.waitFor(() => expect(text(el)).toMatch(/Too many tries\. Wait \d+:\d\d\./));
    const error = events.find((e) => e.type === 'tts-error')!;
    expect(error.detail.code).toBe('RATE_LIMITED');
    const retry = button(el, 'Try again');
    expect(retry.getAttribute('aria-disabled')).toBe('true');
    const seconds = () => {
      const [, m, s] = /Wait (\d+):(\d\d)/.exec(text(el))!;
      return Number(m) * 60 + Number(s);
    };
    const before = seconds();
    expect(before).toBeGreaterThan(60);
    vi.advanceTimersByTime(3000);
    await el.updateComplete;
    expect(before - seconds()).toBeGreaterThanOrEqual(2);
    expect(retry.getAttribute('aria-disabled')).toBe('true');
    vi.advanceTimersByTime(before * 1000);
    await el.updateComplete;
    expect(button(el, 'Try again').getAttribute('aria-disabled')).toBe('false');
  });

  it('continues with the order the server already made when its answer was lost and the buyer tries again', async () => {
    const { el, t, org, route, events } = await atDetails();
    const lost = route.drop(/^\/v1\/orders$/);
    const who = await enterDetails(el);
    await until(() => expect(text(el)).toContain('Could not connect. Check your internet.'));
    const made = (await (await lost.handled).json()) as { id: string };
    button(el, 'Try again').click();
    await until(() => expect(text(el)).toContain('Check your email'));
    expect(route.calls.filter((c) => c === 'POST /v1/orders')).toHaveLength(2);
    const orders = await t.store.collection('orders').find({ event: org.event.id });
    expect(orders.map((o) => o._id)).toEqual([made.id]);
    expect((await stock(t, org))[0]!.held).toBe(1);
    expect(events.find((e) => e.type === 'tts-order-created')!.detail.order.id).toBe(made.id);
    // One order, one code: the mail already sent is the one that works.
    expect((await deliverMail(t)).filter((m) => m.to === who.email)).toHaveLength(1);
    await enterCode(el, await readCode(t, who.email));
    await until(() => expect(text(el)).toContain('Fail the payment'));
  });

  it('waits out a first request the server is still running, then continues with its order', async () => {
    const { t, pause } = await appWithPausableOrders();
    const { el, org, route, events } = await atDetails({ app: t });
    const working = pause();
    route.drop(/^\/v1\/orders$/, { early: true });
    await enterDetails(el);
    await until(() => expect(text(el)).toContain('Could not connect. Check your internet.'));
    await working.reached;
    button(el, 'Try again').click();
    await until(() => expect(route.answers).toContain('POST /v1/orders 409'));
    working.resume();
    await until(() => expect(text(el)).toContain('Check your email'));
    expect(route.answers.filter((a) => a.startsWith('POST /v1/orders '))).toEqual([...route.answers.filter((a) => a === 'POST /v1/orders 409'), 'POST /v1/orders 201']);
    expect(await t.store.collection('orders').count({ event: org.event.id })).toBe(1);
    expect((await stock(t, org))[0]!.held).toBe(1);
    expect(events.filter((e) => e.type === 'tts-error').map((e) => e.detail.code)).toEqual(['NETWORK_ERROR']);
  });

  it('holds the new selection when the buyer changes the tickets after a lost answer', async () => {
    const { el, t, org, route } = await atDetails();
    route.drop(/^\/v1\/orders$/);
    const who = await enterDetails(el);
    await until(() => expect(text(el)).toContain('Could not connect. Check your internet.'));
    button(el, 'Back').click();
    await until(() => expect(text(el)).toContain('Choose tickets'));
    $(el, 'button[aria-label="Add one General"]').click();
    submit(el);
    await enterDetails(el, who);
    await until(() => expect(text(el)).toContain('Check your email'));
    expect(text(el)).toContain('2 × General');
    // The first order was made and is left to lapse: its seats come back when its hold ends.
    const quantities = (await t.store.collection<{ _id: string; quantity: number } & Record<string, unknown>>('orders').find({ event: org.event.id })).map((o) => o.quantity);
    expect(quantities.sort()).toEqual([1, 2]);
  });

  it('asks afresh after a refusal: the same tickets, sold out a moment ago, are held once seats come free', async () => {
    const { el, t, org, route, events } = await atDetails({ event: { capacity: 1, ticket_types: [{ name: 'General', price: 49_900 }] } });
    const other = await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.general, quantity: 1 }]);
    // The seat comes free while the checkout reloads availability after the refusal.
    const reload = route.hold(/^\/v1\/public\/events\//);
    const who = await enterDetails(el);
    await reload.reached;
    expect(events.find((e) => e.type === 'tts-error')?.detail.code).toBe('SOLD_OUT');
    const cancelled = await t.call('POST', `/v1/orders/${other.id}/cancel`, { key: org.pk, body: { client_secret: other.client_secret } });
    expect(cancelled.status).toBe(200);
    reload.release();
    await until(() => expect(text(el)).toContain('Those tickets just sold out.'));
    await until(() => expect($<HTMLButtonElement>(el, 'button[aria-label="Remove one General"]').getAttribute('aria-disabled')).toBe('false'));
    submit(el);
    await enterDetails(el, who);
    await until(() => expect(text(el)).toContain('Check your email'));
    expect((await stock(t, org))[0]!.held).toBe(1);
  });
});
