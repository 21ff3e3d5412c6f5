import { describe, expect, it } from 'vitest';
import type { AuditEntryDoc } from '../../src/domain/audit-log.js';
import { guardServices } from '../../src/domain/service-permissions.js';
import { visibleText } from '../console/helpers.js';
import { eventBody } from '../helpers/app.js';
import { issueTickets } from '../helpers/checkout.js';
import { addMember, teamWithEvent } from './helpers.js';

/** A door member at their own events: looking tickets up and undoing scans, and nothing of other events (docs/teams.md). */

async function doorAtTwoEvents() {
  const { t, owner, event } = await teamWithEvent();
  const other = (await t.call('POST', '/v1/events', { key: owner.sk, body: eventBody({ name: 'Other Night' }) })).body as typeof event;
  const holder = { name: 'Meera Iyer', email: 'meera@example.com' };
  const [mine] = await issueTickets(t, owner.sk, event.id, event.ticket_types[0]!.id, holder);
  const [theirs] = await issueTickets(t, owner.sk, other.id, other.ticket_types[0]!.id, { ...holder, name: 'Kabir Shah' });
  const admit = async (ticket: { code: string }, eventId: string) =>
    (await t.call('POST', '/v1/checkins', { key: owner.sk, body: { code: ticket.code, event: eventId } })).body as { id: string };
  const door = await addMember(t, owner.browser, 'door', [event.id]);
  return { t, owner, event, other, mine: mine!, theirs: theirs!, admit, door };
}

describe('a door member', () => {
  it('opens the ticket page of a ticket of their event, without its mail, voiding or refunds, and is refused one of another event', async () => {
    const { mine, theirs, door } = await doorAtTwoEvents();
    const page = await door.browser.get(`/console/tickets/${mine.id}`);
    expect(page.status, visibleText(page.text).slice(0, 300)).toBe(200);
    expect(visibleText(page.text)).toContain('Meera Iyer');
    expect(page.text).not.toContain('/void"');
    expect(page.text).not.toContain('/resend"');
    const elsewhere = await door.browser.get(`/console/tickets/${theirs.id}`);
    expect(elsewhere.status).toBe(403);
    expect(visibleText(elsewhere.text)).toContain('only for the events it is assigned to');
  });

  it('undoes a scan of their event from the ticket page, recorded in the audit log as theirs', async () => {
    const { t, owner, event, mine, admit, door } = await doorAtTwoEvents();
    const scan = await admit(mine, event.id);
    const page = await door.browser.get(`/console/tickets/${mine.id}`);
    expect(page.text).toContain(`action="/console/tickets/${mine.id}/undo"`);
    const undone = await door.browser.post(`/console/tickets/${mine.id}/undo`, {});
    expect(undone.status, visibleText(undone.text).slice(0, 300)).toBe(303);
    expect((await t.services.tickets.findById(mine.id))?.status).toBe('valid');
    const [entry] = (await t.services.auditLog.list(owner.account, { action: 'checkin.undone' as AuditEntryDoc['action'], limit: 10 })).data;
    expect(entry).toMatchObject({ actor: { type: 'user', id: door.member, label: door.email }, target: { type: 'checkin', id: scan.id } });
  });

  it('is refused undoing a scan of another event, on its ticket page and in the domain by the scan id', async () => {
    const { t, owner, other, theirs, admit, door } = await doorAtTwoEvents();
    const scan = await admit(theirs, other.id);
    expect((await door.browser.post(`/console/tickets/${theirs.id}/undo`, {})).status).toBe(403);
    const actor = { kind: 'member' as const, account: owner.account, member: door.member, email: door.email, role: 'door' as const, events: [] };
    const guarded = guardServices(t.services, actor);
    await expect(guarded.checkins.undo({ account: owner.account, livemode: false }, scan.id, door.email)).rejects.toThrow('only for the events it is assigned to');
    expect((await t.services.tickets.findById(theirs.id))?.status).toBe('checked_in');
  });
});
