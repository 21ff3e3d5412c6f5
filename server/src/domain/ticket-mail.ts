/**
 * The tickets mail from the organizer's side: what happened to it, and sending it again
 * when a buyer says it never came. Sending is the outbox's job, as for every mail
 * (docs/domain-rules.md#mail-delivery): this only enqueues, and reads the outbox's record of each attempt.
 */
import type { Store } from '../store/port.js';
import type { Clock } from '../kernel/clock.js';
import { AppError, notFound } from '../kernel/errors.js';
import { type AuditContext, type AuditLog, changesBetween, createAuditLog } from './audit-log.js';
import type { Owner } from './events.js';
import type { Outbox, OutboxJob, OutboxState } from './ports.js';
import type { RateLimiter, RateLimitRule } from './rate-limit.js';
import type { TicketDoc } from './tickets.js';

/** How often one order's tickets may be sent again: enough for a buyer on the phone, too few to flood an inbox. */
export const RESEND_RULE: RateLimitRule = { limit: 5, windowSeconds: 3600 };
/** Deliveries shown for a ticket. */
export const DELIVERY_HISTORY_LIMIT = 5;

/** One sending of a tickets mail, as the organizer sees it (no addresses of servers, no error text). */
export interface TicketDelivery {
  id: string;
  state: OutboxState;
  /** Whether the organizer asked for this one (rather than the sale). */
  resent: boolean;
  to: string;
  attempts: number;
  created_at: Date;
  sent_at: Date | null;
}

function toDelivery(job: OutboxJob): TicketDelivery {
  return {
    id: job._id,
    state: job.state,
    resent: job.payload.resent === true,
    to: job.to,
    attempts: job.attempts,
    created_at: job.created_at,
    sent_at: job.sent_at ?? null,
  };
}

/**
 * Resends tickets and reports their delivery.
 *
 * @example
 * const ticketMail = createTicketMailService({ store, clock, outbox, limiter });
 * await ticketMail.resend(owner, 'tkt_…');
 */
export function createTicketMailService({
  store,
  clock,
  outbox,
  limiter,
  auditLog = createAuditLog({ store, clock }),
}: {
  store: Store;
  clock: Clock;
  outbox: Outbox;
  limiter: RateLimiter;
  /** The audit log (default: one over the same store). */
  auditLog?: AuditLog;
}) {
  const tickets = store.collection<TicketDoc>('tickets');

  async function ownTicket(owner: Owner, id: string): Promise<TicketDoc> {
    const ticket = await tickets.findOne({ _id: id, account: owner.account, livemode: owner.livemode });
    if (!ticket) throw notFound('ticket', id);
    return ticket;
  }

  return {
    /**
     * Queues the tickets mail of the ticket's order again, to the holder. Voided tickets are
     * not sent; a double click within the same minute queues one mail. `audit` names who asked,
     * for the audit log: the mail queued and its recipient (a repeated click queues, and records, nothing).
     * @throws AppError NOT_FOUND, CONFLICT (voided), RATE_LIMITED (see {@link RESEND_RULE})
     */
    async resend(owner: Owner, ticketId: string, audit?: AuditContext): Promise<TicketDelivery> {
      const ticket = await ownTicket(owner, ticketId);
      if (ticket.status === 'voided') throw new AppError('CONFLICT', 'This ticket is voided, so it is not sent again.');
      await limiter.assertAllowed(`ticket-resend:${ticket.order}`, RESEND_RULE, `These tickets were sent again ${RESEND_RULE.limit} times in the last hour. Try again later.`);
      const minute = Math.floor(clock.now().getTime() / 60_000);
      const { job, created } = await outbox.enqueue({
        kind: 'tickets',
        to: ticket.holder.email,
        payload: { order: ticket.order, resent: true },
        dedupeKey: `tickets-resend:${ticket.order}:${minute}`,
      });
      if (audit && created) {
        const changes = changesBetween(null, { delivery: job._id, to: job.to }, ['delivery', 'to']);
        await auditLog.record(audit, { action: 'ticket.email_resent', target: { type: 'ticket', id: ticket._id }, changes });
      }
      return toDelivery(job);
    },

    /** The latest sendings of the ticket's order's tickets mail, newest first. */
    async deliveries(owner: Owner, ticketId: string): Promise<TicketDelivery[]> {
      const ticket = await ownTicket(owner, ticketId);
      const found = await outbox.listForOrder(ticket.order, 'tickets', DELIVERY_HISTORY_LIMIT);
      return found.map(toDelivery);
    },
  };
}

export type TicketMailService = ReturnType<typeof createTicketMailService>;
