import type { IssuedTicketCounts } from '@trendy-tickets/sdk';
import { op, type Collection, type Filter } from '../store/port.js';
import type { TicketDoc } from './tickets.js';

/**
 * How many of the matched tickets that admit or admitted were issued through `POST /v1/tickets`
 * rather than sold through checkout, split into comps and tickets paid for elsewhere. They add
 * ₹0 to revenue, so the figures name them instead of letting them vanish
 * (docs/domain-rules.md#figures).
 *
 * @example
 * await issuedCounts(tickets, { event: 'evt_…' }); // { total: 3, comps: 1, paid_elsewhere: 2 }
 */
export async function issuedCounts(tickets: Collection<TicketDoc>, match: Filter): Promise<IssuedTicketCounts> {
  const rows = await tickets.aggregate<{ _id: TicketDoc['issued_as'] | null; tickets: number }>([
    { $match: { ...match, status: op.in(['valid', 'checked_in']), issued_as: op.in(['comp', 'paid_elsewhere']) } },
    { $group: { _id: '$issued_as', tickets: { $sum: 1 } } },
  ]);
  const of = (kind: TicketDoc['issued_as']) => rows.find((row) => row._id === kind)?.tickets ?? 0;
  const comps = of('comp');
  const paidElsewhere = of('paid_elsewhere');
  return { total: comps + paidElsewhere, comps, paid_elsewhere: paidElsewhere };
}
