/** Offers, claims and lapses of the waiting list in the events log and on webhooks. */
import { constructEvent, type WebhookEvent } from '@trendy-tickets/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { webhookDeliverer } from '../../src/background.js';
import { createWebhookWorker } from '../../src/delivery/webhook-jobs.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buyer, startOrder } from '../helpers/checkout.js';
import { claimTokenFor, joinLine, waitingListEvent } from '../waiting-list/helpers.js';
import { startReceiver } from '../webhooks/receiver.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

/** Two people wait for a one-seat VIP type; the seat comes back and the first is offered it. */
async function offered(t: TestApp) {
  const org = await waitingListEvent(t, 1);
  const order = await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.vip, quantity: 1 }]);
  const first = await joinLine(t, org.pk, org.event.id, org.vip, 1, buyer('First'));
  const second = await joinLine(t, org.pk, org.event.id, org.vip, 1, buyer('Second'));
  await t.call('POST', `/v1/orders/${order.id}/cancel`, { key: org.pk, body: { client_secret: order.client_secret } });
  expect(await t.services.waitingOffers.offerDue()).toBe(1);
  return { org, first, second };
}

const entriesOf = async (t: TestApp, sk: string, type: string) => (await t.call('GET', `/v1/events_log?type=${type}`, { key: sk })).body.data;

describe('waiting-list entries in the events log', () => {
  it('records an offer, its lapse and the next offer, each with the entry as the API shows it', async () => {
    const t = await buildTestApp();
    const { org, first, second } = await offered(t);
    const [offer] = await entriesOf(t, org.sk, 'waiting_list_entry.offered');
    const shown = (await t.call('GET', `/v1/waiting_list_entries/${first.id}`, { key: org.sk })).body;
    expect(offer.data.object).toEqual(shown);
    expect(offer.data.object).toMatchObject({ id: first.id, status: 'offered' });

    t.clock.advance(24 * 60 * 60_000 + 1);
    expect(await t.services.waitingOffers.lapseExpired()).toBe(1);
    const lapsed = await entriesOf(t, org.sk, 'waiting_list_entry.lapsed');
    expect(lapsed.map((e: { data: { object: { id: string; status: string } } }) => [e.data.object.id, e.data.object.status])).toEqual([[first.id, 'lapsed']]);
    const offers = await entriesOf(t, org.sk, 'waiting_list_entry.offered');
    expect(offers.map((e: { data: { object: { id: string } } }) => e.data.object.id)).toEqual([second.id, first.id]);
  });

  it('records a claim naming its order, and keeps no secret of the entry in the log', async () => {
    const t = await buildTestApp();
    const { org, first } = await offered(t);
    const token = (await claimTokenFor(t, first.email))!;
    const { order } = await t.services.waitingOffers.claim(token, { name: 'First' });
    const [claimed] = await entriesOf(t, org.sk, 'waiting_list_entry.claimed');
    expect(claimed.data.object).toMatchObject({ id: first.id, status: 'claimed', order: order._id });
    const stored = JSON.stringify(await t.store.collection('domain_events').find({ object_id: first.id }));
    expect(stored).not.toContain(token);
    expect(stored).not.toMatch(/"(claim_token_hash|client_secret_hash|code_hash)":"[0-9a-f]{16,}/);
  });

  it('delivers the offer to a subscribed endpoint as a signed webhook', async () => {
    const t = await buildTestApp();
    const receiver = await startReceiver((_req, res) => res.writeHead(200).end('noted'));
    closers.push(receiver.close);
    const org = await waitingListEvent(t, 1);
    const endpoint = await t.call('POST', '/v1/webhook_endpoints', { key: org.sk, body: { url: receiver.url, enabled_events: ['waiting_list_entry.offered'] } });
    expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
    const order = await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.vip, quantity: 1 }]);
    const entry = await joinLine(t, org.pk, org.event.id, org.vip, 1);
    await t.call('POST', `/v1/orders/${order.id}/cancel`, { key: org.pk, body: { client_secret: order.client_secret } });
    await t.services.waitingOffers.offerDue();

    await createWebhookWorker({ store: t.store, clock: t.clock, deliver: webhookDeliverer(t.services, t.config.publicUrl) }).runOnce();
    const now = () => t.clock.now().getTime();
    const events: WebhookEvent[] = [];
    for (const got of receiver.received) events.push(await constructEvent(got.body, got.headers['tts-signature'] as string, endpoint.body.secret, { now }));
    expect(events.map((e) => e.type)).toEqual(['waiting_list_entry.offered']);
    expect(events[0]?.data.object).toMatchObject({ id: entry.id, status: 'offered' });
  });
});
