import { describe, expect, it } from 'vitest';
import { eventBody } from '../helpers/app.js';
import { issueTickets } from '../helpers/checkout.js';
import { addMember, teamWithEvent } from '../teams/helpers.js';
import { visibleText } from './helpers.js';

/** Check-in lists in the console: managed on the event, picked in the scanner, IN and OUT at the door. */

async function withHall() {
  const team = await teamWithEvent();
  const { t, owner, event } = team;
  await owner.browser.get(`/console/events/${event.id}/checkin-lists`);
  const created = await owner.browser.post(`/console/events/${event.id}/checkin-lists`, { name: 'Hall', reentry: 'on', [`type_${event.ticket_types[0]!.id}`]: 'on' });
  expect(created.status, created.text.slice(0, 300)).toBe(303);
  const hall = (await t.store.collection<{ _id: string; name: string; reentry: boolean; ticket_types: string[] }>('checkin_lists').findOne({ event: event.id }))!;
  const tickets = await issueTickets(t, owner.sk, event.id, event.ticket_types[0]!.id, { name: 'Kavya Menon', email: 'kavya@example.com' }, 2);
  return { ...team, hall, tickets };
}

describe('managing lists on the event', () => {
  it('creates a re-entry list for one ticket type, shows it with its counters, and deletes it', async () => {
    const { owner, event, hall } = await withHall();
    expect(hall).toMatchObject({ name: 'Hall', reentry: true, ticket_types: [event.ticket_types[0]!.id] });
    const page = await owner.browser.get(`/console/events/${event.id}/checkin-lists?notice=created`);
    expect(visibleText(page.text)).toContain('Check-in list created.');
    expect(visibleText(page.text)).toMatch(/Hall\s+General · in and out\s+0\s+0/);
    expect(visibleText((await owner.browser.get(`/console/events/${event.id}`)).text)).toContain('Check-in lists');
    const deleted = await owner.browser.post(`/console/events/${event.id}/checkin-lists/${hall._id}/delete`);
    expect(deleted.status).toBe(303);
    expect(visibleText((await owner.browser.get(`/console/events/${event.id}/checkin-lists`)).text)).not.toContain('Hall');
  });

  it('refuses a window that closes before it opens, saying so', async () => {
    const { owner, event } = await teamWithEvent();
    await owner.browser.get(`/console/events/${event.id}/checkin-lists`);
    const bad = await owner.browser.post(`/console/events/${event.id}/checkin-lists`, { name: 'Late', opens_at: '2030-06-08T22:00', closes_at: '2030-06-08T20:00' });
    expect(bad.status).toBe(400);
    expect(visibleText(bad.text)).toContain('must be after opens_at');
  });
});

describe('the scanner on a list', () => {
  it('offers the lists, and shows IN then OUT on a re-entry list with who is inside', async () => {
    const { owner, event, hall, tickets } = await withHall();
    const page = await owner.browser.get(`/console/events/${event.id}/scan`);
    expect(page.text).toContain(`<option value="${hall._id}">Hall (in and out)</option>`);
    const url = `/console/events/${event.id}/scan?list=${hall._id}`;
    const onList = await owner.browser.get(url);
    expect(onList.text).toContain(`data-endpoint="/console/events/${event.id}/scan?list=${hall._id}"`);
    const scan = async (code: string) => JSON.parse((await owner.browser.postJson(url, { code })).text);
    const first = await scan(tickets[0]!.code);
    expect(first.scan.verdict).toBe('IN');
    expect(first.counts).toEqual({ checked_in: 1, total: 2 });
    const second = await scan(tickets[0]!.code);
    expect(second.scan.verdict).toBe('OUT');
    expect(second.counts).toEqual({ checked_in: 0, total: 2 });
  });
});

describe('who may use lists', () => {
  it('lets a door member scan on a list of an assigned event, but not create lists or scan another event’s', async () => {
    const { t, owner, event, hall, tickets } = await withHall();
    const other = await t.call('POST', '/v1/events', { key: owner.sk, body: eventBody({ name: 'Other night' }) });
    const door = await addMember(t, owner.browser, 'door', [event.id]);
    const url = `/console/events/${event.id}/scan?list=${hall._id}`;
    await door.browser.get(url);
    const scanned = await door.browser.postJson(url, { code: tickets[1]!.code });
    expect(JSON.parse(scanned.text).scan.verdict).toBe('IN');
    expect((await door.browser.get(`/console/events/${event.id}/checkin-lists`)).status).toBe(200);
    expect((await door.browser.post(`/console/events/${event.id}/checkin-lists`, { name: 'Mine' })).status).toBe(403);
    expect((await door.browser.post(`/console/events/${event.id}/checkin-lists/${hall._id}/delete`)).status).toBe(403);
    expect((await door.browser.get(`/console/events/${other.body.id}/checkin-lists`)).status).toBe(403);
  });

  it('keeps list changes to keys that may change events, and records them in the audit log', async () => {
    const { t, owner, event } = await teamWithEvent();
    const { raw } = await t.services.accounts.createRestrictedKey(owner.account, 'test', { name: 'Door', permissions: ['checkins:write', 'attendees:read'] });
    const refused = await t.call('POST', `/v1/events/${event.id}/checkin_lists`, { key: raw, body: { name: 'VIP' } });
    expect(refused.status).toBe(403);
    expect((await t.call('GET', `/v1/events/${event.id}/checkin_lists`, { key: raw })).status).toBe(200);
    const made = await t.call('POST', `/v1/events/${event.id}/checkin_lists`, { key: owner.sk, body: { name: 'VIP' } });
    expect(made.status).toBe(201);
    const audit = await t.call('GET', '/v1/audit_logs?action=checkin_list.created', { key: owner.sk });
    expect(audit.body.data[0]).toMatchObject({ action: 'checkin_list.created', target: { type: 'checkin_list', id: made.body.id } });
  });
});
