import { describe, expect, it } from 'vitest';
import { AUTO_DISABLE_AFTER_MS } from '../../src/domain/webhook-endpoint-health.js';
import { consoleWithOrganizer, signIn, visibleText } from './helpers.js';

const secretOn = (html: string) => /<p class="secret mono" id="revealed-secret">([^<]+)<\/p>/.exec(html)?.[1];
const BASE = '/console/developers/webhooks';

async function withEndpoint() {
  const org = await consoleWithOrganizer();
  await org.browser.get(BASE);
  const created = await org.browser.post(BASE, { url: 'http://127.0.0.1:4242/webhooks', description: 'Fulfilment', 'event:order.paid': 'on', 'event:ticket.issued': 'on' });
  const endpoint = (await org.t.services.webhookEndpoints.list(org.owner, { limit: 1 })).data[0]!;
  return { ...org, created, endpoint };
}

describe('webhook endpoints in the console', () => {
  it('adds an endpoint and shows its signing secret once', async () => {
    const { browser, created, endpoint } = await withEndpoint();
    expect(created.status).toBe(201);
    const secret = secretOn(created.text)!;
    expect(secret).toMatch(/^whsec_[0-9A-Za-z]{32}$/);
    expect(visibleText(created.text)).toContain('Copy it now: it is shown only this once.');
    expect(endpoint.enabled_events).toEqual(['order.paid', 'ticket.issued']);
    const list = await browser.get(BASE);
    expect(visibleText(list.text)).toContain('http://127.0.0.1:4242/webhooks order.paid, ticket.issued enabled');
    expect(list.text).not.toContain(secret);
  });

  it('refuses a metadata address with the API’s reason, keeping what was typed', async () => {
    const { browser } = await consoleWithOrganizer();
    await browser.get(BASE);
    const res = await browser.post(BASE, { url: 'http://169.254.169.254/latest/meta-data/', 'event:*': 'on' });
    expect(res.status).toBe(400);
    expect(visibleText(res.text)).toContain('169.254.169.254 is a cloud metadata address, which webhooks may not reach in any mode');
    expect(res.text).toContain('value="http://169.254.169.254/latest/meta-data/"');
  });

  it('asks for at least one event type', async () => {
    const { browser } = await consoleWithOrganizer();
    await browser.get(BASE);
    const res = await browser.post(BASE, { url: 'http://127.0.0.1:4242/webhooks' });
    expect(res.status).toBe(400);
    expect(visibleText(res.text)).toContain('must name at least one event type');
  });

  it('edits and disables an endpoint', async () => {
    const { t, browser, endpoint, owner } = await withEndpoint();
    await browser.get(`${BASE}/${endpoint._id}`);
    const saved = await browser.post(`${BASE}/${endpoint._id}`, { url: 'http://127.0.0.1:4243/hooks', 'event:*': 'on', disabled: 'on' });
    expect(saved.status).toBe(303);
    expect(visibleText((await browser.follow(saved)).text)).toContain('Endpoint saved.');
    expect(await t.services.webhookEndpoints.get(owner, endpoint._id)).toMatchObject({
      url: 'http://127.0.0.1:4243/hooks',
      enabled_events: ['*'],
      disabled: true,
      description: null,
    });
  });

  it('rolls the secret, showing the new one once while the old one keeps signing', async () => {
    const { t, browser, created, endpoint } = await withEndpoint();
    await browser.get(`${BASE}/${endpoint._id}`);
    const rolled = await browser.post(`${BASE}/${endpoint._id}/roll`);
    const fresh = secretOn(rolled.text)!;
    expect(fresh).toMatch(/^whsec_/);
    expect((await t.services.webhookEndpoints.deliveryTarget(endpoint._id))?.secrets).toEqual([fresh, secretOn(created.text)]);
  });

  it('shows recent delivery attempts with status, time and the start of the answer', async () => {
    const { t, browser, endpoint } = await withEndpoint();
    await t.services.webhookEndpoints.recordDelivery(
      endpoint._id,
      { id: 'ev_1', type: 'order.paid' },
      { ok: false, status: 500, latency_ms: 42, response_excerpt: 'database down', error: 'Answered 500.' },
    );
    const text = visibleText((await browser.get(`${BASE}/${endpoint._id}`)).text);
    expect(text).toContain('order.paid ev_1 failed (500): Answered 500. 42 ms database down');
  });

  it('says when and why an endpoint was disabled for failing, and enabling it again clears its failure record', async () => {
    const { t, endpoint, owner, email } = await withEndpoint();
    const failed = { ok: false, status: 503, latency_ms: 5, response_excerpt: '', error: 'Answered 503; only a 2xx status counts as delivered.' };
    await t.services.webhookEndpoints.recordDelivery(endpoint._id, { id: 'ev_1', type: 'order.paid' }, failed);
    t.clock.advance(AUTO_DISABLE_AFTER_MS);
    await t.services.webhookEndpoints.recordDelivery(endpoint._id, { id: 'ev_2', type: 'order.paid' }, failed);
    // Three days on, the console session has lapsed: sign in again.
    const browser = await signIn(t, email);

    const page = visibleText((await browser.get(`${BASE}/${endpoint._id}`)).text);
    expect(page).toContain('Disabled automatically on 4 Jun 2030');
    expect(page).toContain('after failing for 3 days: Answered 503; only a 2xx status counts as delivered.');
    expect(visibleText((await browser.get(BASE)).text)).toContain('disabled (kept failing)');

    await browser.get(`${BASE}/${endpoint._id}`);
    const saved = await browser.post(`${BASE}/${endpoint._id}`, { url: endpoint.url, 'event:*': 'on' });
    expect(saved.status).toBe(303);
    expect(await t.services.webhookEndpoints.get(owner, endpoint._id)).toMatchObject({ disabled: false, failing_since: null, disabled_reason: null });
    expect(visibleText((await browser.follow(saved)).text)).not.toContain('Disabled automatically');
  });

  it('deletes an endpoint only when confirmed', async () => {
    const { t, browser, endpoint, owner } = await withEndpoint();
    await browser.get(`${BASE}/${endpoint._id}`);
    expect((await browser.post(`${BASE}/${endpoint._id}/delete`)).status).toBe(400);
    const deleted = await browser.post(`${BASE}/${endpoint._id}/delete`, { confirm: 'on' });
    expect(deleted.status).toBe(303);
    expect((await t.services.webhookEndpoints.list(owner, { limit: 10 })).data).toEqual([]);
  });

  it('shows another account’s endpoint as not found', async () => {
    const { endpoint } = await withEndpoint();
    const other = await consoleWithOrganizer();
    expect((await other.browser.get(`${BASE}/${endpoint._id}`)).status).toBe(404);
  });
});
