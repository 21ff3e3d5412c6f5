import type { PublicEvent, WaitingListEntry } from '@trendy-tickets/sdk';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buyer, issueTickets, organizerWithEvent, readCode } from '../helpers/checkout.js';

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp();
});

/** An event whose VIP type (2 seats) is sold out, with its waiting list on. */
async function soldOutVip(overrides: Record<string, unknown> = {}) {
  const org = await organizerWithEvent(t, {
    ticket_types: [
      { name: 'General', price: 49_900 },
      { name: 'VIP', price: 149_900, capacity: 2, max_per_order: 4 },
    ],
    waiting_list: { enabled: true },
    ...overrides,
  });
  await issueTickets(t, org.sk, org.event.id, org.vip, { name: 'Early Bird', email: 'early@example.com' }, 2);
  return org;
}

async function join(pk: string, body: Record<string, unknown>) {
  return t.call('POST', '/v1/waiting_list_entries', { key: pk, body });
}

describe('joining a waiting list', () => {
  it('shows the event’s waiting list setting to buyers and to the organizer', async () => {
    const org = await soldOutVip({ waiting_list: { enabled: true, offer_hours: 6 } });
    expect(org.event.waiting_list).toEqual({ enabled: true, offer_hours: 6 });
    const pub = await t.call<PublicEvent>('GET', `/v1/public/events/${org.event.id}`, { key: org.pk });
    expect(pub.body.waiting_list).toBe(true);
    const plain = await organizerWithEvent(t);
    expect(plain.event.waiting_list).toEqual({ enabled: false, offer_hours: 24 });
  });

  it('keeps the offer hours when an update turns the list off', async () => {
    const org = await soldOutVip({ waiting_list: { enabled: true, offer_hours: 6 } });
    const res = await t.call('PATCH', `/v1/events/${org.event.id}`, { key: org.sk, body: { waiting_list: { enabled: false } } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.waiting_list).toEqual({ enabled: false, offer_hours: 6 });
  });

  it('puts a verified buyer in line with a position, and later ones behind', async () => {
    const org = await soldOutVip();
    const first = buyer('Asha Rao');
    const created = await join(org.pk, { event: org.event.id, ticket_type: org.vip, quantity: 1, ...pick(first) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ object: 'waiting_list_entry', status: 'awaiting_verification', position: null, order: null, offer_expires_at: null });
    expect(created.body.id).toMatch(/^wle_/);
    expect(created.body.client_secret).toMatch(/_secret_/);

    const code = await readCode(t, first.email);
    const verified = await t.call<WaitingListEntry>('POST', `/v1/waiting_list_entries/${created.body.id}/verify`, {
      key: org.pk,
      body: { code, client_secret: created.body.client_secret },
    });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    expect(verified.body).toMatchObject({ status: 'waiting', position: 1 });
    expect(verified.body.client_secret).toBeUndefined();

    const second = buyer('Ravi Kumar');
    const other = await join(org.pk, { event: org.event.id, ticket_type: org.vip, quantity: 2, ...pick(second) });
    const again = await t.call<WaitingListEntry>('POST', `/v1/waiting_list_entries/${other.body.id}/verify`, {
      key: org.pk,
      body: { code: await readCode(t, second.email), client_secret: other.body.client_secret },
    });
    expect(again.body.position).toBe(2);

    const read = await t.call<WaitingListEntry>('GET', `/v1/waiting_list_entries/${created.body.id}?client_secret=${created.body.client_secret}`, { key: org.pk });
    expect(read.body).toMatchObject({ status: 'waiting', position: 1 });
  });

  it('refuses to join while the type can be bought', async () => {
    const org = await soldOutVip();
    const res = await join(org.pk, { event: org.event.id, ticket_type: org.general, quantity: 1, ...pick(buyer()) });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('SEATS_AVAILABLE');
  });

  it('refuses to join an event whose waiting list is off', async () => {
    const org = await soldOutVip({ waiting_list: { enabled: false } });
    const res = await join(org.pk, { event: org.event.id, ticket_type: org.vip, quantity: 1, ...pick(buyer()) });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('WAITING_LIST_CLOSED');
  });

  it('refuses a second live entry of one email for one type', async () => {
    const org = await soldOutVip();
    const who = buyer();
    const created = await join(org.pk, { event: org.event.id, ticket_type: org.vip, quantity: 1, ...pick(who) });
    await t.call('POST', `/v1/waiting_list_entries/${created.body.id}/verify`, {
      key: org.pk,
      body: { code: await readCode(t, who.email), client_secret: created.body.client_secret },
    });
    const again = await join(org.pk, { event: org.event.id, ticket_type: org.vip, quantity: 1, ...pick(who), email: who.email.toUpperCase() });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ALREADY_WAITING');
  });

  it('refuses more than the type’s max_per_order, an unknown type and a bad email', async () => {
    const org = await soldOutVip();
    const tooMany = await join(org.pk, { event: org.event.id, ticket_type: org.vip, quantity: 5, ...pick(buyer()) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.details).toEqual([expect.objectContaining({ field: 'quantity' })]);
    const unknown = await join(org.pk, { event: org.event.id, ticket_type: 'tt_nope', quantity: 1, ...pick(buyer()) });
    expect(unknown.status).toBe(400);
    const badEmail = await join(org.pk, { event: org.event.id, ticket_type: org.vip, quantity: 1, name: 'A', email: 'not-an-email' });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.error.code).toBe('VALIDATION_FAILED');
    const extra = await join(org.pk, { event: org.event.id, ticket_type: org.vip, quantity: 1, ...pick(buyer()), seats: 3 });
    expect(extra.status).toBe(400);
    const missingEvent = await join(org.pk, { event: 'evt_missing', ticket_type: org.vip, quantity: 1, ...pick(buyer()) });
    expect(missingEvent.status).toBe(404);
  });

  it('refuses a wrong code as orders do, and hides the entry without its client secret', async () => {
    const org = await soldOutVip();
    const created = await join(org.pk, { event: org.event.id, ticket_type: org.vip, quantity: 1, ...pick(buyer()) });
    const wrong = await t.call('POST', `/v1/waiting_list_entries/${created.body.id}/verify`, { key: org.pk, body: { code: '000000', client_secret: created.body.client_secret } });
    // One in a million: the right code is 000000.
    if (wrong.status !== 200) {
      expect(wrong.status).toBe(400);
      expect(wrong.body.error.code).toBe('OTP_INVALID');
    }
    const badCode = await t.call('POST', `/v1/waiting_list_entries/${created.body.id}/verify`, { key: org.pk, body: { code: '12', client_secret: created.body.client_secret } });
    expect(badCode.status).toBe(400);
    const noSecret = await t.call('GET', `/v1/waiting_list_entries/${created.body.id}`, { key: org.pk });
    expect(noSecret.status).toBe(400);
    const wrongSecret = await t.call('GET', `/v1/waiting_list_entries/${created.body.id}?client_secret=wle_x_secret_y`, { key: org.pk });
    expect(wrongSecret.status).toBe(404);
    const resent = await t.call('POST', `/v1/waiting_list_entries/${created.body.id}/resend_code`, { key: org.pk, body: { client_secret: created.body.client_secret } });
    expect(resent.status, JSON.stringify(resent.body)).toBe(200);
  });
});

describe('the organizer’s waiting list', () => {
  it('lists entries in line order, filters by status, and removes one', async () => {
    const org = await soldOutVip();
    const ids: string[] = [];
    for (const name of ['One', 'Two', 'Three']) {
      const who = buyer(name);
      const created = await join(org.pk, { event: org.event.id, ticket_type: org.vip, quantity: 1, ...pick(who) });
      await t.call('POST', `/v1/waiting_list_entries/${created.body.id}/verify`, {
        key: org.pk,
        body: { code: await readCode(t, who.email), client_secret: created.body.client_secret },
      });
      ids.push(created.body.id);
    }
    const page = await t.call('GET', `/v1/events/${org.event.id}/waiting_list_entries?limit=2`, { key: org.sk });
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    expect(page.body.data.map((e: WaitingListEntry) => e.id)).toEqual(ids.slice(0, 2));
    const next = await t.call('GET', `/v1/events/${org.event.id}/waiting_list_entries?limit=2&cursor=${page.body.next_cursor}`, { key: org.sk });
    expect(next.body.data.map((e: WaitingListEntry) => e.id)).toEqual([ids[2]]);

    const removed = await t.call('DELETE', `/v1/waiting_list_entries/${ids[0]}`, { key: org.sk });
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect(removed.body.status).toBe('removed');
    const waiting = await t.call('GET', `/v1/events/${org.event.id}/waiting_list_entries?status=waiting`, { key: org.sk });
    expect(waiting.body.data.map((e: WaitingListEntry) => [e.id, e.position])).toEqual([
      [ids[1], 1],
      [ids[2], 2],
    ]);
    const bad = await t.call('GET', `/v1/events/${org.event.id}/waiting_list_entries?status=nope`, { key: org.sk });
    expect(bad.status).toBe(400);
    const byBuyer = await t.call('DELETE', `/v1/waiting_list_entries/${ids[1]}`, { key: org.pk });
    expect(byBuyer.status).toBe(403);
  });
});

function pick(who: { name: string; email: string }) {
  return { name: who.name, email: who.email };
}
