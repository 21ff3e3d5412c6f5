/**
 * Repair: the periodic jobs that finish what a crash, a lost browser callback or a late
 * payment left undone (docs/architecture.md, "Checkout: from hold to ticket"). Each step
 * is a conditional update or goes through fulfilment's idempotent steps, so two servers
 * running a round at once change nothing twice.
 */
import { refusalOf, type GatewayPayment } from '../payments/gateway.js';
import type { WaitingListEntryDoc } from './waiting-list.js';
import { op, type Store } from '../store/port.js';
import type { Clock } from '../kernel/clock.js';
import { AppError } from '../kernel/errors.js';
import type { FulfilmentService } from './fulfilment.js';
import { ORPHAN_GRACE_MS, SOLD_ENTRY_RETENTION_MS, type Inventory, type SeatDrift, type SeatHoldDoc } from './inventory.js';
import { createDomainEvents, type DomainEvents } from './domain-events.js';
import { createLogRepair, type LogRepairReport } from './log-repair.js';
import { AWAITING, type GatewayResolver, type OrderDoc } from './orders.js';

/** Paid orders, refunds and holds one sweep looks at at most; the rest wait for the next round. */
const SWEEP_BATCH = 200;
/**
 * The reconciler looks at unpaid orders this far back, to catch payments that landed late:
 * Razorpay polls the bank for 3 days after a payment and may authorize it then, and refunds
 * uncaptured ones within 5 (https://razorpay.com/docs/payments/payments/late-authorisation/).
 */
export const RECONCILE_WINDOW_MS = 5 * 24 * 60 * 60_000;
/**
 * Orders one reconcile round asks Razorpay about: one call each, plus a fetch and a capture
 * for a payment found. The job runs once a minute, so this bounds its calls per minute well
 * under Razorpay's per-key rate limit, leaving room for checkouts; a backlog rotates through
 * (least recently checked first).
 */
export const RECONCILE_ORDERS_PER_ROUND = 60;

/** What the repair jobs work with: the same store, gateways and fulfilment steps as a checkout. */
export interface RepairDeps {
  store: Store;
  clock: Clock;
  inventory: Inventory;
  gateways: GatewayResolver;
  fulfilment: FulfilmentService;
  /** The events log (default: one over the same store). */
  domainEvents?: DomainEvents;
  /**
   * The waiting-list entry whose offer holds seats under an order id (default: none): such a
   * hold has no order until the offer is claimed (docs/waiting-list.md).
   */
  offerOf?: (orderId: string) => Promise<Pick<WaitingListEntryDoc, 'status' | 'offer_expires_at'> | null>;
}

/**
 * The reconciler (`reconcile-payments`, every minute), the sweeper (`sweep`, every
 * minute) and the events-log repair (`repair-events-log`, every minute), as `background.ts`
 * runs them.
 *
 * @example
 * const repair = createRepairService({ store, clock, inventory, gateways, fulfilment });
 * await repair.sweep();
 */
export function createRepairService(deps: RepairDeps) {
  const { store, clock, inventory, gateways, fulfilment } = deps;
  const orderDocs = store.collection<OrderDoc>('orders');
  const domainEvents = deps.domainEvents ?? createDomainEvents({ store, clock });
  const logRepair = createLogRepair({ store, clock, domainEvents });

  function isSettled(payment: GatewayPayment): boolean {
    return payment.status === 'authorized' || payment.status === 'captured';
  }

  /**
   * Releases a held entry whose order never got written or has ended, drops a settled sale
   * entry past its retention, drops a re-hold whose taker died and whose order will not sell,
   * and otherwise schedules the hold's next look: when it may next need one.
   */
  async function sweepHold(hold: SeatHoldDoc, order: OrderDoc | undefined): Promise<'released' | 'forgotten' | null> {
    const now = clock.now().getTime();
    const entry = inventory.parseEntry(hold.entry);
    const retry = now + ORPHAN_GRACE_MS;
    if (!entry) {
      // Never written by this code: left for a person to look at, out of the sweeper's way.
      await inventory.reschedule(hold, now + SOLD_ENTRY_RETENTION_MS);
      return null;
    }
    if (entry.state === 'held') {
      // A waiting-list offer holds its seats with no order until claimed: kept until it ends.
      const offer = order ? null : await deps.offerOf?.(hold._id);
      if (offer?.status === 'offered' && offer.offer_expires_at && offer.offer_expires_at.getTime() > now) {
        await inventory.reschedule(hold, offer.offer_expires_at.getTime() + ORPHAN_GRACE_MS);
        return null;
      }
      // No order after the grace (a crash between the hold and the order), or one that ended.
      // Unpaid orders are expired by the order service; paid ones convert their hold when fulfilled.
      if (!order || order.status === 'expired' || order.status === 'cancelled' || order.status === 'refunded') {
        // An order that ended unpaid and still holds seats may have lost its event to a crash.
        if (order) await domainEvents.recordOrderEnded(order);
        if (await inventory.release(hold.event, hold._id, hold.entry)) return 'released';
        await inventory.reschedule(hold, retry);
      } else if (AWAITING.includes(order.status)) {
        await inventory.reschedule(hold, Math.max(order.expires_at.getTime(), now) + ORPHAN_GRACE_MS);
      } else {
        await inventory.reschedule(hold, retry);
      }
      return null;
    }
    if (entry.state !== 'sold') {
      // A movement whose mover died: a paid order's fulfilment (the stuck-order step above)
      // takes it over; for any other order the sweeper settles it.
      if (!(order?.status === 'paid' && order.fulfilment === 'pending') && (await inventory.settleStale(hold))) return null;
      await inventory.reschedule(hold, retry);
      return null;
    }
    if (!order || order.fulfilment === 'done' || order.status === 'refunded') {
      if (await inventory.forgetSold(hold._id, hold.entry)) return 'forgotten';
    }
    await inventory.reschedule(hold, retry);
    return null;
  }

  return {
    /**
     * Asks the gateway about unpaid orders (and recently lapsed ones) so that a
     * payment whose browser callback never arrived still issues tickets.
     */
    async reconcile(limit = RECONCILE_ORDERS_PER_ROUND): Promise<number> {
      const failures: unknown[] = [];
      const since = new Date(clock.now().getTime() - RECONCILE_WINDOW_MS);
      // Least recently checked first (never-checked ones lead), so a backlog larger than one
      // round rotates instead of starving the newest orders behind the oldest.
      const candidates = await orderDocs.find(
        { status: op.in(['awaiting_payment', 'expired', 'cancelled']), 'payment.gateway_order_id': op.ne(null), created_at: op.gte(since) },
        { sort: { reconciled_at: 1, created_at: 1 }, limit },
      );
      let completed = 0;
      for (const order of candidates) {
        const gatewayOrderId = order.payment?.gateway_order_id;
        if (!gatewayOrderId) continue;
        await orderDocs.updateOne({ _id: order._id }, { $set: { reconciled_at: clock.now() } });
        try {
          const payments = await (await gateways.gatewayOf(order)).listOrderPayments(gatewayOrderId);
          for (const settled of payments.filter(isSettled)) {
            try {
              if ((await fulfilment.confirmAndComplete(order, settled.id)).status === 'paid') completed += 1;
              break;
            } catch (err) {
              // A payment that does not pay for this order (another amount, already refunded) must
              // neither stop the round for every other order nor hide a good payment made after it.
              if (!(err instanceof AppError && err.code === 'PAYMENT_VERIFICATION_FAILED')) throw err;
            }
          }
        } catch (err) {
          // Asked to slow down (429): every further call this round would be refused too, and
          // each refused one counts against the limit; the rest wait for the next round.
          if (refusalOf(err) === 'rate_limited') break;
          // Razorpay unreachable: next round. Anything else is one order's problem: report it, go on.
          if (!(err instanceof AppError && err.code === 'UPSTREAM_UNAVAILABLE')) failures.push(err);
        }
      }
      if (failures.length > 0) throw new AggregateError(failures, `reconciled ${completed} orders; ${failures.length} could not be checked`);
      return completed;
    },

    /**
     * Repairs what a crash can leave behind: paid orders whose tickets were not
     * issued yet, refunds cut short, ledger entries whose order never got written or
     * has ended, and settled sale entries old enough to drop. Each query reads only
     * what is due (through an index), so a round costs what there is to repair, not
     * what has ever been sold.
     */
    async sweep(): Promise<{ fulfilled: number; released: number; forgotten: number; repaired: SeatDrift[] }> {
      let fulfilled = 0;
      const before = new Date(clock.now().getTime() - ORPHAN_GRACE_MS);
      const stuck = await orderDocs.find({ status: 'paid', fulfilment: 'pending', paid_at: op.lte(before) }, { limit: SWEEP_BATCH });
      for (const order of stuck) if ((await fulfilment.fulfil(order)).fulfilment === 'done') fulfilled += 1;
      // Refunds cut short: claimed but not refunded yet, or refunded with tickets still standing.
      // (Those with a refund recorded are the refund ledger's to retry, below.)
      for (const order of await orderDocs.find({ fulfilment: 'refunding', status: 'paid', refund: null, updated_at: op.lte(before) }, { limit: SWEEP_BATCH })) {
        await fulfilment.refundUnfulfillable(order);
      }
      await fulfilment.retryDueRefunds(SWEEP_BATCH);
      // Refunds reserved on their order whose record a crash kept from being written: given back.
      await fulfilment.releaseUnrecordedRefunds(SWEEP_BATCH);
      await fulfilment.numberStaleInvoices(SWEEP_BATCH);
      for (const order of await orderDocs.find({ refund_settled: false, status: 'refunded', updated_at: op.lte(before) }, { limit: SWEEP_BATCH })) {
        await fulfilment.settleRefund(order);
      }
      let released = 0;
      let forgotten = 0;
      const due = await inventory.dueHolds(SWEEP_BATCH);
      const orders = new Map(due.length === 0 ? [] : (await orderDocs.find({ _id: op.in(due.map((h) => h._id)) })).map((order) => [order._id, order]));
      for (const hold of due) {
        const swept = await sweepHold(hold, orders.get(hold._id));
        if (swept === 'released') released += 1;
        if (swept === 'forgotten') forgotten += 1;
      }
      // Seats a crash left counted with no hold (see inventory.ts), once an event's seats are still.
      const repaired = await inventory.recount(SWEEP_BATCH);
      return { fulfilled, released, forgotten, repaired };
    },

    /**
     * Records the events-log entries of event and scan changes that a crash left without one
     * (`repair-events-log`, every minute; see log-repair.ts), and says how many of each type.
     * Its own job rather than a step of `sweep`: it reads the latest changes every round, even
     * when nothing was lost (the sweep reads only what is due), and a failure of one must not
     * hold up the other.
     */
    repairLog: (): Promise<LogRepairReport> => logRepair.pass(),

    /** Moves hold ledgers kept inside event documents by an earlier version into hold documents (run at start). */
    migrateLedgers: () => inventory.migrateLedgers(),
  };
}

export type RepairService = ReturnType<typeof createRepairService>;
