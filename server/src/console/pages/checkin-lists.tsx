/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import type { CheckinListDoc } from '../../domain/checkin-lists.js';
import type { EventDoc } from '../../domain/events.js';
import type { ConsoleUser } from '../context.js';
import { when } from '../format.js';
import { type Flash, Shell } from './layout.js';
import { CreateCard, ResourceTable, RowAction } from './resource-list.js';

/** Props of {@link CheckinListsPage}. */
export interface CheckinListsPageProps {
  user: ConsoleUser;
  event: EventDoc;
  /** The event's lists, the default one first. */
  lists: CheckinListDoc[];
  /** Whether the viewer may create and delete lists (events:write). */
  canEdit: boolean;
  flash?: Flash | undefined;
}

/** What a list admits, in words. */
function admits(list: CheckinListDoc, event: EventDoc): string {
  const types =
    list.ticket_types === null
      ? 'Every ticket type'
      : event.ticket_types
          .filter((t) => list.ticket_types?.includes(t.id))
          .map((t) => t.name)
          .join(', ');
  const opens = list.window?.opens_at ? ` from ${when(list.window.opens_at, event.timezone)}` : '';
  const closes = list.window?.closes_at ? ` until ${when(list.window.closes_at, event.timezone)}` : '';
  return `${types}${opens}${closes}${list.reentry ? ' · in and out' : ''}`;
}

/**
 * `/console/events/:id/checkin-lists`: an event's check-in lists with who is inside each
 * now, a form for a new one and a delete button per named list (docs/domain-rules.md#check-in-lists).
 *
 * @example
 * return renderConsole(c, <CheckinListsPage user={user} event={event} lists={lists} canEdit />);
 */
export const CheckinListsPage: FC<CheckinListsPageProps> = ({ user, event, lists, canEdit, flash }) => {
  const base = `/console/events/${event._id}`;
  return (
    <Shell title={`Check-in lists · ${event.name}`} user={user} section="events" here={`${base}/checkin-lists`} flash={flash}>
      <p>
        <a href={base}>← {event.name}</a>
      </p>
      <h1>Check-in lists</h1>
      <p class="muted">A ticket is admitted once on each list. A list with re-entry lets holders out and back in; its scans alternate IN and OUT.</p>
      <section class="card" aria-labelledby="lists-h">
        <h2 id="lists-h">Lists</h2>
        <ResourceTable
          columns={['List', 'Admits', 'Admitted', 'Inside now']}
          actions
          rows={lists}
          row={(list) => (
            <tr id={`list-${list._id}`}>
              <td>{list.name}</td>
              <td>{admits(list, event)}</td>
              <td>{list.admitted}</td>
              <td>{list.inside}</td>
              <td>
                <a href={`${base}/scan${list._id === 'default' ? '' : `?list=${list._id}`}`}>Scan</a>
                {canEdit && list._id !== 'default' ? <RowAction action={`${base}/checkin-lists/${list._id}/delete`} csrf={user.csrf} label="Delete" /> : null}
              </td>
            </tr>
          )}
        />
      </section>
      {canEdit ? (
        <CreateCard id="new-list-h" title="New list" action={`${base}/checkin-lists`} csrf={user.csrf} submit="Create list">
          <label for="list-name">Name</label>
          <input id="list-name" name="name" required maxlength={100} placeholder="VIP lounge" />
          <fieldset>
            <legend>Ticket types (none ticked: all)</legend>
            {event.ticket_types.map((t) => (
              <label>
                <input type="checkbox" name={`type_${t.id}`} value="on" /> {t.name}
              </label>
            ))}
          </fieldset>
          <label for="list-opens">Opens ({event.timezone}, optional)</label>
          <input id="list-opens" name="opens_at" type="datetime-local" />
          <label for="list-closes">Closes ({event.timezone}, optional)</label>
          <input id="list-closes" name="closes_at" type="datetime-local" />
          <label>
            <input type="checkbox" name="reentry" value="on" /> Allow exit and re-entry
          </label>
        </CreateCard>
      ) : null}
    </Shell>
  );
};
