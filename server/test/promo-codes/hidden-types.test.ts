/**
 * Hidden ticket types (docs/promo-codes.md#hidden-ticket-types): left out of the public event
 * and not sold until a promo code that unlocks them is given.
 */
import type { PublicEvent } from '@trendy-tickets/sdk';
import { describe, expect, it } from 'vitest';
import { buildTestApp, eventBody, type TestApp } from '../helpers/app.js';
import { buyer } from '../helpers/checkout.js';

async function eventWithHiddenType(t: TestApp) {
  const keys = await t.signUp();
  const body = eventBody({
    require_email_verification: false,
    ticket_types: [
      { name: 'General', price: 49_900 },
      { name: 'Friends of the band', price: 29_900, hidden: true },
    ],
  });
  const created = await t.call('POST', '/v1/events', { key: keys.sk, body });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const [general, friends] = created.body.ticket_types;
  const promo = await t.call('POST', `/v1/events/${created.body.id}/promo_codes`, {
    key: keys.sk,
    body: { code: 'BAND', kind: 'fixed', value: 10_000, ticket_types: [friends.id], unlocks: [friends.id] },
  });
  expect(promo.status, JSON.stringify(promo.body)).toBe(201);
  return { ...keys, event: created.body.id as string, general: general.id as string, friends: friends.id as string, typesAsOrganizer: created.body.ticket_types };
}

describe('hidden ticket types', () => {
  it('shows the organizer every type with its hidden flag, and buyers only the visible ones without a code', async () => {
    const t = await buildTestApp();
    const org = await eventWithHiddenType(t);
    expect(org.typesAsOrganizer.map((tt: { hidden: boolean }) => tt.hidden)).toEqual([false, true]);
    const view = await t.call<PublicEvent>('GET', `/v1/public/events/${org.event}`, { key: org.pk });
    expect(view.status).toBe(200);
    expect(view.body.ticket_types.map((tt) => tt.id)).toEqual([org.general]);
    expect(view.body.promo).toBeNull();
  });

  it('lists the hidden type and describes the code when the buyer sends a code that unlocks it, whatever its case', async () => {
    const t = await buildTestApp();
    const org = await eventWithHiddenType(t);
    const view = await t.call<PublicEvent>('GET', `/v1/public/events/${org.event}?promo_code=band`, { key: org.pk });
    expect(view.status, JSON.stringify(view.body)).toBe(200);
    expect(view.body.ticket_types.map((tt) => tt.id)).toEqual([org.general, org.friends]);
    expect(view.body.promo).toEqual({ code: 'BAND', kind: 'fixed', value: 10_000, ticket_types: [org.friends] });
  });

  it('answers 422 with the reason for a code that cannot be used on the public event', async () => {
    const t = await buildTestApp();
    const org = await eventWithHiddenType(t);
    const view = await t.call('GET', `/v1/public/events/${org.event}?promo_code=NOPE`, { key: org.pk });
    expect(view.status).toBe(422);
    expect(view.body.error).toMatchObject({ code: 'PROMO_CODE_INVALID', details: { reason: 'unknown' } });
  });

  it('refuses to sell a hidden type without its code, as if it did not exist, and sells it with the code', async () => {
    const t = await buildTestApp();
    const org = await eventWithHiddenType(t);
    const items = [{ ticket_type: org.friends, quantity: 1 }];
    const without = await t.call('POST', '/v1/orders', { key: org.pk, body: { event: org.event, items, buyer: buyer() } });
    expect(without.status).toBe(400);
    expect(without.body.error.details).toEqual([{ field: 'items.0.ticket_type', message: 'is not a ticket type of this event' }]);
    const withCode = await t.call('POST', '/v1/orders', { key: org.pk, body: { event: org.event, items, buyer: buyer(), promo_code: 'BAND' } });
    expect(withCode.status, JSON.stringify(withCode.body)).toBe(201);
    expect(withCode.body).toMatchObject({ amount: 19_900, discount: { code: 'BAND', amount: 10_000 } });
  });

  it('keeps a type hidden when an edit leaves the flag out', async () => {
    const t = await buildTestApp();
    const org = await eventWithHiddenType(t);
    const types = org.typesAsOrganizer.map((tt: { id: string; name: string; price: number }) => ({ id: tt.id, name: tt.name, price: tt.price }));
    const edited = await t.call('PATCH', `/v1/events/${org.event}`, { key: org.sk, body: { ticket_types: types } });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body.ticket_types.map((tt: { hidden: boolean }) => tt.hidden)).toEqual([false, true]);
  });
});

describe('managing promo codes', () => {
  it('lists, updates, deactivates and deletes an event’s codes, writing each change to the audit log', async () => {
    const t = await buildTestApp();
    const org = await eventWithHiddenType(t);
    const base = `/v1/events/${org.event}/promo_codes`;
    const list = await t.call('GET', base, { key: org.sk });
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ object: 'list', has_more: false, data: [{ object: 'promo_code', code: 'BAND', uses: 0, unlocks: [org.friends] }] });
    const id = list.body.data[0].id as string;
    expect(id).toMatch(/^pc_/);

    const off = await t.call('POST', `${base}/${id}`, { key: org.sk, body: { active: false, max_uses: 10 } });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect(off.body).toMatchObject({ active: false, max_uses: 10, code: 'BAND' });
    const refused = await t.call('GET', `/v1/public/events/${org.event}?promo_code=BAND`, { key: org.pk });
    expect(refused.body.error.details.reason).toBe('inactive');

    const bad = await t.call('POST', base, { key: org.sk, body: { code: 'TOO MUCH', kind: 'percent', value: 120, unlocks: [org.general] } });
    expect(bad.status).toBe(400);
    const percent = await t.call('POST', base, { key: org.sk, body: { code: 'HALF', kind: 'percent', value: 120 } });
    expect(percent.body.error.details).toEqual([{ field: 'value', message: 'must be at most 100 (percent)' }]);
    const visible = await t.call('POST', base, { key: org.sk, body: { code: 'OPEN', kind: 'percent', value: 10, unlocks: [org.general] } });
    expect(visible.body.error.details[0].field).toBe('unlocks.0');

    const gone = await t.call('DELETE', `${base}/${id}`, { key: org.sk });
    expect(gone.body).toEqual({ id, object: 'promo_code', deleted: true });
    expect((await t.call('GET', `${base}/${id}`, { key: org.sk })).status).toBe(404);

    const audit = await t.call('GET', `/v1/audit_logs?target=${id}`, { key: org.sk });
    expect(audit.body.data.map((e: { action: string }) => e.action).sort()).toEqual(['promo_code.created', 'promo_code.deleted', 'promo_code.updated']);
  });

  it('does not show another account’s codes', async () => {
    const t = await buildTestApp();
    const org = await eventWithHiddenType(t);
    const stranger = await t.signUp();
    expect((await t.call('GET', `/v1/events/${org.event}/promo_codes`, { key: stranger.sk })).status).toBe(404);
  });
});
