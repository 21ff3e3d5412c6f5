import { describe, expect, it } from 'vitest';
import type { DomainEventDoc } from '../../src/domain/domain-events.js';
import { buildTestApp } from '../helpers/app.js';
import { op } from '../../src/store/port.js';
import { organizerWithEvent } from '../helpers/checkout.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** The millisecond a sortable id's stamp (its 7 characters after the prefix) says it was made. */
function madeAt(id: string): number {
  const stamp = /^[a-z]+_([0-9A-Za-z]{7})[0-9A-Za-z]{22}$/.exec(id)?.[1];
  if (stamp === undefined) throw new Error(`${id} has no creation stamp`);
  return [...stamp].reduce((at, char) => at * 62 + BASE62.indexOf(char), 0);
}

/**
 * What a box office and a door create in bulk gets ids that sort in creation order, so the
 * store's id indexes grow at their end (docs/decisions/0054-ids-in-creation-order.md).
 */
describe('ids of what issuing and scanning create', () => {
  it('stamps orders, tickets, check-ins and audit entries with the millisecond they were made, and log entries with their object', async () => {
    const t = await buildTestApp();
    const org = await organizerWithEvent(t);
    const before = Date.now();
    const issued = await t.call('POST', '/v1/tickets', {
      key: org.sk,
      body: { event: org.event.id, ticket_type: org.general, quantity: 3, holder: { name: 'Kavya Menon', email: 'kavya@example.com' }, send_email: false },
    });
    expect(issued.status).toBe(201);
    const tickets = issued.body.data as Array<{ id: string; code: string; order: string }>;
    const scanned = await t.call('POST', '/v1/checkins', { key: org.sk, body: { code: tickets[0]?.code, event: org.event.id, by: 'Gate 2' } });
    expect(scanned.body.result).toBe('accepted');
    const after = Date.now();

    const order = tickets[0]?.order as string;
    const checkin = scanned.body.id as string;
    const audit = await t.store.collection('audit_log').find({ 'target.id': order });
    expect(audit.length).toBeGreaterThan(0);
    for (const id of [order, ...tickets.map((ticket) => ticket.id), checkin, ...audit.map((entry) => entry._id)]) {
      expect(madeAt(id), id).toBeGreaterThanOrEqual(before);
      expect(madeAt(id), id).toBeLessThanOrEqual(after);
    }

    const entries = await t.store.collection<DomainEventDoc>('domain_events').find({ object_id: op.in([order, checkin, ...tickets.map((ticket) => ticket.id)]) });
    expect(entries.map((entry) => entry.type).sort()).toEqual(['checkin.created', 'order.created', 'order.paid', 'ticket.issued', 'ticket.issued', 'ticket.issued']);
    for (const entry of entries) expect(entry._id.slice(3, 10), entry._id).toBe(entry.object_id.slice(4, 11));
  });
});
