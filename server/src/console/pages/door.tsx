/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import type { EventDoc } from '../../domain/events.js';
import type { ConsoleUser } from '../context.js';
import { when } from '../format.js';
import { Shell } from './layout.js';

/**
 * `/console/door`: the events a door member may scan for, each with its scanner and attendee
 * list: the whole console of the door role, sized for a phone.
 *
 * @example
 * return renderConsole(c, <DoorPage user={user} events={events} />);
 */
export const DoorPage: FC<{ user: ConsoleUser; events: EventDoc[] }> = ({ user, events }) => (
  <Shell title="Scanner" user={user} section="door" here="/console/door">
    <section class="card">
      <h1>Your events</h1>
      {events.length === 0 ? (
        <p>You are not assigned to an event in this mode yet. Ask an admin of the team to assign you.</p>
      ) : (
        <ul class="door-events">
          {events.map((e) => (
            <li>
              <strong>{e.name}</strong> · {when(e.starts_at, e.timezone)}
              <br />
              <a class="btn" href={`/console/events/${e._id}/scan`}>
                Open scanner
              </a>{' '}
              <a class="btn secondary" href={`/console/events/${e._id}/attendees`}>
                Attendees
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  </Shell>
);
