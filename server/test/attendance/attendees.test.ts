import { describe, expect, it } from 'vitest';
import type { Ticket } from '@trendy-tickets/sdk';
import { buildTestApp, eventBody, type TestApp } from '../helpers/app.js';
import { checkInAt, issueTickets, organizerWithEvent } from '../helpers/checkout.js';

/** Admits a ticket through the door service, so the figures follow as they do in production. */
async function checkIn(t: TestApp, id: string, at = '2030-06-08T13:30:00.000Z') {
  const ticket = await t.services.tickets.findById(id);
  await checkInAt(t, { id, code: ticket!.code }, at);
}

const ids = (list: { data: Ticket[] }) => list.data.map((ticket) => ticket.id);

/** An organizer whose event has four attendees (Asha has two tickets, one voided) plus one on another event. */
async function withAttendees() {
  const t = await buildTestApp();
  const org = await organizerWithEvent(t);
  const [asha1, asha2] = await issueTickets(t, org.sk, org.event.id, org.general, { name: 'Asha Rao', email: 'asha@example.com' }, 2);
  t.clock.advance(60_000);
  const [ravi] = await issueTickets(t, org.sk, org.event.id, org.vip, { name: 'Ravi Kumar', email: 'ravi.k@example.org' });
  t.clock.advance(60_000);
  const [meera] = await issueTickets(t, org.sk, org.event.id, org.general, { name: 'Meera Nair', email: 'meera@example.com' });
  const other = await t.call('POST', '/v1/events', { key: org.sk, body: eventBody({ name: 'Another night' }) });
  await issueTickets(t, org.sk, other.body.id, other.body.ticket_types[0].id, { name: 'Asha Rao', email: 'asha@example.com' });
  expect((await t.call('POST', `/v1/tickets/${asha2!.id}/void`, { key: org.sk })).status).toBe(200);
  return { t, ...org, asha: asha1!, ravi: ravi!, meera: meera! };
}

describe('GET /v1/events/{id}/attendees', () => {
  it("lists the event's tickets newest first, with holder and check-in state, leaving voided tickets out", async () => {
    const { t, sk, event, asha, ravi, meera } = await withAttendees();
    const res = await t.call('GET', `/v1/events/${event.id}/attendees`, { key: sk });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ object: 'list', has_more: false, next_cursor: null });
    expect(ids(res.body)).toEqual([meera.id, ravi.id, asha.id]);
    expect(res.body.data[1]).toEqual({ ...ravi, url: `http://tickets.test/tickets/${ravi.id}`, pdf_url: `http://tickets.test/tickets/${ravi.id}.pdf` });
  });

  it('filters by checked_in=true and checked_in=false', async () => {
    const { t, sk, event, asha, ravi, meera } = await withAttendees();
    await checkIn(t, ravi.id);
    const inside = await t.call('GET', `/v1/events/${event.id}/attendees?checked_in=true`, { key: sk });
    expect(ids(inside.body)).toEqual([ravi.id]);
    expect(inside.body.data[0]).toMatchObject({ status: 'checked_in', checked_in_at: '2030-06-08T13:30:00.000Z' });
    const notYet = await t.call('GET', `/v1/events/${event.id}/attendees?checked_in=false`, { key: sk });
    expect(ids(notYet.body)).toEqual([meera.id, asha.id]);
  });

  it('searches the holder name and email in any case, and finds a ticket by its exact id', async () => {
    const { t, sk, event, asha, ravi, meera } = await withAttendees();
    const search = async (q: string, extra = '') => ids((await t.call('GET', `/v1/events/${event.id}/attendees?q=${encodeURIComponent(q)}${extra}`, { key: sk })).body);
    expect(await search('RAVI')).toEqual([ravi.id]);
    expect(await search('nair')).toEqual([meera.id]);
    expect(await search('@EXAMPLE.COM')).toEqual([meera.id, asha.id]);
    expect(await search('example.org')).toEqual([ravi.id]);
    expect(await search(`  ${asha.id} `)).toEqual([asha.id]);
    expect(await search(asha.id.slice(0, 12))).toEqual([]);
    await checkIn(t, ravi.id);
    expect(await search('a', '&checked_in=false')).toEqual([meera.id, asha.id]);
    expect(await search('a', '&checked_in=true')).toEqual([ravi.id]);
    await checkIn(t, asha.id);
    expect(await search('asha', '&checked_in=false')).toEqual([]);
  });

  it('treats regular-expression characters in q as literal text', async () => {
    const t = await buildTestApp();
    const { sk, event, general } = await organizerWithEvent(t);
    const [odd] = await issueTickets(t, sk, event.id, general, { name: 'A.B (Test)+ [x]', email: 'a.b+tag@example.com' });
    const [plain] = await issueTickets(t, sk, event.id, general, { name: 'AXB Test', email: 'axb@example.com' });
    const search = async (q: string) => {
      const res = await t.call('GET', `/v1/events/${event.id}/attendees?q=${encodeURIComponent(q)}`, { key: sk });
      expect(res.status, q).toBe(200);
      return ids(res.body);
    };
    expect(await search('A.B')).toEqual([odd!.id]);
    expect(await search('(test)+')).toEqual([odd!.id]);
    expect(await search('b+tag')).toEqual([odd!.id]);
    expect(await search('[x]')).toEqual([odd!.id]);
    // Patterns, and text that is not even a valid pattern ('*', '(?', '[z'): all just text here.
    for (const pattern of ['.*', '^A', 'A.B|AXB', '[a-z]', 'a{2,}', '*', '(?', '[z', '\\', '$']) {
      expect(await search(pattern), pattern).toEqual([]);
    }
    expect(await search('axb')).toEqual([plain!.id]);
  });

  it('pages through 250 attendees, each exactly once and newest first', async () => {
    const t = await buildTestApp();
    const { sk, event, general } = await organizerWithEvent(t, { capacity: 1000 });
    const issued: string[] = [];
    for (let batch = 0; batch < 5; batch++) {
      // Two batches share a creation time: the cursor must break ties by id.
      if (batch !== 2) t.clock.advance(1_000);
      issued.push(...(await issueTickets(t, sk, event.id, general, { name: `Batch ${batch}`, email: `batch${batch}@example.com` }, 50)).map((x) => x.id));
    }
    const seen: Ticket[] = [];
    const pages: number[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const res = await t.call('GET', `/v1/events/${event.id}/attendees?limit=100${query}`, { key: sk });
      expect(res.status).toBe(200);
      expect(res.body.has_more).toBe(res.body.next_cursor !== null);
      seen.push(...res.body.data);
      pages.push(res.body.data.length);
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(pages).toEqual([100, 100, 50]);
    expect(new Set(seen.map((x) => x.id)).size).toBe(250);
    expect(seen.map((x) => x.id).sort()).toEqual([...issued].sort());
    const times = seen.map((x) => Date.parse(x.created_at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('refuses malformed filters with the field named', async () => {
    const t = await buildTestApp();
    const { sk, event } = await organizerWithEvent(t);
    const cases: Array<[string, string]> = [
      ['checked_in=yes', 'query.checked_in'],
      ['checked_in=1', 'query.checked_in'],
      [`q=${'x'.repeat(101)}`, 'query.q'],
      ['limit=0', 'query.limit'],
      ['limit=101', 'query.limit'],
      ['cursor=not-a-cursor', 'cursor'],
      ['status=valid', 'query.status'],
    ];
    for (const [query, field] of cases) {
      const res = await t.call('GET', `/v1/events/${event.id}/attendees?${query}`, { key: sk });
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(
        res.body.error.details.map((d: { field: string }) => d.field),
        query,
      ).toContain(field);
    }
  });
});

describe('attendance routes: security', () => {
  it("answers 404 for another account's event, exactly as for an unknown one", async () => {
    const { t, event } = await withAttendees();
    const stranger = await t.signUp('Stranger');
    for (const path of ['attendees', 'attendees.csv', 'stats']) {
      const theirs = await t.call('GET', `/v1/events/${event.id}/${path}`, { key: stranger.sk });
      expect(theirs.status, path).toBe(404);
      expect(theirs.body.error).toMatchObject({ code: 'NOT_FOUND', message: `No such event: '${event.id}'` });
      // The app's middleware and error handler reach these routes: the error names the request.
      expect(theirs.body.error.request_id).toBe(theirs.headers.get('X-Request-Id'));
      const unknown = await t.call('GET', `/v1/events/evt_doesnotexist0000000000/${path}`, { key: stranger.sk });
      expect(unknown.status, path).toBe(404);
    }
  });

  it('needs a secret key: a publishable key gets 403, no key 401, a secret key from a browser 403', async () => {
    const { t, sk, pk, event } = await withAttendees();
    for (const path of ['attendees', 'attendees.csv', 'stats']) {
      const url = `/v1/events/${event.id}/${path}`;
      const publishable = await t.call('GET', url, { key: pk });
      expect(publishable.status, path).toBe(403);
      expect(publishable.body.error.code).toBe('FORBIDDEN');
      expect((await t.call('GET', url)).status, path).toBe(401);
      expect((await t.call('GET', url, { key: sk, headers: { Origin: 'https://evil.example' } })).status, path).toBe(403);
    }
  });

  it('keeps /attendees and /attendees.csv apart', async () => {
    const { t, sk, event } = await withAttendees();
    const list = await t.call('GET', `/v1/events/${event.id}/attendees`, { key: sk });
    const csv = await t.call('GET', `/v1/events/${event.id}/attendees.csv`, { key: sk });
    expect(list.headers.get('Content-Type')).toMatch(/^application\/json/);
    expect(csv.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    expect(csv.body).toMatch(/^ticket_id,holder_name,/);
  });
});
