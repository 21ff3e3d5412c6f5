/**
 * The record of what cancelling an event does for its buyers, kept in the event document
 * (`EventDoc.cancellation`) so the event's API object shows the choice and the progress
 * (docs/domain-rules.md#cancelling-an-event).
 */
export interface CancellationRunDoc {
  /** Whether every paid order is refunded in full. */
  refund_orders: boolean;
  /** Whether every buyer gets one cancellation notice. */
  notify_buyers: boolean;
  /** The organizer's words, shown to buyers in the notice; null when none was given. */
  reason: string | null;
  started_at: Date;
  /**
   * The last order (by id) the fan-out has queued work for, null before its first page: the
   * fan-out resumes after it, so a crash never queues an order twice or skips one.
   */
  cursor: string | null;
  /** Set once the fan-out has seen the last order. */
  fanned_out: boolean;
  /** Orders the run took on (paid or partly refunded when their page was read). */
  orders_total: number;
  orders_refunded: number;
  /** Orders whose latest refund attempt failed: retried with backoff, or given up until retried by hand. */
  orders_failed: number;
  /** When every order taken on was done (refunded, or not refundable any more); null while any is left. */
  finished_at: Date | null;
}

/** A run as it starts, before its fan-out has read any order. */
export function newCancellationRun(input: { refund_orders: boolean; notify_buyers: boolean; reason: string | null }, now: Date): CancellationRunDoc {
  return {
    refund_orders: input.refund_orders,
    notify_buyers: input.notify_buyers,
    reason: input.reason,
    started_at: now,
    cursor: null,
    fanned_out: false,
    orders_total: 0,
    orders_refunded: 0,
    orders_failed: 0,
    finished_at: null,
  };
}

/**
 * The reason a cancellation's refunds carry. Their buyer hears of the refund in the one
 * cancellation notice, so the refund's own notice is not sent for them.
 */
export const EVENT_CANCELLED_REFUND_REASON = 'event_cancelled';
