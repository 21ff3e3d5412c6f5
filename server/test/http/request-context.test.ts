import { describe, expect, it } from 'vitest';
import { requireKey } from '../../src/http/middleware/auth.js';
import { buildTestApp } from '../helpers/app.js';

/** The real app with one extra route that shows what the middleware put on the context. */
async function setup(env: Record<string, string> = {}) {
  const t = await buildTestApp({ env });
  t.app.get('/v1/test/caller', requireKey('any'), (c) => c.json({ owner: c.get('owner'), clientKey: c.get('clientKey') }));
  t.app.get('/v1/test/anonymous', (c) => c.json({ clientKey: c.get('clientKey') }));
  return t;
}

describe('the caller on the request context', () => {
  it("puts the key's account and mode on the request as `owner`", async () => {
    const t = await setup();
    const { account, sk, pk } = await t.signUp();
    for (const key of [sk, pk]) {
      const res = await t.call('GET', '/v1/test/caller', { key });
      expect(res.status).toBe(200);
      expect(res.body.owner).toEqual({ account: account.id, livemode: false });
    }
  });

  it('works out the caller’s address once per request, behind the configured proxies, for keyed and anonymous requests alike', async () => {
    const t = await setup({ TTS_TRUST_PROXY: '1' });
    const { sk } = await t.signUp();
    const keyed = await t.call('GET', '/v1/test/caller', { key: sk, headers: { 'X-Forwarded-For': '6.6.6.6, 203.0.113.9' } });
    expect(keyed.body.clientKey).toBe('203.0.113.9');
    const anonymous = await t.call('GET', '/v1/test/anonymous', { headers: { 'X-Forwarded-For': '2001:db8:0:7::1' } });
    expect(anonymous.body.clientKey).toBe('2001:db8:0:7::/64');
  });
});
