import type { List, WaitingListEntry } from '@trendy-tickets/sdk';
import type { Page } from '../store/paginate.js';
import type { WaitingListEntryDoc } from '../domain/waiting-list.js';

/**
 * A waiting-list entry on the wire (docs/waiting-list.md). `position` is computed by the caller
 * (it counts the entries ahead); `clientSecret` only for the request that created the entry.
 */
export function toWaitingListEntryJson(doc: WaitingListEntryDoc, position: number | null, clientSecret?: string): WaitingListEntry {
  return {
    id: doc._id,
    object: 'waiting_list_entry',
    livemode: doc.livemode,
    event: doc.event,
    ticket_type: doc.ticket_type,
    quantity: doc.quantity,
    name: doc.name,
    email: doc.email,
    status: doc.status,
    position,
    offer_expires_at: doc.offer_expires_at ? doc.offer_expires_at.toISOString() : null,
    // The order exists once the offer is claimed; before that its id is only reserved.
    order: doc.status === 'claimed' ? doc.order_id : null,
    created_at: doc.created_at.toISOString(),
    ...(clientSecret === undefined ? {} : { client_secret: clientSecret }),
  };
}

/** A page of entries on the wire, each with its position. */
export async function waitingListEntryList(page: Page<WaitingListEntryDoc>, positionOf: (entry: WaitingListEntryDoc) => Promise<number | null>): Promise<List<WaitingListEntry>> {
  const data = await Promise.all(page.data.map(async (entry) => toWaitingListEntryJson(entry, await positionOf(entry))));
  return { object: 'list', data, has_more: page.hasMore, next_cursor: page.nextCursor };
}
