import { beforeAll, describe, expect, it } from 'vitest';
import { TtsBadRequestError, TtsNotFoundError } from '../src/index.js';
import { buildTestApp, errorResponse, eventParams, manualClock, organizer, scriptedFetch, sdkFor, type TestApp } from './helpers.js';

let t: TestApp;
let org: Awaited<ReturnType<typeof organizer>>;

beforeAll(async () => {
  t = await buildTestApp();
  org = await organizer(t);
});

describe('retries', () => {
  it('retries a 503 after a backoff of 0.5 s less up to a quarter, and returns the 200 that follows', async () => {
    const { fetch, sent } = scriptedFetch(t, [errorResponse(503, 'UPSTREAM_UNAVAILABLE')]);
    const clock = manualClock();
    const account = await sdkFor(t, org.secret_key, { fetch, clock }).account.retrieve();
    expect(account.id).toBe(org.account.id);
    expect(sent).toHaveLength(2);
    expect(clock.slept).toHaveLength(1);
    expect(clock.slept[0]).toBeGreaterThanOrEqual(375);
    expect(clock.slept[0]).toBeLessThanOrEqual(500);
  });

  it('doubles the backoff at each retry of a dropped connection', async () => {
    const { fetch, sent } = scriptedFetch(t, ['network', 'network']);
    const clock = manualClock();
    await sdkFor(t, org.secret_key, { fetch, clock }).account.retrieve();
    expect(sent).toHaveLength(3);
    expect(clock.slept).toHaveLength(2);
    expect(clock.slept[1]).toBeGreaterThanOrEqual(750);
    expect(clock.slept[1]).toBeLessThanOrEqual(1000);
  });

  it('waits out a 429 for its Retry-After seconds before trying again', async () => {
    const { fetch, sent } = scriptedFetch(t, [errorResponse(429, 'RATE_LIMITED', { 'Retry-After': '1' })]);
    const clock = manualClock();
    await sdkFor(t, org.secret_key, { fetch, clock }).account.retrieve();
    expect(clock.slept).toEqual([1000]);
    expect(sent).toHaveLength(2);
  });

  it('waits until a Retry-After date, measured on the client’s clock', async () => {
    const clock = manualClock(Date.parse('2030-01-01T00:00:00Z'));
    const { fetch, sent } = scriptedFetch(t, [errorResponse(503, 'UPSTREAM_UNAVAILABLE', { 'Retry-After': 'Tue, 01 Jan 2030 00:00:03 GMT' })]);
    await sdkFor(t, org.secret_key, { fetch, clock }).account.retrieve();
    expect(clock.slept).toEqual([3000]);
    expect(sent).toHaveLength(2);
  });

  it('gives up at once on a Retry-After beyond a minute, without waiting', async () => {
    const { fetch, sent } = scriptedFetch(t, [errorResponse(429, 'RATE_LIMITED', { 'Retry-After': '61' })]);
    const clock = manualClock();
    await expect(sdkFor(t, org.secret_key, { fetch, clock }).account.retrieve()).rejects.toMatchObject({ status: 429, retryAfter: 61 });
    expect(clock.slept).toEqual([]);
    expect(sent).toHaveLength(1);
  });

  it('retries 409 only while the same idempotency key is in flight', async () => {
    const { fetch, sent } = scriptedFetch(t, [errorResponse(409, 'IDEMPOTENCY_IN_FLIGHT', { 'Retry-After': '0' })]);
    const clock = manualClock();
    const created = await sdkFor(t, org.secret_key, { fetch, clock }).events.create(eventParams({ name: 'In flight' }));
    expect(created.name).toBe('In flight');
    expect(sent).toHaveLength(2);
    expect(clock.slept).toEqual([0]);
  });

  it('never retries other 4xx', async () => {
    const { fetch, sent } = scriptedFetch(t, []);
    const client = sdkFor(t, org.secret_key, { fetch });
    await expect(client.events.retrieve('evt_0000000000000000000000')).rejects.toBeInstanceOf(TtsNotFoundError);
    await expect(client.events.create({ name: '' } as never)).rejects.toBeInstanceOf(TtsBadRequestError);
    expect(sent).toHaveLength(2);
  });

  it('sends no retry when maxRetries is 0', async () => {
    const { fetch, sent } = scriptedFetch(t, [errorResponse(503, 'UPSTREAM_UNAVAILABLE')]);
    await expect(sdkFor(t, org.secret_key, { fetch, maxRetries: 0 }).account.retrieve()).rejects.toMatchObject({ status: 503 });
    expect(sent).toHaveLength(1);
  });
});

describe('idempotency', () => {
  it('sends one random Idempotency-Key on every attempt of a POST, and a new one per call', async () => {
    const { fetch, sent } = scriptedFetch(t, [errorResponse(503, 'UPSTREAM_UNAVAILABLE'), 'network']);
    const client = sdkFor(t, org.secret_key, { fetch });
    await client.events.create(eventParams({ name: 'Retried' }));
    await client.events.create(eventParams({ name: 'Next' }));
    const keys = sent.map((s) => s.headers.get('Idempotency-Key'));
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys.slice(0, 3)).toEqual([keys[0], keys[0], keys[0]]);
    expect(keys[3]).not.toBe(keys[0]);
    expect(new Set(sent.slice(0, 3).map((s) => s.body)).size).toBe(1);
  });

  it('a retry after a lost answer gets the replayed first response: the event exists once', async () => {
    const { fetch, sent, responses } = scriptedFetch(t, ['drop-after']);
    const other = await organizer(t, { fetch });
    // `organizer` signed up without the scripted fetch; the first scripted request is the create below.
    const created = await other.tts.events.create(eventParams({ name: 'Exactly once' }));
    expect(sent).toHaveLength(2);
    expect(sent[0]!.headers.get('Idempotency-Key')).toBe(sent[1]!.headers.get('Idempotency-Key'));
    expect(responses[0]!.headers.get('Idempotent-Replayed')).toBe('true');
    const events = await other.tts.events.list({ limit: 100 }).toArray();
    expect(events.map((e) => e.id)).toEqual([created.id]);
  });

  it('uses the caller’s own key when given, and sends none on GET', async () => {
    const { fetch, sent } = scriptedFetch(t, []);
    const client = sdkFor(t, org.secret_key, { fetch });
    await client.events.create(eventParams(), { idempotencyKey: 'order-7781' });
    await client.account.retrieve();
    expect(sent[0]!.headers.get('Idempotency-Key')).toBe('order-7781');
    expect(sent[1]!.headers.has('Idempotency-Key')).toBe(false);
  });
});

describe('pagination over 250 items', () => {
  it('walks 250 events in pages of 100, one request per page, and 250 attendees likewise', async () => {
    const big = await organizer(t);
    for (let i = 0; i < 250; i += 1) await big.tts.events.create(eventParams({ name: `Event ${i}` }));

    const { fetch, sent } = scriptedFetch(t, []);
    const client = sdkFor(t, big.secret_key, { fetch });
    const first = await client.events.list({ limit: 100 });
    expect(first.data).toHaveLength(100);
    expect(first.has_more).toBe(true);

    sent.length = 0;
    const ids: string[] = [];
    for await (const e of client.events.list({ limit: 100 })) ids.push(e.id);
    expect(ids).toHaveLength(250);
    expect(new Set(ids).size).toBe(250);
    expect(sent).toHaveLength(3);

    const event = await big.tts.events.create(eventParams({ capacity: 300 }));
    for (let i = 0; i < 5; i += 1) {
      await big.tts.tickets.issue({
        event: event.id,
        ticket_type: event.ticket_types[0]!.id,
        quantity: 50,
        holder: { name: `Holder ${i}`, email: `h${i}@example.com` },
        send_email: false,
      });
    }
    const pages: number[] = [];
    for await (const page of client.events.attendees(event.id, { limit: 100 }).pages()) pages.push(page.data.length);
    expect(pages).toEqual([100, 100, 50]);
  });
});
