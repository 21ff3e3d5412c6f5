import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../kernel/clock.js';
import { createEmbeddedStore } from '../store/embedded.js';
import type { Store } from '../store/port.js';
import { AUDIT_LOG_INDEXES, AUDIT_RETENTION_DAYS, type AuditContext, changesBetween, createAuditLog } from './audit-log.js';

const context: AuditContext = {
  actor: { type: 'user', id: 'acct_1', label: 'asha@example.com' },
  account: 'acct_1',
  livemode: false,
  ip: '203.0.113.7',
  userAgent: 'Firefox',
  requestId: 'req_1',
};

describe('the audit log', () => {
  let store: Store;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock('2030-06-01T10:00:00.000Z');
    store = await createEmbeddedStore({ now: () => clock.now() });
  });

  it('keeps only the fields that changed, each with its value before and after', () => {
    const changes = changesBetween({ name: 'A', venue: 'X', starts_at: new Date('2030-01-01T00:00:00Z') }, { name: 'B', venue: 'X', starts_at: new Date('2030-01-02T00:00:00Z') }, [
      'name',
      'venue',
      'starts_at',
    ]);
    expect(changes).toEqual({ name: { before: 'A', after: 'B' }, starts_at: { before: '2030-01-01T00:00:00.000Z', after: '2030-01-02T00:00:00.000Z' } });
  });

  it('never stores a field named like a secret, a password, a hash or a token, at any depth', async () => {
    const audit = createAuditLog({ store, clock });
    const entry = await audit.record(context, {
      action: 'webhook_endpoint.created',
      target: { type: 'webhook_endpoint', id: 'we_1' },
      changes: { url: { before: null, after: 'https://x.test' }, secret: { before: null, after: 'whsec_x' }, key: { before: null, after: { hash: 'abc', display: 'sk_…1' } } },
    });
    expect(entry.changes).toEqual({ url: { before: null, after: 'https://x.test' }, key: { before: null, after: { display: 'sk_…1' } } });
  });

  it('filters by action, actor, target and time, newest first across cursor pages', async () => {
    const audit = createAuditLog({ store, clock });
    const key = { ...context, actor: { type: 'api_key' as const, id: 'key_1', label: 'sk_test_…abcd' } };
    for (let i = 0; i < 5; i++) {
      await audit.record(i % 2 ? key : context, { action: i % 2 ? 'event.updated' : 'event.created', target: { type: 'event', id: `evt_${i}` } });
      clock.advance(60_000);
    }
    const first = await audit.list('acct_1', { limit: 2 });
    expect(first.data.map((e) => e.target.id)).toEqual(['evt_4', 'evt_3']);
    const second = await audit.list('acct_1', { limit: 2, cursor: first.nextCursor ?? undefined });
    expect(second.data.map((e) => e.target.id)).toEqual(['evt_2', 'evt_1']);
    expect((await audit.list('acct_1', { limit: 10, action: 'event.updated' })).data.map((e) => e.target.id)).toEqual(['evt_3', 'evt_1']);
    expect((await audit.list('acct_1', { limit: 10, actor: 'key_1' })).data).toHaveLength(2);
    expect((await audit.list('acct_1', { limit: 10, target: 'evt_2' })).data).toHaveLength(1);
    const from = new Date('2030-06-01T10:01:00.000Z');
    const to = new Date('2030-06-01T10:03:00.000Z');
    expect((await audit.list('acct_1', { limit: 10, from, to })).data.map((e) => e.target.id)).toEqual(['evt_2', 'evt_1']);
    expect((await audit.list('acct_2', { limit: 10 })).data).toEqual([]);
  });

  it('expires entries no sooner than a year and a day after they were written', () => {
    const ttl = AUDIT_LOG_INDEXES.find((index) => index.expireAfterSeconds !== undefined);
    expect(ttl?.keys).toEqual({ created_at: 1 });
    expect(AUDIT_RETENTION_DAYS).toBeGreaterThanOrEqual(366);
    expect(ttl?.expireAfterSeconds).toBe(AUDIT_RETENTION_DAYS * 86_400);
  });
});
