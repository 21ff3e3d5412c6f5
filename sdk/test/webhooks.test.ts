import { createHmac } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { constructEvent, TtsConflictError, TtsSignatureVerificationError, webhooks, type WebhookEvent } from '../src/index.js';
import { buildTestApp, organizer, type TestApp } from './helpers.js';

const secret = 'whsec_0123456789abcdefghijABCDEFGHIJ01';
const nowMs = Date.parse('2030-06-01T10:00:00Z');
const t0 = nowMs / 1000;
const now = () => nowMs;
const body = JSON.stringify({
  id: 'ev_4f0c2a9be31d77a05c6e1b84',
  object: 'event_log_entry',
  type: 'ticket.issued',
  created_at: '2030-06-01T10:00:00.000Z',
  livemode: false,
  account: 'acct_1',
  data: { object: { id: 'tkt_1', object: 'ticket' } },
});

/** Signs as the documented scheme says, with Node's own HMAC: an implementation independent of the SDK's. */
const sign = (raw: string, key: string, at: number) => createHmac('sha256', key).update(`${at}.${raw}`).digest('hex');

describe('webhooks.constructEvent', () => {
  it('returns the event, typed by its type, for a body signed with the secret', async () => {
    const event: WebhookEvent = await webhooks.constructEvent(body, `t=${t0},v1=${sign(body, secret, t0)}`, secret, { now });
    expect(event.type).toBe('ticket.issued');
    if (event.type === 'ticket.issued') expect(event.data.object.id).toBe('tkt_1');
  });

  it('accepts the body as bytes, and any one of several v1 signatures (a secret roll)', async () => {
    const header = `t=${t0},v1=${sign(body, 'whsec_other', t0)},v1=${sign(body, secret, t0)}`;
    await expect(constructEvent(new TextEncoder().encode(body), header, secret, { now })).resolves.toMatchObject({ object: 'event_log_entry' });
  });

  it('refuses a signature made with another secret', async () => {
    const header = `t=${t0},v1=${sign(body, 'whsec_wrong', t0)}`;
    await expect(constructEvent(body, header, secret, { now })).rejects.toThrow(TtsSignatureVerificationError);
  });

  it('refuses a modified body, even by one character', async () => {
    const header = `t=${t0},v1=${sign(body, secret, t0)}`;
    await expect(constructEvent(body.replace('tkt_1', 'tkt_2'), header, secret, { now })).rejects.toThrow(/No signature in TTS-Signature matches/);
  });

  it('refuses a timestamp older than the tolerance, and takes a wider tolerance when given', async () => {
    const old = t0 - 301;
    const header = `t=${old},v1=${sign(body, secret, old)}`;
    await expect(constructEvent(body, header, secret, { now })).rejects.toThrow(/more than 300 s from now/);
    await expect(constructEvent(body, header, secret, { now, toleranceSeconds: 600 })).resolves.toMatchObject({ type: 'ticket.issued' });
  });

  it('refuses a timestamp changed after signing (a replay with a fresh t)', async () => {
    const header = `t=${t0},v1=${sign(body, secret, t0 - 3600)}`;
    await expect(constructEvent(body, header, secret, { now })).rejects.toThrow(TtsSignatureVerificationError);
  });

  it.each([undefined, '', 'v1=abc', 't=now,v1=abc', `t=${t0}`])('refuses a missing or malformed header (%s)', async (header) => {
    await expect(constructEvent(body, header, secret, { now })).rejects.toThrow(TtsSignatureVerificationError);
  });
});

describe('client.webhookEndpoints against the real API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });

  it('creates, lists, updates, rolls and deletes an endpoint', async () => {
    const { tts } = await organizer(t);
    const created = await tts.webhookEndpoints.create({ url: 'http://127.0.0.1:4242/hooks', enabled_events: ['order.paid'], description: 'Local' });
    expect(created.secret).toMatch(/^whsec_/);
    const listed = await tts.webhookEndpoints.list().page();
    expect(listed.data.map((e) => e.id)).toEqual([created.id]);
    expect(await tts.webhookEndpoints.update(created.id, { enabled_events: ['*'] })).toMatchObject({ enabled_events: ['*'] });
    const rolled = await tts.webhookEndpoints.rollSecret(created.id);
    expect(rolled.secret).not.toBe(created.secret);
    expect(await tts.webhookEndpoints.retrieve(created.id)).not.toHaveProperty('secret');
    expect(await tts.webhookEndpoints.del(created.id)).toEqual({ id: created.id, object: 'webhook_endpoint', deleted: true });
  });

  it('throws TtsConflictError past sixteen endpoints in a mode', async () => {
    const { tts } = await organizer(t);
    for (let i = 0; i < 16; i++) await tts.webhookEndpoints.create({ url: `http://127.0.0.1:4242/${i}`, enabled_events: ['*'] });
    await expect(tts.webhookEndpoints.create({ url: 'http://127.0.0.1:4242/x', enabled_events: ['*'] })).rejects.toBeInstanceOf(TtsConflictError);
  });
});
