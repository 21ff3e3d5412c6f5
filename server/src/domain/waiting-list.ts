import type { WaitingListEntryStatus } from '@trendy-tickets/sdk';
import type { Clock } from '../kernel/clock.js';
import { AppError, notFound } from '../kernel/errors.js';
import { newId } from '../kernel/ids.js';
import type { Page, PageParams } from '../store/paginate.js';
import { DuplicateKeyError, op, type Collection, type Filter, type IndexSpec, type Store } from '../store/port.js';
import { type AuditContext, type AuditLog, changesBetween, createAuditLog } from './audit-log.js';
import { deriveClientSecret, hashClientSecret } from './client-secret.js';
import { assertCanSellFrom, salesOpen, typeAvailable, waitingListOf, type EventDoc, type Owner } from './events.js';
import type { Inventory } from './inventory.js';
import type { Outbox } from './ports.js';
import type { RateLimiter } from './rate-limit.js';
import { countCodeSend, freshCode, sameDigest, spendCodeAttempt } from './verification.js';

/**
 * The waiting list of sold-out ticket types (docs/waiting-list.md, the seat rules in
 * docs/decisions/0045-waiting-list-seats.md). A buyer joins, confirms their email with the
 * same 6-digit code orders use, and waits in line (`seq`, per event). While anyone waits for a
 * type, its `waiting` counter keeps buyers from holding it, so freed seats can only go to the
 * line; offers, claims and lapses are in `waiting-list-offers.ts`.
 */

export const WAITING_LIST_COLLECTION = 'waiting_list_entries';

/** The states in which an entry keeps its place or its seats: one per email and type. */
export const LIVE_STATES: readonly WaitingListEntryStatus[] = ['awaiting_verification', 'waiting', 'offered'];

export interface WaitingListEntryDoc {
  /** `wle_…` */
  _id: string;
  account: string;
  livemode: boolean;
  event: string;
  ticket_type: string;
  quantity: number;
  name: string;
  /** Lower-cased. */
  email: string;
  status: WaitingListEntryStatus;
  /** `event:type:email` while the entry is live, absent afterwards: a unique sparse index keeps one live entry per email and type. */
  live_key?: string;
  /** Place in the event's line, handed out when the email is confirmed; null before. */
  seq: number | null;
  /**
   * Whether the entry waits for the event's shared seats (its type had no capacity of its own
   * when it joined the line): then it counts in the event's `inventory.waiting` too, and the
   * same counter is lowered when it leaves the line.
   */
  event_wide: boolean;
  client_secret_hash: string;
  verification: {
    code_id: string | null;
    code_hash: string | null;
    code_expires_at: Date | null;
    attempts: number;
    verified_at: Date | null;
  };
  /** The order the offer's seats are held for (allocated when offered, created when claimed). */
  order_id: string | null;
  offer_expires_at: Date | null;
  /** SHA-256 of the claim link's token; null unless offered. */
  claim_token_hash: string | null;
  /**
   * The publishable key the buyer joined with, when it was one: the claim page opens the hosted
   * checkout with it to pay a live offer. Publishable keys are public (every page embedding the
   * widget shows one); an entry joined with a secret key has none.
   */
  publishable_key?: string;
  created_at: Date;
  updated_at: Date;
}

export const WAITING_LIST_INDEXES: readonly IndexSpec[] = [
  { collection: WAITING_LIST_COLLECTION, keys: { live_key: 1 }, unique: true, sparse: true },
  // The line of each event (and of each type), in order.
  { collection: WAITING_LIST_COLLECTION, keys: { event: 1, status: 1, seq: 1 } },
  // The sweeper asks which entry a hold belongs to; the lapse job which offers ran out.
  { collection: WAITING_LIST_COLLECTION, keys: { order_id: 1 } },
  { collection: WAITING_LIST_COLLECTION, keys: { status: 1, offer_expires_at: 1 } },
  { collection: WAITING_LIST_COLLECTION, keys: { claim_token_hash: 1 } },
  { collection: 'events', keys: { 'inventory.waitlist_due': 1 }, sparse: true },
];

export interface JoinInput {
  event: string;
  ticket_type: string;
  quantity: number;
  name: string;
  email: string;
}

/** Who is reaching an entry: its organizer (secret key), or its buyer with the client secret. */
export type EntryAccess = { owner: Owner; clientSecret?: string | undefined };

export interface WaitingListDeps {
  store: Store;
  clock: Clock;
  secret: string;
  outbox: Outbox;
  limiter: RateLimiter;
  inventory: Inventory;
  auditLog?: AuditLog;
  /** Asked to make offers for an event at once (a join when seats happen to be free, a removal). */
  offerNow?: (eventId: string) => Promise<unknown>;
}

/** The `$inc` that counts (`n` > 0) or uncounts (`n` < 0) an entry's seats as waiting. */
export function waitingInc(entry: Pick<WaitingListEntryDoc, 'ticket_type' | 'event_wide'>, n: number): Record<string, number> {
  const inc: Record<string, number> = { [`inventory.types.${entry.ticket_type}.waiting`]: n };
  if (entry.event_wide) inc['inventory.waiting'] = n;
  return inc;
}

const liveKey = (event: string, type: string, email: string) => `${event}:${type}:${email}`;

/**
 * Joining, confirming and reading the waiting list, and the organizer's list and removal.
 *
 * @example
 * const { entry, clientSecret } = await waitingList.join(owner, { event, ticket_type, quantity: 1, name, email }, { ip });
 * await waitingList.verify({ owner, clientSecret }, entry._id, '123456');
 */
export function createWaitingListService(deps: WaitingListDeps) {
  const { store, clock, secret, outbox, limiter, inventory } = deps;
  const auditLog = deps.auditLog ?? createAuditLog({ store, clock });
  const entries = store.collection<WaitingListEntryDoc>(WAITING_LIST_COLLECTION);
  const events = store.collection<EventDoc>('events');

  async function get(access: EntryAccess, id: string): Promise<WaitingListEntryDoc> {
    const entry = await entries.findOne({ _id: id, account: access.owner.account, livemode: access.owner.livemode });
    if (!entry) throw notFound('waiting list entry', id);
    if (access.clientSecret !== undefined && !sameDigest(hashClientSecret(access.clientSecret), entry.client_secret_hash)) throw notFound('waiting list entry', id);
    return entry;
  }

  /** Replaces the entry's code with a fresh one and queues the mail. */
  async function sendCode(entry: WaitingListEntryDoc): Promise<WaitingListEntryDoc> {
    const now = clock.now();
    const { code, codeId, fields } = freshCode(secret, entry._id, now);
    const updated = await entries.findOneAndUpdate({ _id: entry._id, status: 'awaiting_verification' }, { $set: { ...fields, updated_at: now } });
    if (!updated) throw new AppError('CONFLICT', 'This waiting list entry no longer needs an email code.');
    await outbox.enqueue({
      kind: 'waiting_list_code',
      to: entry.email,
      payload: { entry: entry._id, code },
      dedupeKey: `wl-code:${entry._id}:${codeId}`,
      secretFields: ['code'],
    });
    return updated;
  }

  /** 1-based place among the type's waiting entries; null unless waiting. */
  async function positionOf(entry: WaitingListEntryDoc): Promise<number | null> {
    if (entry.status !== 'waiting' || entry.seq === null) return null;
    return 1 + (await entries.count({ event: entry.event, status: 'waiting', ticket_type: entry.ticket_type, seq: op.lt(entry.seq) }));
  }

  return {
    get,
    positionOf,

    /**
     * Joins a sold-out type's line: the entry awaits its email code.
     * @throws AppError WAITING_LIST_CLOSED (off, or the event not on sale), SEATS_AVAILABLE (buy
     * instead), ALREADY_WAITING (this email is in line for the type), VALIDATION_FAILED, NOT_FOUND
     */
    async join(
      owner: Owner,
      input: JoinInput,
      context: { ip: string; origin?: string | undefined; publishableKey?: string | undefined },
    ): Promise<{ entry: WaitingListEntryDoc; clientSecret: string }> {
      const event = await events.findOne({ _id: input.event, account: owner.account, livemode: owner.livemode });
      if (!event || event.status === 'draft') throw notFound('event', input.event);
      assertCanSellFrom(event, context.origin);
      const now = clock.now();
      if (!waitingListOf(event).enabled || !salesOpen(event, now)) throw new AppError('WAITING_LIST_CLOSED', 'This event takes no waiting list entries.');
      const type = event.ticket_types.find((t) => t.id === input.ticket_type && !t.hidden);
      if (!type) throw new AppError('VALIDATION_FAILED', 'The entry is not valid.', [{ field: 'ticket_type', message: 'is not a ticket type of this event' }]);
      if (input.quantity > type.max_per_order) {
        throw new AppError('VALIDATION_FAILED', 'The entry is not valid.', [{ field: 'quantity', message: `at most ${type.max_per_order} ${type.name} tickets per order` }]);
      }
      const someoneWaits = (event.inventory.waiting ?? 0) > 0 || (event.inventory.types[type.id]?.waiting ?? 0) > 0;
      if (!someoneWaits && typeAvailable(event, type.id) >= input.quantity) {
        throw new AppError('SEATS_AVAILABLE', `${type.name} tickets are on sale: buy them instead.`, { available: typeAvailable(event, type.id) });
      }
      const email = input.email.toLowerCase();
      const key = liveKey(event._id, type.id, email);
      const existing = await entries.findOne({ live_key: key });
      if (existing && existing.status !== 'awaiting_verification') throw new AppError('ALREADY_WAITING', 'This email address is already on the waiting list for these tickets.');
      await countCodeSend(limiter, email, context.ip);
      // An unconfirmed earlier try gives way to this one: the buyer may have lost its page.
      if (existing) await entries.updateOne({ _id: existing._id, status: 'awaiting_verification' }, { $set: { status: 'removed', updated_at: now }, $unset: { live_key: '' } });
      const id = newId('wle');
      const clientSecret = deriveClientSecret(secret, id);
      const entry: WaitingListEntryDoc = {
        _id: id,
        account: owner.account,
        livemode: owner.livemode,
        event: event._id,
        ticket_type: type.id,
        quantity: input.quantity,
        name: input.name,
        email,
        status: 'awaiting_verification',
        live_key: key,
        seq: null,
        event_wide: type.capacity === null,
        client_secret_hash: hashClientSecret(clientSecret),
        verification: { code_id: null, code_hash: null, code_expires_at: null, attempts: 0, verified_at: null },
        order_id: null,
        offer_expires_at: null,
        claim_token_hash: null,
        ...(context.publishableKey ? { publishable_key: context.publishableKey } : {}),
        created_at: now,
        updated_at: now,
      };
      try {
        await entries.insertOne(entry);
      } catch (err) {
        if (err instanceof DuplicateKeyError) throw new AppError('ALREADY_WAITING', 'This email address is already on the waiting list for these tickets.');
        throw err;
      }
      return { entry: await sendCode(entry), clientSecret };
    },

    /**
     * Checks the email code; on success the entry takes the next place in the event's line and
     * its seats count as waiting, which stops buyers from taking freed seats of its type.
     */
    async verify(access: EntryAccess, id: string, code: string): Promise<WaitingListEntryDoc> {
      const entry = await get(access, id);
      if (entry.status !== 'awaiting_verification') {
        if (entry.verification.verified_at) return entry; // a repeated verify: already in line
        throw new AppError('CONFLICT', `The entry is ${entry.status}.`);
      }
      const codeId = await spendCodeAttempt(entries, entry, { secret, code, now: clock.now() });
      // The place in line: one `$inc` on the event, so two confirmations never share a place.
      const counted = await events.findOneAndUpdate({ _id: entry.event }, { $inc: { 'inventory.waitlist_seq': 1 } });
      if (!counted) throw notFound('event', entry.event);
      const now = clock.now();
      const moved = await entries.findOneAndUpdate(
        { _id: id, status: 'awaiting_verification', 'verification.code_id': codeId },
        { $set: { status: 'waiting', seq: counted.inventory.waitlist_seq ?? 1, 'verification.verified_at': now, 'verification.code_hash': null, updated_at: now } },
      );
      if (!moved) return get(access, id);
      // Counted after the entry is in line: a crash between leaves the entry waiting while
      // buyers may still take freed seats; the offer job still offers it the next ones.
      await events.updateOne({ _id: entry.event }, { $inc: waitingInc(moved, moved.quantity), $set: { 'inventory.waitlist_due': true } });
      await deps.offerNow?.(entry.event);
      return (await entries.findOne({ _id: id })) ?? moved;
    },

    async resendCode(access: EntryAccess, id: string, context: { ip: string }): Promise<WaitingListEntryDoc> {
      const entry = await get(access, id);
      if (entry.status !== 'awaiting_verification') throw new AppError('CONFLICT', 'This waiting list entry no longer needs an email code.');
      await countCodeSend(limiter, entry.email, context.ip);
      return sendCode(entry);
    },

    async retrieve(access: EntryAccess, id: string): Promise<WaitingListEntryDoc> {
      return get(access, id);
    },

    /** An event's entries that were ever in line, in line order (`seq`), optionally of one status; unconfirmed ones are not in line. */
    async list(owner: Owner, eventId: string, params: PageParams & { status?: WaitingListEntryStatus | undefined }): Promise<Page<WaitingListEntryDoc>> {
      const event = await events.findOne({ _id: eventId, account: owner.account, livemode: owner.livemode });
      if (!event) throw notFound('event', eventId);
      const filter: Filter = { event: eventId, seq: op.gte(1), ...(params.status ? { status: params.status } : {}) };
      return pageBySeq(entries, filter, params);
    },

    /**
     * Takes an entry off the list. A waiting entry's seats stop counting as waiting; an offered
     * one's held seats go back, to the next in line. Removing a removed entry returns it unchanged.
     */
    async remove(owner: Owner, id: string, audit?: AuditContext): Promise<WaitingListEntryDoc> {
      const entry = await get({ owner }, id);
      if (!LIVE_STATES.includes(entry.status)) {
        if (entry.status === 'removed') return entry;
        throw new AppError('CONFLICT', `A ${entry.status} entry cannot be removed.`);
      }
      const now = clock.now();
      const removed = await entries.findOneAndUpdate({ _id: id, status: entry.status }, { $set: { status: 'removed', updated_at: now }, $unset: { live_key: '' } });
      if (!removed) return get({ owner }, id);
      if (entry.status === 'waiting') await events.updateOne({ _id: entry.event }, { $inc: waitingInc(entry, -entry.quantity) });
      if (entry.status === 'offered' && entry.order_id) {
        const hold = await inventory.holdOf(entry.order_id);
        if (hold) await inventory.release(entry.event, entry.order_id, hold.entry);
      }
      if (audit)
        await auditLog.record(audit, { action: 'waiting_list_entry.removed', target: { type: 'waiting_list_entry', id }, changes: changesBetween(entry, removed, ['status']) });
      await deps.offerNow?.(entry.event);
      return removed;
    },
  };
}

export type WaitingListService = ReturnType<typeof createWaitingListService>;

/** A page of entries by place in line; the cursor is the last entry's `seq` (unique per event). */
async function pageBySeq(entries: Collection<WaitingListEntryDoc>, filter: Filter, params: PageParams): Promise<Page<WaitingListEntryDoc>> {
  const after = params.cursor === undefined ? null : decodeSeqCursor(params.cursor);
  const query: Filter = after === null ? filter : { $and: [filter, { seq: op.gt(after.seq) }] };
  const rows = await entries.find(query, { sort: { seq: 1 }, limit: params.limit + 1 });
  const hasMore = rows.length > params.limit;
  const data = hasMore ? rows.slice(0, params.limit) : rows;
  const last = data.at(-1);
  return { data, hasMore, nextCursor: hasMore && last ? Buffer.from(JSON.stringify({ s: last.seq ?? 0 })).toString('base64url') : null };
}

function decodeSeqCursor(cursor: string): { seq: number } {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { s?: unknown };
    if (typeof value.s === 'number' && Number.isInteger(value.s)) return { seq: value.s };
  } catch {
    // Fall through to the uniform error below.
  }
  throw new AppError('VALIDATION_FAILED', 'The cursor is not valid; pass next_cursor from a previous page.', [{ field: 'cursor', message: 'is not a cursor this API returned' }]);
}
