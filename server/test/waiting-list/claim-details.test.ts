/** Claiming an offer of an event that asks who holds each ticket, or asks questions. */
import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buyer } from '../helpers/checkout.js';
import { claimTokenFor, joinLine, waitingListEvent } from './helpers.js';

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp();
});

const post = (token: string, fields: Array<[string, string]>) =>
  t.app.request(`/waiting-list/claim/${token}`, {
    method: 'POST',
    body: new URLSearchParams(fields).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://tickets.test' },
  });

/** Two VIP seats offered on an event asking attendee names, a T-shirt size per VIP ticket and the order's company. */
async function offerAskingDetails() {
  const org = await waitingListEvent(t, 2, { attendee_details: 'name' });
  const ask = async (body: Record<string, unknown>) => (await t.call('POST', `/v1/events/${org.event.id}/questions`, { key: org.sk, body })).body as { id: string };
  const size = await ask({ label: 'T-shirt size', kind: 'choice', options: ['S', 'M', 'L'], scope: 'ticket', ticket_types: [org.vip], required: true });
  const company = await ask({ label: 'Company', kind: 'text', required: true });
  const attendees = ['A', 'B'].map((name) => ({ ticket_type: org.vip, name, answers: { [size.id]: 'S' } }));
  const started = await t.call('POST', '/v1/orders', {
    key: org.pk,
    body: { event: org.event.id, items: [{ ticket_type: org.vip, quantity: 2 }], buyer: buyer(), attendees, answers: { [company.id]: 'Early' } },
  });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  const held = started.body;
  const who = buyer('Meera Iyer');
  const entry = await joinLine(t, org.pk, org.event.id, org.vip, 2, who);
  await t.call('POST', `/v1/orders/${held.id}/cancel`, { key: org.pk, body: { client_secret: held.client_secret } });
  expect(await t.services.waitingOffers.offerDue()).toBe(1);
  return { org, entry, size, company, token: (await claimTokenFor(t, who.email))! };
}

describe('a claim that asks attendee details', () => {
  it('asks each ticket’s name and questions and the order’s questions on the claim form', async () => {
    const { token, size, company } = await offerAskingDetails();
    const page = await (await t.app.request(`/waiting-list/claim/${token}`)).text();
    for (const field of ['attendees.0.name', 'attendees.1.name', `attendees.0.answers.${size.id}`, `attendees.1.answers.${size.id}`, `answers.${company.id}`]) {
      expect(page).toContain(`name="${field}"`);
    }
  });

  it('refuses missing answers beside their fields, keeps what was typed, and leaves the offer open', async () => {
    const { org, entry, token, size, company } = await offerAskingDetails();
    const res = await post(token, [
      ['name', 'Meera Iyer'],
      ['attendees.0.name', 'Meera Iyer'],
      ['attendees.1.name', ''],
      [`attendees.0.answers.${size.id}`, 'M'],
      [`answers.${company.id}`, 'Acme'],
    ]);
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toMatch(/id="attendees\.1\.name-error"[^>]*>[^<]+</);
    expect(page).toMatch(new RegExp(`id="attendees\\.1\\.answers\\.${size.id}-error"`));
    expect(page).toContain('value="Acme"');
    expect((await t.call('GET', `/v1/waiting_list_entries/${entry.id}`, { key: org.sk })).body.status).toBe('offered');
  });

  it('claims with every detail given, and the order carries the attendees and answers', async () => {
    const { org, entry, token, size, company } = await offerAskingDetails();
    const res = await post(token, [
      ['name', 'Meera Iyer'],
      ['attendees.0.name', 'Meera Iyer'],
      ['attendees.1.name', 'Ravi Iyer'],
      [`attendees.0.answers.${size.id}`, 'M'],
      [`attendees.1.answers.${size.id}`, 'L'],
      [`answers.${company.id}`, 'Acme'],
    ]);
    expect(res.status, await res.clone().text()).toBe(303);
    const read = await t.call('GET', `/v1/waiting_list_entries/${entry.id}`, { key: org.sk });
    expect(read.body.status).toBe('claimed');
    const order = (await t.services.orders.retrieve({ owner: { account: org.account.id, livemode: false } }, read.body.order)) as unknown as Record<string, unknown>;
    expect(order.attendees).toMatchObject([
      { name: 'Meera Iyer', answers: { [size.id]: 'M' } },
      { name: 'Ravi Iyer', answers: { [size.id]: 'L' } },
    ]);
    expect(order.answers).toMatchObject({ [company.id]: 'Acme' });
  });
});

describe('the claim form in a browser', () => {
  it('is accepted from the claim page, whose no-referrer policy makes the browser send Origin: null', async () => {
    const { entry, org, token } = await offerAskingDetails();
    const headers = { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'null' };
    const fields = new URLSearchParams([['name', 'Meera Iyer']]).toString();
    // From another site the same null origin is still refused.
    const foreign = await t.app.request(`/waiting-list/claim/${token}`, { method: 'POST', body: fields, headers: { ...headers, 'Sec-Fetch-Site': 'cross-site' } });
    expect(foreign.status).toBe(403);
    const own = await t.app.request(`/waiting-list/claim/${token}`, { method: 'POST', body: fields, headers: { ...headers, 'Sec-Fetch-Site': 'same-origin' } });
    // Past the origin check: the form is read (and here refused for its missing details).
    expect(own.status).toBe(400);
    expect((await t.call('GET', `/v1/waiting_list_entries/${entry.id}`, { key: org.sk })).body.status).toBe('offered');
  });
});
