import { describe, expect, it } from 'vitest';
import { buildTestApp, eventBody } from '../helpers/app.js';
import { organizerWithEvent } from '../helpers/checkout.js';

/** Check-in lists and re-entry (docs/domain-rules.md#check-in-lists): once per list, in and out by turns. */

async function withLists() {
  const t = await buildTestApp();
  const org = await organizerWithEvent(t);
  const issue = async (ticketType: string) => {
    const res = await t.call('POST', '/v1/tickets', {
      key: org.sk,
      body: { event: org.event.id, ticket_type: ticketType, quantity: 1, holder: { name: 'Kavya Menon', email: 'kavya@example.com' }, send_email: false },
    });
    expect(res.status).toBe(201);
    return res.body.data[0] as { id: string; code: string };
  };
  const createList = async (body: Record<string, unknown>) => {
    const res = await t.call('POST', `/v1/events/${org.event.id}/checkin_lists`, { key: org.sk, body });
    expect(res.status).toBe(201);
    return res.body as { id: string; admitted: number; inside: number };
  };
  const getList = async (id: string) => (await t.call('GET', `/v1/events/${org.event.id}/checkin_lists/${id}`, { key: org.sk })).body;
  const scan = (body: Record<string, unknown>) => t.call('POST', '/v1/checkins', { key: org.sk, body });
  return { t, ...org, issue, createList, getList, scan };
}

describe('lists', () => {
  it('lists the default list first, with the event’s own check-in count', async () => {
    const { t, sk, event, issue, scan, createList } = await withLists();
    const ticket = await issue(event.ticket_types[0].id);
    await scan({ code: ticket.code });
    await createList({ name: 'VIP lounge' });
    const res = await t.call('GET', `/v1/events/${event.id}/checkin_lists`, { key: sk });
    expect(res.status).toBe(200);
    expect(res.body.data.map((l: { id: string; name: string }) => l.name)).toEqual(['Default', 'VIP lounge']);
    expect(res.body.data[0]).toMatchObject({ id: 'default', default: true, ticket_types: null, reentry: false, admitted: 1, inside: 1 });
  });

  it('admits a ticket once per list, independently of the default list', async () => {
    const { issue, event, scan, createList, getList } = await withLists();
    const ticket = await issue(event.ticket_types[0].id);
    const day2 = await createList({ name: 'Day 2' });
    expect((await scan({ code: ticket.code })).body.result).toBe('accepted');
    const onList = await scan({ code: ticket.code, list: day2.id, by: 'Gate 4' });
    expect(onList.body).toMatchObject({ result: 'accepted', list: day2.id, event: event.id });
    expect(onList.body.direction).toBeUndefined();
    const again = await scan({ code: ticket.code, list: day2.id });
    expect(again.body).toMatchObject({ result: 'rejected', reason: 'already_checked_in', list: day2.id, first_checkin: { at: onList.body.at, by: 'Gate 4' } });
    expect(await getList(day2.id)).toMatchObject({ admitted: 1, inside: 1 });
  });

  it('answers a scan without a list exactly as before: no list or direction fields', async () => {
    const { issue, event, scan } = await withLists();
    const ticket = await issue(event.ticket_types[0].id);
    const res = await scan({ code: ticket.code, list: 'default' });
    expect(res.body.result).toBe('accepted');
    expect(Object.keys(res.body)).not.toContain('list');
    expect(Object.keys(res.body)).not.toContain('direction');
  });

  it('refuses a ticket type the list does not admit with not_on_list', async () => {
    const { issue, event, scan, createList, vip } = await withLists();
    const general = await issue(event.ticket_types[0].id);
    const lounge = await createList({ name: 'VIP lounge', ticket_types: [vip] });
    expect((await scan({ code: general.code, list: lounge.id })).body).toMatchObject({ result: 'rejected', reason: 'not_on_list' });
    expect((await scan({ code: (await issue(vip)).code, list: lounge.id })).body.result).toBe('accepted');
  });

  it('refuses a scan outside the list’s window with outside_list_window', async () => {
    const { t, issue, event, scan, createList } = await withLists();
    const ticket = await issue(event.ticket_types[0].id);
    const later = await createList({ name: 'After party', window: { opens_at: '2030-06-01T12:00:00Z', closes_at: '2030-06-01T14:00:00Z' } });
    expect((await scan({ code: ticket.code, list: later.id })).body.reason).toBe('outside_list_window');
    t.clock.advance(3 * 60 * 60_000);
    expect((await scan({ code: ticket.code, list: later.id })).body.result).toBe('accepted');
    t.clock.advance(2 * 60 * 60_000);
    const other = await issue(event.ticket_types[0].id);
    expect((await scan({ code: other.code, list: later.id })).body.reason).toBe('outside_list_window');
  });

  it('refuses a list of another event, an unknown list, and a ticket type the event lacks', async () => {
    const { t, sk, issue, event, scan, createList } = await withLists();
    const ticket = await issue(event.ticket_types[0].id);
    const list = await createList({ name: 'Day 2' });
    const other = await t.call('POST', '/v1/events', { key: sk, body: eventBody({ name: 'Other' }) });
    expect(other.status).toBe(201);
    expect((await scan({ code: ticket.code, list: list.id, event: other.body.id })).status).toBe(400);
    expect((await scan({ code: ticket.code, list: 'chl_doesnotexist00' })).body.error.code).toBe('NOT_FOUND');
    const bad = await t.call('POST', `/v1/events/${event.id}/checkin_lists`, { key: sk, body: { name: 'X', ticket_types: ['tt_nope'] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('updates and deletes a named list, but not the default one', async () => {
    const { t, sk, event, createList } = await withLists();
    const list = await createList({ name: 'Day 2' });
    const path = `/v1/events/${event.id}/checkin_lists`;
    const patched = await t.call('PATCH', `${path}/${list.id}`, { key: sk, body: { name: 'Day two', reentry: true } });
    expect(patched.body).toMatchObject({ name: 'Day two', reentry: true });
    expect((await t.call('PATCH', `${path}/default`, { key: sk, body: { name: 'X' } })).status).toBe(409);
    expect((await t.call('DELETE', `${path}/default`, { key: sk })).status).toBe(409);
    expect((await t.call('DELETE', `${path}/${list.id}`, { key: sk })).body).toEqual({ id: list.id, object: 'checkin_list', deleted: true });
    expect((await t.call('GET', `${path}/${list.id}`, { key: sk })).status).toBe(404);
  });

  it('filters the scan log by list', async () => {
    const { t, sk, issue, event, scan, createList } = await withLists();
    const ticket = await issue(event.ticket_types[0].id);
    const list = await createList({ name: 'Day 2' });
    await scan({ code: ticket.code });
    await scan({ code: ticket.code, list: list.id });
    t.clock.advance(1_000);
    await scan({ code: ticket.code, list: list.id });
    const onList = await t.call('GET', `/v1/events/${event.id}/checkins?list=${list.id}`, { key: sk });
    expect(onList.body.data.map((c: { result: string }) => c.result)).toEqual(['rejected', 'accepted']);
    const onDefault = await t.call('GET', `/v1/events/${event.id}/checkins?list=default`, { key: sk });
    expect(onDefault.body.data).toHaveLength(1);
  });

  it('undoes a list admission: the ticket admits on that list again, and the counters follow', async () => {
    const { t, sk, issue, event, scan, createList, getList } = await withLists();
    const ticket = await issue(event.ticket_types[0].id);
    const list = await createList({ name: 'Day 2' });
    await scan({ code: ticket.code });
    const admitted = await scan({ code: ticket.code, list: list.id });
    expect((await t.call('DELETE', `/v1/checkins/${admitted.body.id}`, { key: sk })).status).toBe(200);
    expect(await getList(list.id)).toMatchObject({ admitted: 0, inside: 0 });
    // The default list's admission is untouched.
    expect((await t.call('GET', `/v1/tickets/${ticket.id}`, { key: sk })).body.status).toBe('checked_in');
    expect((await scan({ code: ticket.code, list: list.id })).body.result).toBe('accepted');
  });
});

describe('re-entry', () => {
  it('alternates in and out, and shows who is inside now', async () => {
    const { t, sk, issue, event, scan, createList, getList } = await withLists();
    const [a, b] = [await issue(event.ticket_types[0].id), await issue(event.ticket_types[0].id)];
    const hall = await createList({ name: 'Hall', reentry: true });
    const directions = [];
    for (let i = 0; i < 3; i++) directions.push((await scan({ code: a.code, list: hall.id })).body.direction);
    expect(directions).toEqual(['in', 'out', 'in']);
    await scan({ code: b.code, list: hall.id });
    await scan({ code: b.code, list: hall.id });
    expect(await getList(hall.id)).toMatchObject({ admitted: 2, inside: 1 });
    const inside = await t.call('GET', `/v1/events/${event.id}/checkin_lists/${hall.id}/passes?inside=true`, { key: sk });
    expect(inside.body.data.map((p: { ticket: string }) => p.ticket)).toEqual([a.id]);
    expect(inside.body.data[0]).toMatchObject({ object: 'checkin_pass', inside: true, moves: 2 });
    // A re-entry scan is undone by the next scan, not by an undo.
    const last = await scan({ code: a.code, list: hall.id });
    expect((await t.call('DELETE', `/v1/checkins/${last.body.id}`, { key: sk })).status).toBe(409);
  });
});

describe('under a 50-way race', () => {
  it('admits a ticket exactly once on each of two lists, the counters matching', async () => {
    const { t, issue, event, scan, createList, getList } = await withLists();
    const ticket = await issue(event.ticket_types[0].id);
    const lists = [await createList({ name: 'Day 1' }), await createList({ name: 'Day 2' })];
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => scan({ code: ticket.code, list: lists[i % 2]!.id, by: `Scanner ${i}` })));
    for (const list of lists) {
      const mine = results.filter((r) => r.body.list === list.id);
      expect(mine).toHaveLength(50);
      expect(mine.filter((r) => r.body.result === 'accepted')).toHaveLength(1);
      expect(mine.filter((r) => r.body.reason === 'already_checked_in')).toHaveLength(49);
      expect(await getList(list.id)).toMatchObject({ admitted: 1, inside: 1 });
    }
    expect(await t.store.collection('checkin_passes').count({})).toBe(2);
  });

  it('makes 50 concurrent scans on a re-entry list 50 alternating moves, ending outside', async () => {
    const { t, issue, event, scan, createList, getList } = await withLists();
    const ticket = await issue(event.ticket_types[0].id);
    const hall = await createList({ name: 'Hall', reentry: true });
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => scan({ code: ticket.code, list: hall.id, by: `Scanner ${i}` })));
    expect(results.every((r) => r.body.result === 'accepted')).toBe(true);
    expect(results.filter((r) => r.body.direction === 'in')).toHaveLength(25);
    expect(results.filter((r) => r.body.direction === 'out')).toHaveLength(25);
    const pass = await t.store.collection<{ _id: string; inside: boolean; moves: number }>('checkin_passes').findOne({ ticket: ticket.id });
    expect(pass).toMatchObject({ inside: false, moves: 49 });
    expect(await getList(hall.id)).toMatchObject({ admitted: 1, inside: 0 });
  });

  it('keeps the inside count equal to the passes inside when 50 holders race in and some out', async () => {
    const { t, issue, event, scan, createList, getList } = await withLists();
    const tickets = [];
    for (let i = 0; i < 10; i++) tickets.push(await issue(event.ticket_types[0].id));
    const hall = await createList({ name: 'Hall', reentry: true });
    // Ticket i is scanned i % 5 + 1 times: odd counts end inside, even ones outside.
    const scans = tickets.flatMap((tk, i) => Array.from({ length: (i % 5) + 1 }, () => tk.code));
    await Promise.all(scans.map((code) => scan({ code, list: hall.id })));
    const insideNow = await t.store.collection('checkin_passes').count({ list: hall.id, inside: true });
    expect(insideNow).toBe(tickets.filter((_, i) => ((i % 5) + 1) % 2 === 1).length);
    expect(await getList(hall.id)).toMatchObject({ admitted: 10, inside: insideNow });
  });
});
