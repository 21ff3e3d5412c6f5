import { constructEvent, TtsSignatureVerificationError, type WebhookEvent } from '@trendy-tickets/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { deliverWebhook, MAX_RESPONSE_BYTES } from '../../src/delivery/webhook-delivery.js';
import type { WebhookTarget } from '../../src/domain/webhook-endpoints.js';
import type { ResolveHost } from '../../src/domain/webhook-url.js';
import { ManualClock } from '../../src/kernel/clock.js';
import { buildTestApp } from '../helpers/app.js';
import { closedPort, SAMPLE_SECRET, sampleEntry, startReceiver } from './receiver.js';

const clock = new ManualClock('2030-06-01T10:00:00.000Z');
const now = () => clock.now().getTime();
const secret = SAMPLE_SECRET;
const event = sampleEntry({ id: 'ord_1', object: 'order' });
const eventJson = JSON.stringify(event);
const noNames: ResolveHost = async () => [];

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

async function receiver(...args: Parameters<typeof startReceiver>) {
  const r = await startReceiver(...args);
  closers.push(r.close);
  return r;
}

const target = (url: string, overrides: Partial<WebhookTarget> = {}): WebhookTarget => ({ id: 'we_test', url, livemode: false, secrets: [secret], ...overrides });

describe('deliverWebhook to a real receiver', () => {
  it('POSTs the event JSON with a TTS-Signature that constructEvent accepts', async () => {
    const r = await receiver();
    const attempt = await deliverWebhook(target(r.url), eventJson, { clock, resolve: noNames });
    expect(attempt).toMatchObject({ ok: true, status: 200, response_excerpt: 'ok', error: null });
    expect(r.received).toHaveLength(1);
    const [got] = r.received;
    expect(got?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(got?.headers['tts-signature']).toMatch(new RegExp(`^t=${now() / 1000},v1=[0-9a-f]{64}$`));
    const verified: WebhookEvent = await constructEvent(got?.body ?? '', got?.headers['tts-signature'] as string, secret, { now });
    expect(verified).toEqual(event);
  });

  it('counts a 500 as a failure, with the status and the start of the answer', async () => {
    const r = await receiver((_req, res) => res.writeHead(500).end('database down'));
    const attempt = await deliverWebhook(target(r.url), eventJson, { clock, resolve: noNames });
    expect(attempt).toMatchObject({ ok: false, status: 500, response_excerpt: 'database down' });
    expect(attempt.error).toContain('Answered 500');
  });

  it('does not follow a redirect, and counts it as a failure naming where it pointed', async () => {
    const elsewhere = await receiver();
    const r = await receiver((_req, res) => res.writeHead(302, { Location: elsewhere.url }).end());
    const attempt = await deliverWebhook(target(r.url), eventJson, { clock, resolve: noNames });
    expect(attempt).toMatchObject({ ok: false, status: 302 });
    expect(attempt.error).toContain('redirects are not followed');
    expect(elsewhere.received).toHaveLength(0);
  });

  it('gives up on a receiver that does not answer within the timeout', async () => {
    const r = await receiver(() => {
      // Never answers.
    });
    const attempt = await deliverWebhook(target(r.url), eventJson, { clock, resolve: noNames, timeoutMs: 300 });
    expect(attempt).toMatchObject({ ok: false, status: null });
    expect(attempt.error).toContain('No complete answer within 0.3 s');
  });

  it('reports an unreachable receiver without throwing', async () => {
    const port = await closedPort();
    const attempt = await deliverWebhook(target(`http://127.0.0.1:${port}/hooks`), eventJson, { clock, resolve: noNames });
    expect(attempt).toMatchObject({ ok: false, status: null });
    expect(attempt.error).toContain('ECONNREFUSED');
  });

  it('reads at most 64 KB of a huge answer', async () => {
    const r = await receiver((_req, res) => res.writeHead(200).end('x'.repeat(4 * MAX_RESPONSE_BYTES)));
    const attempt = await deliverWebhook(target(r.url), eventJson, { clock, resolve: noNames });
    expect(attempt.ok).toBe(true);
    expect(attempt.response_excerpt.length).toBeLessThanOrEqual(1024);
  });

  it('connects to the address the check resolved, not to a second lookup of the name', async () => {
    const r = await receiver();
    const resolve: ResolveHost = async (host) => (host === 'receiver.example.test' ? [{ address: '127.0.0.1', family: 4 }] : []);
    const attempt = await deliverWebhook(target(`http://receiver.example.test:${r.port}/hooks`), eventJson, { clock, resolve });
    expect(attempt.ok).toBe(true);
    expect(r.received[0]?.headers.host).toBe(`receiver.example.test:${r.port}`);
  });

  it('checks the URL again at delivery: a live endpoint whose name now resolves to 127.0.0.1 gets nothing', async () => {
    const r = await receiver();
    const resolve: ResolveHost = async () => [{ address: '127.0.0.1', family: 4 }];
    const attempt = await deliverWebhook(target(`https://rebound.example.test:${r.port}/hooks`, { livemode: true }), eventJson, { clock, resolve });
    expect(attempt).toMatchObject({ ok: false, status: null });
    expect(attempt.error).toContain('rebound.example.test resolves to 127.0.0.1');
    expect(r.received).toHaveLength(0);
  });

  it('refuses a metadata address at delivery even in test mode', async () => {
    const attempt = await deliverWebhook(target('http://169.254.169.254/latest/meta-data/'), eventJson, { clock, resolve: noNames });
    expect(attempt.ok).toBe(false);
    expect(attempt.error).toContain('cloud metadata address');
  });
});

describe('signing secrets through a roll', () => {
  it('signs with both secrets for 24 hours after a roll, then with the new one only', async () => {
    const rollClock = new ManualClock('2030-06-01T10:00:00.000Z');
    const t = await buildTestApp({ clock: rollClock });
    const { account } = await t.signUp();
    const owner = { account: account.id, livemode: false };
    const r = await receiver();
    const created = await t.services.webhookEndpoints.create(owner, { url: r.url, enabled_events: ['order.paid'] });
    const rolled = await t.services.webhookEndpoints.rollSecret(owner, created.endpoint._id);
    rollClock.advance(23 * 60 * 60_000);

    const during = await t.services.webhookEndpoints.deliveryTarget(created.endpoint._id);
    expect(during?.secrets).toEqual([rolled.secret, created.secret]);
    await deliverWebhook(during as WebhookTarget, eventJson, { clock: rollClock, resolve: noNames });
    const header = r.received[0]?.headers['tts-signature'] as string;
    expect(header.match(/v1=/g)).toHaveLength(2);
    const at = () => rollClock.now().getTime();
    await expect(constructEvent(eventJson, header, created.secret, { now: at })).resolves.toMatchObject({ type: 'order.paid' });
    await expect(constructEvent(eventJson, header, rolled.secret, { now: at })).resolves.toMatchObject({ type: 'order.paid' });

    rollClock.advance(2 * 60 * 60_000);
    const after = await t.services.webhookEndpoints.deliveryTarget(created.endpoint._id);
    await deliverWebhook(after as WebhookTarget, eventJson, { clock: rollClock, resolve: noNames });
    const later = r.received[1]?.headers['tts-signature'] as string;
    expect(later.match(/v1=/g)).toHaveLength(1);
    await expect(constructEvent(eventJson, later, created.secret, { now: at })).rejects.toBeInstanceOf(TtsSignatureVerificationError);
    await expect(constructEvent(eventJson, later, rolled.secret, { now: at })).resolves.toMatchObject({ id: event.id });
  });

  it('stores signing secrets sealed, never as the secret itself', async () => {
    const t = await buildTestApp();
    const { account } = await t.signUp();
    const { secret: shown } = await t.services.webhookEndpoints.create({ account: account.id, livemode: false }, { url: 'http://127.0.0.1:9/h', enabled_events: ['*'] });
    const stored = JSON.stringify(await t.store.collection('webhook_endpoints').find({}));
    expect(stored).not.toContain(shown);
    expect(stored).not.toContain(shown.slice('whsec_'.length));
  });
});

describe('services.sendWebhook, what the job queue calls', () => {
  it('delivers to the endpoint as it is now, records the attempt, and sends nothing once it is disabled', async () => {
    const t = await buildTestApp();
    const { account } = await t.signUp();
    const owner = { account: account.id, livemode: false };
    const r = await receiver((_req, res) => res.writeHead(503).end('busy'));
    const { endpoint } = await t.services.webhookEndpoints.create(owner, { url: r.url, enabled_events: ['*'] });

    const attempt = await t.services.sendWebhook(endpoint._id, { id: event.id, type: event.type }, eventJson);
    expect(attempt).toMatchObject({ ok: false, status: 503, response_excerpt: 'busy' });
    const [recorded] = await t.services.webhookEndpoints.recentDeliveries(owner, endpoint._id);
    expect(recorded).toMatchObject({ event: event.id, type: 'order.paid', ok: false, status: 503, response_excerpt: 'busy' });

    await t.services.webhookEndpoints.update(owner, endpoint._id, { disabled: true });
    expect(await t.services.sendWebhook(endpoint._id, { id: event.id, type: event.type }, eventJson)).toBeNull();
    expect(r.received).toHaveLength(1);
  });
});
