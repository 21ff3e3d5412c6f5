import { constructEvent, type WebhookEvent } from '@trendy-tickets/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { webhookDeliverer } from '../../src/background.js';
import { createWebhookWorker, WEBHOOK_RETRY } from '../../src/delivery/webhook-jobs.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { organizerWithEvent, payWithTestGateway, startOrder, verify } from '../helpers/checkout.js';
import { startReceiver } from './receiver.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

/** An organizer with an event and a test-mode endpoint on a real receiver that answers with `status()`. */
async function subscribed(t: TestApp, enabled_events: string[], status: () => number = () => 200) {
  const receiver = await startReceiver((_req, res) => res.writeHead(status()).end('noted'));
  closers.push(receiver.close);
  const org = await organizerWithEvent(t);
  const endpoint = await t.call('POST', '/v1/webhook_endpoints', { key: org.sk, body: { url: receiver.url, enabled_events } });
  expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
  return { ...org, receiver, secret: endpoint.body.secret as string };
}

/** Buys `quantity` tickets through the test gateway, as the widget does. */
async function buy(t: TestApp, org: { pk: string; event: { id: string }; general: string }, quantity: number) {
  const order = await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.general, quantity }]);
  const verified = await verify(t, org.pk, order);
  const paid = await payWithTestGateway(t, org.pk, order, verified.payment.gateway_order_id);
  expect(paid.status, JSON.stringify(paid.body)).toBe(200);
  return paid.body;
}

const workerFor = (t: TestApp) => createWebhookWorker({ store: t.store, clock: t.clock, deliver: webhookDeliverer(t.services, t.config.publicUrl) });

describe('webhooks from a checkout', () => {
  it('delivers order.paid and a ticket.issued per ticket to a subscribed endpoint, each verified by the SDK, and nothing it did not subscribe to', async () => {
    const t = await buildTestApp();
    const org = await subscribed(t, ['order.paid', 'ticket.issued']);
    const order = await buy(t, org, 2);

    await workerFor(t).runOnce();

    const now = () => t.clock.now().getTime();
    const events: WebhookEvent[] = [];
    for (const got of org.receiver.received) events.push(await constructEvent(got.body, got.headers['tts-signature'] as string, org.secret, { now }));
    expect(events.map((e) => e.type).sort()).toEqual(['order.paid', 'ticket.issued', 'ticket.issued']);
    const paid = events.find((e) => e.type === 'order.paid');
    expect(paid?.type === 'order.paid' && paid.data.object).toMatchObject({ id: order.id, status: 'paid', amount: order.amount });
    const issued = events.flatMap((e) => (e.type === 'ticket.issued' ? [e.data.object.id] : []));
    expect(issued.sort()).toEqual(order.tickets.map((x: { id: string }) => x.id).sort());
    // The body is the events-log entry as the API shows it.
    const logged = await t.call('GET', `/v1/events_log/${paid?.id}`, { key: org.sk });
    expect(logged.body).toEqual(paid);

    // Nothing is left to send, and a second run sends nothing again.
    await workerFor(t).runOnce();
    expect(org.receiver.received).toHaveLength(3);
  });

  it('retries a receiver answering 500 three times on the backoff schedule, then delivers once', async () => {
    const t = await buildTestApp();
    const answers = [500, 500, 500, 200];
    const org = await subscribed(t, ['order.paid'], () => answers.shift() ?? 200);
    await buy(t, org, 1);
    const worker = workerFor(t);

    await worker.runOnce();
    expect(org.receiver.received).toHaveLength(1);
    // After the n-th failure the next attempt waits 1 min · 2^(n-1), less up to 20 % jitter.
    for (let failures = 1; failures <= 3; failures++) {
      const wait = 60_000 * 2 ** (failures - 1);
      t.clock.advance(Math.floor(wait * 0.8) - 1_000);
      await worker.runOnce();
      expect(org.receiver.received, `nothing before ${wait * 0.8} ms after failure ${failures}`).toHaveLength(failures);
      t.clock.advance(wait - Math.floor(wait * 0.8) + 1_000);
      await worker.runOnce();
      expect(org.receiver.received, `attempt ${failures + 1} once ${wait} ms have passed`).toHaveLength(failures + 1);
    }

    t.clock.advance(24 * 3_600_000);
    await worker.runOnce();
    expect(org.receiver.received).toHaveLength(4);
    // Every attempt carried the same event, so a receiver keeping event ids acts on it once.
    expect(new Set(org.receiver.received.map((r) => JSON.parse(r.body).id)).size).toBe(1);
    expect(WEBHOOK_RETRY.maxAttempts).toBeGreaterThan(4);
  });

  it('ends the job without sending when the endpoint was disabled before its turn', async () => {
    const t = await buildTestApp();
    const org = await subscribed(t, ['*']);
    await buy(t, org, 1);
    const [endpoint] = (await t.call('GET', '/v1/webhook_endpoints', { key: org.sk })).body.data;
    expect((await t.call('PATCH', `/v1/webhook_endpoints/${endpoint.id}`, { key: org.sk, body: { disabled: true } })).status).toBe(200);

    const summary = await workerFor(t).runOnce();
    expect(org.receiver.received).toHaveLength(0);
    expect(summary).toMatchObject({ retried: 0 });
  });
});
