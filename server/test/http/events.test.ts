import { beforeEach, describe, expect, it } from 'vitest';
import type { EventDoc } from '../../src/domain/events.js';
import { op } from '../../src/store/port.js';
import { buildTestApp, eventBody, type TestApp } from '../helpers/app.js';
import { readyForLiveByKey } from '../helpers/account-security.js';

let t: TestApp;
let sk: string;
let pk: string;
beforeEach(async () => {
  t = await buildTestApp();
  ({ sk, pk } = await t.signUp());
});

async function createEvent(overrides: Record<string, unknown> = {}, key = sk) {
  const res = await t.call('POST', '/v1/events', { key, body: eventBody(overrides) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/**
 * Takes seats as a hold would (one conditional update on the event's counters),
 * to test the rules that depend on sold and held seats.
 */
async function takeSeats(eventId: string, typeId: string, seats: number, as: 'held' | 'sold' = 'held') {
  const result = await t.store
    .collection<EventDoc>('events')
    .updateOne(
      { _id: eventId, 'inventory.available': op.gte(seats) },
      { $inc: { 'inventory.available': -seats, [`inventory.${as}`]: seats, [`inventory.types.${typeId}.${as}`]: seats } },
    );
  expect(result.matched).toBe(1);
}

describe('events (happy)', () => {
  it('stores and returns a time zone sent in any case as the tz database spells it', async () => {
    const event = await createEvent({ timezone: 'asia/kolkata' });
    expect(event.timezone).toBe('Asia/Kolkata');
    expect((await t.store.collection<EventDoc>('events').findOne({ _id: event.id }))?.timezone).toBe('Asia/Kolkata');
    const edited = await t.call('PATCH', `/v1/events/${event.id}`, { key: sk, body: { timezone: 'utc' } });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body.timezone).toBe('UTC');
    expect((await t.call('GET', `/v1/events/${event.id}/stats`, { key: sk })).body.timezone).toBe('UTC');
  });

  it('creates an event with defaults and returns the Event Token', async () => {
    const event = await createEvent();
    expect(event.id).toMatch(/^evt_[0-9A-Za-z]{22}$/);
    expect(event).toMatchObject({
      object: 'event',
      livemode: false,
      name: 'Monsoon Jazz Night',
      venue: 'NCPA, Mumbai',
      description: null,
      starts_at: '2030-06-08T14:00:00.000Z',
      ends_at: '2030-06-08T18:00:00.000Z',
      timezone: 'Asia/Kolkata',
      capacity: 100,
      currency: 'INR',
      status: 'published',
      allowed_origins: [],
      open_amount: null,
      require_email_verification: true,
      hold_minutes: 15,
      sold: 0,
      held: 0,
      available: 100,
    });
    expect(event.ticket_types).toEqual([
      {
        id: expect.stringMatching(/^tt_/),
        name: 'General',
        price: 49_900,
        capacity: null,
        max_per_order: 10,
        sold: 0,
        held: 0,
        available: 100,
        tax_rate: null,
        tax_inclusive: true,
        sac: '9996',
        hidden: false,
      },
      {
        id: expect.stringMatching(/^tt_/),
        name: 'VIP',
        price: 149_900,
        capacity: 20,
        max_per_order: 4,
        sold: 0,
        held: 0,
        available: 20,
        tax_rate: null,
        tax_inclusive: true,
        sac: '9996',
        hidden: false,
      },
    ]);
  });

  it('accepts timestamps with offsets and answers in UTC', async () => {
    const event = await createEvent({ starts_at: '2030-06-08T19:30:00+05:30', ends_at: '2030-06-08T23:30:00+05:30' });
    expect(event.starts_at).toBe('2030-06-08T14:00:00.000Z');
  });

  it('allows free tickets and shared quotas larger than the event', async () => {
    const event = await createEvent({
      capacity: 50,
      ticket_types: [
        { name: 'Free', price: 0, capacity: 40 },
        { name: 'Supporter', price: 10_000, capacity: 40 },
      ],
    });
    expect(event.ticket_types.map((tt: { available: number }) => tt.available)).toEqual([40, 40]);
  });

  it('retrieves an event', async () => {
    const event = await createEvent();
    const res = await t.call('GET', `/v1/events/${event.id}`, { key: sk });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(event);
  });

  it('lists events newest first with cursor pagination, each exactly once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      ids.push((await createEvent({ name: `Event ${i}` })).id);
      if (i % 3 === 0) t.clock.advance(1000); // several events share a creation time
    }
    const seen: string[] = [];
    const times: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { status: number; body: { data: { id: string; created_at: string }[]; has_more: boolean; next_cursor: string | null } } = await t.call(
        'GET',
        `/v1/events?limit=10${cursor ? `&cursor=${cursor}` : ''}`,
        { key: sk },
      );
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((e) => e.id));
      times.push(...res.body.data.map((e) => e.created_at));
      cursor = res.body.next_cursor;
      expect(res.body.has_more).toBe(cursor !== null);
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    expect(new Set(seen)).toEqual(new Set(ids));
    expect(times).toEqual([...times].sort().reverse());
  });

  it('updates only the fields sent', async () => {
    const event = await createEvent();
    const res = await t.call('PATCH', `/v1/events/${event.id}`, { key: sk, body: { name: 'Monsoon Jazz Night II', capacity: 150 } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Monsoon Jazz Night II', capacity: 150, available: 150, venue: 'NCPA, Mumbai' });
    expect(res.body.ticket_types).toEqual(event.ticket_types.map((tt: { available: number; capacity: number | null }) => ({ ...tt, available: tt.capacity ?? 150 })));
  });

  it('edits ticket types: keeps by id, adds without id, removes unsold ones', async () => {
    const event = await createEvent();
    const [general, vip] = event.ticket_types;
    const res = await t.call('PATCH', `/v1/events/${event.id}`, {
      key: sk,
      body: {
        ticket_types: [
          { id: general.id, name: 'General', price: 59_900 },
          { name: 'Student', price: 19_900, capacity: 10 },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.ticket_types.map((tt: { id: string; name: string; price: number }) => [tt.name, tt.price])).toEqual([
      ['General', 59_900],
      ['Student', 19_900],
    ]);
    expect(res.body.ticket_types[0].id).toBe(general.id);
    expect(res.body.ticket_types.map((tt: { id: string }) => tt.id)).not.toContain(vip.id);
    const stored = await t.store.collection<EventDoc>('events').findOne({ _id: event.id });
    expect(Object.keys(stored!.inventory.types).sort()).toEqual(res.body.ticket_types.map((tt: { id: string }) => tt.id).sort());
  });

  it('gives a type its own capacity later, counting seats already taken', async () => {
    const event = await createEvent();
    const general = event.ticket_types[0];
    await takeSeats(event.id, general.id, 7, 'sold');
    const res = await t.call('PATCH', `/v1/events/${event.id}`, {
      key: sk,
      body: {
        ticket_types: [
          { id: general.id, name: 'General', price: 49_900, capacity: 30 },
          { id: event.ticket_types[1].id, name: 'VIP', price: 149_900, capacity: 20, max_per_order: 4 },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.ticket_types[0]).toMatchObject({ capacity: 30, sold: 7, available: 23 });
  });

  it('cancels an event; cancelling again returns it unchanged', async () => {
    const event = await createEvent();
    const res = await t.call('POST', `/v1/events/${event.id}/cancel`, { key: sk });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('cancelled');
    const again = await t.call('POST', `/v1/events/${event.id}/cancel`, { key: sk });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(res.body);
  });
});

describe('events (errors)', () => {
  it('reports every broken rule at once, each naming its field', async () => {
    const res = await t.call('POST', '/v1/events', {
      key: sk,
      body: eventBody({
        starts_at: '2030-06-08T18:00:00Z',
        ends_at: '2030-06-08T14:00:00Z',
        capacity: 10,
        ticket_types: [
          { name: 'A', price: 100, capacity: 11 },
          { name: 'a', price: 100 },
        ],
        open_amount: { min: 500, max: 100 },
      }),
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      { field: 'ends_at', message: 'must be after starts_at' },
      { field: 'open_amount.min', message: 'must not exceed open_amount.max' },
      { field: 'ticket_types.0.capacity', message: "must not exceed the event's capacity" },
      { field: 'ticket_types.1.name', message: 'must be unique within the event' },
    ]);
  });

  it.each([
    ['capacity', { capacity: 0 }],
    ['capacity', { capacity: 2.5 }],
    ['ticket_types.0.price', { ticket_types: [{ name: 'A', price: -1 }] }],
    ['ticket_types.0.price', { ticket_types: [{ name: 'A', price: 99.5 }] }],
    ['ticket_types.0.max_per_order', { ticket_types: [{ name: 'A', price: 1, max_per_order: 0 }] }],
    ['ticket_types.0.max_per_order', { ticket_types: [{ name: 'A', price: 1, max_per_order: 51 }] }],
    ['ticket_types', { ticket_types: [] }],
    ['ticket_types.0.id', { ticket_types: [{ id: 'tt_mine', name: 'A', price: 1 }] }],
    ['allowed_origins.0', { allowed_origins: ['https://example.com/shop'] }],
    ['allowed_origins.0', { allowed_origins: ['example.com'] }],
    ['allowed_origins.0', { allowed_origins: ['javascript:alert(1)'] }],
    ['timezone', { timezone: 'Mars/Olympus_Mons' }],
    ['starts_at', { starts_at: '2030-06-08 14:00' }],
    ['starts_at', { starts_at: '2030-06-08T14:00:00' }],
    ['name', { name: 'Line one\nline two' }],
    ['name', { name: '\ud800 broken' }],
    ['name', { name: '   ' }],
    ['sales_end_at', { sales_end_at: '2030-06-09T00:00:00Z' }],
    ['valid_until', { valid_from: '2030-06-08T14:00:00Z', valid_until: '2030-06-08T13:00:00Z' }],
    ['hold_minutes', { hold_minutes: 1 }],
    ['status', { status: 'cancelled' }],
    ['organizer', { organizer: 'me' }],
  ])('refuses a bad %s', async (field, overrides) => {
    const res = await t.call('POST', '/v1/events', { key: sk, body: eventBody(overrides) });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('keeps text in any script, normalised', async () => {
    const event = await createEvent({ name: 'संगीत संध्या 🎶', venue: 'Cafe\u0301 Mumbai' });
    expect(event.name).toBe('संगीत संध्या 🎶');
    expect(event.venue).toBe('Café Mumbai');
  });

  it('never lowers capacity below sold + held', async () => {
    const event = await createEvent();
    await takeSeats(event.id, event.ticket_types[0].id, 60, 'sold');
    await takeSeats(event.id, event.ticket_types[0].id, 15, 'held');
    const res = await t.call('PATCH', `/v1/events/${event.id}`, { key: sk, body: { capacity: 74 } });
    expect(res.status).toBe(409);
    expect(res.body.error.details).toEqual([{ field: 'capacity', message: 'must be at least 75 (sold + held)' }]);
    const ok = await t.call('PATCH', `/v1/events/${event.id}`, { key: sk, body: { capacity: 75 } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ capacity: 75, sold: 60, held: 15, available: 0 });
  });

  it('never lowers a type capacity below its sold + held, nor removes a type with tickets', async () => {
    const event = await createEvent();
    const [general, vip] = event.ticket_types;
    await takeSeats(event.id, vip.id, 5, 'sold');
    const lower = await t.call('PATCH', `/v1/events/${event.id}`, {
      key: sk,
      body: {
        ticket_types: [
          { id: general.id, name: 'General', price: 1 },
          { id: vip.id, name: 'VIP', price: 1, capacity: 4 },
        ],
      },
    });
    expect(lower.status).toBe(409);
    expect(lower.body.error.details).toEqual([{ field: 'ticket_types.1.capacity', message: 'must be at least 5 (sold + held)' }]);
    const remove = await t.call('PATCH', `/v1/events/${event.id}`, { key: sk, body: { ticket_types: [{ id: general.id, name: 'General', price: 1 }] } });
    expect(remove.status).toBe(409);
    expect(remove.body.error.details[0].message).toMatch(/'VIP' has tickets sold or held/);
  });

  it('refuses a ticket type id listed twice, with or without a capacity change, and keeps its counters', async () => {
    const event = await createEvent();
    const [general, vip] = event.ticket_types;
    await takeSeats(event.id, vip.id, 5, 'sold');
    const before = await t.store.collection<EventDoc>('events').findOne({ _id: event.id });
    const twice = [
      { id: general.id, name: 'General', price: 49_900 },
      { id: vip.id, name: 'VIP', price: 149_900, capacity: 20 },
      { id: vip.id, name: 'VIP again', price: 149_900, capacity: 20 },
    ];
    for (const body of [{ ticket_types: twice }, { capacity: 120, ticket_types: twice.map((tt) => ({ ...tt, capacity: 10 })) }]) {
      const res = await t.call('PATCH', `/v1/events/${event.id}`, { key: sk, body });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details).toEqual([{ field: 'ticket_types.2.id', message: 'appears more than once; send each ticket type once' }]);
    }
    const after = await t.store.collection<EventDoc>('events').findOne({ _id: event.id });
    expect(after!.inventory).toEqual(before!.inventory);
    expect(after!.rev).toBe(before!.rev);
    expect((await t.call('GET', `/v1/events/${event.id}`, { key: sk })).body.ticket_types[1]).toMatchObject({ id: vip.id, name: 'VIP', sold: 5 });
  });

  it('refuses, in the service too, an edit that names a ticket type twice or one the event does not have', async () => {
    const event = await createEvent();
    const [general, vip] = event.ticket_types;
    await takeSeats(event.id, vip.id, 5, 'sold');
    const owner = { account: (await t.store.collection<EventDoc>('events').findOne({ _id: event.id }))!.account, livemode: false };
    const edit = (ticket_types: Array<{ id?: string; name: string; price: number; capacity?: number | null }>) =>
      t.services.events.update(owner, event.id, { ticket_types }).then(
        () => null,
        (err: { code: string; details: unknown }) => ({ code: err.code, details: err.details }),
      );
    expect(
      await edit([
        { id: general.id, name: 'General', price: 1 },
        { id: vip.id, name: 'VIP', price: 1 },
        { id: vip.id, name: 'VIP 2', price: 1, capacity: 30 },
      ]),
    ).toEqual({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'ticket_types.2.id', message: 'appears more than once; send each ticket type once' }],
    });
    expect(
      await edit([
        { id: general.id, name: 'General', price: 1 },
        { id: vip.id, name: 'VIP', price: 1 },
        { id: 'tt_unknown', name: 'Student', price: 1 },
      ]),
    ).toEqual({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'ticket_types.2.id', message: 'is not a ticket type of this event' }],
    });
    const stored = await t.store.collection<EventDoc>('events').findOne({ _id: event.id });
    expect(stored!.inventory.types[vip.id]).toMatchObject({ sold: 5 });
    expect(stored!.ticket_types.map((tt) => tt.name)).toEqual(['General', 'VIP']);
  });

  it('keeps sold + held within capacity while holds and capacity cuts race', async () => {
    const event = await createEvent({ capacity: 100 });
    const typeId = event.ticket_types[0].id;
    const events = t.store.collection<EventDoc>('events');
    const hold = () =>
      events.updateOne({ _id: event.id, 'inventory.available': op.gte(1) }, { $inc: { 'inventory.available': -1, 'inventory.held': 1, [`inventory.types.${typeId}.held`]: 1 } });
    const results = await Promise.all([
      ...Array.from({ length: 60 }, hold),
      t.call('PATCH', `/v1/events/${event.id}`, { key: sk, body: { capacity: 50 } }),
      ...Array.from({ length: 60 }, hold),
    ]);
    const patch = results[60] as { status: number };
    const stored = (await events.findOne({ _id: event.id }))!;
    expect(stored.inventory.available).toBeGreaterThanOrEqual(0);
    expect(stored.inventory.sold + stored.inventory.held + stored.inventory.available).toBe(stored.capacity);
    expect(stored.capacity).toBe(patch.status === 200 ? 50 : 100);
  });

  it('refuses to edit a cancelled event', async () => {
    const event = await createEvent();
    await t.call('POST', `/v1/events/${event.id}/cancel`, { key: sk });
    const res = await t.call('PATCH', `/v1/events/${event.id}`, { key: sk, body: { name: 'Back on' } });
    expect(res.status).toBe(409);
  });

  it('refuses an unknown ticket type id when editing', async () => {
    const event = await createEvent();
    const res = await t.call('PATCH', `/v1/events/${event.id}`, { key: sk, body: { ticket_types: [{ id: 'tt_unknown', name: 'X', price: 1 }] } });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ field: 'ticket_types.0.id', message: 'is not a ticket type of this event' }]);
  });

  it('answers 404 for an event that does not exist, and for a bad cursor 400', async () => {
    expect((await t.call('GET', '/v1/events/evt_doesnotexist000000000', { key: sk })).status).toBe(404);
    const bad = await t.call('GET', '/v1/events?cursor=not-a-cursor', { key: sk });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([{ field: 'cursor', message: 'is not a cursor this API returned' }]);
  });
});

describe('events (security)', () => {
  it("answers 404 for another account's event on every route", async () => {
    const event = await createEvent();
    const other = await t.signUp('Someone else');
    for (const [method, path, body] of [
      ['GET', `/v1/events/${event.id}`, undefined],
      ['PATCH', `/v1/events/${event.id}`, { name: 'Mine now' }],
      ['POST', `/v1/events/${event.id}/cancel`, undefined],
    ] as const) {
      const res = await t.call(method, path, { key: other.sk, body });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    }
    expect((await t.call('GET', `/v1/public/events/${event.id}`, { key: other.pk })).status).toBe(404);
    expect((await t.call('GET', '/v1/events', { key: other.sk })).body.data).toEqual([]);
    expect((await t.call('GET', `/v1/events/${event.id}`, { key: sk })).body.name).toBe('Monsoon Jazz Night');
  });

  it('keeps test and live events apart', async () => {
    await readyForLiveByKey(t, sk);
    const live = await t.call('POST', '/v1/keys/roll', { key: sk, body: { kind: 'secret', mode: 'live', password: 'correct horse battery' } });
    const liveEvent = await createEvent({}, live.body.secret);
    expect(liveEvent.livemode).toBe(true);
    expect((await t.call('GET', `/v1/events/${liveEvent.id}`, { key: sk })).status).toBe(404);
  });

  it('refuses organizer routes to publishable keys', async () => {
    expect((await t.call('POST', '/v1/events', { key: pk, body: eventBody() })).status).toBe(403);
    expect((await t.call('GET', '/v1/events', { key: pk })).status).toBe(403);
  });
});

describe('GET /v1/public/events/:id', () => {
  it('shows buyers what they need and nothing more', async () => {
    const event = await createEvent({ allowed_origins: ['https://partner.example'] });
    const res = await t.call('GET', `/v1/public/events/${event.id}`, { key: pk });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ object: 'public_event', id: event.id, name: 'Monsoon Jazz Night', sales_open: true, available: 100 });
    expect(res.body.ticket_types[1]).toEqual({
      id: event.ticket_types[1].id,
      name: 'VIP',
      price: 149_900,
      max_per_order: 4,
      available: 20,
      held: 0,
      tax_rate: null,
      tax_inclusive: true,
    });
    // Held seats are shown (they may come back to a waiting buyer); sales figures are not.
    expect(res.body).toMatchObject({ held: 0, holds_expire_at: null });
    for (const hidden of ['allowed_origins', 'sold', 'capacity', 'account']) expect(res.body).not.toHaveProperty(hidden);
  });

  it('says when sales are closed: before the window, after it, or cancelled', async () => {
    const event = await createEvent({ sales_start_at: '2030-06-02T00:00:00Z' });
    const read = async () => (await t.call('GET', `/v1/public/events/${event.id}`, { key: pk })).body;
    expect((await read()).sales_open).toBe(false);
    t.clock.set('2030-06-03T00:00:00Z');
    expect((await read()).sales_open).toBe(true);
    t.clock.set('2030-06-08T18:00:00Z');
    expect((await read()).sales_open).toBe(false);
    t.clock.set('2030-06-03T00:00:00Z');
    await t.call('POST', `/v1/events/${event.id}/cancel`, { key: sk });
    expect(await read()).toMatchObject({ sales_open: false, status: 'cancelled' });
  });

  it('hides drafts', async () => {
    const event = await createEvent({ status: 'draft' });
    expect((await t.call('GET', `/v1/public/events/${event.id}`, { key: pk })).status).toBe(404);
    await t.call('PATCH', `/v1/events/${event.id}`, { key: sk, body: { status: 'published' } });
    expect((await t.call('GET', `/v1/public/events/${event.id}`, { key: pk })).status).toBe(200);
  });

  it('allows browsers only from the allowed origins, with CORS headers', async () => {
    const event = await createEvent({ allowed_origins: ['https://partner.example'] });
    const allowed = await t.call('GET', `/v1/public/events/${event.id}`, { key: pk, headers: { Origin: 'https://partner.example' } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('Access-Control-Allow-Origin')).toBe('https://partner.example');
    expect(allowed.headers.get('Access-Control-Expose-Headers')).toContain('X-Request-Id');
    const refused = await t.call('GET', `/v1/public/events/${event.id}`, { key: pk, headers: { Origin: 'https://evil.example' } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/allowed_origins/);
    const ours = await t.call('GET', `/v1/public/events/${event.id}`, { key: pk, headers: { Origin: 'http://tickets.test' } });
    expect(ours.status).toBe(200);
  });

  it('with no allowed origins: any origin in test mode, none in live mode', async () => {
    const testEvent = await createEvent();
    expect((await t.call('GET', `/v1/public/events/${testEvent.id}`, { key: pk, headers: { Origin: 'https://any.example' } })).status).toBe(200);
    await readyForLiveByKey(t, sk);
    const liveSk = (await t.call('POST', '/v1/keys/roll', { key: sk, body: { kind: 'secret', mode: 'live', password: 'correct horse battery' } })).body.secret;
    const livePk = (await t.call('POST', '/v1/keys/roll', { key: liveSk, body: { kind: 'publishable' } })).body.secret;
    const liveEvent = await createEvent({}, liveSk);
    expect((await t.call('GET', `/v1/public/events/${liveEvent.id}`, { key: livePk, headers: { Origin: 'https://any.example' } })).status).toBe(403);
    expect((await t.call('GET', `/v1/public/events/${liveEvent.id}`, { key: livePk })).status).toBe(200);
    expect((await t.call('GET', `/v1/public/events/${liveEvent.id}`, { key: pk })).status).toBe(404);
  });

  it('answers CORS preflights so browsers may send the key header', async () => {
    const res = await t.app.request('/v1/public/events/evt_x', {
      method: 'OPTIONS',
      headers: { Origin: 'https://partner.example', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('https://partner.example');
    expect(res.headers.get('Access-Control-Allow-Headers')).toContain('Authorization');
  });
});

describe('the public view under load', () => {
  it('may show availability up to a second old, while holds stay exact', async () => {
    const event = await createEvent({ capacity: 3, ticket_types: [{ name: 'General', price: 100 }] });
    const read = async () => (await t.call('GET', `/v1/public/events/${event.id}`, { key: pk })).body.available;
    expect(await read()).toBe(3);
    await takeSeats(event.id, event.ticket_types[0].id, 3);
    expect(await read()).toBe(3); // served from this server's one-second cache
    t.clock.advance(1_000);
    expect(await read()).toBe(0);
  });
});
