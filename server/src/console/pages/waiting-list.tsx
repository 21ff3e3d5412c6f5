/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import { type EventDoc, waitingListOf } from '../../domain/events.js';
import type { WaitingListEntryDoc } from '../../domain/waiting-list.js';
import type { ConsoleUser } from '../context.js';
import { when } from '../format.js';
import { CsrfField, type Flash, Shell } from './layout.js';

/** One row of the list: the entry and its place among its type's waiting entries. */
export interface WaitingListRow {
  entry: WaitingListEntryDoc;
  position: number | null;
}

/** Props of {@link WaitingListPage}. */
export interface WaitingListPageProps {
  user: ConsoleUser;
  event: EventDoc;
  rows: WaitingListRow[];
  /** Whether the viewer may change the settings (events:write). */
  canEdit: boolean;
  /** Whether the viewer may remove entries (orders:write). */
  canRemove: boolean;
  flash?: Flash | undefined;
}

const STATE_WORDS: Record<WaitingListEntryDoc['status'], string> = {
  awaiting_verification: 'Email not confirmed',
  waiting: 'Waiting',
  offered: 'Offered',
  claimed: 'Claimed',
  lapsed: 'Lapsed',
  removed: 'Removed',
};

/**
 * `/console/events/:id/waiting-list`: the waiting list's settings (on or off, offer hours) and
 * its entries in line order, with their position, state, offer expiry and order, and a remove
 * button for entries still in line or offered. See docs/waiting-list.md.
 *
 * @example
 * return renderConsole(c, <WaitingListPage user={user} event={event} rows={rows} canEdit />);
 */
export const WaitingListPage: FC<WaitingListPageProps> = ({ user, event, rows, canEdit, canRemove, flash }) => {
  const base = `/console/events/${event._id}`;
  const settings = waitingListOf(event);
  const typeName = (id: string) => event.ticket_types.find((t) => t.id === id)?.name ?? id;
  return (
    <Shell title={`Waiting list · ${event.name}`} user={user} section="events" here={`${base}/waiting-list`} flash={flash}>
      <p>
        <a href={base}>← {event.name}</a>
      </p>
      <h1>Waiting list</h1>
      <p class="muted">
        Buyers join a sold-out ticket type’s list. When seats come back, the first in line are mailed a link that holds the seats for them for the offer hours; unclaimed offers
        pass to the next.
      </p>
      {canEdit ? (
        <section class="card" aria-labelledby="settings-h">
          <h2 id="settings-h">Settings</h2>
          <form method="post" action={`${base}/waiting-list/settings`}>
            <CsrfField token={user.csrf} />
            <label>
              <input type="checkbox" name="enabled" value="on" checked={settings.enabled} /> Buyers may join the waiting list of sold-out types
            </label>
            <label for="offer-hours">Hours an offer holds its seats (1–168)</label>
            <input id="offer-hours" name="offer_hours" type="number" min={1} max={168} required value={String(settings.offer_hours)} />
            <button type="submit" class="btn small">
              Save
            </button>
          </form>
        </section>
      ) : null}
      <section class="card" aria-labelledby="entries-h">
        <h2 id="entries-h">Entries</h2>
        {rows.length === 0 ? (
          <p class="muted">Nobody is on the waiting list.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Position</th>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Tickets</th>
                <th scope="col">State</th>
                <th scope="col">Offer until</th>
                <th scope="col">Order</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ entry, position }) => (
                <tr id={`entry-${entry._id}`}>
                  <td class="num">{position ?? '—'}</td>
                  <td>{entry.name}</td>
                  <td>{entry.email}</td>
                  <td>
                    {entry.quantity} × {typeName(entry.ticket_type)}
                  </td>
                  <td>{STATE_WORDS[entry.status]}</td>
                  <td>{entry.status === 'offered' ? when(entry.offer_expires_at, event.timezone) : '—'}</td>
                  <td>{entry.status === 'claimed' && entry.order_id ? <a href={`/console/orders/${entry.order_id}`}>{entry.order_id}</a> : '—'}</td>
                  <td>
                    {canRemove && (entry.status === 'waiting' || entry.status === 'offered') ? (
                      <form method="post" action={`${base}/waiting-list/${entry._id}/remove`} class="inline">
                        <CsrfField token={user.csrf} />
                        <button type="submit" class="btn secondary small">
                          Remove
                        </button>
                      </form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </Shell>
  );
};
