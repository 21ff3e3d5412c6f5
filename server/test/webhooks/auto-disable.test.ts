import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { webhookDeliverer } from '../../src/background.js';
import { createSmtpMailer } from '../../src/delivery/mailer.js';
import { createWebhookWorker } from '../../src/delivery/webhook-jobs.js';
import type { AccountDoc } from '../../src/domain/accounts.js';
import { AUTO_DISABLE_AFTER_MS, ENDPOINT_DISABLED_MAIL } from '../../src/domain/webhook-endpoint-health.js';
import type { OutboxJob } from '../../src/domain/ports.js';
import { startSmtpSink, type SmtpSink } from '../delivery/smtp-sink.js';
import { buildTestApp, eventBody, type TestApp } from '../helpers/app.js';
import { mailWorker } from '../helpers/checkout.js';
import { startReceiver } from './receiver.js';

const DAY = 24 * 3_600_000;

let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(async () => {
  await smtp.stop();
});
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

/** An organizer with a `*` endpoint on a real receiver answering `status()`, and the webhook and mail workers run by hand. */
async function failingEndpoint(status: () => number) {
  const t = await buildTestApp();
  const receiver = await startReceiver((_req, res) => res.writeHead(status()).end('receiver down'));
  closers.push(receiver.close);
  const keys = await t.signUp();
  const created = await t.call('POST', '/v1/webhook_endpoints', { key: keys.sk, body: { url: receiver.url, enabled_events: ['*'] } });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  const webhooks = createWebhookWorker({ store: t.store, clock: t.clock, deliver: webhookDeliverer(t.services, t.config.publicUrl) });
  const mail = mailWorker(t, createSmtpMailer({ url: smtp.url, from: 'Tickets <tickets@tts.test>' }));
  const owner = { account: (keys.account as { id: string }).id, livemode: false };
  return {
    t,
    keys,
    id,
    receiver,
    owner,
    endpoint: () => t.services.webhookEndpoints.get(owner, id),
    /** One new events-log entry (an event created), then every due delivery attempted. */
    async deliverNewEntry() {
      expect((await t.call('POST', '/v1/events', { key: keys.sk, body: eventBody() })).status).toBe(201);
      await webhooks.runOnce();
    },
    async sendMail() {
      await mail.runOnce();
    },
  };
}

const webhookJobs = async (t: TestApp) => (await t.store.collection<OutboxJob>('outbox').find({ channel: 'webhook' })).length;
const disabledMails = async (t: TestApp) => (await t.store.collection<OutboxJob>('outbox').find({ kind: ENDPOINT_DISABLED_MAIL })).length;

describe('an endpoint that keeps failing', () => {
  it('is disabled once after failing for three days, and the organizer gets one mail naming it, its last error and its console page', async () => {
    const f = await failingEndpoint(() => 500);
    const start = f.t.clock.now();
    await f.deliverNewEntry();
    expect(await f.endpoint()).toMatchObject({ disabled: false, failing_since: start });

    f.t.clock.advance(DAY);
    await f.deliverNewEntry();
    f.t.clock.advance(AUTO_DISABLE_AFTER_MS - DAY - 60_000);
    await f.deliverNewEntry();
    expect((await f.endpoint()).disabled, 'a minute short of three days').toBe(false);

    f.t.clock.advance(120_000);
    await f.deliverNewEntry();
    const disabledAt = f.t.clock.now();
    expect(await f.endpoint()).toMatchObject({ disabled: true, disabled_reason: 'failing', disabled_at: disabledAt, failing_since: start });
    const attempts = f.receiver.received.length;
    const queued = await webhookJobs(f.t);
    // At once, not only after the fan-out's cache time: this server dropped its list of enabled endpoints.
    await f.deliverNewEntry();
    expect(await webhookJobs(f.t), 'no delivery queued right after the disabling').toBe(queued);

    // Nothing more is queued or sent, retries included, and no second mail is queued.
    for (let day = 0; day < 3; day++) {
      f.t.clock.advance(DAY);
      await f.deliverNewEntry();
    }
    expect(await webhookJobs(f.t), 'no delivery queued for entries after the disabling').toBe(queued);
    expect(f.receiver.received).toHaveLength(attempts);
    expect(await disabledMails(f.t)).toBe(1);

    const before = smtp.received.length;
    await f.sendMail();
    const mails = (await smtp.parsed()).slice(before);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    const account = await f.t.store.collection<AccountDoc>('accounts').findOne({ _id: f.owner.account });
    expect(mail?.to && 'text' in mail.to ? mail.to.text : '').toBe(account?.email);
    expect(mail?.subject).toBe(`Webhook endpoint disabled: ${f.receiver.url}`);
    expect(mail?.text).toContain(`Your test-mode webhook endpoint ${f.receiver.url} failed every delivery since`);
    expect(mail?.text).toContain('Last error: Answered 500; only a 2xx status counts as delivered.');
    expect(mail?.text).toContain(`http://tickets.test/console/developers/webhooks/${f.id}`);
    expect(mail?.html).toContain(`href="http://tickets.test/console/developers/webhooks/${f.id}"`);
  });

  it('starts counting again after any successful delivery', async () => {
    let status = 500;
    const f = await failingEndpoint(() => status);
    await f.deliverNewEntry();
    f.t.clock.advance(2 * DAY);
    status = 200;
    await f.deliverNewEntry();
    expect((await f.endpoint()).failing_since).toBeNull();

    status = 500;
    f.t.clock.advance(1.5 * DAY);
    await f.deliverNewEntry();
    const streak = f.t.clock.now();
    f.t.clock.advance(2.5 * DAY);
    await f.deliverNewEntry();
    expect(await f.endpoint(), 'four days after the first failure, but only two and a half into this streak').toMatchObject({ disabled: false, failing_since: streak });
    f.t.clock.advance(0.5 * DAY + 1);
    await f.deliverNewEntry();
    expect((await f.endpoint()).disabled).toBe(true);
    expect(await disabledMails(f.t)).toBe(1);
  });

  it('disables once when two failing attempts race past the limit', async () => {
    const f = await failingEndpoint(() => 500);
    await f.deliverNewEntry();
    f.t.clock.advance(AUTO_DISABLE_AFTER_MS);
    const failed = { ok: false, status: 500, latency_ms: 3, response_excerpt: '', error: 'Answered 500.' };
    await Promise.all([1, 2, 3].map((n) => f.t.services.webhookEndpoints.recordDelivery(f.id, { id: `ev_${n}`, type: 'order.paid' }, failed)));
    expect((await f.endpoint()).disabled).toBe(true);
    expect(await disabledMails(f.t)).toBe(1);
  });

  it('keeps counting when an enabled endpoint is saved with other changes', async () => {
    const f = await failingEndpoint(() => 500);
    const start = f.t.clock.now();
    await f.deliverNewEntry();
    f.t.clock.advance(DAY);
    const saved = await f.t.call('PATCH', `/v1/webhook_endpoints/${f.id}`, { key: f.keys.sk, body: { description: 'Fulfilment', disabled: false } });
    expect(saved.status).toBe(200);
    expect((await f.endpoint()).failing_since).toEqual(start);
  });

  it('answers the failure record in the API: since when it fails, and when and why it was disabled', async () => {
    const f = await failingEndpoint(() => 500);
    const read = async () => (await f.t.call('GET', `/v1/webhook_endpoints/${f.id}`, { key: f.keys.sk })).body;
    expect(await read()).toMatchObject({ disabled: false, disabled_reason: null, disabled_at: null, failing_since: null });

    const start = f.t.clock.now();
    await f.deliverNewEntry();
    expect(await read()).toMatchObject({ disabled: false, disabled_reason: null, disabled_at: null, failing_since: start.toISOString() });

    f.t.clock.advance(AUTO_DISABLE_AFTER_MS);
    await f.deliverNewEntry();
    const disabledAt = f.t.clock.now().toISOString();
    expect(await read()).toMatchObject({ disabled: true, disabled_reason: 'failing', disabled_at: disabledAt, failing_since: start.toISOString() });
    const listed = (await f.t.call('GET', '/v1/webhook_endpoints', { key: f.keys.sk })).body.data[0];
    expect(listed).toMatchObject({ id: f.id, disabled_reason: 'failing', disabled_at: disabledAt });

    f.t.clock.advance(60_000);
    const paused = await f.t.call('PATCH', `/v1/webhook_endpoints/${f.id}`, { key: f.keys.sk, body: { disabled: false } });
    expect(paused.body).toMatchObject({ disabled: false, disabled_reason: null, disabled_at: null, failing_since: null });
    const byOrganizer = await f.t.call('PATCH', `/v1/webhook_endpoints/${f.id}`, { key: f.keys.sk, body: { disabled: true } });
    expect(byOrganizer.body).toMatchObject({ disabled: true, disabled_reason: 'organizer', disabled_at: f.t.clock.now().toISOString() });
  });

  it('clears the failure record when the organizer enables the endpoint again', async () => {
    const f = await failingEndpoint(() => 500);
    await f.deliverNewEntry();
    f.t.clock.advance(AUTO_DISABLE_AFTER_MS);
    await f.deliverNewEntry();
    expect((await f.endpoint()).disabled).toBe(true);

    const enabled = await f.t.call('PATCH', `/v1/webhook_endpoints/${f.id}`, { key: f.keys.sk, body: { disabled: false } });
    expect(enabled.status).toBe(200);
    expect(await f.endpoint()).toMatchObject({ disabled: false, failing_since: null, disabled_at: null, disabled_reason: null });
    // A failure now starts a new three days rather than disabling it again at once.
    await f.deliverNewEntry();
    expect((await f.endpoint()).disabled).toBe(false);
  });
});
