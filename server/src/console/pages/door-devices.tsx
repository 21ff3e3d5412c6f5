/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import type { DoorDeviceDoc } from '../../domain/door-devices.js';
import type { EventDoc } from '../../domain/events.js';
import type { OfflineOutcome, OfflineScanDoc } from '../../domain/offline-sync.js';
import type { ConsoleUser } from '../context.js';
import { when } from '../format.js';
import { CsrfField, Shell } from './layout.js';

/** What each kind of flagged offline scan means, in the words the door manager reads. */
const OUTCOME_WORDS: Record<Exclude<OfflineOutcome, 'admitted'>, string> = {
  conflict: 'Conflict: admitted offline, but another scan admitted the ticket first',
  voided: 'Admitted offline, but the ticket was voided or refunded',
  refused: 'Admitted offline, but the server refuses the ticket',
};

/** Props of {@link DoorDevicesPage}. */
export interface DoorDevicesPageProps {
  user: ConsoleUser;
  event: EventDoc;
  devices: DoorDeviceDoc[];
  conflicts: OfflineScanDoc[];
  stats: Record<OfflineOutcome, number>;
}

/**
 * `/console/events/:id/devices`: the phones signed in to scan this event offline, with their
 * last sync and a revoke button, and the offline admissions their uploads flagged (each with
 * the scan that holds the ticket), so the door manager can follow up.
 *
 * @example
 * return renderConsole(c, <DoorDevicesPage user={user} event={event} devices={devices} conflicts={conflicts} stats={stats} />);
 */
export const DoorDevicesPage: FC<DoorDevicesPageProps> = ({ user, event, devices, conflicts, stats }) => (
  <Shell title={`Door devices · ${event.name}`} user={user} section="events" here={`/console/events/${event._id}/devices`}>
    <section class="card">
      <p>
        <a href={`/console/events/${event._id}/scan`}>Open the scanner</a>
      </p>
      <h1>Door devices</h1>
      <p id="offline-stats">
        Offline scans: {stats.admitted} admitted · <span id="conflict-count">{stats.conflict}</span> conflicts · {stats.voided} voided · {stats.refused} refused
      </p>
      {devices.length === 0 ? (
        <p>No device is signed in. Open the scanner on a phone and choose “Scan offline on this device”.</p>
      ) : (
        <table id="devices">
          <thead>
            <tr>
              <th>Device</th>
              <th>Signed in by</th>
              <th>Last sync</th>
              <th>State</th>
            </tr>
          </thead>
          <tbody>
            {devices.map((d) => (
              <tr data-device={d._id}>
                <td>{d.name}</td>
                <td>{d.signed_in_by}</td>
                <td>{d.last_sync_at ? when(d.last_sync_at, event.timezone) : 'never'}</td>
                <td>
                  {d.revoked_at ? (
                    `Revoked ${when(d.revoked_at, event.timezone)}`
                  ) : (
                    <form method="post" action={`/console/events/${event._id}/devices/${d._id}/revoke`}>
                      <CsrfField token={user.csrf} />
                      <button type="submit" class="btn secondary">
                        Revoke
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
    <section class="card">
      <h2>Offline scans to check</h2>
      {conflicts.length === 0 ? (
        <p>None: every offline admission was the ticket's first.</p>
      ) : (
        <ul id="conflicts">
          {conflicts.map((s) => (
            <li class={`conflict ${s.outcome}`} data-ticket={s.ticket ?? ''}>
              <strong>{OUTCOME_WORDS[s.outcome as Exclude<OfflineOutcome, 'admitted'>]}</strong>
              <br />
              {s.ticket ? <a href={`/console/tickets/${s.ticket}`}>{s.ticket}</a> : s.code.slice(0, 40)} · scanned by {s.device_name} at {when(s.scanned_at, event.timezone)}{' '}
              (device clock {when(s.device_scanned_at, event.timezone)}, received {when(s.received_at, event.timezone)})
              {s.winner ? ` · admitted by ${s.winner.by ?? 'another scan'} at ${when(s.winner.at, event.timezone)}` : ''}
            </li>
          ))}
        </ul>
      )}
    </section>
  </Shell>
);
