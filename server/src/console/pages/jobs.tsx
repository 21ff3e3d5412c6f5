/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import type { OutboxJob } from '../../domain/ports.js';
import type { ConsoleUser } from '../context.js';
import { when } from '../format.js';
import { CsrfField, Shell, type Flash } from './layout.js';

const TZ = 'Asia/Kolkata';

/** What a job was for, in words: a webhook delivery names its entry and endpoint. */
function describeJob(job: OutboxJob): string {
  if (job.channel === 'webhook') return `Webhook ${String(job.payload.event)} to ${String(job.payload.endpoint)}`;
  return `Mail “${job.kind}” to ${job.to}`;
}

/**
 * `/console/developers/jobs`: the account's jobs that failed (dead, or waiting to try again),
 * each with its last error and a Retry button that makes it due now with a fresh budget.
 *
 * @example
 * return renderConsole(c, <FailedJobsPage user={user} jobs={jobs} />);
 */
export const FailedJobsPage: FC<{ user: ConsoleUser; jobs: OutboxJob[]; flash?: Flash | undefined }> = ({ user, jobs, flash }) => (
  <Shell title="Failed jobs" user={user} section="developers" here="/console/developers/jobs" flash={flash}>
    <section class="card">
      <h1>Failed jobs</h1>
      <p>Deliveries that failed: those still retrying show when they try next; dead ones wait for you. Retry makes a job try again now.</p>
      {jobs.length === 0 ? (
        <p>Nothing has failed.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">State</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last error</th>
              <th scope="col">Next try</th>
              <th scope="col">
                <span class="visually-hidden">Retry</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((job) => (
              <tr>
                <td>{describeJob(job)}</td>
                <td>{job.state}</td>
                <td>{job.attempts}</td>
                <td>{job.last_error ?? ''}</td>
                <td>{job.state === 'pending' ? when(job.next_attempt_at, TZ) : '—'}</td>
                <td>
                  <form method="post" action={`/console/developers/jobs/${job._id}/retry`}>
                    <CsrfField token={user.csrf} />
                    <button type="submit" class="btn secondary">
                      Retry
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  </Shell>
);
