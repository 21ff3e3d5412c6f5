/**
 * Promo codes (docs/promo-codes.md): per event, a discount on some or all ticket types, and the
 * hidden ticket types a code makes visible and sellable.
 *
 * A code's redemptions are counted like seats are held: one conditional update on the code's
 * own document (`uses < max_uses`, `$inc`), never read-then-write, so any number of buyers
 * racing for the last use leave exactly `max_uses` orders with the discount. An order gives its
 * redemption back once (it expired, was cancelled or was refunded in full), guarded by a flag
 * on the order (`discount.returned`), so a retried or racing release lowers `uses` once.
 */
import type { PromoCodeInvalidReason, PromoKind } from '@trendy-tickets/sdk';
import type { Clock } from '../kernel/clock.js';
import { AppError, type FieldIssue, notFound } from '../kernel/errors.js';
import { newId } from '../kernel/ids.js';
import { paginate, type Page, type PageParams } from '../store/paginate.js';
import { DuplicateKeyError, type Filter, type IndexSpec, op, type Store } from '../store/port.js';
import { type AuditContext, type AuditLog, changesBetween, createAuditLog } from './audit-log.js';
import type { EventDoc, Owner } from './events.js';
import type { OrderDoc } from './orders.js';

/**
 * How long after a code's last redemption its uses are recounted (domain/promo-recount.ts): far
 * longer than taking a use and storing its order take (the gateway's order is created in
 * between), so an order still on its way is never mistaken for a lost one.
 */
export const PROMO_RECOUNT_GRACE_MS = 10 * 60_000;

/** A stored promo code (collection `promo_codes`). */
export interface PromoCodeDoc {
  _id: string;
  account: string;
  livemode: boolean;
  event: string;
  /** As the organizer wrote it. */
  code: string;
  /** `code` in lower case: what buyers' codes are matched on, and unique per event. */
  code_key: string;
  kind: PromoKind;
  /** Percent 1–100, or paise off each ticket. */
  value: number;
  /** Ticket type ids it discounts; null for every type. */
  ticket_types: string[] | null;
  /** Hidden ticket type ids it makes visible and sellable. */
  unlocks: string[];
  max_uses: number | null;
  /** Tickets discounted per order; null for all. */
  max_per_order: number | null;
  starts_at: Date | null;
  ends_at: Date | null;
  active: boolean;
  /** Orders holding a redemption; moved only by `$inc` in a conditional update (and set right by the recount). */
  uses: number;
  /**
   * When the recount next checks `uses` against the orders holding one: set by each redemption
   * to a grace time after it, cleared by the recount (domain/promo-recount.ts); absent when none is due.
   */
  recount_at?: Date;
  created_at: Date;
  updated_at: Date;
}

export const PROMO_CODE_INDEXES: readonly IndexSpec[] = [
  // Case-insensitive uniqueness per event, and the buyer's lookup.
  { collection: 'promo_codes', keys: { event: 1, code_key: 1 }, unique: true },
  // An event's codes, newest first (promoCodes.list).
  { collection: 'promo_codes', keys: { event: 1, account: 1, livemode: 1, created_at: -1, _id: -1 } },
  // The usage report: an event's orders that used a code.
  { collection: 'orders', keys: { event: 1, 'discount.promo': 1 } },
];

/** What an organizer sets on a code (already shape-checked, dates parsed). */
export interface PromoCodeInput {
  code: string;
  kind: PromoKind;
  value: number;
  ticket_types?: string[] | null | undefined;
  unlocks?: string[] | undefined;
  max_uses?: number | null | undefined;
  max_per_order?: number | null | undefined;
  starts_at?: Date | null | undefined;
  ends_at?: Date | null | undefined;
  active?: boolean | undefined;
}

/** The least a fixed code takes off a ticket: ₹1. */
export const MIN_FIXED_DISCOUNT = 100;

const AUDITED = [
  'code',
  'kind',
  'value',
  'ticket_types',
  'unlocks',
  'max_uses',
  'max_per_order',
  'starts_at',
  'ends_at',
  'active',
] as const satisfies readonly (keyof PromoCodeDoc)[];

const REASON_MESSAGES: Record<PromoCodeInvalidReason, string> = {
  unknown: 'That promo code does not exist for this event.',
  not_started: 'That promo code cannot be used yet.',
  expired: 'That promo code has expired.',
  used_up: 'That promo code has been used as many times as it may be.',
  inactive: 'That promo code is no longer active.',
};

/** The `PROMO_CODE_INVALID` error for a reason, its message safe to show to buyers. */
export function promoInvalid(reason: PromoCodeInvalidReason): AppError {
  return new AppError('PROMO_CODE_INVALID', REASON_MESSAGES[reason], { reason });
}

/** The key a code is matched on: buyers may type it in any case. */
export function codeKey(code: string): string {
  return code.trim().toLowerCase();
}

/** Why a code cannot be used at `now`, or null when it can (its `uses` as read). */
export function promoRefusal(promo: PromoCodeDoc, now: Date): PromoCodeInvalidReason | null {
  if (!promo.active) return 'inactive';
  if (promo.starts_at && now < promo.starts_at) return 'not_started';
  if (promo.ends_at && now >= promo.ends_at) return 'expired';
  if (promo.max_uses !== null && promo.uses >= promo.max_uses) return 'used_up';
  return null;
}

/** Checks a code's settings against its event: known types, hidden unlocks, a value in range, a window that opens before it closes. */
function checked(event: EventDoc, p: Omit<PromoCodeDoc, '_id' | 'account' | 'livemode' | 'event' | 'code_key' | 'uses' | 'created_at' | 'updated_at'>): void {
  const issues: FieldIssue[] = [];
  const types = new Map(event.ticket_types.map((t) => [t.id, t]));
  if (p.kind === 'percent' && p.value > 100) issues.push({ field: 'value', message: 'must be at most 100 (percent)' });
  if (p.kind === 'fixed' && p.value < MIN_FIXED_DISCOUNT) issues.push({ field: 'value', message: `must be at least ${MIN_FIXED_DISCOUNT} paise (₹1)` });
  p.ticket_types?.forEach((id, i) => {
    if (!types.has(id)) issues.push({ field: `ticket_types.${i}`, message: `is not a ticket type of this event (${id})` });
  });
  p.unlocks.forEach((id, i) => {
    const type = types.get(id);
    if (!type) issues.push({ field: `unlocks.${i}`, message: `is not a ticket type of this event (${id})` });
    else if (!type.hidden) issues.push({ field: `unlocks.${i}`, message: `is not a hidden ticket type (${type.name}); hide it first` });
  });
  if (p.starts_at && p.ends_at && p.ends_at <= p.starts_at) issues.push({ field: 'ends_at', message: 'must be after starts_at' });
  if (issues.length > 0) throw new AppError('VALIDATION_FAILED', 'The promo code is not valid.', issues);
}

/**
 * Gives an order's redemption back to its code, once: the flag on the order is turned by one
 * conditional update, and only the caller that turned it lowers the code's `uses`. Called when
 * the order expires, is cancelled, or is refunded in full; a no-op for an order without a code
 * or one no longer ended.
 */
export async function givePromoBack(store: Store, order: Pick<OrderDoc, '_id' | 'discount'>): Promise<boolean> {
  if (!order.discount || order.discount.returned) return false;
  // Only while the order is still ended: a late payment that turned it paid meanwhile keeps the use (domain/promo-retake.ts).
  const claimed = await store
    .collection<OrderDoc>('orders')
    .updateOne({ _id: order._id, status: op.in(['expired', 'cancelled', 'refunded']), 'discount.returned': false }, { $set: { 'discount.returned': true } });
  if (claimed.modified === 0) return false;
  await store.collection<PromoCodeDoc>('promo_codes').updateOne({ _id: order.discount.promo, uses: op.gt(0) }, { $inc: { uses: -1 } });
  return true;
}

/** One code's orders and what it took off them, for the usage report. */
export interface PromoUsage {
  promo: PromoCodeDoc;
  orders: number;
  discount: number;
}

/**
 * An event's promo codes, and the checks buyers' codes go through.
 *
 * @example
 * const promoCodes = createPromoCodeService({ store, clock, eventOf });
 * await promoCodes.create(owner, 'evt_…', { code: 'EARLYBIRD', kind: 'percent', value: 20, max_uses: 50 });
 */
export function createPromoCodeService({
  store,
  clock,
  eventOf,
  auditLog = createAuditLog({ store, clock }),
}: {
  store: Store;
  clock: Clock;
  /** The owner's event, or null. */
  eventOf: (owner: Owner, id: string) => Promise<EventDoc | null>;
  auditLog?: AuditLog;
}) {
  const codes = store.collection<PromoCodeDoc>('promo_codes');
  const orders = store.collection<OrderDoc>('orders');

  async function eventFor(owner: Owner, eventId: string): Promise<EventDoc> {
    const event = await eventOf(owner, eventId);
    if (!event) throw notFound('event', eventId);
    return event;
  }

  async function get(owner: Owner, eventId: string, id: string): Promise<PromoCodeDoc> {
    const promo = await codes.findOne({ _id: id, event: eventId, account: owner.account, livemode: owner.livemode });
    if (!promo) throw notFound('promo code', id);
    return promo;
  }

  const taken = () => new AppError('CONFLICT', 'This event already has a promo code with that name (codes match whatever the case).', [{ field: 'code', message: 'is taken' }]);

  async function audit(
    context: AuditContext | undefined,
    action: 'promo_code.created' | 'promo_code.updated' | 'promo_code.deleted',
    before: PromoCodeDoc | null,
    after: PromoCodeDoc | null,
  ) {
    if (!context) return;
    const id = (after ?? before)?._id ?? '';
    await auditLog.record(context, { action, target: { type: 'promo_code', id }, changes: changesBetween(before, after, AUDITED) });
  }

  return {
    get,

    /** An event's codes, newest first. @throws AppError NOT_FOUND for an event of another account or mode */
    async list(owner: Owner, eventId: string, page: PageParams): Promise<Page<PromoCodeDoc>> {
      await eventFor(owner, eventId);
      return paginate(codes, { event: eventId, account: owner.account, livemode: owner.livemode }, page);
    },

    /**
     * A new code for an event.
     * @throws AppError VALIDATION_FAILED; CONFLICT when the event has the code already (whatever the case)
     */
    async create(owner: Owner, eventId: string, input: PromoCodeInput, context?: AuditContext): Promise<PromoCodeDoc> {
      const event = await eventFor(owner, eventId);
      const now = clock.now();
      const fields = {
        code: input.code.trim(),
        kind: input.kind,
        value: input.value,
        ticket_types: input.ticket_types ?? null,
        unlocks: input.unlocks ?? [],
        max_uses: input.max_uses ?? null,
        max_per_order: input.max_per_order ?? null,
        starts_at: input.starts_at ?? null,
        ends_at: input.ends_at ?? null,
        active: input.active ?? true,
      };
      checked(event, fields);
      const doc: PromoCodeDoc = {
        _id: newId('pc'),
        account: owner.account,
        livemode: owner.livemode,
        event: eventId,
        ...fields,
        code_key: codeKey(fields.code),
        uses: 0,
        created_at: now,
        updated_at: now,
      };
      try {
        await codes.insertOne(doc);
      } catch (err) {
        if (err instanceof DuplicateKeyError) throw taken();
        throw err;
      }
      await audit(context, 'promo_code.created', null, doc);
      return doc;
    },

    /**
     * Changes the fields sent. `uses` is never set here: lowering `max_uses` below it makes the
     * code `used_up`, and orders already made keep their discount.
     * @throws AppError NOT_FOUND, VALIDATION_FAILED, CONFLICT
     */
    async update(owner: Owner, eventId: string, id: string, input: Partial<PromoCodeInput>, context?: AuditContext): Promise<PromoCodeDoc> {
      const event = await eventFor(owner, eventId);
      const before = await get(owner, eventId, id);
      const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as Partial<PromoCodeInput>;
      const next = { ...before, ...defined, code: (defined.code ?? before.code).trim() };
      checked(event, next);
      const set: Partial<PromoCodeDoc> = { ...defined, code: next.code, code_key: codeKey(next.code), updated_at: clock.now() };
      let after: PromoCodeDoc | null;
      try {
        after = await codes.findOneAndUpdate({ _id: id }, { $set: set });
      } catch (err) {
        if (err instanceof DuplicateKeyError) throw taken();
        throw err;
      }
      if (!after) throw notFound('promo code', id);
      await audit(context, 'promo_code.updated', before, after);
      return after;
    },

    /** Deletes a code; orders that used it keep their discount. @throws AppError NOT_FOUND */
    async delete(owner: Owner, eventId: string, id: string, context?: AuditContext): Promise<PromoCodeDoc> {
      const before = await get(owner, eventId, id);
      await codes.deleteOne({ _id: id });
      await audit(context, 'promo_code.deleted', before, null);
      return before;
    },

    /**
     * The code a buyer typed, if it can be used on the event now.
     * @throws AppError PROMO_CODE_INVALID with `details.reason`
     */
    async usable(event: Pick<EventDoc, '_id' | 'account' | 'livemode'>, typed: string): Promise<PromoCodeDoc> {
      const promo = await codes.findOne({ event: event._id, code_key: codeKey(typed), account: event.account, livemode: event.livemode });
      if (!promo) throw promoInvalid('unknown');
      const refusal = promoRefusal(promo, clock.now());
      if (refusal) throw promoInvalid(refusal);
      return promo;
    },

    /**
     * Takes one use of a code: one conditional update that matches only an active code with a use
     * left, so racing buyers never take more than `max_uses`.
     * @throws AppError PROMO_CODE_INVALID (`used_up`, `inactive`) when the update matched nothing
     */
    async redeem(promo: PromoCodeDoc): Promise<void> {
      const filter: Filter = { _id: promo._id, active: true };
      if (promo.max_uses !== null) filter.uses = op.lt(promo.max_uses);
      // A crash before the order is stored leaves this use with no order: the recount looks after the grace time.
      const recountAt = new Date(clock.now().getTime() + PROMO_RECOUNT_GRACE_MS);
      const taken = await codes.updateOne(filter, { $inc: { uses: 1 }, $set: { recount_at: recountAt } });
      if (taken.modified === 1) return;
      const fresh = await codes.findOne({ _id: promo._id });
      throw promoInvalid(!fresh ? 'unknown' : !fresh.active ? 'inactive' : 'used_up');
    },

    /** Gives back a use taken by `redeem` for an order that was never stored (its seats could not be held). */
    async unredeem(promo: PromoCodeDoc): Promise<void> {
      await codes.updateOne({ _id: promo._id, uses: op.gt(0) }, { $inc: { uses: -1 } });
    },

    /**
     * Each code of an event with its paid orders and what it took off them: orders paid, partly
     * refunded or refunded (the discount was given whatever happened later).
     */
    async usage(owner: Owner, eventId: string): Promise<PromoUsage[]> {
      await eventFor(owner, eventId);
      const all = await codes.find({ event: eventId, account: owner.account, livemode: owner.livemode }, { sort: { created_at: -1, _id: -1 }, limit: 500 });
      const used = await orders.find({ event: eventId, 'discount.promo': op.exists(true), status: op.in(['paid', 'partially_refunded', 'refunded']) }, { limit: 100_000 });
      return all.map((promo) => {
        const mine = used.filter((o) => o.discount?.promo === promo._id);
        return { promo, orders: mine.length, discount: mine.reduce((sum, o) => sum + (o.discount?.amount ?? 0), 0) };
      });
    },
  };
}

export type PromoCodeService = ReturnType<typeof createPromoCodeService>;
