import { describe, expect, it } from 'vitest';
import { eventBody } from '../helpers/app.js';
import { buyer, issueTickets, payWithTestGateway, startOrder } from '../helpers/checkout.js';
import { consoleWithOrganizer, visibleText } from './helpers.js';

const HOSTILE = `<script>alert("x")</script> & "Friends"`;

/** Every console page of an account, by path. */
function pagesOf(event?: string, ticket?: string): string[] {
  const pages = ['/console', '/console/events', '/console/events/new', '/console/developers'];
  if (event)
    pages.push(
      `/console/events/${event}`,
      `/console/events/${event}/edit`,
      `/console/events/${event}/cancel`,
      `/console/events/${event}/attendees`,
      `/console/events/${event}/scan`,
    );
  if (ticket) pages.push(`/console/tickets/${ticket}`);
  return pages;
}

describe('every page', () => {
  it('renders for an account with nothing in it', async () => {
    const { browser } = await consoleWithOrganizer();
    for (const path of pagesOf()) {
      const res = await browser.get(path);
      expect(res.status, path).toBe(200);
      expect(res.text, path).toMatch(/^<!doctype html><html lang="en">/);
    }
    expect(visibleText((await browser.get('/console')).text)).toContain('No events yet');
    expect(visibleText((await browser.get('/console/events')).text)).toContain('No test events yet');
  });

  it('renders for a busy account, escaping whatever organizers and buyers typed', async () => {
    const { t, browser, sk, pk, owner } = await consoleWithOrganizer();
    const created = await t.call('POST', '/v1/events', { key: sk, body: eventBody({ name: HOSTILE, require_email_verification: false, venue: '"Hall" <1>' }) });
    expect(created.status).toBe(201);
    const event = created.body;
    const draft = await t.call('POST', '/v1/events', { key: sk, body: eventBody({ name: 'A draft', status: 'draft' }) });
    const cancelled = await t.call('POST', '/v1/events', { key: sk, body: eventBody({ name: 'Called off' }) });
    await t.call('POST', `/v1/events/${cancelled.body.id}/cancel`, { key: sk });
    expect(draft.status).toBe(201);

    // Paid orders, a comp, scans of every kind, a refund.
    const tickets = [];
    for (let i = 0; i < 3; i++) {
      const order = await startOrder(t, pk, event.id, [{ ticket_type: event.ticket_types[0].id, quantity: 2 }], buyer(`Buyer ${i} <b>bold</b>`));
      const paid = await payWithTestGateway(t, pk, order, order.payment.gateway_order_id);
      tickets.push(...paid.body.tickets);
      t.clock.advance(60_000);
    }
    const [comp] = await issueTickets(t, sk, event.id, event.ticket_types[1].id, { name: 'Comp "VIP"', email: 'vip@example.com' });
    await t.services.checkins.scan(owner, { code: tickets[0].code, event: event.id, by: 'Gate 1' });
    await t.services.checkins.scan(owner, { code: tickets[0].code, event: event.id, by: 'Gate 2' });
    await t.services.checkins.scan(owner, { code: 'nonsense', event: event.id, by: 'Gate 2' });
    await t.services.checkins.scan(owner, { code: comp!.code, event: event.id, by: 'Gate 1' });
    expect((await t.call('POST', `/v1/orders/${tickets[4].order}/refund`, { key: sk })).status).toBe(200);

    for (const path of pagesOf(event.id, tickets[0].id)) {
      const res = await browser.get(path);
      expect(res.status, path).toBe(200);
      expect(res.text, path).not.toContain('<script>alert');
      expect(res.text, path).not.toContain('<b>bold</b>');
    }
    for (const path of [
      `/console/events/${draft.body.id}`,
      `/console/events/${cancelled.body.id}`,
      `/console/events/${cancelled.body.id}/scan`,
      `/console/tickets/${tickets[4].id}`,
    ]) {
      expect((await browser.get(path)).status, path).toBe(200);
    }

    const dashboard = visibleText((await browser.get('/console')).text);
    expect(dashboard).toContain('Active events 1'); // not the draft, not the cancelled one
    expect(dashboard).toContain('Tickets sold 5'); // 6 bought + 1 comp − 2 refunded
    expect(dashboard).toContain('Revenue ₹1,996.00'); // 4 paid tickets at ₹499
    expect(dashboard).toContain('Check-ins today 2');
    expect(dashboard).toContain(`Admitted Comp "VIP" at ${HOSTILE}`);
    expect(dashboard).toContain('Refused Unknown ticket · Not a valid ticket code');
    expect(dashboard).toContain(`Sale Buyer 1 <b>bold</b> bought 2 tickets for ${HOSTILE} · ₹998.00`);
    expect(dashboard).toContain(`Refund Buyer 2 <b>bold</b>: 2 tickets refunded for ${HOSTILE} · ₹998.00`);
    expect(dashboard).toContain('5 tickets sold in the last 30 days');

    const eventPage = visibleText((await browser.get(`/console/events/${event.id}`)).text);
    expect(eventPage).toContain('Sold 5 / 100');
    expect(eventPage).toContain('Checked in 2 / 5');
    expect(eventPage).toContain('40% attendance');
    const ticketPage = visibleText((await browser.get(`/console/tickets/${tickets[4].id}`)).text);
    expect(ticketPage).toContain('Voided');
  });
});

describe('the dashboard', () => {
  it('counts a check-in made at the door today', async () => {
    const { t, browser, sk } = await consoleWithOrganizer();
    const created = await t.call('POST', '/v1/events', { key: sk, body: eventBody() });
    const [ticket] = await issueTickets(t, sk, created.body.id, created.body.ticket_types[0].id, { name: 'Kavya Menon', email: 'kavya@example.com' });
    expect(visibleText((await browser.get('/console')).text)).toContain('Check-ins today 0');
    await browser.get(`/console/events/${created.body.id}/scan`);
    await browser.postJson(`/console/events/${created.body.id}/scan`, { code: ticket!.code });
    const after = visibleText((await browser.get('/console')).text);
    expect(after).toContain('Check-ins today 1');
    expect(after).toMatch(/Admitted Kavya Menon at Monsoon Jazz Night · by organizer\d+-\d+@example\.com/);
  });

  it('draws 30 days of sales as an inline SVG with a readable summary', async () => {
    const { t, browser, sk } = await consoleWithOrganizer();
    const created = await t.call('POST', '/v1/events', { key: sk, body: eventBody() });
    await issueTickets(t, sk, created.body.id, created.body.ticket_types[0].id, { name: 'Kavya Menon', email: 'kavya@example.com' }, 3);
    const page = await browser.get('/console');
    const svg = /<svg[\s\S]*?<\/svg>/.exec(page.text)![0];
    expect(svg.match(/<rect /g)).toHaveLength(30);
    expect(svg).toContain('<title>1 Jun: 3 tickets, ₹0.00</title>');
    expect(svg).toContain('role="img"');
    expect(visibleText(page.text)).toContain('3 tickets sold in the last 30 days, for ₹0.00. Best day: 1 Jun, 3 tickets.');
  });
});
