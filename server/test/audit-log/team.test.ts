import { describe, expect, it } from 'vitest';
import type { AuditEntryDoc } from '../../src/domain/audit-log.js';
import { ownerMemberId } from '../../src/domain/members.js';
import { addMember, teamWithEvent } from '../teams/helpers.js';

/** Team changes in the audit log: who invited, joined, changed or removed whom (docs/audit-log.md). */

async function team() {
  const setUp = await teamWithEvent();
  const { t, owner } = setUp;
  const log = async (action: AuditEntryDoc['action']) => (await t.services.auditLog.list(owner.account, { action, limit: 100 })).data;
  const ownerActor = { type: 'user', id: ownerMemberId(owner.account), label: owner.email };
  return { ...setUp, log, ownerActor };
}

describe('the audit log of team changes', () => {
  it('records an invitation sent by the owner and accepted by the invitee, never the link', async () => {
    const { t, owner, event, log, ownerActor } = await team();
    const door = await addMember(t, owner.browser, 'door', [event.id]);
    const [sent] = await log('team.invitation_sent');
    expect(sent).toMatchObject({
      actor: ownerActor,
      target: { type: 'invitation' },
      changes: { email: { before: null, after: door.email }, role: { before: null, after: 'door' }, events: { before: null, after: [event.id] } },
    });
    expect(sent?.target.id).toMatch(/^tinv_/);
    const [accepted] = await log('team.invitation_accepted');
    expect(accepted).toMatchObject({ actor: { type: 'user', id: door.member, label: door.email }, target: { type: 'member', id: door.member }, livemode: null });
    const token = door.link.split('/').pop()!;
    expect(JSON.stringify(await t.store.collection('audit_log').find({}))).not.toContain(token.split('.')[1]!);
  });

  it('records a role change with the role before and after, and a removal', async () => {
    const { t, owner, event, log, ownerActor } = await team();
    const member = await addMember(t, owner.browser, 'finance');
    await owner.browser.get('/console/team');
    expect((await owner.browser.post(`/console/team/members/${member.member}`, { role: 'door', events: event.id })).status).toBe(303);
    expect((await log('team.member_role_changed'))[0]).toMatchObject({
      actor: ownerActor,
      target: { type: 'member', id: member.member },
      changes: { role: { before: 'finance', after: 'door' }, events: { before: [], after: [event.id] } },
    });
    expect((await owner.browser.post(`/console/team/members/${member.member}/remove`, {})).status).toBe(303);
    expect((await log('team.member_removed'))[0]).toMatchObject({
      actor: ownerActor,
      target: { type: 'member', id: member.member },
      changes: { email: { before: member.email, after: null }, role: { before: 'door', after: null } },
    });
  });

  it('records a withdrawn invitation once', async () => {
    const { owner, log, ownerActor } = await team();
    await owner.browser.get('/console/team');
    expect((await owner.browser.post('/console/team/invitations', { email: 'late@crew.example.com', role: 'admin' })).status).toBe(303);
    const id = (await log('team.invitation_sent'))[0]!.target.id;
    await owner.browser.post(`/console/team/invitations/${id}/revoke`, {});
    await owner.browser.post(`/console/team/invitations/${id}/revoke`, {});
    const revoked = await log('team.invitation_revoked');
    expect(revoked).toHaveLength(1);
    expect(revoked[0]).toMatchObject({ actor: ownerActor, target: { type: 'invitation', id }, changes: { email: { before: 'late@crew.example.com', after: null } } });
  });
});
