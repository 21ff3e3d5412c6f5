import { describe, expect, it } from 'vitest';
import { eventBody } from '../helpers/app.js';
import { issueTickets } from '../helpers/checkout.js';
import { consoleWithOrganizer, visibleText } from './helpers.js';
import { readyForLiveBySession } from '../helpers/account-security.js';

/** A signed-in organizer at the door of an event with three tickets. */
async function atTheDoor(overrides: Record<string, unknown> = {}) {
  const setup = await consoleWithOrganizer();
  const created = await setup.t.call('POST', '/v1/events', { key: setup.sk, body: eventBody(overrides) });
  const event = created.body as { id: string; ticket_types: Array<{ id: string }> };
  const tickets = await issueTickets(setup.t, setup.sk, event.id, event.ticket_types[0]!.id, { name: 'Kavya Menon', email: 'kavya@example.com' }, 3);
  const page = await setup.browser.get(`/console/events/${event.id}/scan`);
  expect(page.status).toBe(200);
  const scan = async (body: Record<string, unknown>) => {
    const res = await setup.browser.postJson(`/console/events/${event.id}/scan`, body);
    return { status: res.status, body: JSON.parse(res.text) };
  };
  return { ...setup, event, tickets, page, scan };
}

describe('scanning at the door (happy)', () => {
  it('admits a ticket once, then refuses it naming the first scan, with counters', async () => {
    const { t, scan, tickets, email } = await atTheDoor();
    const first = await scan({ code: tickets[0]!.code, nonce: 'nonce-0001' });
    expect(first.status).toBe(200);
    expect(first.body.scan).toMatchObject({
      result: 'accepted',
      verdict: 'ADMITTED',
      reason: null,
      holder: 'Kavya Menon',
      ticket_type: 'General',
      ticket: tickets[0]!.id,
      by: email,
      at: '2030-06-01T10:00:00.000Z',
      at_text: '1 Jun 2030, 3:30 pm IST',
    });
    expect(first.body.counts).toEqual({ checked_in: 1, total: 3 });

    t.clock.advance(5 * 60_000);
    const again = await scan({ code: tickets[0]!.code, nonce: 'nonce-0002' });
    expect(again.body.scan).toMatchObject({
      result: 'rejected',
      verdict: 'REFUSED',
      reason: 'already_checked_in',
      reason_text: 'Already checked in',
      holder: 'Kavya Menon',
      first_checkin: { at: '2030-06-01T10:00:00.000Z', at_text: '1 Jun 2030, 3:30 pm IST', by: email },
      detail: `First scanned 1 Jun 2030, 3:30 pm IST by ${email}`,
    });
    expect(again.body.counts).toEqual({ checked_in: 1, total: 3 });
  });

  it('takes a typed ticket id as well as the QR code', async () => {
    const { scan, tickets } = await atTheDoor();
    expect((await scan({ code: ` ${tickets[1]!.id} ` })).body.scan.verdict).toBe('ADMITTED');
  });

  it('answers a replayed nonce with its first answer and counts the scan once', async () => {
    const { t, scan, tickets, event } = await atTheDoor();
    const first = await scan({ code: tickets[0]!.code, nonce: 'offline-queue-1' });
    t.clock.advance(60_000);
    const replay = await scan({ code: tickets[0]!.code, nonce: 'offline-queue-1' });
    expect(replay.body.scan).toEqual(first.body.scan);
    expect(await t.store.collection('checkins').count({ event: event.id })).toBe(1);
  });

  it('puts every refusal in plain words', async () => {
    const { t, scan, tickets, owner, sk } = await atTheDoor({ starts_at: '2030-06-08T14:00:00Z', valid_from: '2030-06-08T13:00:00Z' });
    const early = await scan({ code: tickets[0]!.code });
    expect(early.body.scan).toMatchObject({ reason: 'not_yet_valid', reason_text: 'Not valid yet', detail: 'Admits from 8 Jun 2030, 6:30 pm IST' });
    expect((await scan({ code: 'garbage' })).body.scan).toMatchObject({ reason_text: 'Not a valid ticket code', holder: null });
    expect((await scan({ code: 'tkt_0000000000000000000000' })).body.scan.reason_text).toBe('No such ticket');
    await t.services.tickets.void(owner, tickets[1]!.id);
    expect((await scan({ code: tickets[1]!.code })).body.scan.reason_text).toBe('Ticket was voided');
    const other = await t.call('POST', '/v1/events', { key: sk, body: eventBody({ name: 'Other night' }) });
    const [elsewhere] = await issueTickets(t, sk, other.body.id, other.body.ticket_types[0].id, { name: 'Ravi Shankar', email: 'ravi@example.com' });
    expect((await scan({ code: elsewhere!.code })).body.scan).toMatchObject({ reason_text: 'Ticket is for another event', holder: 'Ravi Shankar' });
  });
});

describe('the scanner page', () => {
  it('shows counters, the recent scans and the scanner’s hooks', async () => {
    const { browser, scan, tickets, event } = await atTheDoor();
    const empty = await browser.get(`/console/events/${event.id}/scan`);
    expect(visibleText(empty.text)).toContain('0 / 3 in');
    expect(visibleText(empty.text)).toContain('No scans yet.');
    await scan({ code: tickets[0]!.code });
    await scan({ code: tickets[0]!.code });
    const page = await browser.get(`/console/events/${event.id}/scan`);
    expect(visibleText(page.text)).toContain('1 / 3 in');
    expect(visibleText(page.text)).toContain('REFUSED Kavya Menon 1 Jun 2030, 3:30 pm IST General · Already checked in · First scanned');
    expect(page.text).toContain('id="code" name="code" type="text" required=""');
    expect(page.text).toContain(`data-endpoint="/console/events/${event.id}/scan"`);
    expect(page.text).toContain('autofocus=""');
  });

  it('works as a plain form without script', async () => {
    const { browser, tickets, event } = await atTheDoor();
    const res = await browser.post(`/console/events/${event.id}/scan`, { code: tickets[2]!.id });
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/<div id="result" class="result accepted" role="alert" aria-live="assertive">/);
    expect(visibleText(res.text)).toContain('ADMITTED Kavya Menon General');
    expect(res.headers.get('Permissions-Policy')).toContain('camera=(self)');
    const blank = await browser.post(`/console/events/${event.id}/scan`, { code: '  ' });
    expect(blank.status).toBe(400);
    expect(visibleText(blank.text)).toContain('code: scan or type a ticket');
  });
});

describe('scans sent late or sent again', () => {
  it('shows the person just admitted as admitted again when the plain form is posted twice (a refresh)', async () => {
    const { t, browser, tickets, event } = await atTheDoor();
    const page = await browser.get(`/console/events/${event.id}/scan`);
    const nonce = /<input type="hidden" name="nonce" value="([A-Za-z0-9_-]{16,64})"/.exec(page.text)?.[1];
    expect(nonce).toBeDefined();
    const first = await browser.post(`/console/events/${event.id}/scan`, { code: tickets[0]!.code, nonce: nonce! });
    expect(visibleText(first.text)).toContain('ADMITTED Kavya Menon General');
    t.clock.advance(30_000);
    const refreshed = await browser.post(`/console/events/${event.id}/scan`, { code: tickets[0]!.code, nonce: nonce! });
    expect(refreshed.text).toMatch(/<div id="result" class="result accepted"/);
    expect(visibleText(refreshed.text)).toContain('ADMITTED Kavya Menon General');
    expect(await t.store.collection('checkins').count({ event: event.id })).toBe(1);
    // Each render carries its own nonce, so the next scan from the answered page counts.
    const next = /<input type="hidden" name="nonce" value="([A-Za-z0-9_-]{16,64})"/.exec(refreshed.text)?.[1];
    expect(next).toBeDefined();
    expect(next).not.toBe(nonce);
  });

  it('records a queued scan at the time it was made, so the refusal names the real first scan', async () => {
    const { t, scan, tickets, email } = await atTheDoor();
    t.clock.advance(45 * 60_000); // the network came back at 10:45
    const replayed = await scan({ code: tickets[0]!.code, nonce: 'offline-0001', scanned_at: '2030-06-01T10:05:00.000Z' });
    expect(replayed.body.scan).toMatchObject({ result: 'accepted', at: '2030-06-01T10:05:00.000Z', at_text: '1 Jun 2030, 3:35 pm IST' });
    const again = await scan({ code: tickets[0]!.code, nonce: 'nonce-0002' });
    expect(again.body.scan.detail).toBe(`First scanned 1 Jun 2030, 3:35 pm IST by ${email}`);
  });

  it('dates a scan at the server’s time when the scanner’s time is not believable', async () => {
    const { t, scan, tickets } = await atTheDoor();
    const future = await scan({ code: tickets[0]!.code, scanned_at: '2030-06-01T11:00:00.000Z' });
    expect(future.body.scan.at).toBe('2030-06-01T10:00:00.000Z');
    t.clock.advance(60_000);
    const stale = await scan({ code: tickets[1]!.code, scanned_at: '2030-05-30T10:00:00+05:30' });
    expect(stale.body.scan.at).toBe('2030-06-01T10:01:00.000Z');
    const unreadable = await scan({ code: tickets[2]!.code, scanned_at: 'yesterday' });
    expect(unreadable.status).toBe(400);
    expect(unreadable.body.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(unreadable.body.error.message).toContain('scanned_at');
  });

  it('keeps the API’s check-ins at the server’s time: it takes no scan time', async () => {
    const { t, sk, tickets } = await atTheDoor();
    const res = await t.call('POST', '/v1/checkins', { key: sk, body: { code: tickets[0]!.code, scanned_at: '2030-06-01T09:30:00.000Z' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('scanning (errors)', () => {
  it('refuses a malformed scan with the API’s error shape', async () => {
    const { browser, event } = await atTheDoor();
    const res = await browser.postJson(`/console/events/${event.id}/scan`, { code: 'x', nonce: 'bad nonce!', extra: 1 });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).error).toMatchObject({ code: 'VALIDATION_FAILED' });
    const notJson = await browser.t.app.request(`/console/events/${event.id}/scan`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: 'http://tickets.test', Cookie: browser.cookieHeader(), 'X-CSRF-Token': browser.csrf },
      body: '{not json',
    });
    expect(notJson.status).toBe(400);
  });

  it('answers 404 for an event of the other mode', async () => {
    const { browser, event } = await atTheDoor();
    await readyForLiveBySession(browser.t, browser.cookies.get('tts_session'));
    await browser.post('/console/mode', { mode: 'live', next: '/console' });
    expect((await browser.get(`/console/events/${event.id}/scan`)).status).toBe(404);
  });
});
