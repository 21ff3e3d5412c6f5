import type { AuditLogEntry, List } from '@trendy-tickets/sdk';
import { beforeEach, describe, expect, it } from 'vitest';
import { domainEventId } from '../../src/domain/domain-events.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { organizerWithEvent } from '../helpers/checkout.js';

/** Tickets issued with `POST /v1/tickets` (complimentary, or paid elsewhere) in the audit log (docs/audit-log.md). */

const CALLER = { 'X-Forwarded-For': '198.51.100.23', 'User-Agent': 'acme-sync/2.1', 'Idempotency-Key': 'comp-kavya-1' };

let t: TestApp;
let org: Awaited<ReturnType<typeof organizerWithEvent>>;

beforeEach(async () => {
  t = await buildTestApp({ env: { TTS_TRUST_PROXY: '1' } });
  org = await organizerWithEvent(t);
});

describe('the audit log of issued tickets', () => {
  it('records tickets issued by an API key once, a replayed request adding nothing, with what was issued and to whom', async () => {
    const body = { event: org.event.id, ticket_type: org.general, quantity: 2, holder: { name: 'Kavya Menon', email: 'Kavya@example.com' }, send_email: false };
    const res = await t.call('POST', '/v1/tickets', { key: org.sk, headers: CALLER, body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const replay = await t.call('POST', '/v1/tickets', { key: org.sk, headers: CALLER, body });
    expect(replay.status).toBe(201);
    const tickets = res.body.data as Array<{ id: string; order: string }>;
    const order = tickets[0]?.order ?? '';

    const key = (await t.call('GET', '/v1/keys', { key: org.sk })).body.data.find((k: { kind: string }) => k.kind === 'secret');
    const list = await t.call<List<AuditLogEntry>>('GET', '/v1/audit_logs?action=ticket.issued', { key: org.sk });
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0]).toMatchObject({
      livemode: false,
      actor: { type: 'api_key', id: key.id, label: key.display },
      target: { type: 'order', id: order },
      changes: {
        event: { before: null, after: org.event.id },
        ticket_type: { before: null, after: org.general },
        quantity: { before: null, after: 2 },
        holder: { before: null, after: 'kavya@example.com' },
        send_email: { before: null, after: false },
        tickets: { before: null, after: tickets.map((ticket) => ticket.id) },
      },
      domain_event: domainEventId(order, 'order.paid'),
      request: { id: res.headers.get('X-Request-Id'), ip: '198.51.100.23', user_agent: 'acme-sync/2.1' },
    });
  });
});
