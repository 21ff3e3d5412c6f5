import type { TicketDoc } from '../../src/domain/tickets.js';
import type { Store } from '../../src/store/port.js';

/**
 * Writes `count` tickets of one event straight to the store, newest first by a second per
 * seven (as one order's tickets share a creation time): issuing thousands one order at a time
 * would take minutes, and the reads under test only read tickets. `shape` sets any field.
 *
 * @example
 * await insertTickets(t.store, { account, event, ticketType, count: 3_000, at: t.clock.now(), shape: () => ({ status: 'voided' }) });
 */
export async function insertTickets(
  store: Store,
  o: { account: string; event: string; ticketType: string; count: number; at: Date; shape?: (i: number) => Partial<TicketDoc> },
): Promise<TicketDoc[]> {
  const base = o.at.getTime();
  const docs = Array.from(
    { length: o.count },
    (_, i): TicketDoc => ({
      _id: `tkt_${String(i).padStart(12, '0')}${o.event.slice(-4)}`,
      account: o.account,
      livemode: false,
      event: o.event,
      order: `ord_${String(Math.floor(i / 4)).padStart(12, '0')}${o.event.slice(-4)}`,
      index: i % 4,
      ticket_type: o.ticketType,
      ticket_type_name: 'General',
      price: 49_900,
      holder: { name: `Guest ${i}`, email: `guest${i}@example.com` },
      status: 'valid',
      code: 'TTS1.x',
      valid_from: null,
      valid_until: null,
      checked_in_at: null,
      checked_in_by: null,
      voided_at: null,
      created_at: new Date(base - Math.floor(i / 7) * 1000),
      counted: 'valid',
      ...o.shape?.(i),
    }),
  );
  const tickets = store.collection<TicketDoc>('tickets');
  for (let from = 0; from < docs.length; from += 2_000) await tickets.insertMany(docs.slice(from, from + 2_000));
  return docs;
}
