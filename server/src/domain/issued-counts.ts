import type { IssuedTicketCounts } from '@trendy-tickets/sdk';
import type { FiguresDoc } from './figures.js';

/**
 * How many of an event's or an account's tickets that admit or admitted were issued through
 * `POST /v1/tickets` rather than sold through checkout, split into comps and tickets paid for
 * elsewhere, from the counters the ticket transitions keep. They add ₹0 to revenue, so the
 * figures name them instead of letting them vanish (docs/domain-rules.md#figures).
 *
 * @example
 * issuedCounts(await figures.event('evt_…')); // { total: 3, comps: 1, paid_elsewhere: 2 }
 */
export function issuedCounts(totals: Pick<FiguresDoc, 'issued'> | null | undefined): IssuedTicketCounts {
  const comps = totals?.issued?.comp ?? 0;
  const paidElsewhere = totals?.issued?.paid_elsewhere ?? 0;
  return { total: comps + paidElsewhere, comps, paid_elsewhere: paidElsewhere };
}
