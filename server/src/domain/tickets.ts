import type { TicketStatus } from '@trendy-tickets/sdk';
import { op, DuplicateKeyError, type IndexSpec, type Store } from '../store/port.js';
import type { Clock } from '../kernel/clock.js';
import type { FiguresService } from './figures.js';
import { AppError, notFound } from '../kernel/errors.js';
import type { EventDoc, Owner } from './events.js';
import { newSortableId } from '../kernel/ids.js';
import type { Inventory } from './inventory.js';
import type { OrderDoc } from './orders.js';
import type { TicketCodes } from './ticket-codes.js';
import { type AuditContext, type AuditLog, changesBetween, createAuditLog } from './audit-log.js';
import { createDomainEvents, domainEventId, type DomainEvents } from './domain-events.js';
import { ticketMoney, type TicketMoney } from './event-tax.js';
import type { Answers } from './attendee-answers.js';

export interface TicketDoc {
  _id: string;
  account: string;
  livemode: boolean;
  event: string;
  order: string;
  /** Position within the order (0-based): with `order`, unique, so re-issuing creates nothing twice. */
  index: number;
  ticket_type: string;
  ticket_type_name: string;
  price: number;
  /**
   * Set on tickets issued through `POST /v1/tickets` (they carry a price of 0): `paid_elsewhere`
   * when the organizer gave an `external_reference`, `comp` otherwise. Absent on tickets sold
   * through checkout, and on tickets issued before the field existed (docs/domain-rules.md#figures).
   */
  issued_as?: IssuedAs;
  /** The ticket's attendee when checkout asked for one (docs/attendee-details.md), else the buyer; the email falls back to the buyer's. */
  holder: { name: string; email: string };
  /** Its attendee's answers to ticket-scope questions, by question id; absent without any. */
  answers?: Answers;
  /**
   * The order's `tracking.campaign`, copied at issue so the figures count sales per campaign
   * from the ticket alone (domain/figures.ts). Absent without one.
   */
  campaign?: string;
  /** The promo code the order used, copied at issue so the attendee list and its CSV show it. Absent without one. */
  promo_code?: string;
  /** Its part of the order's tax and fee figures (`ticketMoney`); absent on orders without them. */
  money?: TicketMoney;
  status: TicketStatus;
  code: string;
  valid_from: Date | null;
  valid_until: Date | null;
  checked_in_at: Date | null;
  checked_in_by: string | null;
  voided_at: Date | null;
  created_at: Date;
  /**
   * What the figures count this ticket as (domain/figures.ts): null before its issue is counted.
   * Absent only on tickets from before counters were kept.
   */
  counted?: string | null;
  /** Set by every change of state, cleared once the figures follow (absent when they have). */
  tally_due_at?: Date;
  /** The refund (`rf_…`) this ticket is being refunded by: set when asked for, voided when it is processed, cleared if it fails. */
  refund?: string;
}

/** How a ticket issued without a checkout payment was paid for: not at all, or outside this service. */
export type IssuedAs = 'comp' | 'paid_elsewhere';

/**
 * What an order's tickets record as `issued_as`: nothing for a checkout sale; for an order
 * issued directly, whether it names an outside payment.
 *
 * @example
 * issuedAs(order); // 'paid_elsewhere' for POST /v1/tickets with an external_reference
 */
export function issuedAs(order: Pick<OrderDoc, 'source' | 'payment'>): IssuedAs | undefined {
  if (order.source !== 'direct') return undefined;
  return order.payment?.reference ? 'paid_elsewhere' : 'comp';
}

export const TICKET_INDEXES: readonly IndexSpec[] = [
  { collection: 'tickets', keys: { order: 1, index: 1 }, unique: true },
  // Attendees checked in or not yet, paged newest first by (created_at, _id).
  { collection: 'tickets', keys: { event: 1, status: 1, created_at: -1, _id: -1 } },
  // All attendees (`status` in valid, checked_in), paged newest first: the index is walked in
  // page order and voided tickets skipped on the way. SQLite cannot merge the two status ranges
  // of the index above in order, so without this one it sorted the whole event for every page
  // (docs/decisions/0036-reads-at-a-million-tickets.md).
  { collection: 'tickets', keys: { event: 1, created_at: -1, _id: -1 } },
  // The tickets a refund claimed.
  { collection: 'tickets', keys: { refund: 1 } },
];

/** Who holds the order's ticket at `index`: its attendee, where checkout named one, else the buyer. */
export function holderOf(order: Pick<OrderDoc, 'buyer' | 'attendees'>, index: number): TicketDoc['holder'] {
  const attendee = order.attendees?.[index];
  return { name: attendee?.name ?? order.buyer.name, email: attendee?.email ?? order.buyer.email };
}

function answersOf(order: Pick<OrderDoc, 'attendees'>, index: number): { answers?: Answers } {
  const answers = order.attendees?.[index]?.answers;
  return answers && Object.keys(answers).length > 0 ? { answers } : {};
}

/** Where a ticket's hosted page and PDF live: the links in mail, PDFs and API objects. */
export function ticketUrls(publicUrl: string, ticketId: string): { url: string; pdf_url: string } {
  return { url: `${publicUrl}/tickets/${ticketId}`, pdf_url: `${publicUrl}/tickets/${ticketId}.pdf` };
}

/** The admission window of an event's tickets: by default sales start to event end (docs/domain-rules.md#tickets). */
export function validityOf(event: EventDoc): { valid_from: Date | null; valid_until: Date } {
  return { valid_from: event.valid_from ?? event.sales_start_at ?? null, valid_until: event.valid_until ?? event.ends_at };
}

export interface TicketServiceDeps {
  store: Store;
  clock: Clock;
  codes: TicketCodes;
  inventory: Inventory;
  figures: FiguresService;
  /** The events log (default: one over the same store). */
  domainEvents?: DomainEvents;
  /** The audit log (default: one over the same store). */
  auditLog?: AuditLog;
}

/**
 * Tickets: one per admission, each with a signed code.
 *
 * @example
 * const tickets = createTicketService({ store, clock, codes, inventory, figures });
 * const issued = await tickets.issueForOrder(order, event);
 */
export function createTicketService({
  store,
  clock,
  codes,
  inventory,
  figures,
  domainEvents = createDomainEvents({ store, clock }),
  auditLog = createAuditLog({ store, clock }),
}: TicketServiceDeps) {
  const tickets = store.collection<TicketDoc>('tickets');

  /** `ticket.voided` for a voided ticket; called again by a retried void, so a crash after the void still records it. */
  async function recordVoided(ticket: TicketDoc): Promise<void> {
    await domainEvents.record({ type: 'ticket.voided', account: ticket.account, livemode: ticket.livemode, snapshot: { kind: 'ticket', ticket } });
  }

  /**
   * Stores an order's new tickets in one insert (one commit for the order, not one per ticket);
   * when a racer issued some of them first, each is tried alone and the racer's are kept.
   * True when the one insert stored them all, so the caller knows what is stored without reading it.
   */
  async function insertAll(fresh: readonly TicketDoc[]): Promise<boolean> {
    if (fresh.length === 0) return true;
    try {
      await tickets.insertMany(fresh);
      return true;
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
    }
    for (const ticket of fresh) {
      try {
        await tickets.insertOne(ticket);
      } catch (err) {
        if (!(err instanceof DuplicateKeyError)) throw err; // a racer issued this one first
      }
    }
    return false;
  }

  return {
    /**
     * Issues an order's tickets. Idempotent: every racer may call it, and the
     * unique `(order, index)` index keeps each admission to one ticket.
     *
     * `beside` is started in the same turn as the tickets' insert, once their codes are signed
     * (on the thread pool, which answers when it will), so its writes share the insert's commit
     * every time rather than when the signatures happen to come back in time.
     */
    async issueForOrder(order: OrderDoc, event: EventDoc, beside?: () => Promise<unknown>): Promise<TicketDoc[]> {
      const existing = await tickets.find({ order: order._id }, { sort: { index: 1 } });
      const have = new Set(existing.map((t) => t.index));
      const { valid_from, valid_until } = validityOf(event);
      const kind = issuedAs(order);
      const money = order.breakdown ? ticketMoney(order.items, order.breakdown) : [];
      const fresh: TicketDoc[] = [];
      let index = 0;
      for (const item of order.items) {
        for (let n = 0; n < item.quantity; n++, index++) {
          if (have.has(index)) continue;
          const id = newSortableId('tkt');
          const ticket: TicketDoc = {
            _id: id,
            account: order.account,
            livemode: order.livemode,
            event: order.event,
            order: order._id,
            index,
            ticket_type: item.ticket_type,
            ticket_type_name: item.name,
            price: item.unit_price,
            ...(kind ? { issued_as: kind } : {}),
            holder: holderOf(order, index),
            ...answersOf(order, index),
            ...(order.tracking?.campaign ? { campaign: order.tracking.campaign } : {}),
            ...(order.discount ? { promo_code: order.discount.code } : {}),
            ...(money[index] ? { money: money[index] } : {}),
            status: 'valid',
            // Filled in below: the order's codes are signed together, on the thread pool.
            code: '',
            valid_from,
            valid_until,
            checked_in_at: null,
            checked_in_by: null,
            voided_at: null,
            created_at: clock.now(),
            // Stored already counted: the insert is the claim of its issue, so no racer counts it
            // again and no second write per ticket is waited for (docs/decisions/0048-door-and-issuance-at-a-million.md).
            counted: 'valid',
          };
          fresh.push(ticket);
        }
      }
      await Promise.all(
        fresh.map(async (ticket) => {
          ticket.code = await codes.sign(order.account, ticket._id, order.event);
        }),
      );
      if (fresh.length > 0) await figures.beforeClaim(order);
      const [storedAll] = await Promise.all([insertAll(fresh), beside?.()]);
      // An order issued by this call alone is what it just stored, in index order: no read back.
      const issued = storedAll && existing.length === 0 ? fresh : await tickets.find({ order: order._id }, { sort: { index: 1 } });
      // The tickets this call generated and stored are its own to count, as it stored them; a racer's, its racer's.
      const stored = new Set(issued.map((t) => t._id));
      const claimed = fresh.filter((t) => stored.has(t._id)).map((ticket) => ({ ticket, from: null }));
      // Tickets stored by an older version, or another path, wait for their claim as before.
      const due = issued.filter((t) => t.tally_due_at !== undefined);
      if (claimed.length === 0 && due.length === 0) return issued;
      await Promise.all([figures.settleClaimed(claimed, [event]), figures.settleAll(due, [event])]);
      return due.length === 0 ? issued : tickets.find({ order: order._id }, { sort: { index: 1 } });
    },

    async listForOrder(orderId: string): Promise<TicketDoc[]> {
      return tickets.find({ order: orderId }, { sort: { index: 1 } });
    },

    /** Tickets by id, for lists that show the ticket of each entry. */
    async byIds(ids: readonly string[]): Promise<Map<string, TicketDoc>> {
      if (ids.length === 0) return new Map();
      return new Map((await tickets.find({ _id: op.in([...new Set(ids)]) })).map((t) => [t._id, t]));
    },

    /** A ticket by id alone: ticket ids are unguessable bearer links (≥ 128 random bits). */
    async findById(id: string): Promise<TicketDoc | null> {
      return tickets.findOne({ _id: id });
    },

    async get(owner: Owner, id: string): Promise<TicketDoc> {
      const ticket = await tickets.findOne({ _id: id, account: owner.account, livemode: owner.livemode });
      if (!ticket) throw notFound('ticket', id);
      return ticket;
    },

    /** Voids a ticket and frees its seat. Voiding a voided ticket returns it unchanged (and audits nothing). */
    async void(owner: Owner, id: string, audit?: AuditContext): Promise<TicketDoc> {
      const ticket = await this.get(owner, id);
      if (ticket.status === 'voided') {
        await recordVoided(ticket);
        return ticket;
      }
      const voided = await tickets.findOneAndUpdate({ _id: id, status: op.ne('voided') }, { $set: { status: 'voided', voided_at: clock.now(), tally_due_at: clock.now() } });
      if (!voided) return this.get(owner, id);
      await recordVoided(voided);
      if (audit) {
        const changes = changesBetween(ticket, voided, ['status', 'voided_at']);
        await auditLog.record(audit, { action: 'ticket.voided', target: { type: 'ticket', id }, changes, domainEvent: domainEventId(id, 'ticket.voided') });
      }
      await inventory.unsell(ticket.event, { [ticket.ticket_type]: 1 });
      await figures.settle(voided);
      return (await tickets.findOne({ _id: id })) ?? voided;
    },

    /**
     * Claims an order's tickets for one refund, all or none: each claim is one conditional update
     * (not voided, not claimed by another refund), so two refunds racing for a ticket get it once.
     */
    async claimForRefund(orderId: string, ids: readonly string[], refundId: string): Promise<TicketDoc[]> {
      const claimed: TicketDoc[] = [];
      for (const id of new Set(ids)) {
        const ticket = await tickets.findOneAndUpdate({ _id: id, order: orderId, status: op.ne('voided'), refund: op.exists(false) }, { $set: { refund: refundId } });
        if (!ticket) {
          await this.releaseFromRefund(refundId);
          throw new AppError('VALIDATION_FAILED', 'The request has invalid fields.', [
            { field: 'tickets', message: `${id} is not a ticket of this order that can still be refunded (voided, or in another refund)` },
          ]);
        }
        claimed.push(ticket);
      }
      return claimed;
    },

    /** Gives back the tickets a refund claimed (it failed, or was never made). */
    async releaseFromRefund(refundId: string): Promise<void> {
      await tickets.updateMany({ refund: refundId, status: op.ne('voided') }, { $unset: { refund: '' } });
    },

    /**
     * Voids the tickets a processed refund was for and frees their seats, each only by the call
     * that voided it, so a repeated call frees no seat twice.
     */
    async voidForRefund(refund: { _id: string; tickets?: readonly string[] }): Promise<number> {
      let voided = 0;
      for (const id of refund.tickets ?? []) {
        const done = await tickets.findOneAndUpdate(
          { _id: id, refund: refund._id, status: op.ne('voided') },
          { $set: { status: 'voided', voided_at: clock.now(), tally_due_at: clock.now() } },
        );
        if (!done) continue;
        await inventory.unsell(done.event, { [done.ticket_type]: 1 });
        await figures.settle(done);
        voided += 1;
      }
      for (const ticket of await tickets.find({ refund: refund._id, status: 'voided' })) await recordVoided(ticket);
      return voided;
    },

    /**
     * Voids an order's remaining tickets one at a time and returns each one's seat, only for the
     * tickets this call voided: re-running it, or racing a single-ticket void, returns no seat twice.
     */
    async voidForOrder(order: { _id: string; event: string }): Promise<number> {
      // Every voided ticket of the order gets its event, also those a run cut short voided:
      // the refund's settling (which calls this until it is done) is what finishes them.
      const recordAll = async () => {
        for (const ticket of await tickets.find({ order: order._id, status: 'voided' })) await recordVoided(ticket);
      };
      let voided = 0;
      for (const ticket of await tickets.find({ order: order._id, status: op.ne('voided') })) {
        const done = await tickets.findOneAndUpdate(
          { _id: ticket._id, status: op.ne('voided') },
          { $set: { status: 'voided', voided_at: clock.now(), tally_due_at: clock.now() } },
        );
        if (!done) continue;
        await inventory.unsell(order.event, { [ticket.ticket_type]: 1 });
        await figures.settle(done);
        voided += 1;
      }
      await recordAll();
      return voided;
    },
  };
}

export type TicketService = ReturnType<typeof createTicketService>;
