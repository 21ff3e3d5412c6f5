/**
 * Cancelling an event in the console: the organizer chooses refunds or only notices, sees the
 * run's progress and its failures, and retries the refunds that gave up (audited).
 */
import { describe, expect, it } from 'vitest';
import type { AuditEntryDoc } from '../../src/domain/audit-log.js';
import type { OutboxJob } from '../../src/domain/ports.js';
import { signIn, signUpInConsole, visibleText } from '../console/helpers.js';
import { buildTestApp, eventBody } from '../helpers/app.js';
import { cancellationWorker, paidOrders, refundsPerOrder } from './helpers.js';

describe('cancelling an event in the console', () => {
  it('refunds every order when chosen, shows x of y refunded and the failures, and retries those that gave up', async () => {
    const t = await buildTestApp();
    const org = await signUpInConsole(t);
    const created = await t.call('POST', '/v1/events', { key: org.sk, body: eventBody({ require_email_verification: false }) });
    const event = created.body.id as string;
    // The test gateway refuses every refund of a buyer `refund-fails@…`, as Razorpay does with too little balance.
    const orders = await paidOrders(t, org.pk, event, created.body.ticket_types[0].id, 3, (i) => (i === 0 ? 'refund-fails+one@example.com' : `fan${i}@example.com`));

    const form = await org.browser.get(`/console/events/${event}/cancel`);
    expect(visibleText(form.text)).toContain('Refund every paid order in full, and tell each buyer');
    const done = await org.browser.post(`/console/events/${event}/cancel`, { buyers: 'refund', reason: 'The venue flooded', confirm: 'on' });
    expect(done.status, done.text.slice(0, 300)).toBe(303);
    expect(visibleText((await org.browser.get(`/console/events/${event}`)).text)).toContain('0 of 0 orders refunded so far');

    const worker = cancellationWorker(t);
    await worker.runOnce();
    let page = visibleText((await org.browser.get(`/console/events/${event}/cancellation`)).text);
    expect(page).toMatch(/Refunded 2 of 3 orders/);
    expect(page).toMatch(/Failing 1/);
    expect(page).toContain(orders[0]?.id);
    expect(page).toMatch(/not have enough balance.*attempt 1, trying again/);
    expect(page).not.toContain('Retry failed refunds');

    // Every retry is refused too, until the job gives up and waits for a person.
    for (let i = 0; i < 8; i++) {
      t.clock.advance(3 * 3_600_000);
      await worker.runOnce();
    }
    // A day later the console session has lapsed: sign in again.
    const browser = await signIn(t, org.email);
    page = visibleText((await browser.get(`/console/events/${event}/cancellation`)).text);
    expect(page).toMatch(/gave up after 8 attempts/);
    expect(page).toContain('Retry failed refunds (1)');
    const [dead] = await t.store.collection<OutboxJob>('outbox').find({ kind: 'event_cancel_refund', state: 'dead' });
    expect(dead?.payload.order).toBe(orders[0]?.id);

    const retried = await browser.post(`/console/events/${event}/cancellation/retry`, {});
    expect(retried.location).toBe(`/console/events/${event}/cancellation?notice=retrying`);
    expect(await t.store.collection<OutboxJob>('outbox').findOne({ _id: dead?._id })).toMatchObject({ state: 'pending', attempts: 0 });
    const audit = await t.store.collection<AuditEntryDoc>('audit_log').find({ action: 'job.retried' });
    expect(audit.map((a) => a.target.id)).toEqual([dead?._id]);
    expect([...(await refundsPerOrder(t)).entries()].filter(([id]) => id !== orders[0]?.id).map(([, n]) => n)).toEqual([1, 1]);
  }, 120_000);

  it('only tells the buyers when the organizer keeps the default choice', async () => {
    const t = await buildTestApp();
    const org = await signUpInConsole(t);
    const created = await t.call('POST', '/v1/events', { key: org.sk, body: eventBody({ require_email_verification: false }) });
    const event = created.body.id as string;
    await paidOrders(t, org.pk, event, created.body.ticket_types[0].id, 2);

    const done = await org.browser.post(`/console/events/${event}/cancel`, { confirm: 'on' });
    expect(done.status).toBe(303);
    await cancellationWorker(t).runOnce();
    expect((await refundsPerOrder(t)).size).toBe(0);
    expect(await t.store.collection<OutboxJob>('outbox').find({ kind: 'event_cancelled' })).toHaveLength(2);
    expect(visibleText((await org.browser.get(`/console/events/${event}`)).text)).toContain('Buyers were told by email.');
  });
});
