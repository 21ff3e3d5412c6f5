import { describe, expect, it } from 'vitest';
import { KEY_CACHE_MS } from '../../src/domain/accounts.js';
import { keyCaller } from '../../src/http/key-callers.js';
import { buildTestApp } from '../helpers/app.js';

describe('keyCaller: what a request made with a key acts as', () => {
  it('is made once per key look-up, and again for the next look-up', async () => {
    const t = await buildTestApp();
    const { pk } = await t.signUp();
    const auth = await t.services.accounts.authenticateKey(pk);
    if (!auth) throw new Error('the publishable key did not authenticate');
    const first = keyCaller(t.services, auth);
    expect(keyCaller(t.services, (await t.services.accounts.authenticateKey(pk))!)).toBe(first);
    expect(first).toMatchObject({ actor: { kind: 'key', account: auth.account._id, key: auth.key._id, permissions: null }, owner: { account: auth.account._id, livemode: false } });

    t.clock.advance(KEY_CACHE_MS + 1);
    const later = keyCaller(t.services, (await t.services.accounts.authenticateKey(pk))!);
    expect(later).not.toBe(first);
    expect({ actor: later.actor, owner: later.owner }).toEqual({ actor: first.actor, owner: first.owner });
  });

  it('keeps each restricted key to its own permissions while requests with two keys alternate', async () => {
    const t = await buildTestApp();
    const { account } = await t.signUp();
    const { raw: reader } = await t.services.accounts.createRestrictedKey(account.id, 'test', { name: 'Reports', permissions: ['events:read'] });
    const { raw: scanner } = await t.services.accounts.createRestrictedKey(account.id, 'test', { name: 'Door', permissions: ['checkins:write'] });
    for (let round = 0; round < 2; round += 1) {
      expect((await t.call('GET', '/v1/events', { key: reader })).status).toBe(200);
      const refused = await t.call('GET', '/v1/events', { key: scanner });
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toBe('This needs the events:read permission; this restricted key does not have it.');
    }
  });

  it('refuses a restricted key at once after it is revoked on this server', async () => {
    const t = await buildTestApp();
    const { account } = await t.signUp();
    const { raw, key } = await t.services.accounts.createRestrictedKey(account.id, 'test', { name: 'Reports', permissions: ['events:read'] });
    expect((await t.call('GET', '/v1/events', { key: raw })).status).toBe(200);
    await t.services.accounts.revokeKey(account.id, key._id);
    expect((await t.call('GET', '/v1/events', { key: raw })).status).toBe(401);
  });
});
