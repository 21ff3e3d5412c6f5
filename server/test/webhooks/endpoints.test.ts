import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_ENDPOINTS_PER_MODE } from '../../src/domain/webhook-endpoints.js';
import type { ResolveHost } from '../../src/domain/webhook-url.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { readyForLiveByKey } from '../helpers/account-security.js';

// Names resolve here only through this table, as an attacker's DNS would answer.
const resolveHost: ResolveHost = async (host) =>
  ({
    'hooks.example.test': [{ address: '93.184.216.34', family: 4 as const }],
    'loopback.example.test': [{ address: '127.0.0.1', family: 4 as const }],
    localhost: [
      { address: '::1', family: 6 as const },
      { address: '127.0.0.1', family: 4 as const },
    ],
  })[host] ?? [];

let t: TestApp;
let sk: string;
let liveSk: string;
beforeEach(async () => {
  t = await buildTestApp({ resolveHost });
  sk = (await t.signUp()).sk;
  await readyForLiveByKey(t, sk);
  const live = await t.call('POST', '/v1/keys/roll', { key: sk, body: { kind: 'secret', mode: 'live', password: 'correct horse battery' } });
  liveSk = live.body.secret;
});

const body = { url: 'https://hooks.example.test/tts', enabled_events: ['order.paid', 'ticket.issued'] };

describe('webhook endpoints (happy)', () => {
  it('creates an endpoint and shows its whsec_ secret only in the answer that created it', async () => {
    const created = await t.call('POST', '/v1/webhook_endpoints', { key: liveSk, body: { ...body, description: 'Fulfilment' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      object: 'webhook_endpoint',
      livemode: true,
      url: body.url,
      enabled_events: body.enabled_events,
      description: 'Fulfilment',
      disabled: false,
    });
    expect(created.body.id).toMatch(/^we_[0-9A-Za-z]{22}$/);
    expect(created.body.secret).toMatch(/^whsec_[0-9A-Za-z]{32}$/);
    expect(created.headers.get('Cache-Control')).toBe('no-store');
    const read = await t.call('GET', `/v1/webhook_endpoints/${created.body.id}`, { key: liveSk });
    expect(read.status).toBe(200);
    expect(read.body).not.toHaveProperty('secret');
  });

  it('lists the mode’s endpoints newest first with a cursor, and not the other mode’s', async () => {
    for (let i = 0; i < 3; i++) {
      await t.call('POST', '/v1/webhook_endpoints', { key: sk, body: { url: `http://127.0.0.1:900${i}/h`, enabled_events: ['*'] } });
      t.clock.advance(1000);
    }
    await t.call('POST', '/v1/webhook_endpoints', { key: liveSk, body });
    const first = await t.call('GET', '/v1/webhook_endpoints?limit=2', { key: sk });
    expect(first.body.data.map((e: { url: string }) => e.url)).toEqual(['http://127.0.0.1:9002/h', 'http://127.0.0.1:9001/h']);
    expect(first.body.has_more).toBe(true);
    const second = await t.call('GET', `/v1/webhook_endpoints?limit=2&cursor=${first.body.next_cursor}`, { key: sk });
    expect(second.body.data.map((e: { url: string }) => e.url)).toEqual(['http://127.0.0.1:9000/h']);
    expect(second.body.data[0]).not.toHaveProperty('secret');
  });

  it('updates the fields sent, disables, and deletes', async () => {
    const { body: created } = await t.call('POST', '/v1/webhook_endpoints', { key: liveSk, body: { ...body, description: 'old' } });
    const patched = await t.call('PATCH', `/v1/webhook_endpoints/${created.id}`, {
      key: liveSk,
      body: { enabled_events: ['order.refunded', '*'], description: null, disabled: true },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ url: body.url, enabled_events: ['*'], description: null, disabled: true });
    const deleted = await t.call('DELETE', `/v1/webhook_endpoints/${created.id}`, { key: liveSk });
    expect(deleted.body).toEqual({ id: created.id, object: 'webhook_endpoint', deleted: true });
    expect((await t.call('GET', `/v1/webhook_endpoints/${created.id}`, { key: liveSk })).status).toBe(404);
  });

  it('rolls the secret: a new one in the answer, the old one still signing for 24 hours', async () => {
    const { body: created } = await t.call('POST', '/v1/webhook_endpoints', { key: sk, body: { url: 'http://localhost:4242/h', enabled_events: ['*'] } });
    expect(created.secret).toMatch(/^whsec_/);
    const rolled = await t.call('POST', `/v1/webhook_endpoints/${created.id}/roll_secret`, { key: sk });
    expect(rolled.status).toBe(200);
    expect(rolled.body.secret).toMatch(/^whsec_/);
    expect(rolled.body.secret).not.toBe(created.secret);
    const target = await t.services.webhookEndpoints.deliveryTarget(created.id);
    expect(target?.secrets).toEqual([rolled.body.secret, created.secret]);
  });

  it('tells the job queue which enabled endpoints take an event type', async () => {
    const account = (await t.call('GET', '/v1/account', { key: sk })).body.id;
    const paid = await t.call('POST', '/v1/webhook_endpoints', { key: sk, body: { url: 'http://127.0.0.1:9000/a', enabled_events: ['order.paid'] } });
    const all = await t.call('POST', '/v1/webhook_endpoints', { key: sk, body: { url: 'http://127.0.0.1:9000/b', enabled_events: ['*'] } });
    await t.call('POST', '/v1/webhook_endpoints', { key: sk, body: { url: 'http://127.0.0.1:9000/c', enabled_events: ['*'], disabled: true } });
    const ids = async (type: 'order.paid' | 'ticket.issued') => (await t.services.webhookEndpoints.subscribedTo(account, false, type)).map((e) => e._id).sort();
    expect(await ids('order.paid')).toEqual([paid.body.id, all.body.id].sort());
    expect(await ids('ticket.issued')).toEqual([all.body.id]);
    expect(await t.services.webhookEndpoints.subscribedTo(account, true, 'order.paid')).toEqual([]);
  });
});

describe('webhook endpoints (errors)', () => {
  it(`refuses a ${MAX_ENDPOINTS_PER_MODE + 1}th endpoint in a mode with 409, and takes one again after a delete`, async () => {
    const ids: string[] = [];
    for (let i = 0; i < MAX_ENDPOINTS_PER_MODE; i++) {
      const res = await t.call('POST', '/v1/webhook_endpoints', { key: sk, body: { url: `http://127.0.0.1:9000/${i}`, enabled_events: ['*'] } });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    const over = await t.call('POST', '/v1/webhook_endpoints', { key: sk, body: { url: 'http://127.0.0.1:9000/x', enabled_events: ['*'] } });
    expect(over.status).toBe(409);
    expect(over.body.error).toMatchObject({ code: 'CONFLICT', details: { limit: MAX_ENDPOINTS_PER_MODE } });
    expect((await t.call('POST', '/v1/webhook_endpoints', { key: liveSk, body })).status).toBe(201); // the other mode has its own
    await t.call('DELETE', `/v1/webhook_endpoints/${ids[0]}`, { key: sk });
    expect((await t.call('POST', '/v1/webhook_endpoints', { key: sk, body: { url: 'http://127.0.0.1:9000/x', enabled_events: ['*'] } })).status).toBe(201);
  });

  it('refuses unknown event types, an empty list and unknown fields, naming each', async () => {
    const res = await t.call('POST', '/v1/webhook_endpoints', { key: sk, body: { url: 'http://127.0.0.1:1/h', enabled_events: ['order.shipped'], secret: 'mine' } });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['enabled_events.0', 'secret']);
    const empty = await t.call('POST', '/v1/webhook_endpoints', { key: sk, body: { url: 'http://127.0.0.1:1/h', enabled_events: [] } });
    expect(empty.status).toBe(400);
  });

  it('answers 404 for another account’s endpoint', async () => {
    const { body: created } = await t.call('POST', '/v1/webhook_endpoints', { key: sk, body: { url: 'http://127.0.0.1:1/h', enabled_events: ['*'] } });
    const other = (await t.signUp()).sk;
    for (const [method, path] of [
      ['GET', `/v1/webhook_endpoints/${created.id}`],
      ['DELETE', `/v1/webhook_endpoints/${created.id}`],
      ['POST', `/v1/webhook_endpoints/${created.id}/roll_secret`],
    ] as const) {
      expect((await t.call(method, path, { key: other })).status).toBe(404);
    }
  });
});

describe('webhook endpoints (security)', () => {
  it.each([
    ['http://169.254.169.254/latest/meta-data/', /169\.254\.169\.254 is a cloud metadata address/],
    ['http://[::1]/hooks', /::1 is a loopback address/],
    ['https://loopback.example.test/hooks', /loopback\.example\.test resolves to 127\.0\.0\.1, and 127\.0\.0\.1 is a loopback address/],
    ['https://localhost/hooks', /localhost resolves to ::1, and ::1 is a loopback address/],
    ['https://[fd00:ec2::254]/', /metadata/],
    ['https://10.0.0.8/', /private network address/],
    ['https://100.64.1.1/', /carrier-grade NAT/],
    ['http://hooks.example.test/tts', /https only/],
  ])('refuses %s in live mode with a 400 saying why', async (url, why) => {
    const res = await t.call('POST', '/v1/webhook_endpoints', { key: liveSk, body: { url, enabled_events: ['*'] } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.message).toMatch(why);
    expect(res.body.error.details).toEqual([{ field: 'url', message: expect.stringMatching(why) }]);
  });

  it('allows http and loopback in test mode, but never the metadata address', async () => {
    expect((await t.call('POST', '/v1/webhook_endpoints', { key: sk, body: { url: 'http://[::1]:4242/h', enabled_events: ['*'] } })).status).toBe(201);
    const metadata = await t.call('POST', '/v1/webhook_endpoints', { key: sk, body: { url: 'http://169.254.169.254/', enabled_events: ['*'] } });
    expect(metadata.status).toBe(400);
    expect(metadata.body.error.message).toContain('in any mode');
  });

  it('checks a new URL on update as at creation', async () => {
    const { body: created } = await t.call('POST', '/v1/webhook_endpoints', { key: liveSk, body });
    const res = await t.call('PATCH', `/v1/webhook_endpoints/${created.id}`, { key: liveSk, body: { url: 'https://loopback.example.test/' } });
    expect(res.status).toBe(400);
    expect((await t.call('GET', `/v1/webhook_endpoints/${created.id}`, { key: liveSk })).body.url).toBe(body.url);
  });

  it('refuses publishable keys', async () => {
    const { pk } = await t.signUp();
    expect((await t.call('GET', '/v1/webhook_endpoints', { key: pk })).status).toBe(403);
  });
});
