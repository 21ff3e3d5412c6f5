import { describe, expect, it } from 'vitest';
import type { OutboxJob } from '../../src/domain/ports.js';
import { SUBSCRIBERS_TTL_MS } from '../../src/domain/webhook-endpoints.js';
import { ManualClock } from '../../src/kernel/clock.js';
import { createServices } from '../../src/services.js';
import { createSqliteStore } from '../../src/store/sqlite.js';
import { buildTestApp, eventBody, type TestApp } from '../helpers/app.js';
import { countingStore } from '../helpers/counting-store.js';

/** An organizer with one endpoint taking every type (nothing listens on its port: no delivery runs here). */
async function subscribed(t: TestApp) {
  const keys = await t.signUp();
  const created = await t.call('POST', '/v1/webhook_endpoints', { key: keys.sk, body: { url: 'http://127.0.0.1:9/hooks', enabled_events: ['*'] } });
  expect(created.status).toBe(201);
  const owner = { account: (keys.account as { id: string }).id, livemode: false };
  return { ...keys, owner, id: created.body.id as string };
}

const newEntry = async (t: TestApp, sk: string) => expect((await t.call('POST', '/v1/events', { key: sk, body: eventBody() })).status).toBe(201);
const webhookJobs = async (t: TestApp) => (await t.store.collection<OutboxJob>('outbox').find({ channel: 'webhook' })).length;

describe('the webhook fan-out on the events log', () => {
  it('reads the account’s endpoints from the store once for many entries, and again once the cache time has passed', async () => {
    const clock = new ManualClock('2030-06-01T10:00:00.000Z');
    const counted = countingStore(await createSqliteStore({ now: () => clock.now() }));
    const t = await buildTestApp({ store: counted.store, clock });
    const org = await subscribed(t);

    counted.reset();
    for (let n = 0; n < 20; n++) await newEntry(t, org.sk);
    expect(await webhookJobs(t), 'one delivery per entry').toBe(20);
    expect(counted.read('webhook_endpoints'), 'endpoints read for 20 entries').toBe(1);

    clock.advance(SUBSCRIBERS_TTL_MS);
    await newEntry(t, org.sk);
    expect(counted.read('webhook_endpoints')).toBe(2);
  });

  it('sends nothing to an endpoint from the moment it is disabled on this server, and again from when it is enabled', async () => {
    const t = await buildTestApp();
    const org = await subscribed(t);
    await newEntry(t, org.sk);
    expect(await webhookJobs(t)).toBe(1);

    expect((await t.call('PATCH', `/v1/webhook_endpoints/${org.id}`, { key: org.sk, body: { disabled: true } })).status).toBe(200);
    await newEntry(t, org.sk);
    expect(await webhookJobs(t), 'no delivery queued to the disabled endpoint').toBe(1);

    expect((await t.call('PATCH', `/v1/webhook_endpoints/${org.id}`, { key: org.sk, body: { disabled: false } })).status).toBe(200);
    await newEntry(t, org.sk);
    expect(await webhookJobs(t)).toBe(2);
  });

  it('sees an endpoint disabled by another server process within the cache time', async () => {
    const t = await buildTestApp();
    const org = await subscribed(t);
    await newEntry(t, org.sk);
    const other = createServices({ config: t.config, store: t.store, clock: t.clock });
    await other.webhookEndpoints.update(org.owner, org.id, { disabled: true });

    // Within the bound this server still queues; the delivery then finds the endpoint disabled and sends nothing.
    await newEntry(t, org.sk);
    expect(await webhookJobs(t)).toBe(2);
    t.clock.advance(SUBSCRIBERS_TTL_MS);
    await newEntry(t, org.sk);
    expect(await webhookJobs(t)).toBe(2);
  });
});
