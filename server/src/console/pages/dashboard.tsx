/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import type { Activity, DashboardSummary } from '../../domain/dashboard.js';
import type { ConsoleUser } from '../context.js';
import { count, percent, revenueNote, rupees, when } from '../format.js';
import { REASON_WORDS } from '../scan-view.js';
import { SalesChart } from './chart.js';
import { Shell, type Flash } from './layout.js';

/**
 * A labelled figure.
 *
 * @example
 * <Figure id="fig-sold" label="Tickets sold" value="1,204" />
 */
export const Figure: FC<{ label: string; value: string; note?: string | undefined; id?: string }> = ({ label, value, note, id }) => (
  <div class="figure" id={id}>
    <span class="label">{label}</span>
    <span class="value">{value}</span>
    {note ? <span class="note">{note}</span> : null}
  </div>
);

/**
 * Net of GST and convenience fees, with gross, tax and fees beneath (docs/gst.md#figures);
 * nothing for an organizer who has charged neither, whose revenue already says it all.
 */
export const MoneyFigure: FC<{ money: { gross: number; tax: number; fees: number; net: number } }> = ({ money }) =>
  money.tax === 0 && money.fees === 0 ? null : (
    <Figure id="fig-net" label="Net of tax and fees" value={rupees(money.net)} note={`gross ${rupees(money.gross)} · tax ${rupees(money.tax)} · fees ${rupees(money.fees)}`} />
  );

const ActivityLine: FC<{ item: Activity; timezone: string }> = ({ item, timezone }) => {
  if (item.kind === 'order') {
    return (
      <li>
        <span class={`badge ${item.status === 'refunded' ? 'bad' : 'ok'}`}>{item.status === 'refunded' ? 'Refund' : 'Sale'}</span>
        <span class="what">
          {item.status !== 'refunded'
            ? `${item.buyer_name} bought ${count(item.quantity)} ticket${item.quantity === 1 ? '' : 's'} for `
            : `${item.buyer_name}: ${count(item.quantity)} ticket${item.quantity === 1 ? '' : 's'} refunded for `}
          <a href={`/console/events/${item.event}`}>{item.event_name}</a>
          {item.amount > 0 ? ` · ${rupees(item.amount)}` : ' · free'}
        </span>
        <time datetime={item.at.toISOString()}>{when(item.at, timezone)}</time>
      </li>
    );
  }
  const who = item.holder_name ?? 'Unknown ticket';
  return (
    <li>
      <span class={`badge ${item.result}`}>{item.result === 'accepted' ? 'Admitted' : 'Refused'}</span>
      <span class="what">
        {item.ticket ? <a href={`/console/tickets/${item.ticket}`}>{who}</a> : who}
        {item.reason ? ` · ${REASON_WORDS[item.reason]}` : ''}
        {item.event && item.event_name ? (
          <>
            {' at '}
            <a href={`/console/events/${item.event}`}>{item.event_name}</a>
          </>
        ) : null}
        <span class="muted small"> · by {item.by}</span>
      </span>
      <time datetime={item.at.toISOString()}>{when(item.at, timezone)}</time>
    </li>
  );
};

/**
 * `/console`: the figures across every event of this mode, sales over 30 days, what just
 * happened, and what is coming up.
 *
 * @example
 * return renderConsole(c, <DashboardPage user={user} summary={summary} />);
 */
export const DashboardPage: FC<{ user: ConsoleUser; summary: DashboardSummary; flash?: Flash | undefined }> = ({ user, summary, flash }) => {
  const tz = summary.timezone;
  const rate = summary.attendance.rate;
  const nothingYet = summary.upcoming.length === 0 && summary.tickets_sold === 0 && summary.recent.length === 0;
  return (
    <Shell title="Dashboard" user={user} section="dashboard" here="/console" flash={flash}>
      <div class="page-head">
        <div>
          <h1>Dashboard</h1>
          <p class="sub">
            {user.account.name} · {user.owner.livemode ? 'live' : 'test'} data · times in {tz}
          </p>
        </div>
        <div class="actions">
          <a class="btn" href="/console/events/new">
            New event
          </a>
        </div>
      </div>
      <section class="figures" aria-label="Figures">
        <Figure id="fig-active" label="Active events" value={count(summary.active_events)} />
        <Figure id="fig-sold" label="Tickets sold" value={count(summary.tickets_sold)} />
        <Figure id="fig-revenue" label="Revenue" value={rupees(summary.revenue)} note={revenueNote(summary.issued)} />
        <MoneyFigure money={summary.money} />
        <Figure id="fig-checkins" label="Check-ins today" value={count(summary.checkins_today)} />
        <Figure
          id="fig-attendance"
          label="Attendance"
          value={rate === null ? '—' : percent(rate)}
          note={rate === null ? 'once an event starts' : `${count(summary.attendance.checked_in)} of ${count(summary.attendance.tickets)} tickets`}
        />
      </section>
      {nothingYet ? (
        <section class="card empty">
          <strong>No events yet</strong>
          <p>Create an event, share its checkout link, and sales and door scans show up here.</p>
          <a class="btn" href="/console/events/new">
            Create your first event
          </a>
        </section>
      ) : null}
      <div class="columns">
        <div>
          <section class="card" aria-labelledby="sales-h">
            <h2 id="sales-h">Sales, last 30 days</h2>
            <SalesChart days={summary.sales_by_day} />
          </section>
          <section class="card" aria-labelledby="upcoming-h">
            <h2 id="upcoming-h">Active events</h2>
            {summary.upcoming.length === 0 ? (
              <p class="muted">No published events ahead. Events that are drafts or have ended are on the Events page.</p>
            ) : (
              <div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Event</th>
                      <th scope="col">Starts</th>
                      <th scope="col" class="num">
                        Sold
                      </th>
                      <th scope="col" class="num hide-sm">
                        Left
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {summary.upcoming.map((e) => (
                      <tr>
                        <td>
                          <a href={`/console/events/${e._id}`}>{e.name}</a>
                        </td>
                        <td class="nowrap">{when(e.starts_at, e.timezone)}</td>
                        <td class="num">
                          {count(e.inventory.sold)} / {count(e.capacity)}
                        </td>
                        <td class="num hide-sm">{count(e.inventory.available)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </div>
        <section class="card" aria-labelledby="recent-h">
          <h2 id="recent-h">Recent activity</h2>
          {summary.recent.length === 0 ? (
            <p class="muted">Sales and door scans will appear here as they happen.</p>
          ) : (
            <ul class="feed" id="activity">
              {summary.recent.map((item) => (
                <ActivityLine item={item} timezone={tz} />
              ))}
            </ul>
          )}
        </section>
      </div>
    </Shell>
  );
};
