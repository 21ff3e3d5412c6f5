import { describe, expect, it } from 'vitest';
import { createWebhookFanout, createWebhookWorker } from '../../src/delivery/webhook-jobs.js';
import type { AuditEntryDoc } from '../../src/domain/audit-log.js';
import { ownerMemberId } from '../../src/domain/members.js';
import { ConsoleBrowser, consoleWithOrganizer } from '../console/helpers.js';
import { pendingVerificationToken, readyForLive } from '../helpers/account-security.js';
import { eventBody } from '../helpers/app.js';

/** The audit log of console actions that change no stored object of the organizer's but do act on the account (docs/audit-log.md). */

const FROM = { 'X-Forwarded-For': '203.0.113.9', 'User-Agent': 'Mozilla/5.0 (Test)' };

async function organizer() {
  // One proxy in front: the address it appended is the caller's.
  const org = await consoleWithOrganizer({ TTS_TRUST_PROXY: '1' });
  const log = async (action: string): Promise<AuditEntryDoc[]> => (await org.t.services.auditLog.list(org.account, { limit: 100, action: action as AuditEntryDoc['action'] })).data;
  return { ...org, log, user: { type: 'user', id: ownerMemberId(org.account), label: org.email } };
}

describe('the audit log of console actions', () => {
  it("records sending a ticket's mail again, once per mail queued, with who asked, from where, and the recipient", async () => {
    const { t, browser, sk, log, user } = await organizer();
    const event = (await t.call('POST', '/v1/events', { key: sk, body: eventBody() })).body;
    const [ticket] = (
      await t.call('POST', '/v1/tickets', {
        key: sk,
        body: { event: event.id, ticket_type: event.ticket_types[0].id, quantity: 1, holder: { name: 'Kavya', email: 'k@example.com' }, send_email: false },
      })
    ).body.data;

    await browser.get(`/console/tickets/${ticket.id}`);
    const resent = await browser.post(`/console/tickets/${ticket.id}/resend`, {}, { headers: FROM });
    expect(resent.status).toBe(303);
    // A double click within the minute queues the same mail: nothing more to record.
    await browser.post(`/console/tickets/${ticket.id}/resend`, {}, { headers: FROM });

    const entries = await log('ticket.email_resent');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor: user,
      livemode: false,
      target: { type: 'ticket', id: ticket.id },
      changes: { to: { before: null, after: 'k@example.com' } },
      ip: '203.0.113.9',
      user_agent: 'Mozilla/5.0 (Test)',
      request_id: resent.headers.get('X-Request-Id'),
    });
    expect(entries[0]?.changes.delivery?.after).toMatch(/^mail_/);
  });

  it('records retrying a failed job from the failed jobs page, with its state and attempts before and after', async () => {
    const { t, browser, owner, log, user } = await organizer();
    const fanout = createWebhookFanout({ outbox: t.services.outbox, endpointsFor: async () => [] });
    await fanout.enqueueDelivery({ event: 'ev_0123456789abcdef01234567', endpoint: 'we_a', dedupeKey: 'k1', ...owner });
    const worker = createWebhookWorker({ store: t.store, clock: t.clock, maxAttempts: 1, deliver: async () => Promise.reject(new Error('receiver answered 500')) });
    expect((await worker.runOnce()).dead).toBe(1);
    const [job] = await t.services.outbox.listFailed(owner, 10);

    await browser.get('/console/developers/jobs');
    const retried = await browser.post(`/console/developers/jobs/${job!._id}/retry`, {}, { headers: FROM });
    expect(retried.status).toBe(303);

    const entries = await log('job.retried');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor: user,
      livemode: false,
      target: { type: 'job', id: job!._id },
      changes: { state: { before: 'dead', after: 'pending' }, attempts: { before: 1, after: 0 } },
      ip: '203.0.113.9',
      user_agent: 'Mozilla/5.0 (Test)',
      request_id: retried.headers.get('X-Request-Id'),
    });
  });

  it('records switching the console between test and live data, in no mode, and nothing for a refused or repeated switch', async () => {
    const { t, browser, account, log, user } = await organizer();
    await browser.get('/console');
    // Not ready for live yet (no verified email): refused, nothing switched.
    expect((await browser.post('/console/mode', { mode: 'live', next: '/console' }, { headers: FROM })).status).toBe(403);
    expect(await log('session.mode_switched')).toEqual([]);

    await readyForLive(t, account);
    const live = await browser.post('/console/mode', { mode: 'live', next: '/console' }, { headers: FROM });
    expect(live.status).toBe(303);
    await browser.get('/console');
    await browser.post('/console/mode', { mode: 'live', next: '/console' }, { headers: FROM });
    t.clock.advance(1000);
    const test = await browser.post('/console/mode', { mode: 'test', next: '/console' }, { headers: FROM });
    expect(test.status).toBe(303);

    const entries = await log('session.mode_switched');
    expect(entries.map((e) => e.changes.livemode)).toEqual([
      { before: true, after: false },
      { before: false, after: true },
    ]);
    expect(entries[1]).toMatchObject({
      actor: user,
      livemode: null,
      target: { type: 'member', id: user.id },
      ip: '203.0.113.9',
      user_agent: 'Mozilla/5.0 (Test)',
      request_id: live.headers.get('X-Request-Id'),
    });
  });

  it('records an email address verified with its link, in no mode and without the token, and nothing for the link used again', async () => {
    const { t, email, log, user } = await organizer();
    const token = await pendingVerificationToken(t, email);
    // The link is opened from the mail, maybe in another browser: nobody need be signed in.
    const reader = new ConsoleBrowser(t);
    await reader.get(`/console/verify-email?token=${token}`);
    const verified = await reader.post('/console/verify-email', { token }, { headers: FROM });
    expect(verified.status).toBe(200);
    await reader.post('/console/verify-email', { token }, { headers: FROM });

    const entries = await log('user.email_verified');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor: user,
      livemode: null,
      target: { type: 'member', id: user.id },
      changes: { email_verified: { before: null, after: email } },
      ip: '203.0.113.9',
      user_agent: 'Mozilla/5.0 (Test)',
      request_id: verified.headers.get('X-Request-Id'),
    });
    expect(JSON.stringify(await t.store.collection('audit_log').find({}))).not.toContain(token);
  });
});
