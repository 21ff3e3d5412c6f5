/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import { AUDIT_ACTIONS, type AuditEntryDoc } from '../../domain/audit-log.js';
import type { Page } from '../../store/paginate.js';
import type { ConsoleUser } from '../context.js';
import { when } from '../format.js';
import { Field, Select } from './fields.js';
import { Shell } from './layout.js';

const TZ = 'Asia/Kolkata';
const BASE = '/console/developers/audit-log';

/** The filters as the form shows them (empty for none). */
export interface AuditLogFormValues {
  action: string;
  actor: string;
  /** `YYYY-MM-DD`, India time. */
  from: string;
  to: string;
}

/** What changed, in one line: `name: "A" → "B"`. */
function describeChanges(entry: AuditEntryDoc): string {
  return Object.entries(entry.changes)
    .map(([field, { before, after }]) => `${field}: ${JSON.stringify(before)} → ${JSON.stringify(after)}`)
    .join('; ');
}

/**
 * `/console/developers/audit-log`: the account's audit log, newest first, filtered by action,
 * actor and dates, with the same list as CSV.
 *
 * @example
 * return renderConsole(c, <AuditLogPage user={user} page={page} values={values} query="" paged={false} />);
 */
export const AuditLogPage: FC<{ user: ConsoleUser; page: Page<AuditEntryDoc>; values: AuditLogFormValues; query: string; paged: boolean }> = ({
  user,
  page,
  values,
  query,
  paged,
}) => {
  const withQuery = (extra: string) => `${BASE}?${[query, extra].filter(Boolean).join('&')}`;
  return (
    <Shell title="Audit log" user={user} section="developers" here={BASE}>
      <div class="page-head">
        <div>
          <h1>Audit log</h1>
          <p class="sub">Every change made in the console or with an API key, in both modes, and every sign-in. Kept for a year and a day; nobody can change it.</p>
        </div>
        <div class="actions">
          <a class="btn secondary" href={`${BASE}.csv${query ? `?${query}` : ''}`} download>
            Download CSV
          </a>
        </div>
      </div>
      {/* biome-ignore lint/a11y/useSemanticElements: a form with role="search" is the landmark every screen reader knows; <search> is younger than some browsers the console serves. */}
      <form method="get" action={BASE} class="search card" role="search">
        <Select name="action" label="Action" value={values.action} options={[['', 'Any action'], ...AUDIT_ACTIONS.map((a): [string, string] => [a, a])]} />
        <Field name="actor" label="Actor" value={values.actor} placeholder="mem_… or key_…" maxlength={64} />
        <Field name="from" label="From" type="date" value={values.from} />
        <Field name="to" label="To" type="date" value={values.to} />
        <button type="submit" class="btn">
          Filter
        </button>
      </form>
      <section class="card" aria-labelledby="list-h">
        <h2 id="list-h" class="visually-hidden">
          Entries
        </h2>
        {page.data.length === 0 ? (
          <div class="empty">
            <strong>{query || paged ? 'Nothing matches' : 'Nothing recorded yet'}</strong>
            {query || paged ? <a href={BASE}>Show everything</a> : null}
          </div>
        ) : (
          <>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Action</th>
                    <th scope="col">Actor</th>
                    <th scope="col">Target</th>
                    <th scope="col">Changes</th>
                    <th scope="col">From</th>
                  </tr>
                </thead>
                <tbody>
                  {page.data.map((entry) => (
                    <tr>
                      <td class="nowrap">{when(entry.created_at, TZ)}</td>
                      <td class="mono small">{entry.action}</td>
                      <td>
                        <a href={`${BASE}?actor=${encodeURIComponent(entry.actor.id)}`}>{entry.actor.label}</a>
                      </td>
                      <td class="mono small">{entry.target.id}</td>
                      <td class="small">{describeChanges(entry)}</td>
                      <td class="small">
                        {entry.ip}
                        <br />
                        <span class="muted">{entry.user_agent ?? ''}</span>
                        <br />
                        <span class="mono muted">{entry.request_id}</span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <nav class="pager" aria-label="Pages">
              {paged ? <a href={withQuery('')}>First page</a> : <span />}
              {page.nextCursor ? <a href={withQuery(`cursor=${encodeURIComponent(page.nextCursor)}`)}>Next page</a> : null}
            </nav>
          </>
        )}
      </section>
    </Shell>
  );
};
