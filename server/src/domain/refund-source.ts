/**
 * Who made a refund, as partners see it (docs/domain-rules.md#refunds): so an integrator can tell
 * a refund its own code asked for from one a person made in the console or in the payment
 * gateway's dashboard, one a cancelled event's run made, and one the service made itself.
 */
import type { RefundSource as WireRefundSource } from '@trendy-tickets/sdk';
import { EVENT_CANCELLED_REFUND_REASON } from './event-cancellation-run.js';
import type { OrderRefundDoc } from './orders.js';
import type { RefundSource } from './refunds.js';

const WIRE: Record<RefundSource, WireRefundSource> = {
  api: 'api',
  console: 'console',
  cancellation: 'cancellation',
  automatic: 'automatic',
  gateway_dashboard: 'dashboard',
};

/**
 * The source of a refund on an order, or null when it is not known: refunds recorded before
 * the source was kept say it only through a reason that only one source gives (an event's
 * cancellation, seats gone, the gateway's dashboard); one an organizer asked for could have
 * come from the API or the console.
 *
 * @example
 * refundSourceOf(order.refund_log[id]); // 'dashboard'
 */
export function refundSourceOf(refund: Pick<OrderRefundDoc, 'source' | 'reason'>): WireRefundSource | null {
  if (refund.source) return WIRE[refund.source];
  if (refund.reason === EVENT_CANCELLED_REFUND_REASON) return 'cancellation';
  if (refund.reason === 'sold_out') return 'automatic';
  if (refund.reason === 'refunded_at_gateway') return 'dashboard';
  return null;
}
