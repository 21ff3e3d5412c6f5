import { beforeEach, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../src/domain/accounts.js';
import { PASSWORD_ATTEMPTS_PER_ADDRESS, PASSWORD_FAILURE_LIMIT, PASSWORD_FIRST_LOCK_MS } from '../../src/domain/password-guard.js';
import { ConsoleBrowser } from '../console/helpers.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { readyForLive, readyForLiveByKey } from '../helpers/account-security.js';

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp();
});

const signUpBody = { email: 'Asha@Example.com', password: 'correct horse battery', name: 'Asha Events' };

describe('POST /v1/accounts (happy)', () => {
  it('creates an account and shows test keys once, in their documented formats', async () => {
    const res = await t.call('POST', '/v1/accounts', { body: signUpBody });
    expect(res.status).toBe(201);
    expect(res.body.account).toMatchObject({ object: 'account', email: 'asha@example.com', name: 'Asha Events' });
    expect(res.body.account.id).toMatch(/^acct_[0-9A-Za-z]{22}$/);
    expect(res.body.secret_key).toMatch(/^sk_test_[0-9A-Za-z]{36}$/);
    expect(res.body.publishable_key).toMatch(/^pk_test_[0-9A-Za-z]{36}$/);
    expect(res.body.account.created_at).toBe('2030-06-01T10:00:00.000Z');
    expect(res.body.account).not.toHaveProperty('password_hash');
  });

  it('stores keys as SHA-256 hashes and never the raw key or password', async () => {
    const { body } = await t.call('POST', '/v1/accounts', { body: signUpBody });
    const keys = await t.store.collection<{ _id: string; hash: string; display: string }>('api_keys').find({});
    expect(keys.map((k) => k.hash).sort()).toEqual([hashApiKey(body.secret_key), hashApiKey(body.publishable_key)].sort());
    const everything = JSON.stringify([keys, await t.store.collection('accounts').find({})]);
    expect(everything).not.toContain(body.secret_key);
    expect(everything).not.toContain(body.publishable_key);
    expect(everything).not.toContain(signUpBody.password);
    expect(keys.map((k) => k.display).sort()).toEqual([`pk_test_…${body.publishable_key.slice(-4)}`, `sk_test_…${body.secret_key.slice(-4)}`]);
  });

  it('hashes passwords with bcrypt at cost 12 by default', async () => {
    const strict = await buildTestApp({ env: { TTS_PASSWORD_COST: '' } });
    expect(strict.config.passwordCost).toBe(12);
    await strict.call('POST', '/v1/accounts', { body: signUpBody });
    const [account] = await strict.store.collection<{ _id: string; password_hash: string }>('accounts').find({});
    expect(account?.password_hash).toMatch(/^\$2[aby]\$12\$/);
  });
});

describe('POST /v1/accounts (errors)', () => {
  it('refuses a second account with the same email, whatever its case', async () => {
    await t.call('POST', '/v1/accounts', { body: signUpBody });
    const again = await t.call('POST', '/v1/accounts', { body: { ...signUpBody, email: 'ASHA@example.COM' } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CONFLICT');
  });

  it('names every bad field at once', async () => {
    const res = await t.call('POST', '/v1/accounts', { body: { email: 'not-an-email', password: 'short', name: '', plan: 'gold' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const fields = res.body.error.details.map((d: { field: string }) => d.field).sort();
    expect(fields).toEqual(['email', 'name', 'password', 'plan']);
    expect(res.body.error.request_id).toBe(res.headers.get('X-Request-Id'));
  });

  it('refuses passwords bcrypt would silently truncate', async () => {
    const res = await t.call('POST', '/v1/accounts', { body: { ...signUpBody, password: 'स'.repeat(25) } });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ field: 'password', message: 'must be at most 72 bytes' }]);
  });
});

describe('GET /v1/account and keys', () => {
  it('returns the account of a secret key', async () => {
    const { sk, account } = await t.signUp('Kala Ghoda Arts');
    const res = await t.call('GET', '/v1/account', { key: sk });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(account);
  });

  it('rolls a secret key: the new key works, the old one stops at once', async () => {
    const { sk } = await t.signUp();
    const rolled = await t.call('POST', '/v1/keys/roll', { key: sk, body: { kind: 'secret' } });
    expect(rolled.status).toBe(201);
    expect(rolled.body).toMatchObject({ object: 'api_key', kind: 'secret', mode: 'test' });
    expect(rolled.body.secret).toMatch(/^sk_test_/);
    expect((await t.call('GET', '/v1/account', { key: sk })).status).toBe(401);
    expect((await t.call('GET', '/v1/account', { key: rolled.body.secret })).status).toBe(200);
  });

  it('rolls a publishable key without touching the secret key', async () => {
    const { sk, pk } = await t.signUp();
    const rolled = await t.call('POST', '/v1/keys/roll', { key: sk, body: { kind: 'publishable' } });
    expect(rolled.body.secret).toMatch(/^pk_test_/);
    const event = await t.call('POST', '/v1/events', {
      key: sk,
      body: { name: 'x', starts_at: '2030-07-01T10:00:00Z', ends_at: '2030-07-01T12:00:00Z', capacity: 5, ticket_types: [{ name: 'A', price: 0 }] },
    });
    expect((await t.call('GET', `/v1/public/events/${event.body.id}`, { key: pk })).status).toBe(401);
    expect((await t.call('GET', `/v1/public/events/${event.body.id}`, { key: rolled.body.secret })).status).toBe(200);
  });

  it('lists active keys without their secrets', async () => {
    const { sk } = await t.signUp();
    await t.call('POST', '/v1/keys/roll', { key: sk, body: { kind: 'publishable' } });
    const res = await t.call('GET', '/v1/keys', { key: sk });
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(2);
    for (const key of res.body.data) {
      expect(key).not.toHaveProperty('secret');
      expect(key.display).toMatch(/^(sk|pk)_test_…[0-9A-Za-z]{4}$/);
    }
  });

  it('creates live keys on request; live keys see only live data', async () => {
    const { sk, account } = await t.signUp();
    await readyForLive(t, account.id);
    const live = await t.call('POST', '/v1/keys/roll', { key: sk, body: { kind: 'secret', mode: 'live', password: 'correct horse battery' } });
    expect(live.body.secret).toMatch(/^sk_live_/);
    expect((await t.call('GET', '/v1/account', { key: sk })).status).toBe(200);
    expect((await t.call('GET', '/v1/events', { key: live.body.secret })).body.data).toEqual([]);
  });
});

describe('API keys (security)', () => {
  it('answers 401 without a key, with a malformed key and with an unknown key', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { Authorization: 'Basic abc' },
      { Authorization: 'Bearer sk_test_nope' },
      { Authorization: `Bearer sk_test_${'A'.repeat(36)}` },
    ];
    for (const headers of attempts) {
      const res = await t.call('GET', '/v1/account', { headers });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHENTICATED');
    }
  });

  it('refuses a publishable key on a secret-key endpoint with 403 and says which key to use', async () => {
    const { pk } = await t.signUp();
    const res = await t.call('GET', '/v1/account', { key: pk });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    expect(res.body.error.message).toMatch(/secret key \(sk_…\)/);
  });

  it('refuses a secret key sent from a browser and tells the developer to use the publishable key', async () => {
    const { sk } = await t.signUp();
    const res = await t.call('GET', '/v1/account', { key: sk, headers: { Origin: 'https://partner.example' } });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/publishable key \(pk_…\)/);
    // The browser page must be able to read that message.
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('https://partner.example');
  });

  it('rolling needs a secret key', async () => {
    const { pk } = await t.signUp();
    expect((await t.call('POST', '/v1/keys/roll', { key: pk, body: { kind: 'publishable' } })).status).toBe(403);
  });
});

describe('simultaneous rolls', () => {
  it('lets exactly one of ten parallel rolls win: the others answer 409 and the winner is the only active key', async () => {
    const { sk } = await t.signUp();
    const answers = await Promise.all(Array.from({ length: 10 }, () => t.call('POST', '/v1/keys/roll', { key: sk, body: { kind: 'secret' } })));
    const won = answers.filter((a) => a.status === 201);
    expect(won).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409 && a.body.error.code === 'CONFLICT')).toHaveLength(9);
    const winner = won[0]!.body;
    const listed = await t.call('GET', '/v1/keys', { key: winner.secret });
    expect(listed.status).toBe(200);
    expect(listed.body.data.filter((k: { kind: string; mode: string }) => k.kind === 'secret' && k.mode === 'test').map((k: { id: string }) => k.id)).toEqual([winner.id]);
    t.clock.advance(2_000); // past the key-lookup cache
    expect((await t.call('GET', '/v1/account', { key: sk })).status).toBe(401);
  });
});

describe('key lookups across servers', () => {
  it('stops a key revoked by another server within two seconds', async () => {
    const { sk } = await t.signUp();
    expect((await t.call('GET', '/v1/account', { key: sk })).status).toBe(200);
    // Another server rolled the key: this one learns of it only from the store.
    await t.store.collection('api_keys').updateMany({ kind: 'secret' }, { $set: { revoked_at: t.clock.now() } });
    expect((await t.call('GET', '/v1/account', { key: sk })).status).toBe(200);
    t.clock.advance(2_000);
    expect((await t.call('GET', '/v1/account', { key: sk })).status).toBe(401);
  });
});

describe('keys that must not leak', () => {
  it('needs the account password to create live keys with a test key', async () => {
    const { sk } = await t.signUp();
    const without = await t.call('POST', '/v1/keys/roll', { key: sk, body: { kind: 'secret', mode: 'live' } });
    expect(without.status).toBe(403);
    expect(without.body.error.message).toMatch(/needs the account password/);
    const wrong = await t.call('POST', '/v1/keys/roll', { key: sk, body: { kind: 'secret', mode: 'live', password: 'not the password' } });
    expect(wrong.status).toBe(403);
    expect(await t.store.collection('api_keys').count({ mode: 'live' })).toBe(0);
  });

  it('never keeps a new key for replay, and a rolled key cannot replay its way to the new one', async () => {
    const { sk } = await t.signUp();
    const headers = { 'Idempotency-Key': 'roll-1' };
    const rolled = await t.call('POST', '/v1/keys/roll', { key: sk, body: { kind: 'secret' }, headers });
    expect(rolled.status).toBe(201);
    expect(rolled.headers.get('Cache-Control')).toBe('no-store');
    const stored = JSON.stringify(await t.store.collection('idempotency_keys').find({}));
    expect(stored).not.toContain(rolled.body.secret);
    const replay = await t.call('POST', '/v1/keys/roll', { key: sk, body: { kind: 'secret' }, headers });
    expect(replay.status).toBe(401);
  });

  it('never keeps sign-up keys for replay either', async () => {
    const res = await t.call('POST', '/v1/accounts', { body: signUpBody, headers: { 'Idempotency-Key': 'signup-1' } });
    expect(res.status).toBe(201);
    const stored = JSON.stringify(await t.store.collection('idempotency_keys').find({}));
    expect(stored).not.toContain(res.body.secret_key);
  });

  it('answers a replay only while the key that made it still works', async () => {
    const { sk } = await t.signUp();
    const headers = { 'Idempotency-Key': 'event-1' };
    const body = { name: 'Replay', starts_at: '2030-07-01T10:00:00Z', ends_at: '2030-07-01T12:00:00Z', capacity: 5, ticket_types: [{ name: 'A', price: 0 }] };
    expect((await t.call('POST', '/v1/events', { key: sk, body, headers })).status).toBe(201);
    expect((await t.call('POST', '/v1/events', { key: sk, body, headers })).headers.get('Idempotent-Replayed')).toBe('true');
    await t.call('POST', '/v1/keys/roll', { key: sk, body: { kind: 'secret' } });
    expect((await t.call('POST', '/v1/events', { key: sk, body, headers })).status).toBe(401);
  });
});

describe('POST /v1/keys/roll (security): password guessing', () => {
  const toLive = (password: string) => ({ kind: 'secret', mode: 'live', password });

  it('answers 429 with Retry-After once the account’s limit is reached, and refuses even the right password until the wait has passed', async () => {
    const { sk, account } = await t.signUp();
    await readyForLive(t, account.id);
    const answers = [];
    for (let i = 0; i < 40; i++) answers.push(await t.call('POST', '/v1/keys/roll', { key: sk, body: toLive(`guess ${i}`) }));
    expect(answers.slice(0, PASSWORD_FAILURE_LIMIT).map((a) => a.status)).toEqual(Array(PASSWORD_FAILURE_LIMIT).fill(403));
    const limited = answers.slice(PASSWORD_FAILURE_LIMIT);
    expect(limited.map((a) => a.status)).toEqual(Array(40 - PASSWORD_FAILURE_LIMIT).fill(429));
    expect(limited.every((a) => a.body.error.code === 'RATE_LIMITED' && a.headers.get('Retry-After') === String(PASSWORD_FIRST_LOCK_MS / 1000))).toBe(true);

    const early = await t.call('POST', '/v1/keys/roll', { key: sk, body: toLive('correct horse battery') });
    expect(early.status).toBe(429);
    t.clock.advance(Number(early.headers.get('Retry-After')) * 1000 - 1_000);
    expect((await t.call('POST', '/v1/keys/roll', { key: sk, body: toLive('correct horse battery') })).status).toBe(429);
    t.clock.advance(1_000);
    const rolled = await t.call('POST', '/v1/keys/roll', { key: sk, body: toLive('correct horse battery') });
    expect(rolled.status).toBe(201);
    expect(rolled.body.secret).toMatch(/^sk_live_/);
  });

  it('shares one lock with console sign-in: guesses through the API lock the console, and the other way round', async () => {
    const signInToConsole = async (email: string, password: string) => {
      const browser = new ConsoleBrowser(t);
      await browser.get('/console/login');
      return (await browser.post('/console/login', { email, password })).status;
    };
    const { sk, account } = await t.signUp();
    for (let i = 0; i < PASSWORD_FAILURE_LIMIT; i++) await t.call('POST', '/v1/keys/roll', { key: sk, body: toLive(`guess ${i}`) });
    expect(await signInToConsole(account.email, 'correct horse battery')).toBe(429);

    const other = await t.signUp();
    for (let i = 0; i < PASSWORD_FAILURE_LIMIT; i++) expect(await signInToConsole(other.account.email, `guess ${i}`)).toBe(401);
    expect((await t.call('POST', '/v1/keys/roll', { key: other.sk, body: toLive('correct horse battery') })).status).toBe(429);
  });

  it('limits one client address across many accounts', async () => {
    const proxied = await buildTestApp({ env: { TTS_TRUST_PROXY: '1' } });
    const from = (ip: string) => ({ 'X-Forwarded-For': ip });
    const keys: string[] = [];
    for (let i = 0; i <= PASSWORD_ATTEMPTS_PER_ADDRESS.limit; i++) {
      keys.push((await proxied.services.accounts.signUp({ email: `org${i}@example.com`, password: 'correct horse battery', name: `Org ${i}` })).secretKey);
    }
    for (const key of keys.slice(0, PASSWORD_ATTEMPTS_PER_ADDRESS.limit)) {
      expect((await proxied.call('POST', '/v1/keys/roll', { key, body: toLive('not the password'), headers: from('203.0.113.7') })).status).toBe(403);
    }
    const fresh = keys.at(-1)!;
    await readyForLiveByKey(proxied, fresh);
    const limited = await proxied.call('POST', '/v1/keys/roll', { key: fresh, body: toLive('correct horse battery'), headers: from('203.0.113.7') });
    expect(limited.status).toBe(429);
    expect(limited.body.error.message).toContain('from your network');
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect((await proxied.call('POST', '/v1/keys/roll', { key: fresh, body: toLive('correct horse battery'), headers: from('198.51.100.9') })).status).toBe(201);
  });
});
