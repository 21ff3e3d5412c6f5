/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { EventStats } from '@trendy-tickets/sdk';
import type { FC } from 'hono/jsx';
import { count } from '../format.js';

/**
 * The event page's card of check-in list figures: admitted per list and, on a re-entry list,
 * who is inside now. Read from the lists' counters (the stats), never by counting scans.
 *
 * @example
 * <ListFigures eventId={event._id} lists={stats.checkin_lists} />
 */
export const ListFigures: FC<{ eventId: string; lists: EventStats['checkin_lists'] }> = ({ eventId, lists }) =>
  lists.length === 0 ? null : (
    <section class="card" aria-labelledby="list-figures-h">
      <h2 id="list-figures-h">Check-in lists</h2>
      <div class="table-wrap">
        <table id="list-figures">
          <thead>
            <tr>
              <th scope="col">List</th>
              <th scope="col" class="num">
                Admitted
              </th>
              <th scope="col" class="num">
                Inside now
              </th>
            </tr>
          </thead>
          <tbody>
            {lists.map((l) => (
              <tr>
                <td>
                  <a href={`/console/events/${eventId}/checkin-lists`}>{l.name}</a>
                </td>
                <td class="num">{count(l.admitted)}</td>
                <td class="num">{l.inside === null ? '—' : count(l.inside)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
