import { describe, expect, it } from 'vitest';
import type { AuditEntryDoc } from '../../src/domain/audit-log.js';
import type { DomainEventDoc } from '../../src/domain/domain-events.js';
import { createSqliteStore } from '../../src/store/sqlite.js';
import { op } from '../../src/store/port.js';
import { buildTestApp } from '../helpers/app.js';
import { organizerWithEvent } from '../helpers/checkout.js';
import { writeRounds } from './write-rounds.js';

/**
 * Issuing tickets (`POST /v1/tickets`) costs rounds of writes by the order, not by the ticket:
 * its tickets, stored already claimed for the figures, and their log entries each go out
 * together, and the call reads back nothing it stored (docs/decisions/0037-write-paths.md,
 * 0048-door-and-issuance-at-a-million.md, 0053-issuance-write-rounds.md).
 */
async function issuer() {
  const counted = writeRounds(await createSqliteStore());
  const t = await buildTestApp({ store: counted.store });
  const org = await organizerWithEvent(t);
  const issue = (quantity: number) =>
    t.call('POST', '/v1/tickets', {
      key: org.sk,
      body: { event: org.event.id, ticket_type: org.general, quantity, holder: { name: 'Kavya Menon', email: 'kavya@example.com' }, send_email: false },
    });
  // The first issue warms the per-process caches (key, signing key) as a server's first sale does.
  expect((await issue(1)).status).toBe(201);
  counted.reset();
  return { t, org, issue, counted };
}

describe('the cost of issuing tickets', () => {
  it('issues ten tickets in as many rounds of writes as one ticket takes', async () => {
    const one = await issuer();
    expect((await one.issue(1)).status).toBe(201);
    const ten = await issuer();
    expect((await ten.issue(10)).status).toBe(201);
    expect(ten.counted.rounds(), JSON.stringify(ten.counted.byCollection())).toBe(one.counted.rounds());
  });

  it('stores an order of ten tickets with one insert that is also their claim for the figures', async () => {
    const { issue, counted } = await issuer();
    await issue(10);
    expect(counted.writes('tickets'), JSON.stringify(counted.byCollection())).toBe(1);
  });

  it('issues ten tickets in at most eight rounds of writes at a busy box office: the order goes out with its seats claim, the log entries with the audit entry', async () => {
    const { issue, counted } = await issuer();
    await issue(10);
    expect(counted.rounds(), JSON.stringify(counted.byCollection())).toBeLessThanOrEqual(8);
  });

  it("records the order's entries in two inserts: order.created with the tickets, order.paid and every ticket.issued together", async () => {
    const { issue, counted } = await issuer();
    await issue(10);
    expect(counted.writes('domain_events'), JSON.stringify(counted.byCollection())).toBe(2);
  });

  it('reads the event, the seats and the tickets once each: the call answers with what it stored', async () => {
    const { issue, counted } = await issuer();
    await issue(10);
    const where = JSON.stringify(counted.byCollection());
    expect(counted.reads('events'), where).toBe(1);
    expect(counted.reads('seat_holds'), where).toBe(1);
    expect(counted.reads('tickets'), where).toBe(1);
  });

  it('answers with the tickets as stored, and logs and audits the order as before', async () => {
    const { t, org, issue } = await issuer();
    const res = await issue(10);
    const answered = res.body.data as Array<{ id: string; order: string }>;
    const order = answered[0]?.order as string;
    const listed = await t.call('GET', `/v1/orders/${order}`, { key: org.sk });
    expect(listed.body.status).toBe('paid');
    for (const ticket of answered) expect((await t.call('GET', `/v1/tickets/${ticket.id}`, { key: org.sk })).body).toEqual(ticket);
    const log = t.store.collection<DomainEventDoc>('domain_events');
    expect(await log.count({ object_id: order, type: 'order.created' })).toBe(1);
    const paid = await log.findOne({ object_id: order, type: 'order.paid' });
    expect(paid?.snapshot.kind === 'order' && paid.snapshot.tickets.map((x) => x._id)).toEqual(answered.map((x) => x.id));
    const audit = await t.store.collection<AuditEntryDoc>('audit_log').findOne({ action: 'ticket.issued', 'target.id': order });
    expect(audit?.changes.tickets?.after).toEqual(answered.map((x) => x.id));
  });

  it('still issues, counts and logs every ticket once', async () => {
    const { t, org, issue } = await issuer();
    const res = await issue(10);
    const ids = (res.body.data as Array<{ id: string }>).map((x) => x.id);
    expect(new Set(ids).size).toBe(10);
    expect(await t.store.collection('tickets').count({ order: res.body.data[0].order })).toBe(10);
    expect(await t.store.collection('domain_events').count({ type: 'ticket.issued', object_id: op.in(ids) })).toBe(10);
    const stats = await t.call('GET', `/v1/events/${org.event.id}/stats`, { key: org.sk });
    expect(stats.body.sold).toBe(11);
    expect(await t.store.collection('tickets').count({ tally_due_at: op.exists(true) })).toBe(0);
  });
});
