/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import type { EventDoc } from '../../domain/events.js';
import type { CheckinListDoc } from '../../domain/checkin-lists.js';
import type { ConsoleUser } from '../context.js';
import { assetUrl } from '../assets.js';
import type { ScanView } from '../scan-view.js';
import { CsrfField, Shell } from './layout.js';

/**
 * One line of the recent scans list; the scanner's script builds the same markup for new scans.
 *
 * @example
 * <ol class="recent">{recent.map((view) => <ScanItem view={view} />)}</ol>
 */
export const ScanItem: FC<{ view: ScanView }> = ({ view }) => (
  <li class={view.result}>
    <span class="verdict">{view.verdict}</span>
    <span class="who">{view.holder ?? 'Unknown ticket'}</span>
    <time datetime={view.at}>{view.at_text}</time>
    <span class="detail">{[view.ticket_type, view.result === 'rejected' ? view.reason_text : null, view.detail].filter(Boolean).join(' · ')}</span>
  </li>
);

/** The full-screen verdict. Server-rendered after a scan sent without script; the script fills it in otherwise. */
const Verdict: FC<{ view?: ScanView | undefined; scanUrl: string }> = ({ view, scanUrl }) => (
  <div id="result" class={`result ${view?.result ?? ''}`} role="alert" aria-live="assertive" hidden={!view}>
    <p class="verdict" id="result-verdict">
      {view?.verdict ?? ''}
    </p>
    <p class="reason" id="result-reason">
      {view?.reason_text ?? ''}
    </p>
    <p class="holder" id="result-holder">
      {view?.holder ?? ''}
    </p>
    <p class="type" id="result-type">
      {view?.ticket_type ?? ''}
    </p>
    <p class="first" id="result-detail">
      {view?.detail ?? ''}
    </p>
    <p class="dismiss">
      <a href={scanUrl} id="result-next" class="btn secondary">
        Scan the next ticket
      </a>
    </p>
  </div>
);

/** Props of {@link ScannerPage}. */
export interface ScannerPageProps {
  user: ConsoleUser;
  event: EventDoc;
  /** The check-in list scanned on; null for the event's default list. */
  list: CheckinListDoc | null;
  /** The event's lists, the default first, for the picker. */
  lists: CheckinListDoc[];
  counts: { checked_in: number; total: number };
  recent: ScanView[];
  /** This render's id for a scan sent by the plain form, so posting it again is answered, not counted again. */
  nonce: string;
  /** The verdict of a scan sent by the plain form (no script). */
  result?: ScanView | undefined;
  /** A problem with a scan sent by the plain form. */
  error?: string | undefined;
}

/**
 * `/console/events/:id/scan`, the door scanner, made for a phone at the entrance: one field
 * that takes a hardware scanner's keystrokes (code + Enter) or a typed ticket id, the camera
 * where there is one, a full-screen verdict, counters and the latest scans. It works as a
 * plain form without script; `scanner.js` adds the camera, sound, vibration and the offline
 * queue.
 *
 * @example
 * return renderConsole(c, <ScannerPage user={user} event={event} counts={counts} recent={recent} nonce={nonce} />);
 */
export const ScannerPage: FC<ScannerPageProps> = ({ user, event, list, lists, counts, recent, nonce, result, error }) => {
  const baseUrl = `/console/events/${event._id}/scan`;
  const scanUrl = list ? `${baseUrl}?list=${encodeURIComponent(list._id)}` : baseUrl;
  return (
    <Shell title={`Door · ${event.name}`} bodyClass="scanner-page" scripts={['offline-check.js', 'scanner-offline.js', 'scanner.js']} manifest="/console/scanner.webmanifest">
      <header class="scanbar">
        {user.actor.role === 'door' ? <a href="/console/door">← Your events</a> : <a href={`/console/events/${event._id}`}>← Event</a>}
        <span class="event-name">{event.name}</span>
        {event.livemode ? null : <span class="badge test">TEST</span>}
        <span class="counts" aria-live="polite">
          <span id="count-in">{counts.checked_in}</span> / <span id="count-total">{counts.total}</span> in
        </span>
        {list ? <span class="badge">{list.reentry ? `${list.name} · in and out` : list.name}</span> : null}
        <span class="queued-badge" id="queued" role="status" hidden>
          0 queued
        </span>
        <span class="offline-badge" id="offline-badge" role="status" hidden>
          OFFLINE
        </span>
        <a href={`/console/events/${event._id}/devices`}>Devices</a>
      </header>
      <div
        id="scanner"
        data-endpoint={scanUrl}
        data-csrf={user.csrf}
        data-event={event._id}
        data-jsqr={assetUrl('jsqr.js')}
        data-login={`/console/login?next=${encodeURIComponent(scanUrl)}`}
        data-devices={`/console/events/${event._id}/devices`}
        data-offline={`/console/events/${event._id}/offline`}
        data-list={list?._id ?? 'default'}
        data-ed25519={assetUrl('ed25519.js')}
        data-list-name={list?.name ?? ''}
      >
        <p id="scanner-alert" class="banner bad" role="alert" hidden={!error}>
          {error ?? ''}
        </p>
        {event.status === 'cancelled' ? <p class="banner bad">This event is cancelled: every ticket is refused.</p> : null}
        {lists.length > 1 ? (
          <form class="list-picker" method="get" action={baseUrl}>
            <label for="list">Check-in list</label>
            <select id="list" name="list">
              {lists.map((l) => (
                <option value={l._id} selected={(list?._id ?? 'default') === l._id}>
                  {l.reentry ? `${l.name} (in and out)` : l.name}
                </option>
              ))}
            </select>
            <button type="submit" class="btn secondary">
              Use this list
            </button>
          </form>
        ) : null}
        <form id="scan-form" class="scan-form" method="post" action={scanUrl} autocomplete="off">
          <CsrfField token={user.csrf} />
          <input type="hidden" name="nonce" value={nonce} />
          <label for="code">Scan or type a ticket</label>
          <div class="entry">
            <input
              id="code"
              name="code"
              type="text"
              required
              maxlength={512}
              autofocus
              autocomplete="off"
              autocapitalize="off"
              autocorrect="off"
              spellcheck={false}
              enterkeyhint="go"
              placeholder="TTS1… or tkt_…"
              aria-describedby="code-hint"
            />
            <button type="submit" class="btn">
              Check in
            </button>
          </div>
          <p class="hint" id="code-hint">
            A hardware scanner types the code and Enter here. Or type the ticket id printed under the QR code.
          </p>
        </form>
        <div class="camera" id="camera-panel" hidden>
          <button type="button" id="camera-toggle" class="btn secondary wide">
            Scan with the camera
          </button>
          <video id="camera" playsinline muted hidden />
          <p class="status" id="camera-status" role="status" />
        </div>
        <div class="offline-panel" id="offline-panel" hidden>
          <p class="status" id="offline-status" role="status" />
          <input id="offline-name" type="text" maxlength={60} placeholder="Device name, e.g. Gate 2" aria-label="Device name" />
          <button type="button" id="offline-enable" class="btn secondary">
            Scan offline on this device
          </button>
        </div>
        <section aria-labelledby="recent-h">
          <h2 id="recent-h">Recent scans</h2>
          <p class="empty" id="recent-empty" hidden={recent.length > 0}>
            No scans yet.
          </p>
          <ol class="recent" id="recent">
            {recent.map((view) => (
              <ScanItem view={view} />
            ))}
          </ol>
        </section>
      </div>
      <Verdict view={result} scanUrl={scanUrl} />
    </Shell>
  );
};
