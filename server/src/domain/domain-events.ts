/**
 * The events log: what happened to an account's orders, tickets, check-ins and events, one
 * record per transition (docs/domain-events.md).
 *
 * Recording is as reliable as the change it describes, without transactions:
 * - the id is derived from the transition (`ev_` + a hash of the object id, the transition and
 *   its sequence number), so recording the same transition twice stores it once;
 * - it is written after the change (no event without its change), and every path that finishes
 *   a transition after a crash (fulfilment, settling a refund, the repair jobs) records it again,
 *   so a process killed between the change and its event leaves the event to the next runner.
 *
 * The snapshot is the stored document (order, ticket, check-in, event) as it was when the event
 * was recorded. The HTTP layer turns it into the API's wire JSON when the log is read, with the
 * same serializers as the objects' own endpoints: the domain cannot import those (they belong
 * to http/), and serializing late means a field added to the wire object later shows in old
 * events too.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../kernel/clock.js';
import { notFound } from '../kernel/errors.js';
import { stampOf } from '../kernel/ids.js';
import { paginate, PAGE_SORT, type Page, type PageParams } from '../store/paginate.js';
import { DuplicateKeyError, op, type Filter, type IndexSpec, type Store } from '../store/port.js';
import type { CheckinDoc } from './checkins.js';
import type { EventDoc, Owner } from './events.js';
import type { OrderDoc } from './orders.js';
import type { TicketDoc } from './tickets.js';
import type { WaitingListEntryDoc } from './waiting-list.js';
import { noWebhookFanout, type WebhookDeliveryInput, type WebhookFanout } from './ports.js';

/** Every event type the log can hold. */
export const DOMAIN_EVENT_TYPES = [
  'order.created',
  'order.verified',
  'order.paid',
  'order.expired',
  'order.cancelled',
  'order.partially_refunded',
  'order.refunded',
  'ticket.issued',
  'ticket.voided',
  'checkin.created',
  'checkin.deleted',
  'event.created',
  'event.updated',
  'event.cancelled',
  'waiting_list_entry.offered',
  'waiting_list_entry.claimed',
  'waiting_list_entry.lapsed',
] as const;

export type DomainEventType = (typeof DOMAIN_EVENT_TYPES)[number];

/** The stored object an event is about, by the kind its type starts with. */
export type DomainEventSnapshot =
  | { kind: 'order'; order: OrderDoc; tickets: TicketDoc[] }
  | { kind: 'ticket'; ticket: TicketDoc }
  | { kind: 'checkin'; checkin: CheckinDoc; ticket: TicketDoc | null }
  | { kind: 'event'; event: EventDoc }
  | { kind: 'waiting_list_entry'; entry: WaitingListEntryDoc };

/** A stored event (collection `domain_events`). */
export interface DomainEventDoc {
  /** `ev_…`, derived from the transition (see {@link domainEventId}). */
  _id: string;
  type: DomainEventType;
  account: string;
  livemode: boolean;
  created_at: Date;
  /** The id of the object the event is about (`ord_`, `tkt_`, `chk_`, `evt_`), for filtering. */
  object_id: string;
  snapshot: DomainEventSnapshot;
}

/** What a caller records: the type, the object's stored snapshot and, for repeatable transitions, a sequence. */
export interface RecordInput {
  type: DomainEventType;
  account: string;
  livemode: boolean;
  snapshot: DomainEventSnapshot;
  /**
   * Tells apart transitions of one type on one object: the event's `rev` for `event.updated`.
   * Transitions that happen once per object (an order is paid once) leave it out.
   */
  sequence?: number | string;
  /** When it happened, if not now: a transition recorded late by a repair keeps its own time. */
  at?: Date;
}

export const DOMAIN_EVENTS_COLLECTION = 'domain_events';

/** The log's lists: an account and mode, newest first, optionally of one type or one object. */
export const DOMAIN_EVENT_INDEXES: readonly IndexSpec[] = [
  { collection: DOMAIN_EVENTS_COLLECTION, keys: { account: 1, livemode: 1, ...PAGE_SORT } },
  { collection: DOMAIN_EVENTS_COLLECTION, keys: { account: 1, livemode: 1, type: 1, ...PAGE_SORT } },
  { collection: DOMAIN_EVENTS_COLLECTION, keys: { account: 1, livemode: 1, object_id: 1, ...PAGE_SORT } },
];

/**
 * The id of a transition's event: the same transition always gets the same id, so a retried
 * or repaired transition records its event once. Hex of SHA-256, 24 characters (96 bits),
 * after the creation stamp of the object's id when it has one (`stampOf`): entries then sort
 * with their objects, and the log's id index grows near its end instead of at a random page
 * (docs/decisions/0054-ids-in-creation-order.md).
 *
 * @example
 * domainEventId('ord_123', 'order.paid') // 'ev_…' (always the same)
 */
export function domainEventId(objectId: string, type: DomainEventType, sequence?: number | string): string {
  const digest = createHash('sha256')
    .update(`${objectId}\n${type}\n${sequence ?? ''}`)
    .digest('hex');
  return `ev_${stampOf(objectId)}${digest.slice(0, 24)}`;
}

/**
 * What is kept of a snapshot: no secret outlives its order in the log (the client secret's
 * hash, the email code's HMAC), and an event's hold ledger (one entry per order, and private)
 * is left out; the seat counters beside it are all the wire object shows.
 */
function compact(snapshot: DomainEventSnapshot): DomainEventSnapshot {
  if (snapshot.kind === 'order') {
    const order = { ...snapshot.order, client_secret_hash: '', verification: { ...snapshot.order.verification, code_hash: null } };
    return { ...snapshot, order };
  }
  if (snapshot.kind === 'waiting_list_entry') {
    // The link's and the buyer's secrets stay out of the log, even hashed.
    const { publishable_key: _key, ...entry } = snapshot.entry;
    return { kind: 'waiting_list_entry', entry: { ...entry, client_secret_hash: '', claim_token_hash: null, verification: { ...entry.verification, code_hash: null } } };
  }
  if (snapshot.kind !== 'event') return snapshot;
  const { holds: _holds, ...inventory } = snapshot.event.inventory;
  return { kind: 'event', event: { ...snapshot.event, inventory } };
}

function objectIdOf(snapshot: DomainEventSnapshot): string {
  switch (snapshot.kind) {
    case 'order':
      return snapshot.order._id;
    case 'ticket':
      return snapshot.ticket._id;
    case 'checkin':
      return snapshot.checkin._id;
    case 'event':
      return snapshot.event._id;
    case 'waiting_list_entry':
      return snapshot.entry._id;
  }
}

/** Filters of the log's list. */
export interface DomainEventQuery extends PageParams {
  type?: DomainEventType | undefined;
  /** An object's id: only the events about it. */
  object?: string | undefined;
}

export interface DomainEventsDeps {
  store: Store;
  clock: Clock;
  /** Who hears about each event; none until webhook endpoints are wired in. */
  fanout?: WebhookFanout;
}

/**
 * The events log over a store.
 *
 * @example
 * const log = createDomainEvents({ store, clock });
 * await log.record({ type: 'order.paid', account, livemode, snapshot: { kind: 'order', order, tickets: [] } });
 */
export function createDomainEvents({ store, clock, fanout = noWebhookFanout }: DomainEventsDeps) {
  const log = store.collection<DomainEventDoc>(DOMAIN_EVENTS_COLLECTION);

  /** Hands an event to every subscribed endpoint; each job is keyed by event and endpoint, so repeating this is harmless. */
  async function fanOut(event: DomainEventDoc, endpointsFor = fanout.endpointsFor): Promise<void> {
    const endpoints = await endpointsFor(event.account, event.livemode, event.type);
    if (endpoints.length === 0) return;
    // One write for all of them: this runs inside the request that made the change.
    await fanout.enqueueDeliveries(
      endpoints.map((endpoint) => ({ event: event._id, endpoint, dedupeKey: `webhook:${event._id}:${endpoint}`, account: event.account, livemode: event.livemode })),
    );
  }

  /** The id the entry of `input` gets. */
  const idOf = (input: RecordInput) => domainEventId(objectIdOf(input.snapshot), input.type, input.sequence);

  /** The entry `input` stores. */
  function entryOf(input: RecordInput): DomainEventDoc {
    return {
      _id: idOf(input),
      type: input.type,
      account: input.account,
      livemode: input.livemode,
      created_at: input.at ?? clock.now(),
      object_id: objectIdOf(input.snapshot),
      snapshot: compact(input.snapshot),
    };
  }

  /**
   * Hands several entries to their subscribers with one write for all their deliveries, asking
   * once per account, mode and type who subscribes.
   */
  async function fanOutAll(entries: readonly DomainEventDoc[]): Promise<void> {
    const asked = new Map<string, Promise<readonly string[]>>();
    const deliveries: WebhookDeliveryInput[] = [];
    for (const entry of entries) {
      const key = `${entry.account}\n${entry.livemode}\n${entry.type}`;
      const endpoints = asked.get(key) ?? fanout.endpointsFor(entry.account, entry.livemode, entry.type);
      asked.set(key, endpoints);
      for (const endpoint of await endpoints) {
        deliveries.push({ event: entry._id, endpoint, dedupeKey: `webhook:${entry._id}:${endpoint}`, account: entry.account, livemode: entry.livemode });
      }
    }
    if (deliveries.length > 0) await fanout.enqueueDeliveries(deliveries);
  }

  return {
    /**
     * Records a transition's event once, however often it is called; returns the stored event
     * and whether this call stored it. Subscribers are told every time (idempotently), so a
     * crash between recording and fan-out is finished by the next call.
     */
    async record(input: RecordInput): Promise<{ event: DomainEventDoc; created: boolean }> {
      const event = entryOf(input);
      let stored = event;
      let created = true;
      try {
        await log.insertOne(event);
      } catch (error) {
        if (!(error instanceof DuplicateKeyError)) throw error;
        const existing = await log.findOne({ _id: event._id });
        if (!existing) throw error;
        stored = existing;
        created = false;
      }
      await fanOut(stored);
      return { event: stored, created };
    },

    /**
     * Records several transitions' events at once, each once: one insert for all of them (one
     * commit, not one per entry), as an order's `order.paid` and its tickets' `ticket.issued`
     * are. When some were stored already (a retried or repaired transition), each is recorded
     * alone as {@link record} does, keeping the stored one. Subscribers are told of every entry
     * (idempotently); returns the entries as stored.
     *
     * @example
     * await log.recordAll(tickets.map((ticket) => ({ type: 'ticket.issued', account, livemode, snapshot: { kind: 'ticket', ticket } })));
     */
    async recordAll(inputs: readonly RecordInput[]): Promise<DomainEventDoc[]> {
      if (inputs.length === 0) return [];
      const entries = inputs.map(entryOf);
      try {
        await log.insertMany(entries);
      } catch (error) {
        if (!(error instanceof DuplicateKeyError)) throw error;
        return (await Promise.all(inputs.map((input) => this.record(input)))).map((recorded) => recorded.event);
      }
      await fanOutAll(entries);
      return entries;
    },

    /**
     * Records those of `inputs` whose entry does not exist, in one read of the log by id: what a
     * repair calls for transitions whose entry a crash may have lost. Only the entries it records
     * are handed to subscribers; `existing` are the ones it found, for a caller that hands them
     * over again with {@link announce}.
     *
     * @example
     * const { recorded } = await log.recordMissing([{ type: 'event.created', account, livemode, snapshot: { kind: 'event', event }, at: event.created_at }]);
     */
    async recordMissing(inputs: readonly RecordInput[]): Promise<{ recorded: DomainEventDoc[]; existing: DomainEventDoc[] }> {
      if (inputs.length === 0) return { recorded: [], existing: [] };
      const existing = await log.find({ _id: op.in([...new Set(inputs.map(idOf))]) });
      const found = new Set(existing.map((entry) => entry._id));
      const recorded: DomainEventDoc[] = [];
      for (const input of inputs) {
        if (found.has(idOf(input))) continue;
        const { event, created } = await this.record(input);
        found.add(event._id);
        if (created) recorded.push(event);
      }
      return { recorded, existing };
    },

    /**
     * Hands stored entries to their subscribers again (idempotent per entry and endpoint),
     * asking once per account, mode and type who subscribes.
     */
    async announce(entries: readonly DomainEventDoc[]): Promise<void> {
      const asked = new Map<string, Promise<readonly string[]>>();
      const endpointsFor: WebhookFanout['endpointsFor'] = (account, livemode, type) => {
        const key = `${account}\n${livemode}\n${type}`;
        const endpoints = asked.get(key) ?? fanout.endpointsFor(account, livemode, type);
        asked.set(key, endpoints);
        return endpoints;
      };
      for (const entry of entries) await fanOut(entry, endpointsFor);
    },

    /** Records an order's event with its tickets as they are now. */
    recordOrder(type: Extract<DomainEventType, `order.${string}`>, order: OrderDoc, tickets: TicketDoc[] = [], at?: Date) {
      return this.record({ type, account: order.account, livemode: order.livemode, snapshot: { kind: 'order', order, tickets }, ...(at ? { at } : {}) });
    },

    /**
     * Records the order's earlier transitions (`order.created`, and `order.verified` if it was),
     * at the times they happened. Each later transition calls this first, so an order whose
     * process died right after creating or verifying it still gets those events, once.
     */
    async recordOrderHistory(order: OrderDoc): Promise<void> {
      await this.recordOrder('order.created', order, [], order.created_at);
      const verifiedAt = order.verification.verified_at;
      if (verifiedAt) await this.recordOrder('order.verified', order, [], verifiedAt);
    },

    /** `order.expired` or `order.cancelled` for an order that ended unpaid, after its earlier events. */
    async recordOrderEnded(order: OrderDoc): Promise<void> {
      if (order.status !== 'expired' && order.status !== 'cancelled') return;
      await this.recordOrderHistory(order);
      await this.recordOrder(order.status === 'expired' ? 'order.expired' : 'order.cancelled', order);
    },

    /** One event of the caller's account and mode. @throws AppError NOT_FOUND */
    async get(owner: Owner, id: string): Promise<DomainEventDoc> {
      const event = await log.findOne({ _id: id, account: owner.account, livemode: owner.livemode });
      if (!event) throw notFound('event log entry', id);
      return event;
    },

    /** The caller's events, newest first, optionally of one type or about one object. */
    async list(owner: Owner, query: DomainEventQuery): Promise<Page<DomainEventDoc>> {
      const filter: Filter = { account: owner.account, livemode: owner.livemode };
      if (query.type !== undefined) filter.type = query.type;
      if (query.object !== undefined) filter.object_id = query.object;
      return paginate(log, filter, { limit: query.limit, cursor: query.cursor });
    },
  };
}

export type DomainEvents = ReturnType<typeof createDomainEvents>;
