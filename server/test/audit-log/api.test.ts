import type { AuditLogEntry, List } from '@trendy-tickets/sdk';
import { beforeEach, describe, expect, it } from 'vitest';
import { domainEventId } from '../../src/domain/domain-events.js';
import type { ResolveHost } from '../../src/domain/webhook-url.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { organizerWithEvent } from '../helpers/checkout.js';

/** The audit log through the API: each change made with a secret key, read back with GET /v1/audit_logs (docs/audit-log.md). */

const resolveHost: ResolveHost = async (host) => (host === 'hooks.example.test' ? [{ address: '93.184.216.34', family: 4 as const }] : []);
const CALLER = { 'X-Forwarded-For': '198.51.100.23', 'User-Agent': 'acme-sync/2.1' };

let t: TestApp;
let org: Awaited<ReturnType<typeof organizerWithEvent>>;

beforeEach(async () => {
  // One proxy in front: the address it appended is the caller's.
  t = await buildTestApp({ resolveHost, env: { TTS_TRUST_PROXY: '1' } });
  org = await organizerWithEvent(t);
});

/** Sends a change as the caller and returns the body and the request id it was given. */
async function change(method: string, path: string, body?: unknown) {
  const res = await t.call(method, path, { key: org.sk, headers: CALLER, ...(body === undefined ? {} : { body }) });
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  return { body: res.body, requestId: res.headers.get('X-Request-Id') };
}

async function entries(query = ''): Promise<List<AuditLogEntry>> {
  const res = await t.call<List<AuditLogEntry>>('GET', `/v1/audit_logs${query}`, { key: org.sk });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** The one entry of an action; fails if there is not exactly one. */
async function only(action: string): Promise<AuditLogEntry> {
  const list = await entries(`?action=${action}`);
  expect(list.data.map((e) => e.action)).toEqual([action]);
  return list.data[0] as AuditLogEntry;
}

describe('the audit log of API changes', () => {
  it('records an event edit by its API key with the address, user agent, request id, the changed fields only and its events-log entry', async () => {
    const { body: edited, requestId } = await change('PATCH', `/v1/events/${org.event.id}`, { name: 'Monsoon Jazz Night II', venue: 'NCPA, Mumbai' });
    const entry = await only('event.updated');
    const key = (await t.call('GET', '/v1/keys', { key: org.sk })).body.data.find((k: { kind: string }) => k.kind === 'secret');
    expect(entry).toMatchObject({
      object: 'audit_log_entry',
      livemode: false,
      actor: { type: 'api_key', id: key.id, label: key.display },
      target: { type: 'event', id: org.event.id },
      changes: { name: { before: 'Monsoon Jazz Night', after: 'Monsoon Jazz Night II' } },
      domain_event: domainEventId(org.event.id, 'event.updated', 1),
      request: { id: requestId, ip: '198.51.100.23', user_agent: 'acme-sync/2.1' },
    });
    expect(Object.keys(entry.changes)).toEqual(['name']);
    expect(entry.id).toMatch(/^aud_/);
    // The named events-log entry is the one the edit recorded.
    expect((await t.call('GET', `/v1/events_log/${entry.domain_event}`, { key: org.sk })).body.data.object.name).toBe(edited.name);
  });

  it('records creating and cancelling an event once each', async () => {
    const created = (await only('event.created')).target.id;
    expect(created).toBe(org.event.id);
    await change('POST', `/v1/events/${org.event.id}/cancel`);
    await t.call('POST', `/v1/events/${org.event.id}/cancel`, { key: org.sk });
    const cancelled = await only('event.cancelled');
    expect(cancelled.changes.status).toEqual({ before: 'published', after: 'cancelled' });
    expect(cancelled.domain_event).toBe(domainEventId(org.event.id, 'event.cancelled'));
  });

  it('records a refund, a void and an undone check-in, each naming its events-log entry', async () => {
    const issue = (quantity: number) =>
      change('POST', '/v1/tickets', { event: org.event.id, ticket_type: org.general, quantity, holder: { name: 'Kavya Menon', email: 'kavya@example.com' }, send_email: false });
    const [first, second] = (await issue(2)).body.data as Array<{ id: string; code: string; order: string }>;
    const refunded = (await issue(1)).body.data[0] as { order: string };

    await change('POST', `/v1/tickets/${first?.id}/void`);
    const scan = await change('POST', '/v1/checkins', { code: second?.code, event: org.event.id });
    await change('DELETE', `/v1/checkins/${scan.body.id}`);
    await change('POST', `/v1/orders/${refunded.order}/refund`);

    expect(await only('ticket.voided')).toMatchObject({
      target: { id: first?.id },
      changes: { status: { before: 'valid', after: 'voided' } },
      domain_event: domainEventId(first?.id ?? '', 'ticket.voided'),
    });
    expect(await only('checkin.undone')).toMatchObject({ target: { type: 'checkin', id: scan.body.id }, domain_event: domainEventId(scan.body.id, 'checkin.deleted') });
    expect(await only('order.refund_requested')).toMatchObject({
      target: { type: 'order', id: refunded.order },
      changes: { status: { before: 'paid', after: 'refunded' } },
      domain_event: domainEventId(refunded.order, 'order.refunded'),
    });
  });

  it("records key rolls and webhook endpoint changes without ever storing a key's or an endpoint's secret", async () => {
    const rolled = await change('POST', '/v1/keys/roll', { kind: 'publishable' });
    const created = await change('POST', '/v1/webhook_endpoints', { url: 'https://hooks.example.test/tts', enabled_events: ['order.paid'] });
    const endpoint = created.body.id as string;
    await change('PATCH', `/v1/webhook_endpoints/${endpoint}`, { description: 'Fulfilment' });
    const roll = await change('POST', `/v1/webhook_endpoints/${endpoint}/roll_secret`);
    await change('DELETE', `/v1/webhook_endpoints/${endpoint}`);

    expect(await only('api_key.rolled')).toMatchObject({ target: { type: 'api_key', id: rolled.body.id }, changes: { kind: { after: 'publishable' } } });
    expect((await only('webhook_endpoint.created')).changes.url).toEqual({ before: null, after: 'https://hooks.example.test/tts' });
    expect((await only('webhook_endpoint.updated')).changes).toEqual({ description: { before: null, after: 'Fulfilment' } });
    expect((await only('webhook_endpoint.secret_rolled')).changes).toEqual({ rolls: { before: 0, after: 1 } });
    expect((await only('webhook_endpoint.deleted')).changes.url).toEqual({ before: 'https://hooks.example.test/tts', after: null });

    const secrets = [rolled.body.secret, created.body.secret, roll.body.secret] as string[];
    expect(secrets.every((s) => typeof s === 'string' && s.length > 20)).toBe(true);
    const stored = JSON.stringify(await t.store.collection('audit_log').find({}));
    const served = JSON.stringify(await entries('?limit=100'));
    const csv = (await t.call('GET', '/v1/audit_logs.csv', { key: org.sk })).body as string;
    for (const secret of secrets) for (const text of [stored, served, csv]) expect(text).not.toContain(secret);
    expect(stored).not.toMatch(/whsec_|sealed|"hash"/);
  });
});

describe('reading the audit log', () => {
  it('filters by action, actor, target and time, and pages with a cursor, newest first', async () => {
    for (const name of ['A', 'B', 'C']) {
      t.clock.advance(60_000);
      await change('PATCH', `/v1/events/${org.event.id}`, { name });
    }
    const other = await organizerWithEvent(t);
    const first = await entries('?action=event.updated&limit=2');
    expect(first.data.map((e) => e.changes.name?.after)).toEqual(['C', 'B']);
    expect(first.has_more).toBe(true);
    const second = await entries(`?action=event.updated&limit=2&cursor=${first.next_cursor}`);
    expect(second.data.map((e) => e.changes.name?.after)).toEqual(['A']);
    expect(second.next_cursor).toBeNull();

    const actor = first.data[0]?.actor.id;
    expect((await entries(`?actor=${actor}&limit=100`)).data.every((e) => e.actor.id === actor)).toBe(true);
    expect((await entries(`?target=${org.event.id}&limit=100`)).data.map((e) => e.action)).toEqual(['event.updated', 'event.updated', 'event.updated', 'event.created']);
    expect((await entries(`?target=${other.event.id}`)).data).toEqual([]);
    const window = await entries('?created_gte=2030-06-01T10:02:00Z&created_lt=2030-06-01T10:03:00Z');
    expect(window.data.map((e) => e.changes.name?.after)).toEqual(['B']);
    expect((await t.call('GET', '/v1/audit_logs?action=event.deleted', { key: org.sk })).status).toBe(400);
    expect((await t.call('GET', '/v1/audit_logs', { key: org.pk })).status).toBe(403);
  });

  it('exports the log as CSV with a formula-looking value neutralised', async () => {
    await t.call('PATCH', `/v1/events/${org.event.id}`, { key: org.sk, headers: { 'User-Agent': "=cmd|' /C calc'!A0" }, body: { name: 'Renamed' } });
    const res = await t.call('GET', '/v1/audit_logs.csv?action=event.updated', { key: org.sk });
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    const [header, row, ...rest] = (res.body as string)
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(header).toBe('created_at,action,actor_type,actor_id,actor_label,target_type,target_id,changes,domain_event,ip,user_agent,request_id,livemode');
    expect(rest).toEqual([]);
    expect(row).toContain(`,'=cmd|' /C calc'!A0,`);
    expect(row).not.toMatch(/,=cmd/);
  });

  it('offers no way to change or delete an entry', async () => {
    await t.call('PATCH', `/v1/events/${org.event.id}`, { key: org.sk, body: { name: 'Renamed' } });
    const before = await entries();
    const id = before.data[0]?.id;
    for (const [method, path] of [
      ['POST', '/v1/audit_logs'],
      ['PATCH', `/v1/audit_logs/${id}`],
      ['PUT', `/v1/audit_logs/${id}`],
      ['DELETE', `/v1/audit_logs/${id}`],
      ['DELETE', '/v1/audit_logs'],
    ] as const) {
      expect((await t.call(method, path, { key: org.sk, body: {} })).status, `${method} ${path}`).toBe(404);
    }
    const doc = (await t.call('GET', '/openapi.json')).body as { paths: Record<string, object> };
    const operations = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/v1/audit_logs'))
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    expect(operations.sort()).toEqual(['get /v1/audit_logs', 'get /v1/audit_logs.csv']);
    expect(await entries()).toEqual(before);
  });
});
