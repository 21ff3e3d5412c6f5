/**
 * "Find my tickets": a buyer who lost their mail gives their address and gets one mail with
 * links to every ticket they hold for upcoming events. The answer to the request is the same
 * whether or not the address has tickets, so the form tells nobody who bought what; only the
 * mailbox's owner learns it. The mail goes through the outbox like every mail
 * (docs/domain-rules.md#mail-delivery), never on the request path.
 */
import { op, type IndexSpec, type Store } from '../store/port.js';
import type { Clock } from '../kernel/clock.js';
import type { EventDoc } from './events.js';
import type { RateLimiter, RateLimitRule } from './rate-limit.js';
import type { TicketDoc } from './tickets.js';
import type { Outbox } from './ports.js';

/** Mails one address may be sent per hour: enough for a retry, too few to flood an inbox. */
export const FIND_PER_EMAIL: RateLimitRule = { limit: 3, windowSeconds: 3600 };
/** Requests one network may make per hour, whatever the addresses. */
export const FIND_PER_IP: RateLimitRule = { limit: 20, windowSeconds: 3600 };
/** Tickets listed in one mail at most (the soonest first). */
export const FIND_MAX_TICKETS = 50;

/**
 * Tickets are found by their holder's address (checkout tickets are held by their buyer), among
 * those still valid; without this index every request would scan all tickets.
 *
 * @example
 * await store.ensureIndexes([...INDEXES, ...TICKET_FINDER_INDEXES]);
 */
export const TICKET_FINDER_INDEXES: readonly IndexSpec[] = [{ collection: 'tickets', keys: { 'holder.email': 1, valid_until: 1 } }];

/** One ticket as the "find my tickets" mail lists it. */
export interface FoundTicket {
  ticket: TicketDoc;
  event: EventDoc;
}

/** Addresses are compared as stored: lower case, no surrounding spaces. */
export const normalEmail = (email: string): string => email.trim().toLowerCase();

/**
 * The address's tickets that still admit, soonest event first; voided ones and cancelled or
 * past events left out. Read by the request (to queue a mail only when there is something to
 * send) and by the mail renderer at send time.
 *
 * @example const found = await upcomingTickets({ store, clock }, 'asha@example.com');
 */
export async function upcomingTickets({ store, clock }: { store: Store; clock: Clock }, email: string): Promise<FoundTicket[]> {
  const now = clock.now();
  const held = await store
    .collection<TicketDoc>('tickets')
    .find({ 'holder.email': normalEmail(email), valid_until: op.gt(now), status: op.ne('voided') }, { limit: FIND_MAX_TICKETS });
  const events = store.collection<EventDoc>('events');
  const byId = new Map<string, EventDoc | null>();
  const found: FoundTicket[] = [];
  for (const ticket of held) {
    if (!byId.has(ticket.event)) byId.set(ticket.event, await events.findOne({ _id: ticket.event }));
    const event = byId.get(ticket.event);
    if (event && event.status !== 'cancelled' && event.ends_at > now) found.push({ ticket, event });
  }
  return found.sort((a, b) => a.event.starts_at.getTime() - b.event.starts_at.getTime() || a.ticket.index - b.ticket.index);
}

/**
 * The service behind the "Find my tickets" page.
 *
 * @example
 * const finder = createTicketFinder({ store, clock, outbox, limiter });
 * await finder.request('asha@example.com', clientKey(c));
 */
export function createTicketFinder({ store, clock, outbox, limiter }: { store: Store; clock: Clock; outbox: Outbox; limiter: RateLimiter }) {
  return {
    /**
     * Queues the mail when the address holds upcoming tickets; does nothing visible otherwise.
     * Both limits count every request, with or without tickets, so they reveal nothing either.
     * @throws AppError RATE_LIMITED (see {@link FIND_PER_EMAIL}, {@link FIND_PER_IP})
     */
    async request(email: string, ip: string): Promise<void> {
      const address = normalEmail(email);
      await limiter.assertAllowed(`find-tickets:ip:${ip}`, FIND_PER_IP, 'Too many requests from this network. Try again later.');
      await limiter.assertAllowed(`find-tickets:email:${address}`, FIND_PER_EMAIL, 'We sent this address several mails in the last hour. Check your inbox, or try again later.');
      if ((await upcomingTickets({ store, clock }, address)).length === 0) return;
      // A double submit within the same minute queues one mail.
      const minute = Math.floor(clock.now().getTime() / 60_000);
      await outbox.enqueue({ kind: 'ticket_links', to: address, payload: { email: address }, dedupeKey: `ticket-links:${address}:${minute}` });
    },
  };
}

export type TicketFinder = ReturnType<typeof createTicketFinder>;
