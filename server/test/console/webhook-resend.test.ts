import { afterEach, describe, expect, it } from 'vitest';
import { webhookDeliverer } from '../../src/background.js';
import { createWebhookWorker } from '../../src/delivery/webhook-jobs.js';
import { eventBody } from '../helpers/app.js';
import { startReceiver } from '../webhooks/receiver.js';
import { consoleWithOrganizer, visibleText } from './helpers.js';

const BASE = '/console/developers/webhooks';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

/** An organizer in the console with a `*` endpoint on a real receiver, which got one event. */
async function deliveredOnce() {
  const org = await consoleWithOrganizer();
  const receiver = await startReceiver();
  closers.push(receiver.close);
  await org.browser.get(BASE);
  expect((await org.browser.post(BASE, { url: receiver.url, 'event:*': 'on' })).status).toBe(201);
  const endpoint = (await org.t.services.webhookEndpoints.list(org.owner, { limit: 1 })).data[0]!;
  const worker = createWebhookWorker({ store: org.t.store, clock: org.t.clock, deliver: webhookDeliverer(org.t.services, org.t.config.publicUrl) });
  expect((await org.t.call('POST', '/v1/events', { key: org.sk, body: eventBody() })).status).toBe(201);
  await worker.runOnce();
  expect(receiver.received).toHaveLength(1);
  const page = await org.browser.get(`${BASE}/${endpoint._id}`);
  const resend = /<form method="post" action="([^"]+\/resend)"/.exec(page.text)?.[1];
  expect(resend, 'a Resend form on the delivery').toMatch(new RegExp(`^${BASE}/${endpoint._id}/deliveries/whd_[0-9A-Za-z]+/resend$`));
  return { ...org, receiver, endpoint, worker, resend: resend! };
}

describe('resending a webhook delivery from the console', () => {
  it('sends the same event again, with the same id, once however often Resend is pressed', async () => {
    const { browser, receiver, worker, resend } = await deliveredOnce();
    const first = await browser.post(resend);
    expect(first.status).toBe(303);
    expect(visibleText((await browser.follow(first)).text)).toContain('Queued to send again');
    expect((await browser.post(resend)).status, 'a double click').toBe(303);

    await worker.runOnce();
    expect(receiver.received).toHaveLength(2);
    const [original, again] = receiver.received.map((r) => JSON.parse(r.body));
    expect(again.id).toBe(original.id);
    expect(again).toEqual(original);
    // The resent attempt is listed too, and the queue holds nothing more.
    await worker.runOnce();
    expect(receiver.received).toHaveLength(2);
  });

  it('refuses to resend to a disabled endpoint, and says to enable it first', async () => {
    const { t, browser, receiver, worker, resend, endpoint, owner } = await deliveredOnce();
    await t.services.webhookEndpoints.update(owner, endpoint._id, { disabled: true });
    const refused = await browser.post(resend);
    expect(refused.status).toBe(409);
    expect(visibleText(refused.text)).toContain('This endpoint is disabled, so nothing is sent to it: enable it first, then resend.');
    await worker.runOnce();
    expect(receiver.received).toHaveLength(1);
  });

  it('needs the form’s CSRF token, and the delivery must be the endpoint’s own', async () => {
    const { browser, receiver, worker, resend } = await deliveredOnce();
    expect((await browser.post(resend, { _csrf: null })).status).toBe(403);
    const other = await deliveredOnce();
    expect((await other.browser.post(resend)).status).toBe(404);
    await worker.runOnce();
    expect(receiver.received).toHaveLength(1);
  });
});
