import type { Clock } from '../kernel/clock.js';
import { AppError } from '../kernel/errors.js';
import { yieldToEventLoop } from '../kernel/event-loop.js';
import { newSortableId } from '../kernel/ids.js';
import { op, type Store } from '../store/port.js';
import { typeAvailable, waitingListOf, type EventDoc } from './events.js';
import { checkAttendees } from './attendee-answers.js';
import type { Inventory } from './inventory.js';
import type { ClaimedOrderInput, OrderDoc } from './orders.js';
import type { DomainEvents } from './domain-events.js';
import type { Outbox } from './ports.js';
import { hashLinkToken, newLinkToken } from './user-security.js';
import { WAITING_LIST_COLLECTION, waitingInc, type WaitingListEntryDoc } from './waiting-list.js';

/**
 * Offers, claims and lapses of the waiting list (docs/decisions/0045-waiting-list-seats.md).
 *
 * An offer holds seats under an order id allocated for the entry, before the entry says it is
 * offered: a crash in between leaves a hold with no order and no live offer, which the
 * sweeper releases (repair.ts) and the next round offers again. The line is strictly first come,
 * first served per type: the head entry of a type blocks those behind it until enough seats
 * are free for it, even when a smaller request behind it would fit.
 */

/** How many events one round of the offer job looks at. */
export const OFFER_EVENTS_PER_ROUND = 50;
/** How many lapsed offers one round takes back. */
export const LAPSES_PER_ROUND = 200;
/** Entries of an event's line read at a time when offering; the job yields to other requests between pages. */
export const LINE_PAGE = 200;

const HOUR_MS = 60 * 60_000;

export interface WaitingListOffersDeps {
  store: Store;
  clock: Clock;
  inventory: Inventory;
  outbox: Outbox;
  /** Writes the order of a claimed offer (`orders.createClaimed`). */
  createClaimed: (input: ClaimedOrderInput) => Promise<{ order: OrderDoc; clientSecret: string }>;
  /** The events log: offers, claims and lapses go to it and to webhooks (docs/domain-events.md). */
  domainEvents?: DomainEvents | undefined;
}

/** What the claim page shows of an offer found by its link. */
export interface OfferView {
  entry: WaitingListEntryDoc;
  event: EventDoc;
  /** `open`: claimable now; `claimed`: its order exists; `gone`: lapsed, removed or expired. */
  state: 'open' | 'claimed' | 'gone';
}

/**
 * @example
 * const offers = createWaitingListOffers({ store, clock, inventory, outbox, createClaimed });
 * await offers.offerDue(); // every few seconds, and after seats come back
 */
export function createWaitingListOffers({ store, clock, inventory, outbox, createClaimed, domainEvents }: WaitingListOffersDeps) {
  const entries = store.collection<WaitingListEntryDoc>(WAITING_LIST_COLLECTION);
  const events = store.collection<EventDoc>('events');

  /** Each entry moves to each of these states once, so the type alone names the transition. */
  const record = async (type: 'waiting_list_entry.offered' | 'waiting_list_entry.claimed' | 'waiting_list_entry.lapsed', entry: WaitingListEntryDoc) => {
    await domainEvents?.record({ type, account: entry.account, livemode: entry.livemode, snapshot: { kind: 'waiting_list_entry', entry }, at: entry.updated_at });
  };

  /** Holds seats for one waiting entry and makes it an offer; false when the seats are not there. */
  async function offer(event: EventDoc, entry: WaitingListEntryDoc): Promise<boolean> {
    const orderId = newSortableId('ord');
    if (!(await inventory.holdForOffer(event, orderId, [{ ticketType: entry.ticket_type, quantity: entry.quantity }]))) return false;
    const now = clock.now();
    const token = newLinkToken('wlc');
    const offered = await entries.findOneAndUpdate(
      { _id: entry._id, status: 'waiting' },
      {
        $set: {
          status: 'offered',
          order_id: orderId,
          offer_expires_at: new Date(now.getTime() + waitingListOf(event).offer_hours * HOUR_MS),
          claim_token_hash: hashLinkToken(token),
          updated_at: now,
        },
      },
    );
    if (!offered) {
      // Removed meanwhile: the seats go back at once.
      const hold = await inventory.holdOf(orderId);
      if (hold) await inventory.release(event._id, orderId, hold.entry);
      return true;
    }
    await events.updateOne({ _id: event._id }, { $inc: waitingInc(entry, -entry.quantity) });
    await record('waiting_list_entry.offered', offered);
    await outbox.enqueue({
      kind: 'waiting_list_offer',
      to: entry.email,
      payload: { entry: entry._id, token },
      dedupeKey: `wl-offer:${entry._id}:${orderId}`,
      secretFields: ['token'],
      owner: { account: entry.account, livemode: entry.livemode },
    });
    return true;
  }

  /**
   * Makes offers for an event's line while seats are free, in line order; returns how many.
   * With nobody left waiting it clears the event's `waitlist_due` mark and any `waiting` count a
   * crash left behind, guarded by the line's `waitlist_seq` so a confirmation racing it wins.
   */
  async function offerFor(eventId: string): Promise<number> {
    let event = await events.findOne({ _id: eventId });
    if (!event) return 0;
    let line = await linePage(eventId, null);
    if (line.length === 0) {
      const counters: Record<string, number> = { 'inventory.waiting': 0 };
      for (const typeId of Object.keys(event.inventory.types)) counters[`inventory.types.${typeId}.waiting`] = 0;
      await events.updateOne(
        { _id: eventId, 'inventory.waitlist_seq': event.inventory.waitlist_seq ?? op.exists(false) },
        { $set: counters, $unset: { 'inventory.waitlist_due': '' } },
      );
      return 0;
    }
    if (event.status === 'cancelled' || clock.now() >= event.ends_at) {
      // Nothing will be offered any more: off the job's list, the entries left as they are.
      await events.updateOne({ _id: eventId }, { $unset: { 'inventory.waitlist_due': '' } });
      return 0;
    }
    if (event.status !== 'published') return 0;
    const blocked = new Set<string>();
    let made = 0;
    for (;;) {
      for (const entry of line) {
        if (blocked.has(entry.ticket_type)) continue;
        if (typeAvailable(event, entry.ticket_type) < entry.quantity || !(await offer(event, entry))) {
          // Strict first come, first served: nobody behind the head of a type goes first.
          blocked.add(entry.ticket_type);
          continue;
        }
        made += 1;
        event = (await events.findOne({ _id: eventId })) ?? event;
      }
      const last = line.at(-1);
      // The rest of the line cannot be offered anything once no seat is left or every type's
      // head is blocked: a line of thousands costs one page then, not a read of all of it.
      const stuck = event.inventory.available <= 0 || event.ticket_types.every((type) => blocked.has(type.id));
      if (!last || line.length < LINE_PAGE || stuck) return made;
      await yieldToEventLoop();
      line = await linePage(eventId, last.seq);
    }
  }

  /** Up to {@link LINE_PAGE} entries waiting in line for the event, in line order, after `seq` (from the head without). */
  function linePage(eventId: string, after: number | null): Promise<WaitingListEntryDoc[]> {
    const filter = { event: eventId, status: 'waiting', ...(after === null ? {} : { seq: op.gt(after) }) };
    return entries.find(filter, { sort: { seq: 1 }, limit: LINE_PAGE });
  }

  /** Takes back one offer past its time and gives its seats to the line. */
  async function lapse(entry: WaitingListEntryDoc, onlyExpired: boolean): Promise<boolean> {
    const now = clock.now();
    const filter = { _id: entry._id, status: 'offered', ...(onlyExpired ? { offer_expires_at: op.lte(now) } : {}) };
    const lapsed = await entries.findOneAndUpdate(filter, { $set: { status: 'lapsed', updated_at: now }, $unset: { live_key: '' } });
    if (!lapsed) return false;
    await record('waiting_list_entry.lapsed', lapsed);
    if (entry.order_id) {
      const hold = await inventory.holdOf(entry.order_id);
      if (hold) await inventory.release(entry.event, entry.order_id, hold.entry);
    }
    return true;
  }

  return {
    offerFor,

    /** One round of the offer job: every event with people waiting. Returns the offers made. */
    async offerDue(limit = OFFER_EVENTS_PER_ROUND): Promise<number> {
      let made = 0;
      // Only events with a free seat can offer one: the rest wait without costing the round.
      for (const event of await events.find({ 'inventory.waitlist_due': true, 'inventory.available': op.gt(0) }, { limit })) made += await offerFor(event._id);
      return made;
    },

    /** Offers past `offer_expires_at` lapse, their seats go to the next in line; returns how many lapsed. */
    async lapseExpired(limit = LAPSES_PER_ROUND): Promise<number> {
      const due = await entries.find({ status: 'offered', offer_expires_at: op.lte(clock.now()) }, { sort: { offer_expires_at: 1 }, limit });
      let lapsed = 0;
      const touched = new Set<string>();
      for (const entry of due) {
        if (await lapse(entry, true)) {
          lapsed += 1;
          touched.add(entry.event);
        }
      }
      for (const eventId of touched) await offerFor(eventId);
      return lapsed;
    },

    /** Lapses every open offer of an event (it was cancelled): the seats are no longer for sale. */
    async lapseAllOf(eventId: string): Promise<number> {
      let lapsed = 0;
      for (const entry of await entries.find({ event: eventId, status: 'offered' })) if (await lapse(entry, false)) lapsed += 1;
      return lapsed;
    },

    /** The entry of an offer's held order id, for the sweeper: a hold with no order may be an open offer. */
    async entryOfOrder(orderId: string): Promise<WaitingListEntryDoc | null> {
      return entries.findOne({ order_id: orderId });
    },

    /** An offer by its claim link's token, and whether it can be claimed now; null for an unknown link. */
    async findOffer(token: string): Promise<OfferView | null> {
      if (!/^wlc_[0-9A-Za-z]{43}$/.test(token)) return null;
      const entry = await entries.findOne({ claim_token_hash: hashLinkToken(token) });
      const event = entry ? await events.findOne({ _id: entry.event }) : null;
      if (!entry || !event) return null;
      const open = entry.status === 'offered' && entry.offer_expires_at !== null && entry.offer_expires_at > clock.now() && event.status === 'published';
      return { entry, event, state: open ? 'open' : entry.status === 'claimed' ? 'claimed' : 'gone' };
    },

    /**
     * Claims an offer: one conditional update moves the entry `offered → claimed` while the offer
     * lasts (of two racing claims one wins, the other gets 409), then the order is written under
     * the offer's order id, holding the offer's seats, awaiting payment.
     * @throws AppError NOT_FOUND for an unknown link, HOLD_EXPIRED past the offer, CONFLICT when claimed already
     */
    async claim(token: string, details: Pick<ClaimedOrderInput, 'attendees' | 'answers'> & { name: string }): Promise<{ order: OrderDoc; clientSecret: string }> {
      const found = await this.findOffer(token);
      if (!found) throw new AppError('NOT_FOUND', 'This link is not valid.');
      const { entry } = found;
      if (found.state === 'claimed') throw new AppError('CONFLICT', 'These tickets were claimed already.');
      if (found.state === 'gone' || !entry.order_id) throw new AppError('HOLD_EXPIRED', 'This offer has ended; the seats went to the next person in line.');
      // Checked before the claim: a refused detail must leave the offer open for a second try.
      checkAttendees(found.event, [{ ticket_type: entry.ticket_type, quantity: entry.quantity }], details);
      const now = clock.now();
      const claimed = await entries.findOneAndUpdate(
        { _id: entry._id, status: 'offered', offer_expires_at: op.gt(now) },
        { $set: { status: 'claimed', name: details.name, updated_at: now }, $unset: { live_key: '' } },
      );
      if (!claimed) throw new AppError('CONFLICT', 'These tickets were claimed already, or the offer has just ended.');
      await record('waiting_list_entry.claimed', claimed);
      return createClaimed({
        orderId: entry.order_id,
        event: entry.event,
        ticketType: entry.ticket_type,
        quantity: entry.quantity,
        buyer: { name: details.name, email: entry.email },
        attendees: details.attendees,
        answers: details.answers,
      });
    },
  };
}

export type WaitingListOffers = ReturnType<typeof createWaitingListOffers>;
