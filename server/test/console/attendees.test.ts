import { describe, expect, it } from 'vitest';
import { RESEND_RULE } from '../../src/domain/ticket-mail.js';
import { eventBody } from '../helpers/app.js';
import { deliverMail, issueTickets } from '../helpers/checkout.js';
import { consoleWithOrganizer, fieldError, visibleText } from './helpers.js';

/** An organizer signed in to the console, with an event and attendees: two checked in, one voided. */
async function withAttendees() {
  const setup = await consoleWithOrganizer();
  const { t, sk, owner } = setup;
  const created = await t.call('POST', '/v1/events', { key: sk, body: eventBody() });
  const event = created.body as { id: string; ticket_types: Array<{ id: string }> };
  const [asha] = await issueTickets(t, sk, event.id, event.ticket_types[0]!.id, { name: 'Asha Rao', email: 'asha@example.com' });
  t.clock.advance(1000);
  const [kavya] = await issueTickets(t, sk, event.id, event.ticket_types[0]!.id, { name: 'Kavya Menon', email: 'kavya@example.com' });
  t.clock.advance(1000);
  const [ravi] = await issueTickets(t, sk, event.id, event.ticket_types[1]!.id, { name: 'Ravi Shankar', email: 'ravi@example.com' });
  t.clock.advance(1000);
  const [gone] = await issueTickets(t, sk, event.id, event.ticket_types[0]!.id, { name: 'Gone Person', email: 'gone@example.com' });
  await t.services.checkins.scan(owner, { code: asha!.code, by: 'Gate 1' });
  await t.services.checkins.scan(owner, { code: ravi!.code, by: 'Gate 2' });
  await t.services.tickets.void(owner, gone!.id);
  return { ...setup, event, asha: asha!, kavya: kavya!, ravi: ravi! };
}

const rows = (html: string) => [...html.matchAll(/<a href="\/console\/tickets\/tkt_[0-9A-Za-z]+">([^<]+)<\/a>/g)].map((m) => m[1]);

describe('the attendee list', () => {
  it('lists every attendee, newest first, without voided tickets', async () => {
    const { browser, event } = await withAttendees();
    const page = await browser.get(`/console/events/${event.id}/attendees`);
    expect(page.status).toBe(200);
    expect(rows(page.text)).toEqual(['Ravi Shankar', 'Kavya Menon', 'Asha Rao']);
    expect(visibleText(page.text)).toContain('Checked in');
    expect(page.text).not.toContain('Gone Person');
  });

  it('searches by name, email or ticket id, and filters by who came', async () => {
    const { browser, event, kavya } = await withAttendees();
    const base = `/console/events/${event.id}/attendees`;
    expect(rows((await browser.get(`${base}?q=kavya`)).text)).toEqual(['Kavya Menon']);
    expect(rows((await browser.get(`${base}?q=RAVI%40example`)).text)).toEqual(['Ravi Shankar']);
    expect(rows((await browser.get(`${base}?q=${kavya.id}`)).text)).toEqual(['Kavya Menon']);
    expect(rows((await browser.get(`${base}?filter=attended`)).text)).toEqual(['Ravi Shankar', 'Asha Rao']);
    expect(rows((await browser.get(`${base}?filter=missed`)).text)).toEqual(['Kavya Menon']);
    const none = await browser.get(`${base}?q=nobody&filter=attended`);
    expect(visibleText(none.text)).toContain('Nobody matches');
    // The CSV link carries the same filters.
    expect(none.text).toContain(`href="/console/events/${event.id}/attendees.csv?q=nobody&amp;filter=attended"`);
  });

  it('treats a search as text, and says when it is too long', async () => {
    const { browser, event } = await withAttendees();
    const base = `/console/events/${event.id}/attendees`;
    expect(rows((await browser.get(`${base}?q=.*`)).text)).toEqual([]);
    const long = await browser.get(`${base}?q=${'a'.repeat(101)}`);
    expect(long.status).toBe(400);
    expect(visibleText(long.text)).toContain('The search must be at most 100 characters.');
    const stale = await browser.get(`${base}?cursor=garbage`);
    expect(stale.status).toBe(400);
    expect(visibleText(stale.text)).toContain('That page link is out of date.');
  });

  it('pages through a long list', async () => {
    const { t, browser, sk } = await consoleWithOrganizer();
    const created = await t.call('POST', '/v1/events', { key: sk, body: eventBody({ capacity: 100 }) });
    await issueTickets(t, sk, created.body.id, created.body.ticket_types[0].id, { name: 'Guest', email: 'guest@example.com' }, 10);
    for (let i = 0; i < 45; i++) {
      t.clock.advance(1000);
      await issueTickets(t, sk, created.body.id, created.body.ticket_types[0].id, { name: `Person ${i}`, email: `p${i}@example.com` });
    }
    const first = await browser.get(`/console/events/${created.body.id}/attendees`);
    expect(rows(first.text)).toHaveLength(50);
    expect(rows(first.text)[0]).toBe('Person 44');
    const next = /href="([^"]+cursor=[^"]+)">Next page/.exec(first.text)![1]!.replace(/&amp;/g, '&');
    const second = await browser.get(next);
    expect(rows(second.text)).toHaveLength(5);
    expect(second.text).not.toContain('Next page');
    expect(second.text).toContain('First page');
  });

  it('shows a clear empty state', async () => {
    const { t, browser, sk } = await consoleWithOrganizer();
    const created = await t.call('POST', '/v1/events', { key: sk, body: eventBody() });
    const page = await browser.get(`/console/events/${created.body.id}/attendees`);
    expect(visibleText(page.text)).toContain('No attendees yet');
  });
});

describe('CSV download', () => {
  it('downloads the list as the API’s CSV, with the page’s filters', async () => {
    const { t, browser, event, sk } = await withAttendees();
    const all = await t.app.request(`/console/events/${event.id}/attendees.csv`, { headers: { Cookie: browser.cookieHeader() } });
    expect(all.status).toBe(200);
    expect(all.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    expect(all.headers.get('Content-Disposition')).toBe(`attachment; filename="attendees-${event.id}.csv"`);
    expect(all.headers.get('Cache-Control')).toBe('no-store');
    const bytes = new Uint8Array(await all.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes.slice(3)).trim().split('\r\n');
    expect(lines[0]).toBe('ticket_id,holder_name,holder_email,ticket_type,status,checked_in_at,checked_in_by,order,issued_at,campaign,promo_code');
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual(['Ravi Shankar', 'Kavya Menon', 'Asha Rao']);
    // The same bytes the API exports.
    const api = await t.app.request(`/v1/events/${event.id}/attendees.csv`, { headers: { Authorization: `Bearer ${sk}` } });
    expect(new Uint8Array(await api.arrayBuffer())).toEqual(bytes);
    const missed = await (await t.app.request(`/console/events/${event.id}/attendees.csv?filter=missed`, { headers: { Cookie: browser.cookieHeader() } })).text();
    expect(
      missed
        .trim()
        .split('\r\n')
        .slice(1)
        .map((l) => l.split(',')[1]),
    ).toEqual(['Kavya Menon']);
  });
});

describe('a ticket', () => {
  it('shows the holder, the scans and the mail of a ticket', async () => {
    const { browser, asha, event } = await withAttendees();
    const page = await browser.get(`/console/tickets/${asha.id}`);
    const text = visibleText(page.text);
    expect(text).toContain('Asha Rao · asha@example.com');
    expect(text).toContain('Checked in 1 Jun 2030, 3:30 pm IST by Gate 1');
    expect(text).toContain('No tickets email was sent for this order');
    expect(page.text).toContain(`href="/console/events/${event.id}"`);
    expect(page.text).toContain(`action="/console/tickets/${asha.id}/undo"`);
  });

  it('resends the tickets email, and says when it has been resent too often', async () => {
    const { t, browser, kavya } = await withAttendees();
    await browser.get(`/console/tickets/${kavya.id}`);
    const res = await browser.post(`/console/tickets/${kavya.id}/resend`);
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/console/tickets/${kavya.id}?notice=resent`);
    const mail = await deliverMail(t);
    // The organizer's own sign-up mail (the email verification link) is not a ticket mail.
    const ticketMail = mail.filter((m) => m.subject !== 'Verify your email for Trendy Tickets');
    expect(ticketMail.map((m) => [m.to, m.subject])).toEqual([['kavya@example.com', '[TEST] Your ticket for Monsoon Jazz Night']]);
    const page = await browser.get(res.location!);
    expect(visibleText(page.text)).toContain('The tickets email is queued');
    expect(visibleText(page.text)).toContain('Sent Sent again to kavya@example.com');
    for (let i = 1; i < RESEND_RULE.limit; i++) {
      t.clock.advance(60_000);
      await browser.post(`/console/tickets/${kavya.id}/resend`);
    }
    t.clock.advance(60_000);
    const limited = await browser.post(`/console/tickets/${kavya.id}/resend`);
    expect(limited.status).toBe(429);
    expect(visibleText(limited.text)).toContain('These tickets were sent again 5 times in the last hour.');
    expect(limited.headers.get('Retry-After')).toMatch(/^\d+$/);
  });

  it('undoes a check-in, so the ticket admits again', async () => {
    const { t, browser, asha, owner } = await withAttendees();
    await browser.get(`/console/tickets/${asha.id}`);
    const res = await browser.post(`/console/tickets/${asha.id}/undo`);
    expect(res.location).toBe(`/console/tickets/${asha.id}?notice=undone`);
    expect((await t.services.tickets.get(owner, asha.id)).status).toBe('valid');
    const page = await browser.get(res.location!);
    expect(visibleText(page.text)).toContain('Check-in undone: the ticket admits again.');
    expect(visibleText(page.text)).toContain('Checked in · undone');
    expect(page.text).not.toContain('/undo"');
    // A second undo has nothing to undo.
    const again = await browser.post(`/console/tickets/${asha.id}/undo`);
    expect(again.status).toBe(409);
    expect(visibleText(again.text)).toContain('This ticket is not checked in, so there is nothing to undo.');
    expect((await t.services.checkins.scan(owner, { code: asha.code, by: 'Gate 3' })).checkin.result).toBe('accepted');
  });

  it('voids a ticket once confirmed; it then stops admitting', async () => {
    const { t, browser, kavya, owner, event } = await withAttendees();
    await browser.get(`/console/tickets/${kavya.id}`);
    const unconfirmed = await browser.post(`/console/tickets/${kavya.id}/void`);
    expect(unconfirmed.status).toBe(400);
    expect(fieldError(unconfirmed.text, 'confirm')).toBe('Tick the box to confirm.');
    const res = await browser.post(`/console/tickets/${kavya.id}/void`, { confirm: 'on' });
    expect(res.location).toBe(`/console/tickets/${kavya.id}?notice=voided`);
    expect((await t.services.tickets.get(owner, kavya.id)).status).toBe('voided');
    const scan = await t.services.checkins.scan(owner, { code: kavya.code, event: event.id, by: 'Gate 1' });
    expect(scan.checkin.reason).toBe('voided');
    const page = await browser.get(res.location!);
    expect(page.text).not.toContain('/void"');
    expect(page.text).not.toContain('/resend"');
  });
});
