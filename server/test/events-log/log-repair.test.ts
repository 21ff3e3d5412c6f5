import { afterEach, describe, expect, it } from 'vitest';
import { backgroundJobs, createBackgroundRunner, webhookDeliverer } from '../../src/background.js';
import { createCheckinService, type CheckinDoc } from '../../src/domain/checkins.js';
import { createDomainEvents, DOMAIN_EVENTS_COLLECTION, domainEventId, type DomainEventDoc, type DomainEvents, type DomainEventType } from '../../src/domain/domain-events.js';
import { createEventService, type EventDoc, type EventInput, type Owner } from '../../src/domain/events.js';
import { createWebhookWorker } from '../../src/delivery/webhook-jobs.js';
import type { OutboxJob } from '../../src/domain/ports.js';
import { LOG_REPAIR_MARGIN_MS, LOG_REPAIR_PAGE, LOG_REPAIR_PAGES } from '../../src/domain/log-repair.js';
import { ManualClock } from '../../src/kernel/clock.js';
import { createSqliteStore } from '../../src/store/sqlite.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { issueTickets, organizerWithEvent } from '../helpers/checkout.js';
import { countingStore } from '../helpers/counting-store.js';
import { startReceiver } from '../webhooks/receiver.js';

/**
 * Creating, editing and cancelling an event, logging a scan and undoing one are finished by no
 * later job, so a process killed between such a change and its entry would lose the entry. These
 * tests make that crash happen (the change goes through the service, whose events log dies
 * before it writes), then run the repair job and read the log.
 */

const MINUTE = 60_000;
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

/** The services of a process killed right after a change of one of `types`, before its entry is written. */
function crashingServices(t: TestApp, ...types: DomainEventType[]) {
  const log = t.services.domainEvents;
  const domainEvents: DomainEvents = {
    ...log,
    record: (input) => (types.includes(input.type) ? Promise.reject(new Error('killed before the entry was written')) : log.record(input)),
  };
  return {
    events: createEventService({ store: t.store, clock: t.clock, domainEvents }),
    checkins: createCheckinService({
      store: t.store,
      clock: t.clock,
      codes: t.services.codes,
      figures: t.services.figures,
      eventOf: (id) => t.services.events.findById(id),
      domainEvents,
    }),
  };
}

async function entriesAbout(t: TestApp, objectId: string, type?: string): Promise<DomainEventDoc[]> {
  return t.store.collection<DomainEventDoc>(DOMAIN_EVENTS_COLLECTION).find({ object_id: objectId, ...(type === undefined ? {} : { type }) });
}

async function organizer(t: TestApp) {
  const org = await organizerWithEvent(t);
  const owner: Owner = { account: org.account.id, livemode: false };
  return { ...org, owner };
}

const eventInput = (name: string): EventInput => ({
  name,
  starts_at: new Date('2030-06-08T14:00:00Z'),
  ends_at: new Date('2030-06-08T18:00:00Z'),
  capacity: 100,
  ticket_types: [{ name: 'General', price: 49_900 }],
});

describe('the events-log repair of event and scan changes', () => {
  it('records event.created once for an event whose process died right after storing it, once it has settled, and nothing on the next pass', async () => {
    const t = await buildTestApp();
    const { owner, sk, event: first } = await organizer(t);
    await expect(crashingServices(t, 'event.created').events.create(owner, eventInput('Killed Mid-Create'))).rejects.toThrow('killed');
    const [event] = (await t.store.collection<EventDoc>('events').find({ account: owner.account })).filter((e) => e._id !== first.id);
    expect(event).toBeDefined();
    expect(await entriesAbout(t, event!._id)).toEqual([]);

    // Still within the settle delay: the request making it may yet record it.
    expect(await t.services.repair.repairLog()).toEqual({});
    t.clock.advance(2 * MINUTE);
    expect(await t.services.repair.repairLog()).toEqual({ 'event.created': 1 });
    expect(await t.services.repair.repairLog()).toEqual({});

    const entries = await entriesAbout(t, event!._id);
    expect(entries.map((e) => e.type)).toEqual(['event.created']);
    expect(entries[0]).toMatchObject({ _id: domainEventId(event!._id, 'event.created'), created_at: event!.created_at, account: owner.account, livemode: false });
    // Read through the API like any entry, with the event as the repair found it.
    const listed = await t.call('GET', `/v1/events_log?object=${event!._id}`, { key: sk });
    expect(listed.body.data.map((e: { type: string; data: { object: { name: string } } }) => [e.type, e.data.object.name])).toEqual([['event.created', 'Killed Mid-Create']]);
  });

  it("records the current revision's event.updated when an edit's entry was lost, and delivers it to a subscribed endpoint", async () => {
    const t = await buildTestApp();
    const { owner, sk, event } = await organizer(t);
    const receiver = await startReceiver();
    closers.push(receiver.close);
    const endpoint = await t.call('POST', '/v1/webhook_endpoints', { key: sk, body: { url: receiver.url, enabled_events: ['event.updated'] } });
    expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);

    t.clock.advance(MINUTE);
    await expect(crashingServices(t, 'event.updated').events.update(owner, event.id, { name: 'Renamed Then Killed' })).rejects.toThrow('killed');
    expect(await entriesAbout(t, event.id, 'event.updated')).toEqual([]);
    const editedAt = t.clock.now();

    t.clock.advance(2 * MINUTE);
    expect(await t.services.repair.repairLog()).toEqual({ 'event.updated': 1 });
    expect(await t.services.repair.repairLog()).toEqual({});
    const [entry, ...more] = await entriesAbout(t, event.id, 'event.updated');
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ _id: domainEventId(event.id, 'event.updated', 1), created_at: editedAt });
    expect(entry!.snapshot).toMatchObject({ kind: 'event', event: { name: 'Renamed Then Killed', rev: 1 } });

    await createWebhookWorker({ store: t.store, clock: t.clock, deliver: webhookDeliverer(t.services, t.config.publicUrl) }).runOnce();
    expect(receiver.received.map((r) => JSON.parse(r.body) as { id: string; type: string })).toEqual([expect.objectContaining({ id: entry!._id, type: 'event.updated' })]);
  });

  it('queues the deliveries of an entry written just before a crash cut its fan-out short, once', async () => {
    const t = await buildTestApp();
    const { owner, sk, event } = await organizer(t);
    const receiver = await startReceiver();
    closers.push(receiver.close);
    const endpoint = await t.call('POST', '/v1/webhook_endpoints', { key: sk, body: { url: receiver.url, enabled_events: ['event.updated'] } });
    expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
    // The entry is written, then the process dies before it queues a delivery.
    const cutShort = createEventService({ store: t.store, clock: t.clock, domainEvents: createDomainEvents({ store: t.store, clock: t.clock }) });
    await cutShort.update(owner, event.id, { name: 'Announced Late' });
    const webhookJobs = () => t.store.collection<OutboxJob>('outbox').find({ channel: 'webhook' });
    expect(await webhookJobs()).toEqual([]);

    t.clock.advance(2 * MINUTE);
    expect(await t.services.repair.repairLog()).toEqual({});
    t.clock.advance(MINUTE);
    expect(await t.services.repair.repairLog()).toEqual({});
    const jobs = await webhookJobs();
    expect(jobs.map((j) => j.payload)).toEqual([{ event: domainEventId(event.id, 'event.updated', 1), endpoint: endpoint.body.id }]);
  });

  it("records a lost edit's entry, as of that revision, when the next edit comes before any repair", async () => {
    const t = await buildTestApp();
    const { owner, event } = await organizer(t);
    await expect(crashingServices(t, 'event.updated').events.update(owner, event.id, { name: 'First Edit' })).rejects.toThrow('killed');
    t.clock.advance(1000);
    await t.services.events.update(owner, event.id, { name: 'Second Edit' });

    const updates = await entriesAbout(t, event.id, 'event.updated');
    const byRev = updates.map((e) => [e._id, e.snapshot.kind === 'event' ? e.snapshot.event.name : null]).sort();
    expect(byRev).toEqual(
      [
        [domainEventId(event.id, 'event.updated', 1), 'First Edit'],
        [domainEventId(event.id, 'event.updated', 2), 'Second Edit'],
      ].sort(),
    );
  });

  it('records a lost edit when the event is cancelled before the repair, and a lost cancellation at the time it happened', async () => {
    const t = await buildTestApp();
    const { owner, event } = await organizer(t);
    await expect(crashingServices(t, 'event.updated').events.update(owner, event.id, { name: 'Edited' })).rejects.toThrow('killed');
    t.clock.advance(1000);
    await expect(crashingServices(t, 'event.cancelled').events.cancel(owner, event.id)).rejects.toThrow('killed');
    const cancelledAt = t.clock.now();
    expect((await entriesAbout(t, event.id, 'event.updated')).map((e) => e._id)).toEqual([domainEventId(event.id, 'event.updated', 1)]);
    expect(await entriesAbout(t, event.id, 'event.cancelled')).toEqual([]);

    t.clock.advance(2 * MINUTE);
    expect(await t.services.repair.repairLog()).toEqual({ 'event.cancelled': 1 });
    expect(await t.services.repair.repairLog()).toEqual({});
    const [cancelled] = await entriesAbout(t, event.id, 'event.cancelled');
    expect(cancelled).toMatchObject({ _id: domainEventId(event.id, 'event.cancelled'), created_at: cancelledAt });
    expect(await entriesAbout(t, event.id)).toHaveLength(3);
  });

  it('records checkin.created for a scan and checkin.deleted for an undo whose entries were lost, each once', async () => {
    const t = await buildTestApp();
    const { owner, sk, event, general } = await organizer(t);
    const [kept, lost] = await issueTickets(t, sk, event.id, general, { name: 'Ravi', email: 'ravi@example.com' }, 2);
    const crashed = crashingServices(t, 'checkin.created', 'checkin.deleted');
    // One scan is logged by a healthy server and undone by one that dies; another is logged by one that dies.
    const { checkin: admitted } = await t.services.checkins.scan(owner, { code: kept!.code, by: 'Gate 1' });
    t.clock.advance(1000);
    await expect(crashed.checkins.undo(owner, admitted._id, 'Gate 1')).rejects.toThrow('killed');
    t.clock.advance(1000);
    await expect(crashed.checkins.scan(owner, { code: lost!.code, by: 'Gate 2' })).rejects.toThrow('killed');
    const [scan] = await t.store.collection<CheckinDoc>('checkins').find({ ticket: lost!.id });
    expect(scan).toMatchObject({ result: 'accepted' });
    expect(await entriesAbout(t, admitted._id, 'checkin.deleted')).toEqual([]);
    expect(await entriesAbout(t, scan!._id)).toEqual([]);

    t.clock.advance(2 * MINUTE);
    expect(await t.services.repair.repairLog()).toEqual({ 'checkin.created': 1, 'checkin.deleted': 1 });
    expect(await t.services.repair.repairLog()).toEqual({});
    expect((await entriesAbout(t, admitted._id)).map((e) => e.type).sort()).toEqual(['checkin.created', 'checkin.deleted']);
    const [created] = await entriesAbout(t, scan!._id);
    expect(created).toMatchObject({ type: 'checkin.created', created_at: scan!.created_at });
    expect(created!.snapshot).toMatchObject({ kind: 'checkin', ticket: { _id: lost!.id, status: 'checked_in' } });
  });

  it('finishes an undo killed between reopening the ticket and marking the scan undone, with its entry, once', async () => {
    const t = await buildTestApp();
    const { owner, sk, event, general } = await organizer(t);
    const [ticket, still] = await issueTickets(t, sk, event.id, general, { name: 'Ravi', email: 'ravi@example.com' }, 2);
    const { checkin: admitted } = await t.services.checkins.scan(owner, { code: ticket!.code, by: 'Gate 1' });
    const { checkin: untouched } = await t.services.checkins.scan(owner, { code: still!.code, by: 'Gate 1' });
    // A process that dies as it marks the scan undone, after the ticket was reopened.
    const checkinDocs = t.store.collection<CheckinDoc>('checkins');
    // Methods bound to the real objects, whose private fields a proxy cannot reach.
    const through = <T extends object>(target: T, key: string | symbol) => {
      const value = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    };
    const dyingCheckins = new Proxy(checkinDocs, {
      get: (target, key) => (key === 'findOneAndUpdate' ? () => Promise.reject(new Error('killed before the scan was marked undone')) : through(target, key)),
    });
    const dying = new Proxy(t.store, {
      get: (target, key) => (key === 'collection' ? (name: string) => (name === 'checkins' ? dyingCheckins : target.collection(name)) : through(target, key)),
    });
    const crashed = createCheckinService({ store: dying, clock: t.clock, codes: t.services.codes, figures: t.services.figures, eventOf: (id) => t.services.events.findById(id) });
    await expect(crashed.undo(owner, admitted._id, 'Gate 1')).rejects.toThrow('killed');
    // And one killed after claiming its scan, before reopening the ticket.
    await checkinDocs.updateOne({ _id: untouched._id }, { $set: { undo_started_at: t.clock.now(), undo_started_by: 'Gate 2' } });
    expect((await t.services.tickets.findById(ticket!.id))?.status).toBe('valid');
    expect(await checkinDocs.findOne({ _id: admitted._id })).toMatchObject({ undone_at: null, undo_started_by: 'Gate 1' });
    // Another undo meanwhile is told it is under way, rather than undoing twice.
    await expect(t.services.checkins.undo(owner, admitted._id, 'Gate 3')).rejects.toMatchObject({ code: 'CONFLICT' });

    t.clock.advance(2 * MINUTE);
    const runner = createBackgroundRunner(backgroundJobs(t.services, t.logger), { leases: t.services.leases, logger: t.logger });
    expect(await runner.tick('repair-events-log')).toBe('ran');
    expect(t.logger.entries.filter((e) => e.msg === 'undos cut short finished')).toEqual([expect.objectContaining({ level: 'warn', finished: 1 })]);
    const finished = await checkinDocs.findOne({ _id: admitted._id });
    expect(finished).toMatchObject({ undone_by: 'Gate 1' });
    expect(finished?.undone_at).toBeInstanceOf(Date);
    expect(finished?.undo_started_at).toBeUndefined();
    expect(await entriesAbout(t, admitted._id, 'checkin.deleted')).toHaveLength(1);
    // The undo that never reopened its ticket took no effect: released, the ticket still admitted, no entry.
    expect(await checkinDocs.findOne({ _id: untouched._id })).toMatchObject({ undone_at: null });
    expect((await checkinDocs.findOne({ _id: untouched._id }))?.undo_started_at).toBeUndefined();
    expect((await t.services.tickets.findById(still!.id))?.status).toBe('checked_in');
    expect(await entriesAbout(t, untouched._id, 'checkin.deleted')).toEqual([]);
    expect(await t.services.checkins.finishCutUndos()).toBe(0);
  });

  it('logs what the background job repaired, by type', async () => {
    const t = await buildTestApp();
    const { owner } = await organizer(t);
    await expect(crashingServices(t, 'event.created').events.create(owner, eventInput('Logged Repair'))).rejects.toThrow('killed');
    t.clock.advance(2 * MINUTE);
    const runner = createBackgroundRunner(backgroundJobs(t.services, t.logger), { leases: t.services.leases, logger: t.logger });
    expect(await runner.tick('repair-events-log')).toBe('ran');
    expect(t.logger.entries.filter((e) => e.msg === 'events log repaired')).toEqual([expect.objectContaining({ level: 'warn', recorded: { 'event.created': 1 } })]);
  });

  it('reads only the changes since its last pass, not the 2,000 events and scans before them', async () => {
    const clock = new ManualClock('2030-06-01T10:00:00.000Z');
    const counted = countingStore(await createSqliteStore({ now: () => clock.now() }));
    const t = await buildTestApp({ store: counted.store, clock });
    const { owner, event } = await organizer(t);
    // History: a thousand events and a thousand scans, each with its entries, long before.
    const template = (await t.store.collection<EventDoc>('events').findOne({ _id: event.id }))!;
    const longAgo = new Date('2030-05-01T10:00:00.000Z');
    await t.store
      .collection<EventDoc>('events')
      .insertMany(Array.from({ length: 1000 }, (_, i) => ({ ...template, _id: `evt_history${String(i).padStart(17, '0')}`, created_at: longAgo, updated_at: longAgo })));
    await t.store.collection<CheckinDoc>('checkins').insertMany(
      Array.from({ length: 1000 }, (_, i) => ({
        _id: `chk_history${String(i).padStart(17, '0')}`,
        account: owner.account,
        livemode: false,
        event: event.id,
        ticket: null,
        result: 'rejected' as const,
        reason: 'not_found' as const,
        first_checkin: null,
        at: longAgo,
        by: 'Gate 1',
        nonce: null,
        undone_at: i % 2 === 0 ? longAgo : null,
        created_at: longAgo,
      })),
    );
    clock.advance(2 * MINUTE);
    await t.services.repair.repairLog();

    // One edit loses its entry; the next pass reads that one event and the marks, and records it.
    await expect(crashingServices(t, 'event.updated').events.update(owner, event.id, { name: 'Edited' })).rejects.toThrow('killed');
    clock.advance(2 * MINUTE);
    counted.reset();
    expect(await t.services.repair.repairLog()).toEqual({ 'event.updated': 1 });
    expect(counted.read('events')).toBe(1);
    expect(counted.read('checkins')).toBe(0);
    expect(counted.read(DOMAIN_EVENTS_COLLECTION)).toBe(1); // the event's event.created, found in place
    expect(counted.read()).toBe(3 + 1 + 1); // and one mark per kind of change

    // Once the margin behind the last pass has passed, an idle pass reads no event, scan or entry.
    clock.advance(LOG_REPAIR_MARGIN_MS + MINUTE);
    await t.services.repair.repairLog();
    counted.reset();
    expect(await t.services.repair.repairLog()).toEqual({});
    expect(counted.read('events') + counted.read('checkins') + counted.read(DOMAIN_EVENTS_COLLECTION)).toBe(0);
  });

  it('works through a backlog larger than one pass over several passes, recording each entry once', async () => {
    const t = await buildTestApp();
    const { event } = await organizer(t);
    const template = (await t.store.collection<EventDoc>('events').findOne({ _id: event.id }))!;
    t.clock.advance(LOG_REPAIR_MARGIN_MS + 2 * MINUTE);
    await t.services.repair.repairLog();
    // Imported or restored without their entries, all within one second.
    const backlog = LOG_REPAIR_PAGE * LOG_REPAIR_PAGES + 50;
    const at = t.clock.now();
    await t.store
      .collection<EventDoc>('events')
      .insertMany(Array.from({ length: backlog }, (_, i) => ({ ...template, _id: `evt_backlog${String(i).padStart(17, '0')}`, created_at: at, updated_at: at })));

    t.clock.advance(2 * MINUTE);
    expect(await t.services.repair.repairLog()).toEqual({ 'event.created': LOG_REPAIR_PAGE * LOG_REPAIR_PAGES });
    expect(await t.services.repair.repairLog()).toEqual({ 'event.created': 50 });
    expect(await t.services.repair.repairLog()).toEqual({});
    const created = await t.store.collection<DomainEventDoc>(DOMAIN_EVENTS_COLLECTION).find({ type: 'event.created' });
    expect(created).toHaveLength(backlog + 1);
  });
});
