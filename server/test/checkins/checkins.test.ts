import { createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app.js';
import { organizerWithEvent } from '../helpers/checkout.js';

/** Door check-in (docs/domain-rules.md#check-in): exactly once, with a reason for every refusal, and every scan logged. */

async function withTickets(overrides: Record<string, unknown> = {}, quantity = 1) {
  const t = await buildTestApp();
  const org = await organizerWithEvent(t, overrides);
  const issued = await t.call('POST', '/v1/tickets', {
    key: org.sk,
    body: { event: org.event.id, ticket_type: org.general, quantity, holder: { name: 'Kavya Menon', email: 'kavya@example.com' }, send_email: false },
  });
  expect(issued.status).toBe(201);
  const scan = (body: Record<string, unknown>, key = org.sk) => t.call('POST', '/v1/checkins', { key, body });
  return { t, ...org, tickets: issued.body.data as Array<{ id: string; code: string }>, ticket: issued.body.data[0] as { id: string; code: string }, scan };
}

function tamper(code: string): string {
  const last = code.at(-2) === 'A' ? 'B' : 'A';
  return `${code.slice(0, -2)}${last}${code.at(-1)}`;
}

describe('admitting', () => {
  it('admits a valid ticket from its QR code and names who scanned', async () => {
    const { scan, ticket, event } = await withTickets();
    const res = await scan({ code: ticket.code, event: event.id, by: 'Gate 2' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ object: 'checkin', result: 'accepted', reason: null, event: event.id, by: 'Gate 2', first_checkin: null, at: '2030-06-01T10:00:00.000Z' });
    expect(res.body.id).toMatch(/^chk_/);
    expect(res.body.ticket).toMatchObject({ id: ticket.id, status: 'checked_in', checked_in_at: '2030-06-01T10:00:00.000Z' });
  });

  it('admits a typed ticket id, for when a code will not scan', async () => {
    const { scan, ticket } = await withTickets();
    expect((await scan({ code: ` ${ticket.id} ` })).body.result).toBe('accepted');
  });

  it('refuses a second scan of the same ticket and names the first scan', async () => {
    const { t, scan, ticket } = await withTickets();
    await scan({ code: ticket.code, by: 'Gate 1' });
    t.clock.advance(90_000);
    const again = await scan({ code: ticket.code, by: 'Gate 3' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ result: 'rejected', reason: 'already_checked_in', first_checkin: { at: '2030-06-01T10:00:00.000Z', by: 'Gate 1' } });
  });

  it('defaults "by" to the API key that scanned', async () => {
    const { scan, ticket } = await withTickets();
    expect((await scan({ code: ticket.code })).body.by).toMatch(/^API key sk_test_…[0-9A-Za-z]{4}$/);
  });
});

describe('refusing, with a reason', () => {
  it('invalid_code: garbage, a tampered signature, or a code signed by another organizer', async () => {
    const { t, scan, ticket, sk } = await withTickets();
    expect((await scan({ code: 'hello world' })).body).toMatchObject({ result: 'rejected', reason: 'invalid_code', ticket: null });
    expect((await scan({ code: tamper(ticket.code) })).body.reason).toBe('invalid_code');
    const other = await organizerWithEvent(t);
    const foreign = await t.call('POST', '/v1/tickets', {
      key: other.sk,
      body: { event: other.event.id, ticket_type: other.general, holder: { name: 'X', email: 'x@example.com' }, send_email: false },
    });
    expect((await scan({ code: foreign.body.data[0].code })).body.reason).toBe('invalid_code');
    expect((await scan({ code: foreign.body.data[0].id })).body.reason).toBe('not_found');
    expect((await t.call('GET', `/v1/tickets/${ticket.id}`, { key: sk })).body.status).toBe('valid');
  });

  it('not_found: a well-formed ticket id that does not exist', async () => {
    const { scan } = await withTickets();
    expect((await scan({ code: 'tkt_0000000000000000000000' })).body).toMatchObject({ result: 'rejected', reason: 'not_found' });
  });

  it('wrong_event: a real ticket presented at another event’s door', async () => {
    const { t, scan, ticket, sk } = await withTickets();
    const other = await t.call('POST', '/v1/events', {
      key: sk,
      body: { name: 'Other night', starts_at: '2030-06-09T14:00:00Z', ends_at: '2030-06-09T18:00:00Z', capacity: 10, ticket_types: [{ name: 'A', price: 0 }] },
    });
    const res = await scan({ code: ticket.code, event: other.body.id });
    expect(res.body).toMatchObject({ result: 'rejected', reason: 'wrong_event', event: other.body.id });
    expect(res.body.ticket.status).toBe('valid');
  });

  it('not_yet_valid and expired: outside the validity window', async () => {
    const { t, scan, ticket } = await withTickets({ valid_from: '2030-06-08T13:00:00Z', valid_until: '2030-06-08T17:00:00Z' });
    expect((await scan({ code: ticket.code })).body.reason).toBe('not_yet_valid');
    t.clock.set('2030-06-08T17:00:01Z');
    expect((await scan({ code: ticket.code })).body.reason).toBe('expired');
    t.clock.set('2030-06-08T13:00:00Z');
    expect((await scan({ code: ticket.code })).body.result).toBe('accepted');
  });

  it('voided: a ticket the organizer voided', async () => {
    const { t, scan, ticket, sk } = await withTickets();
    await t.call('POST', `/v1/tickets/${ticket.id}/void`, { key: sk });
    expect((await scan({ code: ticket.code })).body.reason).toBe('voided');
  });

  it('event_cancelled: every ticket of a cancelled event', async () => {
    const { t, scan, ticket, sk, event } = await withTickets();
    await t.call('POST', `/v1/events/${event.id}/cancel`, { key: sk });
    expect((await scan({ code: ticket.code })).body.reason).toBe('event_cancelled');
  });

  it('takes secret keys only', async () => {
    const { scan, ticket, pk } = await withTickets();
    expect((await scan({ code: ticket.code }, pk)).status).toBe(403);
  });
});

describe('exactly once', () => {
  it('admits one of 100 scanners presenting one ticket at the same instant, 20 times over', async () => {
    const { t, scan, tickets } = await withTickets({ capacity: 50, ticket_types: [{ name: 'General', price: 0 }] }, 20);
    for (const ticket of tickets) {
      const results = await Promise.all(Array.from({ length: 100 }, (_, i) => scan({ code: ticket.code, by: `Scanner ${i}` })));
      const accepted = results.filter((r) => r.body.result === 'accepted');
      const refused = results.filter((r) => r.body.reason === 'already_checked_in');
      expect(accepted).toHaveLength(1);
      expect(refused).toHaveLength(99);
      const first = accepted[0]!.body;
      for (const r of refused) expect(r.body.first_checkin).toEqual({ at: first.at, by: first.by });
    }
    expect(await t.store.collection('checkins').count({})).toBe(2_000);
  });
});

describe('undo, replays and the log', () => {
  it('undoes an admission: the ticket admits again', async () => {
    const { t, scan, ticket, sk } = await withTickets();
    const first = await scan({ code: ticket.code });
    const undone = await t.call('DELETE', `/v1/checkins/${first.body.id}`, { key: (await t.signUp()).sk });
    expect(undone.status).toBe(404); // another account cannot
    const res = await t.call('DELETE', `/v1/checkins/${first.body.id}`, { key: sk });
    expect(res.status).toBe(200);
    expect(res.body.undone_at).toBe('2030-06-01T10:00:00.000Z');
    expect(res.body.ticket.status).toBe('valid');
    expect((await scan({ code: ticket.code })).body.result).toBe('accepted');
  });

  it('refuses to undo a refused scan, or an admission that a later undo and scan replaced', async () => {
    const { t, scan, ticket, sk } = await withTickets();
    const accepted = await scan({ code: ticket.code });
    const refused = await scan({ code: ticket.code });
    expect((await t.call('DELETE', `/v1/checkins/${refused.body.id}`, { key: sk })).status).toBe(409);
    await t.call('DELETE', `/v1/checkins/${accepted.body.id}`, { key: sk });
    t.clock.advance(1000);
    await scan({ code: ticket.code });
    const repeat = await t.call('DELETE', `/v1/checkins/${accepted.body.id}`, { key: sk });
    expect(repeat.status).toBe(200); // already undone: returned unchanged
    expect((await t.call('GET', `/v1/tickets/${ticket.id}`, { key: sk })).body.status).toBe('checked_in');
  });

  it('answers a replayed nonce with the original scan, even when it raced', async () => {
    const { t, scan, ticket, tickets } = await withTickets({}, 2);
    const first = await scan({ code: ticket.code, nonce: 'phone-7:0001' });
    const replay = await scan({ code: ticket.code, nonce: 'phone-7:0001' });
    expect(replay.body).toEqual(first.body);
    expect(replay.body.result).toBe('accepted');
    const racing = await Promise.all(Array.from({ length: 10 }, () => scan({ code: tickets[1]!.code, nonce: 'phone-7:0002' })));
    expect(new Set(racing.map((r) => r.body.id)).size).toBe(1);
    expect(racing.every((r) => r.body.result === 'accepted')).toBe(true);
    expect(await t.store.collection('checkins').count({})).toBe(2);
  });

  it('logs every scan, accepted or not, newest first', async () => {
    const { t, scan, ticket, sk, event } = await withTickets();
    await scan({ code: ticket.code });
    t.clock.advance(1000);
    await scan({ code: ticket.code });
    t.clock.advance(1000);
    await scan({ code: 'nonsense', event: event.id });
    const log = await t.call('GET', `/v1/events/${event.id}/checkins`, { key: sk });
    expect(log.status).toBe(200);
    expect(log.body.data.map((c: { result: string; reason: string | null }) => c.reason ?? c.result)).toEqual(['invalid_code', 'already_checked_in', 'accepted']);
  });
});

describe('offline verification', () => {
  it('publishes the key that verifies every ticket code of the event', async () => {
    const { t, ticket, pk, event } = await withTickets();
    const res = await t.call('GET', `/v1/events/${event.id}/verification-key`, { key: pk });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ object: 'verification_key', event: event.id, algorithm: 'Ed25519', jwk: { kty: 'OKP', crv: 'Ed25519', x: res.body.public_key } });
    const key = createPublicKey({ key: res.body.jwk, format: 'jwk' });
    const signed = ticket.code.slice(0, ticket.code.lastIndexOf('.'));
    const signature = Buffer.from(ticket.code.slice(ticket.code.lastIndexOf('.') + 1), 'base64url');
    expect(verify(null, Buffer.from(signed), key, signature)).toBe(true);
    expect(verify(null, Buffer.from(signed.replace(ticket.id, 'tkt_0000000000000000000000')), key, signature)).toBe(false);
  });
});
