import type { AuditLogEntry, List } from '@trendy-tickets/sdk';
import { describe, expect, it } from 'vitest';
import { readyForLive } from '../helpers/account-security.js';
import { buildTestApp, eventBody } from '../helpers/app.js';
import { organizerWithEvent } from '../helpers/checkout.js';

/** Reading the audit log in a mode: that mode's changes, and the account's own entries in both (docs/audit-log.md). */

describe('the audit log in test and live mode', () => {
  it('shows a live key live changes and account entries, and a test key test changes and the same account entries', async () => {
    const t = await buildTestApp();
    const org = await organizerWithEvent(t);
    await readyForLive(t, org.account.id as string);
    const live = await t.call('POST', '/v1/keys/roll', { key: org.sk, body: { kind: 'secret', mode: 'live', password: 'correct horse battery' } });
    expect(live.status, JSON.stringify(live.body)).toBe(201);
    const lk = live.body.secret as string;
    expect((await t.call('PATCH', `/v1/events/${org.event.id}`, { key: org.sk, body: { name: 'Test-mode edit' } })).status).toBe(200);
    expect((await t.call('PUT', '/v1/account/tax_profile', { key: lk, body: { legal_name: 'Gate Crew', address: '1 MG Road, Pune', state: '27', gstin: null } })).status).toBe(200);
    const liveEvent = await t.call('POST', '/v1/events', { key: lk, body: eventBody({ name: 'Live-mode event' }) });
    expect(liveEvent.status, JSON.stringify(liveEvent.body)).toBe(201);

    const read = async (key: string) => (await t.call<List<AuditLogEntry>>('GET', '/v1/audit_logs?limit=100', { key })).body.data;
    const inTest = await read(org.sk);
    const inLive = await read(lk);
    expect(inTest.map((e) => e.action)).toContain('event.updated');
    expect(inTest.some((e) => e.livemode === true)).toBe(false);
    expect(inLive.some((e) => e.livemode === false)).toBe(false);
    expect(inLive.map((e) => e.action)).not.toContain('event.updated');
    expect(inLive.find((e) => e.action === 'event.created')?.target.id).toBe(liveEvent.body.id);
    // The account's own entries have no mode, and both modes read them.
    for (const entries of [inTest, inLive]) {
      expect(entries.find((e) => e.action === 'account.created')?.livemode).toBeNull();
      expect(entries.find((e) => e.action === 'tax_profile.updated')?.livemode).toBeNull();
    }
  });
});
