import { afterEach, describe, expect, it } from 'vitest';
import { webhookDeliverer } from '../../src/background.js';
import { createWebhookWorker } from '../../src/delivery/webhook-jobs.js';
import { ManualClock } from '../../src/kernel/clock.js';
import { createSqliteStore } from '../../src/store/sqlite.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { organizerWithEvent, payWithTestGateway, startOrder, verify } from '../helpers/checkout.js';
import { countingStore } from '../helpers/counting-store.js';
import { startReceiver } from './receiver.js';

// Deliveries run on the servers that take the checkout (docs/webhooks.md#delivery): what they
// cost in store operations is what they take from it, so it is held to a number here.

const ENDPOINTS = 5;
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

async function countedApp() {
  const clock = new ManualClock('2030-06-01T10:00:00.000Z');
  const counted = countingStore(await createSqliteStore({ now: () => clock.now() }));
  const t = await buildTestApp({ store: counted.store, clock });
  const receiver = await startReceiver();
  closers.push(receiver.close);
  return { t, counted, receiver };
}

async function organizer(t: TestApp, receiverUrl: string, endpoints: number) {
  const org = await organizerWithEvent(t);
  for (let n = 0; n < endpoints; n++) {
    const created = await t.call('POST', '/v1/webhook_endpoints', { key: org.sk, body: { url: `${receiverUrl}${n}`, enabled_events: ['*'] } });
    expect(created.status).toBe(201);
  }
  return org;
}

async function buy(t: TestApp, org: Awaited<ReturnType<typeof organizer>>) {
  const order = await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.general, quantity: 1 }]);
  const verified = await verify(t, org.pk, order);
  expect((await payWithTestGateway(t, org.pk, order, verified.payment.gateway_order_id)).status).toBe(200);
}

describe('what webhook deliveries cost the store', () => {
  it('queues an entry’s deliveries to five endpoints in one write, so a purchase costs few more operations than without endpoints', async () => {
    const { t, counted, receiver } = await countedApp();
    const plain = await organizer(t, receiver.url, 0);
    const subscribed = await organizer(t, receiver.url, ENDPOINTS);
    await buy(t, plain);
    await buy(t, subscribed);

    counted.reset();
    await buy(t, plain);
    const without = counted.operations('outbox');
    counted.reset();
    await buy(t, subscribed);
    const withEndpoints = counted.operations('outbox');

    // order.created, order.verified, order.paid and ticket.issued, each to five endpoints: 20 deliveries.
    expect(await t.store.collection('outbox').count({ channel: 'webhook' })).toBe(2 * 4 * ENDPOINTS);
    // One write per new entry, and two per entry handed over again (the order's history is recorded
    // again before its verification and its payment: three times), where one per delivery was 50.
    expect(withEndpoints - without, JSON.stringify(counted.operationsByCollection())).toBeLessThanOrEqual(4 + 3 * 2);
  });

  it('sends a delivery for about two store operations, not one per step of it', async () => {
    const { t, counted, receiver } = await countedApp();
    const subscribed = await organizer(t, receiver.url, ENDPOINTS);
    for (let n = 0; n < 3; n++) await buy(t, subscribed);
    const worker = createWebhookWorker({ store: counted.store, clock: t.clock, deliver: webhookDeliverer(t.services, t.config.publicUrl), batchSize: 100 });

    counted.reset();
    const summary = await worker.runOnce();
    expect(summary).toMatchObject({ sent: 3 * 4 * ENDPOINTS, retried: 0, dead: 0 });
    expect(receiver.received).toHaveLength(3 * 4 * ENDPOINTS);
    // The attempt kept for the console is one; claiming, reading the entry and the endpoint, and
    // completing are shared by the deliveries of a claim.
    const perDelivery = counted.operations() / summary.sent;
    expect(perDelivery, JSON.stringify(counted.operationsByCollection())).toBeLessThanOrEqual(2.5);
  });
});
