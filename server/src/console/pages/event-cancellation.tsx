/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import type { CancellationOrderDoc } from '../../domain/event-cancellation.js';
import type { EventDoc } from '../../domain/events.js';
import type { ConsoleUser } from '../context.js';
import { count, when } from '../format.js';
import { Select, TextArea } from './fields.js';
import { CsrfField, Shell, type Flash } from './layout.js';

/** What the organizer may choose for the buyers when cancelling, as the form's values. */
export const CANCEL_CHOICES: Array<[string, string]> = [
  ['refund', 'Refund every paid order in full, and tell each buyer'],
  ['notify', 'Only stop sales, and tell each buyer (no refunds)'],
  ['stop', 'Only stop sales (nobody is told, nothing refunded)'],
];

/** The choice and reason fields of the cancel form (`CancelEventPage`). */
export const CancellationChoice: FC<{ choice?: string; reason?: string }> = ({ choice = 'notify', reason = '' }) => (
  <>
    <Select name="buyers" label="What happens to the buyers" value={choice} options={CANCEL_CHOICES} hint="Refunds run in the background; the event page shows how far they got." />
    <TextArea name="reason" label="Reason (shown to buyers)" value={reason} rows={3} maxlength={500} />
  </>
);

/** One line about the run on the event page, linking to its page. */
export const CancellationSummary: FC<{ event: EventDoc }> = ({ event }) => {
  const run = event.cancellation;
  if (!run) return null;
  const line = run.refund_orders
    ? `${count(run.orders_refunded)} of ${count(run.orders_total)} orders refunded${run.orders_failed > 0 ? `, ${count(run.orders_failed)} failing` : ''}${run.finished_at ? '' : ' so far'}.`
    : `Buyers ${run.finished_at ? 'were' : 'are being'} told by email.`;
  return (
    <p>
      {line} <a href={`/console/events/${event._id}/cancellation`}>{run.refund_orders ? 'Refunds' : 'Details'}</a>
    </p>
  );
};

/**
 * `/console/events/:id/cancellation`: a cancelled event's run: the choice, how many orders
 * are refunded and failing, the failures with the gateway's words, and retrying those that gave up.
 *
 * @example
 * return renderConsole(c, <CancellationPage user={user} event={event} failures={failures} mayRetry />);
 */
export const CancellationPage: FC<{ user: ConsoleUser; event: EventDoc; failures: CancellationOrderDoc[]; mayRetry: boolean; flash?: Flash | undefined }> = ({
  user,
  event,
  failures,
  mayRetry,
  flash,
}) => {
  const run = event.cancellation;
  const base = `/console/events/${event._id}`;
  const gaveUp = failures.filter((f) => f.state === 'failed').length;
  return (
    <Shell title={`Cancellation of ${event.name}`} user={user} section="events" here={base} flash={flash}>
      <section class="card" aria-labelledby="run-h">
        <h1 id="run-h">Cancellation of {event.name}</h1>
        {!run ? (
          <p class="muted">Sales were stopped; buyers were neither refunded nor told.</p>
        ) : (
          <>
            <dl class="facts">
              <dt>Chosen</dt>
              <dd>
                {run.refund_orders ? 'Refund every paid order' : 'No refunds'}
                {run.notify_buyers ? ', tell each buyer' : ''}
              </dd>
              <dt>Reason</dt>
              <dd>{run.reason ?? 'None given'}</dd>
              <dt>Started</dt>
              <dd>{when(run.started_at, event.timezone)}</dd>
              {run.refund_orders ? (
                <>
                  <dt>Refunded</dt>
                  <dd>
                    {count(run.orders_refunded)} of {count(run.orders_total)} orders{run.fanned_out ? '' : ' (still counting orders)'}
                  </dd>
                  <dt>Failing</dt>
                  <dd>{count(run.orders_failed)}</dd>
                </>
              ) : null}
              <dt>Finished</dt>
              <dd>{run.finished_at ? when(run.finished_at, event.timezone) : 'Not yet'}</dd>
            </dl>
            {run.finished_at ? null : (
              <p>
                <a class="btn secondary" href={`${base}/cancellation`}>
                  Refresh
                </a>
              </p>
            )}
          </>
        )}
      </section>
      {failures.length > 0 ? (
        <section class="card" aria-labelledby="failures-h">
          <h2 id="failures-h">Refunds that failed</h2>
          <p class="muted small">Each is tried again with growing waits; after 8 attempts it waits for you. Top up the payment account's balance first if it ran out.</p>
          <ul class="refunds">
            {failures.map((f) => (
              <li>
                <a href={`/console/orders/${f._id}`}>{f._id}</a>: {f.last_error ?? 'failed'} (
                {f.state === 'failed' ? `gave up after ${f.attempts} attempts` : `attempt ${f.attempts}, trying again`})
              </li>
            ))}
          </ul>
          {mayRetry && gaveUp > 0 ? (
            <form method="post" action={`${base}/cancellation/retry`}>
              <CsrfField token={user.csrf} />
              <button type="submit" class="btn solid">
                Retry failed refunds ({count(gaveUp)})
              </button>
            </form>
          ) : null}
        </section>
      ) : null}
    </Shell>
  );
};
