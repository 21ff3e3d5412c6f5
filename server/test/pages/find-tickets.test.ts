import { beforeEach, describe, expect, it } from 'vitest';
import type { Owner } from '../../src/domain/events.js';
import { FIND_PER_EMAIL, FIND_PER_IP } from '../../src/domain/ticket-finder.js';
import { buildTestApp, eventBody, type TestApp } from '../helpers/app.js';
import { deliverMail } from '../helpers/checkout.js';

let t: TestApp;
let sk: string;
let owner: Owner;

beforeEach(async () => {
  t = await buildTestApp();
  const keys = await t.signUp();
  sk = keys.sk;
  owner = { account: keys.account.id, livemode: false };
});

/** A ticket for `email` at a new event (one week ahead unless told otherwise). */
async function ticketFor(email: string, overrides: Record<string, unknown> = {}) {
  const res = await t.call('POST', '/v1/events', { key: sk, body: eventBody(overrides) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const order = await t.services.fulfilment.issue(owner, { event: res.body.id, ticket_type: res.body.ticket_types[0].id, quantity: 1, holder: { name: 'Asha Rao', email } });
  const [ticket] = await t.services.tickets.listForOrder(order._id);
  return ticket!;
}

/** Sends the form as a browser on our own page does. */
async function ask(email: string) {
  const res = await t.app.request('/tickets/find', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://tickets.test' },
    body: new URLSearchParams({ email }).toString(),
  });
  return { status: res.status, html: await res.text() };
}

describe('find my tickets', () => {
  it('shows a form with one email field', async () => {
    const res = await t.app.request('/tickets/find');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<h1 id="find-title">Find my tickets</h1>');
    expect(html).toContain('<form method="post" action="/tickets/find">');
    expect(html).toContain('type="email"');
  });

  it('mails one message, through the outbox, with links to every upcoming ticket of the address', async () => {
    const first = await ticketFor('asha@example.com', { name: 'Monsoon Jazz Night' });
    const second = await ticketFor('asha@example.com', { name: 'Diwali Mela', starts_at: '2030-07-01T12:00:00Z', ends_at: '2030-07-01T16:00:00Z' });
    const soon = await ticketFor('asha@example.com', { name: 'Over by then', starts_at: '2030-06-02T12:00:00Z', ends_at: '2030-06-02T16:00:00Z' });
    const other = await ticketFor('ravi@example.com');
    const before = (await deliverMail(t)).length; // the tickets mails of the issues, out of the way

    t.clock.advance(3 * 24 * 3600_000); // "Over by then" is past now
    const { status, html } = await ask('  Asha@Example.com ');
    expect(status).toBe(200);
    expect(html).toContain('If this address holds tickets for upcoming events, we have sent it one email');
    // Nothing was sent on the request path: the mail waits for the outbox worker.
    expect(await t.mailbox.list({ limit: 200 })).toHaveLength(before);
    const mail = (await deliverMail(t)).slice(0, -before);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toBe('Your 2 tickets');
    expect(mail[0]!.text).toContain(`http://tickets.test/tickets/${first._id}`);
    expect(mail[0]!.text).toContain(`http://tickets.test/tickets/${second._id}`);
    expect(mail[0]!.text).toContain('[TEST, not valid for entry] Monsoon Jazz Night');
    expect(mail[0]!.text.indexOf('Monsoon Jazz Night')).toBeLessThan(mail[0]!.text.indexOf('Diwali Mela'));
    expect(mail[0]!.text).not.toContain(soon._id);
    expect(mail[0]!.text).not.toContain(other._id);
  });

  it('answers the same whether or not the address has tickets, and mails an address without any nothing', async () => {
    await ticketFor('asha@example.com');
    const before = (await deliverMail(t)).length;
    const known = await ask('asha@example.com');
    const unknown = await ask('nobody@example.com');
    expect(unknown.status).toBe(known.status);
    expect(unknown.html.replace('nobody@example.com', 'X')).toBe(known.html.replace('asha@example.com', 'X'));
    expect((await deliverMail(t)).slice(0, -before).map((m) => [m.to, m.subject])).toEqual([['asha@example.com', 'Your ticket']]);
  });

  it(`limits requests to ${FIND_PER_EMAIL.limit} an hour per address and ${FIND_PER_IP.limit} per network`, async () => {
    for (let i = 0; i < FIND_PER_EMAIL.limit; i++) expect((await ask('asha@example.com')).status).toBe(200);
    const limited = await ask('asha@example.com');
    expect(limited.status).toBe(429);
    expect(limited.html).toContain('You can ask again in');
    for (let i = FIND_PER_EMAIL.limit + 1; i < FIND_PER_IP.limit; i++) expect((await ask(`buyer${i}@example.com`)).status).toBe(200);
    expect((await ask('someone.new@example.com')).status).toBe(429);
    t.clock.advance(3600_000);
    expect((await ask('asha@example.com')).status).toBe(200);
  });

  it('refuses a form sent from another site, and a malformed address', async () => {
    const forged = await t.app.request('/tickets/find', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'https://evil.example' },
      body: 'email=asha%40example.com',
    });
    expect(forged.status).toBe(403);
    const bad = await ask('asha@');
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('Enter a valid email address.');
  });

  it('is linked from the ticket page', async () => {
    const ticket = await ticketFor('asha@example.com');
    expect(await (await t.app.request(`/tickets/${ticket._id}`)).text()).toContain('href="/tickets/find"');
  });
});
