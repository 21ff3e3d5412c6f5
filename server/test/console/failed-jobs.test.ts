import { describe, expect, it } from 'vitest';
import { createWebhookFanout, createWebhookWorker } from '../../src/delivery/webhook-jobs.js';
import { consoleWithOrganizer, signUpInConsole, visibleText } from './helpers.js';

describe('the failed jobs page', () => {
  it('shows the account’s dead webhook delivery with its error, and Retry makes it due again', async () => {
    const { t, browser, owner } = await consoleWithOrganizer();
    const fanout = createWebhookFanout({ outbox: t.services.outbox, endpointsFor: async () => [] });
    await fanout.enqueueDelivery({ event: 'ev_0123456789abcdef01234567', endpoint: 'we_a', dedupeKey: 'k1', ...owner });
    const worker = createWebhookWorker({ store: t.store, clock: t.clock, maxAttempts: 1, deliver: async () => Promise.reject(new Error('receiver answered 500')) });
    expect((await worker.runOnce()).dead).toBe(1);

    const page = await browser.get('/console/developers/jobs');
    expect(page.status).toBe(200);
    const text = visibleText(page.text);
    expect(text).toContain('Webhook ev_0123456789abcdef01234567 to we_a');
    expect(text).toContain('dead');
    expect(text).toContain('Error: receiver answered 500');

    const [job] = await t.services.outbox.listFailed(owner, 10);
    const retried = await browser.post(`/console/developers/jobs/${job!._id}/retry`);
    expect(retried.status).toBe(303);
    expect(retried.location).toBe('/console/developers/jobs?notice=retried');
    expect((await t.services.outbox.get(job!._id)).state).toBe('pending');
  });

  it('refuses a retry without the CSRF token, and hides and refuses another account’s job', async () => {
    const { t, browser, owner } = await consoleWithOrganizer();
    const fanout = createWebhookFanout({ outbox: t.services.outbox, endpointsFor: async () => [] });
    await fanout.enqueueDelivery({ event: 'ev_aaaaaaaaaaaaaaaaaaaaaaaa', endpoint: 'we_a', dedupeKey: 'k1', ...owner });
    const worker = createWebhookWorker({ store: t.store, clock: t.clock, maxAttempts: 1, deliver: async () => Promise.reject(new Error('refused')) });
    await worker.runOnce();
    const [job] = await t.services.outbox.listFailed(owner, 10);

    await browser.get('/console/developers/jobs');
    expect((await browser.post(`/console/developers/jobs/${job!._id}/retry`, { _csrf: 'forged' })).status).toBe(403);

    const other = await signUpInConsole(t, 'Other Co');
    expect(visibleText((await other.browser.get('/console/developers/jobs')).text)).toContain('Nothing has failed.');
    expect((await other.browser.post(`/console/developers/jobs/${job!._id}/retry`)).status).toBe(404);
    expect((await t.services.outbox.get(job!._id)).state).toBe('dead');
  });
});
