import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { CheckinDoc } from '../../src/domain/checkins.js';
import { DOMAIN_EVENTS_COLLECTION, domainEventId, type DomainEventDoc } from '../../src/domain/domain-events.js';
import type { EventDoc } from '../../src/domain/events.js';
import type { OrderDoc } from '../../src/domain/orders.js';
import type { TicketDoc } from '../../src/domain/tickets.js';
import { ManualClock } from '../../src/kernel/clock.js';
import { createServices } from '../../src/services.js';
import { op } from '../../src/store/port.js';
import { createSqliteStore } from '../../src/store/sqlite.js';
import { TEST_ENV } from '../helpers/app.js';
import { KILL_BEFORE_ENTRY, startServer, type ServerProcess } from '../helpers/server-process.js';

/**
 * The real server on a SQLite file, killed with SIGKILL while it issues tickets: whatever
 * write it was between, the next process's repair leaves every transition with exactly one
 * entry in the events log, and no entry without its transition.
 */

const dirs: string[] = [];
const running: ServerProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((s) => s.stop('SIGKILL')));
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function json(url: string, init: RequestInit = {}) {
  const res = await fetch(url, { ...init, headers: { 'Content-Type': 'application/json', ...init.headers } });
  return { status: res.status, body: (await res.json()) as any };
}

describe('the events log across a kill -9', () => {
  it('has exactly one entry per transition after the server is killed mid-rush and the next process repairs', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tts-events-kill-'));
    dirs.push(dataDir);
    const server = await startServer({ TTS_DATA_DIR: dataDir, TTS_SECRET: TEST_ENV.TTS_SECRET });
    running.push(server);
    const signUp = await json(`${server.url}/v1/accounts`, {
      method: 'POST',
      body: JSON.stringify({ email: 'kill@example.com', password: 'correct horse battery', name: 'Kill Co' }),
    });
    const auth = { Authorization: `Bearer ${signUp.body.secret_key}` };
    const event = await json(`${server.url}/v1/events`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        name: 'Rush',
        starts_at: '2031-01-01T10:00:00Z',
        ends_at: '2031-01-01T12:00:00Z',
        capacity: 5000,
        ticket_types: [{ name: 'General', price: 50_000 }],
      }),
    });
    expect(event.status).toBe(201);

    // Four clients issue tickets as fast as the server answers; the kill lands mid-request.
    let issued = 0;
    const rush = async (lane: number) => {
      for (let n = 0; ; n++) {
        const res = await fetch(`${server.url}/v1/tickets`, {
          method: 'POST',
          headers: { ...auth, 'Content-Type': 'application/json' },
          body: JSON.stringify({
            event: event.body.id,
            ticket_type: event.body.ticket_types[0].id,
            quantity: 2,
            holder: { name: `B ${lane}.${n}`, email: `b${lane}.${n}@example.com` },
            send_email: false,
          }),
        }).catch(() => null);
        if (!res) return;
        await res.body?.cancel();
        issued += 1;
      }
    };
    const lanes = Promise.all([0, 1, 2, 3].map(rush));
    while (issued < 30) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await server.stop('SIGKILL')).toBeNull();
    await lanes;

    // The next process: the same file, its repair jobs run once the sweeper's grace has passed.
    const clock = new ManualClock(new Date(Date.now() + 5 * 60_000));
    const store = await createSqliteStore({ file: join(dataDir, 'tts.sqlite'), now: () => clock.now() });
    try {
      const services = createServices({ config: loadConfig({ ...TEST_ENV, TTS_DATA_DIR: dataDir }), store, clock });
      await services.repair.sweep();
      await services.repair.sweep();

      const orders = await store.collection<OrderDoc>('orders').find({});
      const tickets = await store.collection<TicketDoc>('tickets').find({});
      const log = await store.collection<DomainEventDoc>(DOMAIN_EVENTS_COLLECTION).find({});
      const count = (type: string, id: string) => log.filter((e) => e.type === type && e.object_id === id).length;

      expect(orders.length).toBeGreaterThanOrEqual(30);
      for (const order of orders) {
        expect(count('order.created', order._id), order._id).toBe(1);
        // Paid and fulfilled: one order.paid. An order cancelled because its seats could not be sold never was paid for.
        if (order.status === 'paid') {
          expect(order.fulfilment, order._id).toBe('done');
          expect(count('order.paid', order._id), order._id).toBe(1);
        }
      }
      for (const ticket of tickets) expect(count('ticket.issued', ticket._id), ticket._id).toBe(1);
      // No entry without its change: each order.paid is a paid order's, each ticket.issued a stored ticket's.
      const paid = new Set(orders.filter((o) => o.status === 'paid').map((o) => o._id));
      for (const entry of log.filter((e) => e.type === 'order.paid')) expect(paid.has(entry.object_id), entry.object_id).toBe(true);
      const ticketIds = new Set(tickets.map((x) => x._id));
      for (const entry of log.filter((e) => e.type === 'ticket.issued')) expect(ticketIds.has(entry.object_id), entry.object_id).toBe(true);
      expect(new Set(log.map((e) => e._id)).size).toBe(log.length);
    } finally {
      await store.close();
    }
  }, 60_000);

  it('records the entry of an edit and of a scan whose server was killed with SIGKILL right after storing them', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tts-events-kill-'));
    dirs.push(dataDir);
    const env = { TTS_DATA_DIR: dataDir, TTS_SECRET: TEST_ENV.TTS_SECRET };
    // Each server dies at the write of its first entry of one type, after the change is stored.
    const editor = await startServer({ ...env, TTS_TEST_KILL_BEFORE_ENTRY: 'event.updated' }, { preload: [KILL_BEFORE_ENTRY] });
    running.push(editor);
    const signUp = await json(`${editor.url}/v1/accounts`, {
      method: 'POST',
      body: JSON.stringify({ email: 'kill-edit@example.com', password: 'correct horse battery', name: 'Kill Edit Co' }),
    });
    const auth = { Authorization: `Bearer ${signUp.body.secret_key}`, 'Content-Type': 'application/json' };
    const event = await json(`${editor.url}/v1/events`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        name: 'Before',
        starts_at: '2031-01-01T10:00:00Z',
        ends_at: '2031-01-01T12:00:00Z',
        capacity: 100,
        ticket_types: [{ name: 'General', price: 50_000 }],
      }),
    });
    expect(event.status).toBe(201);
    await expect(fetch(`${editor.url}/v1/events/${event.body.id}`, { method: 'PATCH', headers: auth, body: JSON.stringify({ name: 'After' }) })).rejects.toThrow();
    expect(await editor.stop('SIGKILL')).toBeNull();

    const door = await startServer({ ...env, TTS_TEST_KILL_BEFORE_ENTRY: 'checkin.created' }, { preload: [KILL_BEFORE_ENTRY] });
    running.push(door);
    // With a nonce, as the console's scanner and offline devices send: the scan's log entry is
    // stored before its event, so a kill between them leaves the scan for the repair to record.
    // (A scan without one sends both in one commit: a kill loses both, and nothing was answered.)
    await expect(
      fetch(`${door.url}/v1/checkins`, { method: 'POST', headers: auth, body: JSON.stringify({ code: 'tkt_00000000000000000000', nonce: 'kill-test-scan-1' }) }),
    ).rejects.toThrow();
    expect(await door.stop('SIGKILL')).toBeNull();

    // The next process: the same file, its events-log repair run once the settle delay has passed.
    const clock = new ManualClock(new Date(Date.now() + 5 * 60_000));
    const store = await createSqliteStore({ file: join(dataDir, 'tts.sqlite'), now: () => clock.now() });
    try {
      const log = store.collection<DomainEventDoc>(DOMAIN_EVENTS_COLLECTION);
      const [stored] = await store.collection<EventDoc>('events').find({ _id: event.body.id });
      const [scan] = await store.collection<CheckinDoc>('checkins').find({});
      expect(stored).toMatchObject({ name: 'After', rev: 1 });
      expect(scan).toMatchObject({ result: 'rejected', reason: 'not_found' });
      expect(await log.find({ type: op.in(['event.updated', 'checkin.created']) })).toEqual([]);

      const services = createServices({ config: loadConfig({ ...TEST_ENV, TTS_DATA_DIR: dataDir }), store, clock });
      expect(await services.repair.repairLog()).toEqual({ 'event.updated': 1, 'checkin.created': 1 });
      expect(await services.repair.repairLog()).toEqual({});
      const updated = await log.find({ type: 'event.updated' });
      expect(updated.map((e) => [e._id, e.snapshot.kind === 'event' && e.snapshot.event.name])).toEqual([[domainEventId(stored!._id, 'event.updated', 1), 'After']]);
      expect((await log.find({ type: 'checkin.created' })).map((e) => e.object_id)).toEqual([scan!._id]);
    } finally {
      await store.close();
    }
  }, 90_000);
});
