import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../kernel/clock.js';
import { newSortableId } from '../kernel/ids.js';
import { createEmbeddedStore } from '../store/embedded.js';
import type { Store } from '../store/port.js';
import { createDomainEvents, DOMAIN_EVENTS_COLLECTION, domainEventId } from './domain-events.js';
import type { EventDoc } from './events.js';
import type { OrderDoc } from './orders.js';
import type { WebhookFanout } from './ports.js';

const owner = { account: 'acct_1', livemode: false };

/** The smallest event document the recorder needs (it only reads ids and the ledger). */
function eventDoc(id: string): EventDoc {
  return { _id: id, account: owner.account, livemode: false, inventory: { available: 5, types: {}, holds: { ord_x: 'held:1' } } } as unknown as EventDoc;
}

describe('the events log', () => {
  let store: Store;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock('2030-06-01T10:00:00.000Z');
    store = await createEmbeddedStore({ now: () => clock.now() });
  });

  it('derives the same ev_ id from the same transition, and different ids from different ones', () => {
    const paid = domainEventId('ord_1', 'order.paid');
    expect(paid).toMatch(/^ev_[0-9a-f]{24}$/);
    expect(domainEventId('ord_1', 'order.paid')).toBe(paid);
    expect(domainEventId('ord_2', 'order.paid')).not.toBe(paid);
    expect(domainEventId('ord_1', 'order.refunded')).not.toBe(paid);
    expect(domainEventId('evt_1', 'event.updated', 2)).not.toBe(domainEventId('evt_1', 'event.updated', 3));
  });

  it("puts a sortable object id's creation stamp first, so entries sort with their objects", () => {
    const earlier = newSortableId('tkt', Date.UTC(2030, 5, 1, 10));
    const later = newSortableId('tkt', Date.UTC(2030, 5, 1, 10, 0, 1));
    const first = domainEventId(earlier, 'ticket.issued');
    expect(first).toMatch(new RegExp(`^ev_${earlier.slice(4, 11)}[0-9a-f]{24}$`));
    expect(domainEventId(earlier, 'ticket.issued')).toBe(first);
    expect(domainEventId(later, 'ticket.voided') > domainEventId(earlier, 'ticket.voided')).toBe(true);
    // An id made before stamps keeps its entry's id as it was.
    expect(domainEventId('tkt_4QpZ0x2bB8Lr6qXhS1mYtA', 'ticket.issued')).toMatch(/^ev_[0-9a-f]{24}$/);
  });

  it('records a transition recorded twice once, keeping the first time', async () => {
    const log = createDomainEvents({ store, clock });
    const first = await log.record({ type: 'event.created', ...owner, snapshot: { kind: 'event', event: eventDoc('evt_1') } });
    clock.advance(60_000);
    const again = await log.record({ type: 'event.created', ...owner, snapshot: { kind: 'event', event: eventDoc('evt_1') } });
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.event.created_at).toEqual(first.event.created_at);
    expect(await store.collection(DOMAIN_EVENTS_COLLECTION).count({})).toBe(1);
  });

  it('keeps no secret of an order in its snapshot', async () => {
    const log = createDomainEvents({ store, clock });
    const order = { _id: 'ord_1', account: owner.account, livemode: false, client_secret_hash: 'h1', verification: { code_hash: 'h2', attempts: 0 } } as unknown as OrderDoc;
    const { event } = await log.record({ type: 'order.created', ...owner, snapshot: { kind: 'order', order, tickets: [] } });
    const stored = JSON.stringify(await store.collection(DOMAIN_EVENTS_COLLECTION).findOne({ _id: event._id }));
    expect(stored).not.toContain('h1');
    expect(stored).not.toContain('h2');
  });

  it('keeps no hold ledger in an event snapshot', async () => {
    const log = createDomainEvents({ store, clock });
    const { event } = await log.record({ type: 'event.created', ...owner, snapshot: { kind: 'event', event: eventDoc('evt_1') } });
    expect(event.snapshot.kind === 'event' && event.snapshot.event.inventory).toEqual({ available: 5, types: {} });
  });

  it('hands every recording to the fan-out with a key per event and endpoint, also a repeated one', async () => {
    const queued: string[] = [];
    const fanout: WebhookFanout = {
      endpointsFor: async (_account, _livemode, type) => (type === 'event.created' ? ['we_a', 'we_b'] : []),
      enqueueDelivery: async ({ dedupeKey }) => void queued.push(dedupeKey),
      enqueueDeliveries: async (inputs) => void queued.push(...inputs.map((input) => input.dedupeKey)),
    };
    const log = createDomainEvents({ store, clock, fanout });
    const { event } = await log.record({ type: 'event.created', ...owner, snapshot: { kind: 'event', event: eventDoc('evt_1') } });
    await log.record({ type: 'event.created', ...owner, snapshot: { kind: 'event', event: eventDoc('evt_1') } });
    await log.record({ type: 'event.cancelled', ...owner, snapshot: { kind: 'event', event: eventDoc('evt_1') } });
    expect(queued).toEqual([`webhook:${event._id}:we_a`, `webhook:${event._id}:we_b`, `webhook:${event._id}:we_a`, `webhook:${event._id}:we_b`]);
  });

  it('records several transitions with one insert, and each of them once when some were recorded already', async () => {
    const log = createDomainEvents({ store, clock });
    const input = (id: string) => ({ type: 'event.created' as const, ...owner, snapshot: { kind: 'event' as const, event: eventDoc(id) } });
    const first = await log.record(input('evt_2'));
    clock.advance(60_000);
    const all = await log.recordAll([input('evt_1'), input('evt_2'), input('evt_3')]);
    expect(all.map((entry) => entry.object_id)).toEqual(['evt_1', 'evt_2', 'evt_3']);
    expect(all[1]?.created_at).toEqual(first.event.created_at);
    expect(await store.collection(DOMAIN_EVENTS_COLLECTION).count({})).toBe(3);
    await log.recordAll([input('evt_1'), input('evt_3')]);
    expect(await store.collection(DOMAIN_EVENTS_COLLECTION).count({})).toBe(3);
  });

  it('hands transitions recorded together to the fan-out in one write, each once per endpoint', async () => {
    const writes: string[][] = [];
    const fanout: WebhookFanout = {
      endpointsFor: async (_account, _livemode, type) => (type === 'event.created' ? ['we_a', 'we_b'] : []),
      enqueueDelivery: async ({ dedupeKey }) => void writes.push([dedupeKey]),
      enqueueDeliveries: async (inputs) => void writes.push(inputs.map((input) => input.dedupeKey)),
    };
    const log = createDomainEvents({ store, clock, fanout });
    const [one, two] = await log.recordAll([
      { type: 'event.created', ...owner, snapshot: { kind: 'event', event: eventDoc('evt_1') } },
      { type: 'event.created', ...owner, snapshot: { kind: 'event', event: eventDoc('evt_2') } },
      { type: 'event.cancelled', ...owner, snapshot: { kind: 'event', event: eventDoc('evt_2') } },
    ]);
    expect(writes).toEqual([[`webhook:${one?._id}:we_a`, `webhook:${one?._id}:we_b`, `webhook:${two?._id}:we_a`, `webhook:${two?._id}:we_b`]]);
  });

  it("shows an account only its own mode's entries", async () => {
    const log = createDomainEvents({ store, clock });
    const { event } = await log.record({ type: 'event.created', ...owner, snapshot: { kind: 'event', event: eventDoc('evt_1') } });
    await expect(log.get({ account: 'acct_1', livemode: true }, event._id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await log.list({ account: 'acct_2', livemode: false }, { limit: 10 })).data).toEqual([]);
    expect((await log.list(owner, { limit: 10, type: 'event.created' })).data).toHaveLength(1);
  });
});
