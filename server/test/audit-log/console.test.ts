import { describe, expect, it } from 'vitest';
import type { AuditEntryDoc } from '../../src/domain/audit-log.js';
import { ownerMemberId } from '../../src/domain/members.js';
import { ConsoleBrowser, consoleWithOrganizer, PASSWORD, visibleText } from '../console/helpers.js';
import { eventBody } from '../helpers/app.js';

/** The audit log of what a signed-in person does in the console (docs/audit-log.md). */

const FROM = { 'X-Forwarded-For': '203.0.113.9', 'User-Agent': 'Mozilla/5.0 (Test)' };

async function organizer() {
  // One proxy in front: the address it appended is the caller's.
  const org = await consoleWithOrganizer({ TTS_TRUST_PROXY: '1' });
  const log = async (action?: string): Promise<AuditEntryDoc[]> =>
    (await org.t.services.auditLog.list(org.account, { limit: 100, ...(action ? { action: action as AuditEntryDoc['action'] } : {}) })).data;
  return { ...org, log, user: { type: 'user', id: ownerMemberId(org.account), label: org.email } };
}

describe('the audit log of console sign-ins', () => {
  it('records sign-up, sign-out, a refused password and a sign-in, each with the address, browser and request id', async () => {
    const { t, browser, email, log, user, account } = await organizer();
    expect((await log('account.created'))[0]).toMatchObject({ actor: user, changes: { email: { before: null, after: email } } });
    expect(await log('session.signed_in')).toHaveLength(1);

    await browser.get('/console');
    await browser.post('/console/logout', {}, { headers: FROM });
    expect((await log('session.signed_out'))[0]).toMatchObject({ actor: user, ip: '203.0.113.9', user_agent: 'Mozilla/5.0 (Test)' });

    const stranger = new ConsoleBrowser(t);
    await stranger.get('/console/login');
    const refused = await stranger.post('/console/login', { email, password: 'not the password', next: '/console' }, { headers: FROM });
    expect(refused.status).toBe(401);
    const failed = await log('session.sign_in_failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      actor: user,
      target: { type: 'account', id: account },
      ip: '203.0.113.9',
      user_agent: 'Mozilla/5.0 (Test)',
      request_id: refused.headers.get('X-Request-Id'),
    });

    t.clock.advance(60_000);
    const again = new ConsoleBrowser(t);
    await again.get('/console/login');
    const signedIn = await again.post('/console/login', { email, password: PASSWORD, next: '/console' }, { headers: FROM });
    expect(signedIn.status).toBe(303);
    expect((await log('session.signed_in'))[0]).toMatchObject({ request_id: signedIn.headers.get('X-Request-Id'), ip: '203.0.113.9' });
  });

  it('records nothing for a refused sign-in with an email that has no account', async () => {
    const { t } = await organizer();
    const before = await t.store.collection('audit_log').count({});
    const stranger = new ConsoleBrowser(t);
    await stranger.get('/console/login');
    expect((await stranger.post('/console/login', { email: 'nobody@example.com', password: 'whatever it is', next: '/console' })).status).toBe(401);
    expect(await t.store.collection('audit_log').count({})).toBe(before);
  });
});

describe('the audit log of console changes', () => {
  it('records each change by the signed-in person, never with a secret', async () => {
    const { t, browser, sk, log, user, account } = await organizer();
    const event = (await t.call('POST', '/v1/events', { key: sk, body: eventBody() })).body;
    const [voided, scanned] = (
      await t.call('POST', '/v1/tickets', {
        key: sk,
        body: { event: event.id, ticket_type: event.ticket_types[0].id, quantity: 2, holder: { name: 'Kavya', email: 'k@example.com' }, send_email: false },
      })
    ).body.data;
    await t.call('POST', '/v1/checkins', { key: sk, body: { code: scanned.code, event: event.id } });

    await browser.get('/console/developers');
    const made = await browser.post('/console/developers/keys', { action: 'create:secret' }, { headers: FROM });
    const createdKey = /sk_test_[0-9A-Za-z]{36}/.exec(made.text)?.[0];
    const rolled = await browser.post('/console/developers/keys', { action: 'roll:publishable' }, { headers: FROM });
    const rolledKey = /pk_test_[0-9A-Za-z]{36}/.exec(rolled.text)?.[0];
    const added = await browser.post('/console/developers/webhooks', { url: 'http://127.0.0.1:4242/webhooks', 'event:order.paid': 'on' }, { headers: FROM });
    const endpoint = (await t.services.webhookEndpoints.list({ account, livemode: false }, { limit: 1 })).data[0]!;
    const secretRoll = await browser.post(`/console/developers/webhooks/${endpoint._id}/roll`, {}, { headers: FROM });
    await browser.post(`/console/tickets/${voided.id}/void`, { confirm: 'on' }, { headers: FROM });
    await browser.post(`/console/tickets/${scanned.id}/undo`, {}, { headers: FROM });
    const cancelled = await browser.post(`/console/events/${event.id}/cancel`, { confirm: 'on' }, { headers: FROM });
    const revoked = (await t.services.accounts.listKeys(account)).find((k) => k.kind === 'secret')!;
    await browser.get(`/console/developers/keys/${revoked._id}/revoke`);
    await browser.post(`/console/developers/keys/${revoked._id}/revoke`, { confirm: 'on' }, { headers: FROM });

    for (const action of [
      'api_key.created',
      'api_key.rolled',
      'webhook_endpoint.created',
      'webhook_endpoint.secret_rolled',
      'ticket.voided',
      'checkin.undone',
      'event.cancelled',
    ]) {
      const entries = await log(action);
      expect(entries, action).toHaveLength(1);
      expect(entries[0], action).toMatchObject({ actor: user, ip: '203.0.113.9', user_agent: 'Mozilla/5.0 (Test)', livemode: false });
    }
    expect((await log('event.cancelled'))[0]?.request_id).toBe(cancelled.headers.get('X-Request-Id'));
    expect((await log('api_key.revoked'))[0]?.target).toEqual({ type: 'api_key', id: revoked._id });
    expect((await log('ticket.voided'))[0]).toMatchObject({ target: { id: voided.id }, changes: { status: { before: 'valid', after: 'voided' } } });

    const secrets = [createdKey, rolledKey, /whsec_[0-9A-Za-z]{32}/.exec(added.text)?.[0], /whsec_[0-9A-Za-z]{32}/.exec(secretRoll.text)?.[0]];
    expect(secrets.every((s) => typeof s === 'string')).toBe(true);
    const stored = JSON.stringify(await t.store.collection('audit_log').find({}));
    for (const secret of secrets) expect(stored).not.toContain(secret);
  });
});

/** The page's table of entries, as text (the filter form lists every action too). */
const table = (html: string) => visibleText(/<tbody>[\s\S]*<\/tbody>/.exec(html)?.[0] ?? '');

describe('the Audit log page', () => {
  it('lists entries filtered by action, actor and date, and downloads them as CSV with formulas neutralised', async () => {
    const { t, browser, sk, user } = await organizer();
    await t.call('POST', '/v1/events', { key: sk, body: eventBody({ name: '=HYPERLINK("http://evil.test","x")' }) });
    // 10:00 UTC is 15:30 in India; ten hours later it is the next day there.
    t.clock.advance(10 * 3_600_000);
    await browser.get('/console/developers');
    await browser.post('/console/developers/keys', { action: 'create:secret' }, { headers: { 'User-Agent': '@SUM(1+1)' } });

    const all = table((await browser.get('/console/developers/audit-log')).text);
    expect(all).toContain('api_key.created');
    expect(all).toContain('event.created');

    const byAction = table((await browser.get('/console/developers/audit-log?action=api_key.created')).text);
    expect(byAction).toContain('api_key.created');
    expect(byAction).not.toContain('event.created');

    const byActor = table((await browser.get(`/console/developers/audit-log?actor=${user.id}`)).text);
    expect(byActor).toContain('api_key.created');
    expect(byActor).not.toContain('event.created');

    // Only the key was made on 2 June, India time.
    const byDate = table((await browser.get('/console/developers/audit-log?from=2030-06-02&to=2030-06-02')).text);
    expect(byDate).toContain('api_key.created');
    expect(byDate).not.toContain('session.signed_in');

    const csv = await browser.get('/console/developers/audit-log.csv?action=api_key.created');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('Content-Disposition')).toBe('attachment; filename="audit-log.csv"');
    const rows = csv.text
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(rows).toHaveLength(2);
    expect(rows[1]).toContain(",'@SUM(1+1),");

    const events = await browser.get('/console/developers/audit-log.csv?action=event.created');
    expect(events.text).toContain('""after"":""=HYPERLINK(');
    expect(events.text).not.toMatch(/,=HYPERLINK/);
  });
});
