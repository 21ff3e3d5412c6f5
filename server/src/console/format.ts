import type { IssuedTicketCounts } from '@trendy-tickets/sdk';
import { formatDateTime } from '../delivery/format.js';
import { rupees } from '../pages/layout.js';

export { rupees };

/**
 * A moment as console pages print it, in the event's (or dashboard's) time zone, zone named.
 *
 * @example
 * when(new Date('2030-06-08T14:00:00Z'), 'Asia/Kolkata'); // '8 Jun, 2030, 7:30 pm IST'
 */
export function when(date: Date | null | undefined, timeZone: string): string {
  return date ? formatDateTime(date.toISOString(), timeZone, 'short') : '—';
}

/**
 * A share as a percentage with at most one decimal: `0.875` → `87.5%`.
 *
 * @example
 * percent(2 / 3); // '66.7%'
 */
export function percent(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}

/**
 * Whole numbers with Indian digit grouping: `1,00,000`.
 *
 * @example
 * count(250000); // '2,50,000'
 */
export function count(n: number): string {
  return n.toLocaleString('en-IN');
}

/**
 * The note under a revenue figure: what it counts, and the tickets issued without a checkout
 * payment that it leaves out, so they do not silently add nothing.
 *
 * @example
 * revenueNote({ total: 3, comps: 1, paid_elsewhere: 2 }); // 'paid through checkout · issued: 3, of which comps: 1, paid elsewhere: 2'
 */
export function revenueNote(issued: IssuedTicketCounts): string {
  if (issued.total === 0) return 'paid through checkout';
  return `paid through checkout · issued: ${count(issued.total)}, of which comps: ${count(issued.comps)}, paid elsewhere: ${count(issued.paid_elsewhere)}`;
}
