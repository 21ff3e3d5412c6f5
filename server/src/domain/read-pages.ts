import { yieldToEventLoop } from '../kernel/event-loop.js';
import { olderThan, PAGE_SORT } from '../store/paginate.js';
import type { Collection, Filter } from '../store/port.js';

/** Documents read per page by {@link pagesOf} unless the caller says otherwise. */
export const READ_PAGE_SIZE = 500;

/**
 * Every document matching `filter`, newest first, in keyset pages of `size` (after the last
 * document of the page before, never a skip), with a turn of the event loop between pages.
 *
 * For reads with no bound of their own (a door device's full snapshot, a line of thousands):
 * one read of them all would hold the event loop for as long as it takes and keep every
 * document in memory at once (docs/operations.md#long-reads-and-the-event-loop). A page
 * costs what the index behind `filter` plus {@link PAGE_SORT} makes it cost, so the filter
 * must have an index ending in `(created_at, _id)`.
 *
 * @example
 * for await (const page of pagesOf(tickets, { event: eventId, status: 'voided' })) voided.push(...page.map((t) => t._id));
 */
export async function* pagesOf<T extends { _id: string; created_at: Date }>(collection: Collection<T>, filter: Filter, size = READ_PAGE_SIZE): AsyncGenerator<T[]> {
  let last: T | undefined;
  for (;;) {
    const page = await collection.find(last === undefined ? filter : { $and: [filter, olderThan(last.created_at, last._id)] }, { sort: PAGE_SORT, limit: size });
    if (page.length > 0) yield page;
    last = page.at(-1);
    if (last === undefined || page.length < size) return;
    await yieldToEventLoop();
  }
}
