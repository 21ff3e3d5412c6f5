/**
 * Cancelling an event for its buyers: refunding every paid order in full, and telling every
 * buyer once (docs/domain-rules.md#cancelling-an-event).
 *
 * The work runs as jobs of the queue's `cancellation` channel, so it survives a crash and
 * never blocks the request that cancelled:
 *
 * - `event_cancel_fanout` reads one page of the event's paid orders after a cursor, queues one
 *   job per order, then moves the run's cursor and counts the page in ONE update guarded by the
 *   cursor it read, and queues the next page's job. Every job's dedupe key is derived from what
 *   it reads (the page's cursor, the order id), so a page run again after a crash queues
 *   nothing twice and counts nothing twice.
 * - `event_cancel_refund` refunds one order whole through the organizer's refund
 *   (`fulfilment.refund`), whose reservation on the order makes a second call refund nothing
 *   more. A failed refund throws, so the worker retries it with backoff; its order is counted
 *   failed until it succeeds.
 * - the buyer's `event_cancelled` mail is queued once per order (`event_cancelled:<order>`),
 *   after the refund when refunding.
 */
import { AppError, notFound } from '../kernel/errors.js';
import type { Clock } from '../kernel/clock.js';
import { op, type IndexSpec, type Store } from '../store/port.js';
import type { AuditContext } from './audit-log.js';
import { EVENT_CANCELLED_REFUND_REASON, newCancellationRun, type CancellationRunDoc } from './event-cancellation-run.js';
import type { EventDoc, Owner } from './events.js';
import { REFUNDABLE, type OrderDoc } from './orders.js';
import type { EnqueueInput, Outbox, OutboxJob } from './ports.js';

/** Where one order of a run stands; `failing` is retried by the worker, `failed` waits for a person. */
export type CancellationOrderState = 'pending' | 'refunded' | 'failing' | 'failed' | 'skipped';

/** One order a run refunds, written by its refund job. */
export interface CancellationOrderDoc {
  /** The order's id: an order belongs to one event, so to one run. */
  _id: string;
  event: string;
  account: string;
  livemode: boolean;
  state: CancellationOrderState;
  /** The refund job's id, for retrying it by hand once it has given up. */
  job: string;
  attempts: number;
  last_error: string | null;
  updated_at: Date;
}

export const CANCELLATION_ORDERS = 'event_cancellation_orders';

export const EVENT_CANCELLATION_INDEXES: readonly IndexSpec[] = [
  { collection: CANCELLATION_ORDERS, keys: { event: 1, state: 1 } },
  // The fan-out pages through an event's orders by id.
  { collection: 'orders', keys: { event: 1, _id: 1 } },
];

/** The job kinds of the `cancellation` channel. */
export const FANOUT_JOB = 'event_cancel_fanout';
export const REFUND_JOB = 'event_cancel_refund';
/** The buyer's mail. */
export const CANCELLATION_MAIL = 'event_cancelled';

/** Orders one fan-out job reads and queues. */
export const CANCELLATION_PAGE_SIZE = 50;
/** Attempts of one order's refund before it waits for a person to retry it. */
export const CANCELLATION_REFUND_ATTEMPTS = 8;

/** What the organizer chose when cancelling. */
export interface CancelEventInput {
  refund_orders?: boolean | undefined;
  notify_buyers?: boolean | undefined;
  reason?: string | undefined;
}

export interface EventCancellationDeps {
  store: Store;
  clock: Clock;
  outbox: Outbox;
  /** Stops sales and writes the run with the status (`events.cancel`). */
  cancelEvent: (owner: Owner, id: string, audit: AuditContext | undefined, run: CancellationRunDoc | undefined) => Promise<EventDoc>;
  /** Refunds what remains of an order (`fulfilment.refund`); calling it again refunds nothing more. */
  refund: (owner: Owner, orderId: string, input: { reason: string; source: 'cancellation' }) => Promise<OrderDoc>;
}

/**
 * The cancellation service: starts a run when an event is cancelled, performs its jobs, and
 * retries the orders that gave up.
 *
 * @example
 * const cancellation = createEventCancellation({ store, clock, outbox, cancelEvent: events.cancel, refund: fulfilment.refund });
 * await cancellation.cancelAndRefund(owner, 'evt_…', { reason: 'Venue flooded' });
 */
export function createEventCancellation(deps: EventCancellationDeps) {
  const { store, clock, outbox } = deps;
  const events = store.collection<EventDoc>('events');
  const orders = store.collection<OrderDoc>('orders');
  const items = store.collection<CancellationOrderDoc>(CANCELLATION_ORDERS);

  const ownerOf = (event: Pick<EventDoc, 'account' | 'livemode'>): Owner => ({ account: event.account, livemode: event.livemode });

  function fanoutJob(event: EventDoc, after: string | null): EnqueueInput & { dedupeKey: string } {
    return {
      channel: 'cancellation',
      kind: FANOUT_JOB,
      to: event._id,
      payload: { event: event._id, after },
      dedupeKey: `${FANOUT_JOB}:${event._id}:${after ?? ''}`,
      owner: ownerOf(event),
    };
  }

  function noticeJob(event: EventDoc, order: OrderDoc, refunded: boolean): EnqueueInput & { dedupeKey: string } {
    return {
      kind: CANCELLATION_MAIL,
      to: order.buyer.email,
      payload: { order: order._id, event: event._id, refunded },
      dedupeKey: `${CANCELLATION_MAIL}:${order._id}`,
      owner: ownerOf(event),
    };
  }

  /** Whether a buyer is mailed: orders the organizer issued directly have no checkout buyer to tell, as for refunds. */
  const mailsBuyer = (order: OrderDoc) => order.source !== 'direct';

  async function start(owner: Owner, id: string, input: CancelEventInput, audit?: AuditContext): Promise<EventDoc> {
    const refund_orders = input.refund_orders ?? false;
    const notify_buyers = input.notify_buyers ?? true;
    const reason = input.reason?.trim() || null;
    const run = refund_orders || notify_buyers ? newCancellationRun({ refund_orders, notify_buyers, reason }, clock.now()) : undefined;
    let event = await deps.cancelEvent(owner, id, audit, run);
    if (run && !event.cancellation) {
      // Cancelled earlier with sales only stopped: the buyers' run starts now, once.
      event = (await events.findOneAndUpdate({ _id: id, cancellation: op.exists(false) }, { $set: { cancellation: run } })) ?? event;
      event = (await events.findOne({ _id: id })) ?? event;
    }
    // Also on a repeated request: a crash after writing the run is finished by queuing its page again.
    if (event.cancellation && !event.cancellation.fanned_out) await outbox.enqueue(fanoutJob(event, event.cancellation.cursor));
    return event;
  }

  /** Queues one page of the run's work, counts it, and queues the next page. */
  async function fanOut(eventId: string, after: string | null): Promise<Record<string, unknown>> {
    const event = await events.findOne({ _id: eventId });
    const run = event?.cancellation;
    if (!event || !run || run.fanned_out) return { skipped: true };
    const page = await orders.find(
      { event: eventId, status: op.in(REFUNDABLE), ...(after === null ? {} : { _id: op.gt(after) }) },
      { sort: { _id: 1 }, limit: CANCELLATION_PAGE_SIZE },
    );
    const jobs = run.refund_orders
      ? page.map((order): EnqueueInput & { dedupeKey: string } => ({
          channel: 'cancellation',
          kind: REFUND_JOB,
          to: order._id,
          payload: { event: eventId, order: order._id },
          dedupeKey: `${REFUND_JOB}:${order._id}`,
          owner: ownerOf(event),
        }))
      : page.filter(mailsBuyer).map((order) => noticeJob(event, order, false));
    if (jobs.length > 0) await outbox.enqueueMany(jobs);
    const last = page.at(-1)?._id ?? after;
    const done = page.length < CANCELLATION_PAGE_SIZE;
    // Guarded by the cursor this page was read after: a page run again counts nothing twice.
    await events.updateOne(
      { _id: eventId, 'cancellation.cursor': after },
      { $set: { 'cancellation.cursor': last, 'cancellation.fanned_out': done }, $inc: { 'cancellation.orders_total': run.refund_orders ? page.length : 0 } },
    );
    if (done) await finishIfDone(eventId);
    else await outbox.enqueue(fanoutJob(event, last));
    return { orders: page.length };
  }

  /** Writes the run's counters from its orders, and ends the run once nothing is left to do. */
  async function finishIfDone(eventId: string): Promise<void> {
    const event = await events.findOne({ _id: eventId });
    const run = event?.cancellation;
    if (!run) return;
    if (!run.refund_orders) {
      if (run.fanned_out) await events.updateOne({ _id: eventId, 'cancellation.finished_at': null }, { $set: { 'cancellation.finished_at': clock.now() } });
      return;
    }
    const count = (state: CancellationOrderState) => items.count({ event: eventId, state });
    const [refunded, failing, failed, skipped] = await Promise.all([count('refunded'), count('failing'), count('failed'), count('skipped')]);
    // Refunded is final, so its count only grows ($max keeps a slower writer from lowering it);
    // failures come and go, so theirs is the latest count.
    await events.updateOne({ _id: eventId }, { $max: { 'cancellation.orders_refunded': refunded }, $set: { 'cancellation.orders_failed': failing + failed } });
    // Done when every order taken on has ended: refunded, given up, or not refundable any more.
    if (run.fanned_out && refunded + failed + skipped >= run.orders_total) {
      await events.updateOne({ _id: eventId, 'cancellation.finished_at': null }, { $set: { 'cancellation.finished_at': clock.now() } });
    }
  }

  async function mark(job: OutboxJob, event: EventDoc, orderId: string, state: CancellationOrderState, lastError: string | null): Promise<void> {
    await items.updateOne(
      { _id: orderId },
      {
        $set: { event: event._id, account: event.account, livemode: event.livemode, state, job: job._id, attempts: job.attempts, last_error: lastError, updated_at: clock.now() },
      },
      { upsert: true },
    );
  }

  /** Refunds one order whole, then tells its buyer; throws to be retried while the refund is not done. */
  async function refundOne(job: OutboxJob, eventId: string, orderId: string): Promise<Record<string, unknown>> {
    const event = await events.findOne({ _id: eventId });
    const order = await orders.findOne({ _id: orderId, event: eventId });
    if (!event?.cancellation || !order) return { skipped: true };
    const done = await items.findOne({ _id: orderId });
    if (done?.state === 'refunded' || done?.state === 'skipped') return { state: done.state };
    let after: OrderDoc = order;
    if (REFUNDABLE.includes(order.status)) {
      try {
        after = await deps.refund(ownerOf(event), orderId, { reason: EVENT_CANCELLED_REFUND_REASON, source: 'cancellation' });
      } catch (error) {
        await failed(job, event, orderId, error instanceof Error ? error.message : String(error));
        throw error;
      }
    }
    if (after.status === 'refunded') {
      if (event.cancellation.notify_buyers && mailsBuyer(after)) await outbox.enqueue(noticeJob(event, after, true));
      await mark(job, event, orderId, 'refunded', null);
    } else if (REFUNDABLE.includes(after.status)) {
      if (after.refund?.status === 'failed') {
        const reason = after.refund.failure_reason ?? 'The payment gateway did not refund the payment.';
        await failed(job, event, orderId, reason);
        throw new AppError('REFUND_FAILED', reason);
      }
      // Pending at the gateway: the refunds sweeper asks it again; this job looks again later.
      const pending = `the refund of order ${orderId} is still pending at the gateway`;
      if (job.attempts >= CANCELLATION_REFUND_ATTEMPTS) await failed(job, event, orderId, pending);
      else await mark(job, event, orderId, 'pending', null);
      throw new Error(pending);
    } else {
      // Cancelled or expired since its page was read: nothing was paid to give back.
      await mark(job, event, orderId, 'skipped', null);
    }
    await finishIfDone(eventId);
    return { state: after.status };
  }

  /** Counts a failed attempt: retried by the worker, or, after the last one, left for a person. */
  async function failed(job: OutboxJob, event: EventDoc, orderId: string, reason: string): Promise<void> {
    await mark(job, event, orderId, job.attempts >= CANCELLATION_REFUND_ATTEMPTS ? 'failed' : 'failing', reason.slice(0, 300));
    await finishIfDone(event._id);
  }

  return {
    /** Cancels an event, telling the buyers unless `notify_buyers` is false; refunds nothing. */
    cancel: (owner: Owner, id: string, input: CancelEventInput = {}, audit?: AuditContext) => start(owner, id, { ...input, refund_orders: false }, audit),

    /** Cancels an event and refunds every paid order whole, telling each buyer once (unless `notify_buyers` is false). */
    cancelAndRefund: (owner: Owner, id: string, input: CancelEventInput = {}, audit?: AuditContext) => start(owner, id, { ...input, refund_orders: true }, audit),

    /**
     * Asks again for the refunds of a run that gave up (a person topped up the balance, say):
     * each one's job is due again with a fresh budget. `audit` records each retried job.
     * @throws AppError NOT_FOUND for another account's event
     */
    async retryFailed(owner: Owner, id: string, audit?: AuditContext): Promise<EventDoc> {
      const event = await events.findOne({ _id: id, account: owner.account, livemode: owner.livemode });
      if (!event) throw notFound('event', id);
      const gaveUp = await items.find({ event: id, state: 'failed' });
      for (const item of gaveUp) {
        await items.updateOne({ _id: item._id, state: 'failed' }, { $set: { state: 'failing', updated_at: clock.now() } });
        await outbox.retryFor(owner, item.job, audit);
      }
      if (gaveUp.length > 0) await events.updateOne({ _id: id }, { $set: { 'cancellation.finished_at': null } });
      return (await events.findOne({ _id: id })) ?? event;
    },

    /** The orders of a run whose refund failed, newest failure first (the console lists them). */
    failures: (owner: Owner, id: string, limit = 50) =>
      items.find({ event: id, account: owner.account, livemode: owner.livemode, state: op.in(['failing', 'failed']) }, { sort: { updated_at: -1 }, limit }),

    /** Runs one job of the `cancellation` channel (its worker's `perform`). */
    async perform(job: OutboxJob): Promise<Record<string, unknown>> {
      const event = String(job.payload.event);
      if (job.kind === FANOUT_JOB) return fanOut(event, typeof job.payload.after === 'string' ? job.payload.after : null);
      if (job.kind === REFUND_JOB) return refundOne(job, event, String(job.payload.order));
      throw new Error(`no cancellation job of kind '${job.kind}'`);
    },
  };
}

export type EventCancellation = ReturnType<typeof createEventCancellation>;
