import { describe, expect, it } from 'vitest';
import type { AuditEntryDoc } from '../../src/domain/audit-log.js';
import { domainEventId } from '../../src/domain/domain-events.js';
import { issueTickets } from '../helpers/checkout.js';
import { teamWithEvent } from '../teams/helpers.js';

/** Admissions at the door in the audit log: who let each ticket in (docs/audit-log.md). */

const FROM = { 'User-Agent': 'gate-scanner/1.0' };

async function doorSetUp() {
  const { t, owner, event } = await teamWithEvent();
  const [ticket] = await issueTickets(t, owner.sk, event.id, event.ticket_types[0]!.id, { name: 'Meera', email: 'meera@example.com' });
  const log = async (action: AuditEntryDoc['action']) => (await t.services.auditLog.list(owner.account, { action, limit: 100 })).data;
  return { t, owner, event, ticket: ticket!, log };
}

describe('the audit log of admissions', () => {
  it('records an admission through POST /v1/checkins with the restricted key that scanned it', async () => {
    const { t, owner, event, ticket, log } = await doorSetUp();
    const { raw: rk, key } = await t.services.accounts.createRestrictedKey(owner.account, 'test', { name: 'Door scanners', permissions: ['checkins:write'] });
    const scan = await t.call('POST', '/v1/checkins', { key: rk, headers: FROM, body: { code: ticket.code, event: event.id } });
    expect(scan.body.result).toBe('accepted');

    const [entry, ...more] = await log('checkin.admitted');
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      actor: { type: 'api_key', id: key._id, label: key.display },
      target: { type: 'checkin', id: scan.body.id },
      changes: { ticket: { before: null, after: ticket.id }, event: { before: null, after: event.id }, status: { before: 'valid', after: 'checked_in' } },
      domain_event: domainEventId(scan.body.id, 'checkin.created'),
      user_agent: 'gate-scanner/1.0',
      request_id: scan.headers.get('X-Request-Id'),
    });
  });

  it('records nothing for a refused scan or a replayed one: only an admission changes anything', async () => {
    const { t, owner, event, ticket, log } = await doorSetUp();
    const body = { code: ticket.code, event: event.id, nonce: 'scan-0001-abcd' };
    expect((await t.call('POST', '/v1/checkins', { key: owner.sk, body })).body.result).toBe('accepted');
    expect((await t.call('POST', '/v1/checkins', { key: owner.sk, body })).body.result).toBe('accepted');
    const again = await t.call('POST', '/v1/checkins', { key: owner.sk, body: { code: ticket.code, event: event.id } });
    expect(again.body).toMatchObject({ result: 'rejected', reason: 'already_checked_in' });
    expect(await log('checkin.admitted')).toHaveLength(1);
  });

  it('records an admission in the console scanner with the member who scanned it', async () => {
    const { owner, event, ticket, log } = await doorSetUp();
    await owner.browser.get(`/console/events/${event.id}/scan`);
    const scanned = await owner.browser.post(`/console/events/${event.id}/scan`, { code: ticket.code, nonce: 'console-scan-0001' });
    expect(scanned.status).toBe(200);
    const [entry] = await log('checkin.admitted');
    expect(entry?.actor).toMatchObject({ type: 'user', label: owner.email });
    expect(entry?.actor.id).toMatch(/^mem_/);
  });
});
