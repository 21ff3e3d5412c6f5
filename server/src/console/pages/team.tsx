/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import type { EventDoc } from '../../domain/events.js';
import type { InvitationDoc } from '../../domain/invitations.js';
import type { MemberDoc } from '../../domain/members.js';
import { ROLE_LABELS, ROLES, type Role } from '../../domain/permissions.js';
import type { ConsoleUser } from '../context.js';
import { when } from '../format.js';
import { Field, type FieldErrors } from './fields.js';
import { CsrfField, Shell, type Flash } from './layout.js';

const TZ = 'Asia/Kolkata';

/** Props of {@link TeamPage}. */
export interface TeamPageProps {
  user: ConsoleUser;
  members: MemberDoc[];
  invitations: InvitationDoc[];
  /** Events a door member can be assigned to (the current mode's, newest first). */
  events: EventDoc[];
  /** Members and invitations this user may not change (owners, for an admin; the first owner; themselves). */
  locked: ReadonlySet<string>;
  /** Roles this user may give. */
  grantable: readonly Role[];
  errors?: FieldErrors | undefined;
  flash?: Flash | undefined;
}

const RoleSelect: FC<{ id: string; value: Role; grantable: readonly Role[] }> = ({ id, value, grantable }) => (
  <select name="role" id={id}>
    {ROLES.filter((r) => grantable.includes(r) || r === value).map((r) => (
      <option value={r} selected={r === value}>
        {r}
      </option>
    ))}
  </select>
);

const EventChoices: FC<{ events: EventDoc[]; chosen: readonly string[] }> = ({ events, chosen }) =>
  events.length === 0 ? (
    <p class="muted small">No events yet: assign door members once there are.</p>
  ) : (
    <fieldset class="choices">
      <legend>Door events</legend>
      {events.map((e) => (
        <label>
          <input type="checkbox" name="events" value={e._id} checked={chosen.includes(e._id)} /> {e.name}
        </label>
      ))}
    </fieldset>
  );

/**
 * `/console/team`: the members with their roles (change, remove, a door member's events),
 * the invitations still open, and the form to invite someone.
 *
 * @example
 * return renderConsole(c, <TeamPage user={user} members={members} invitations={open} events={events} locked={locked} grantable={['admin']} />);
 */
export const TeamPage: FC<TeamPageProps> = ({ user, members, invitations, events, locked, grantable, errors, flash }) => (
  <Shell title="Team" user={user} section="team" here="/console/team" flash={flash}>
    <section class="card">
      <h1>Team</h1>
      <p>Each member signs in with their own email and password. What each role may do is listed below the team.</p>
      <table>
        <thead>
          <tr>
            <th scope="col">Member</th>
            <th scope="col">Role</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr data-member={m._id}>
              <td>
                {m.name}
                <br />
                <span class="muted small">{m.email}</span>
              </td>
              <td>
                {m.role}
                {m.role === 'door' ? <span class="muted small"> · {m.events.length} event(s)</span> : null}
              </td>
              <td>
                {locked.has(m._id) ? (
                  <span class="muted small">—</span>
                ) : (
                  <>
                    <form method="post" action={`/console/team/members/${m._id}`} class="stack">
                      <CsrfField token={user.csrf} />
                      <label for={`f-role-${m._id}`}>Role</label>
                      <RoleSelect id={`f-role-${m._id}`} value={m.role} grantable={grantable} />
                      <EventChoices events={events} chosen={m.events} />
                      <button type="submit" class="btn secondary">
                        Save
                      </button>
                    </form>
                    <form method="post" action={`/console/team/members/${m._id}/remove`}>
                      <CsrfField token={user.csrf} />
                      <button type="submit" class="btn danger">
                        Remove
                      </button>
                    </form>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>

    <section class="card">
      <h2>Invite someone</h2>
      <form method="post" action="/console/team/invitations" novalidate>
        <CsrfField token={user.csrf} />
        <Field name="email" label="Email" type="email" errors={errors} required />
        <label for="f-role">Role</label>
        <RoleSelect id="f-role" value={grantable.includes('admin') ? 'admin' : (grantable[0] ?? 'door')} grantable={grantable} />
        <EventChoices events={events} chosen={[]} />
        <button type="submit" class="btn">
          Send invitation
        </button>
      </form>
      {invitations.length > 0 ? (
        <>
          <h3>Open invitations</h3>
          <ul>
            {invitations.map((i) => (
              <li data-invitation={i._id}>
                {i.email} as {i.role}, valid until {when(i.expires_at, TZ)}{' '}
                <form method="post" action={`/console/team/invitations/${i._id}/revoke`} class="inline">
                  <CsrfField token={user.csrf} />
                  <button type="submit" class="linkbtn">
                    Withdraw
                  </button>
                </form>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>

    <section class="card">
      <h2>Roles</h2>
      <ul>
        {ROLES.map((r) => (
          <li>{ROLE_LABELS[r]}</li>
        ))}
      </ul>
    </section>
  </Shell>
);
