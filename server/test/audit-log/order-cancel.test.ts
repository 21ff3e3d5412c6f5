import type { AuditLogEntry, List } from '@trendy-tickets/sdk';
import { beforeEach, describe, expect, it } from 'vitest';
import { domainEventId } from '../../src/domain/domain-events.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { organizerWithEvent, startOrder } from '../helpers/checkout.js';

/** Cancelling an unpaid order: the organizer's secret key is recorded, the buyer's own cancel is not (docs/audit-log.md). */

const CALLER = { 'X-Forwarded-For': '198.51.100.23', 'User-Agent': 'acme-sync/2.1' };

let t: TestApp;
let org: Awaited<ReturnType<typeof organizerWithEvent>>;

beforeEach(async () => {
  t = await buildTestApp({ env: { TTS_TRUST_PROXY: '1' } });
  org = await organizerWithEvent(t);
});

async function entries(action: string): Promise<AuditLogEntry[]> {
  const res = await t.call<List<AuditLogEntry>>('GET', `/v1/audit_logs?action=${action}`, { key: org.sk });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data;
}

describe('the audit log of order cancellations', () => {
  it('records an organizer cancelling an unpaid order with a secret key, once, with the status change and its events-log entry', async () => {
    const order = await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.general, quantity: 1 }]);
    const res = await t.call('POST', `/v1/orders/${order.id}/cancel`, { key: org.sk, headers: CALLER });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    await t.call('POST', `/v1/orders/${order.id}/cancel`, { key: org.sk });

    const key = (await t.call('GET', '/v1/keys', { key: org.sk })).body.data.find((k: { kind: string }) => k.kind === 'secret');
    const found = await entries('order.cancelled');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      livemode: false,
      actor: { type: 'api_key', id: key.id, label: key.display },
      target: { type: 'order', id: order.id },
      changes: { status: { before: order.status, after: 'cancelled' } },
      domain_event: domainEventId(order.id, 'order.cancelled'),
      request: { id: res.headers.get('X-Request-Id'), ip: '198.51.100.23', user_agent: 'acme-sync/2.1' },
    });
  });

  it('does not record a buyer cancelling their own order with its client secret: that is checkout, not a change to the account', async () => {
    const order = await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.general, quantity: 1 }]);
    const res = await t.call('POST', `/v1/orders/${order.id}/cancel`, { key: org.pk, body: { client_secret: order.client_secret } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.status).toBe('cancelled');
    expect(await entries('order.cancelled')).toEqual([]);
  });
});
