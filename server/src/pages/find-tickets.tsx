/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import { Layout } from './layout.js';

/** Props of {@link FindTicketsPage}. */
export interface FindTicketsPageProps {
  /** `sent`: the request was taken (whether or not the address has tickets: the page never says). */
  sent?: boolean;
  /** What to fix or wait for, shown above the form. */
  error?: string;
  email?: string;
}

/**
 * "Find my tickets" (`/tickets/find`): one field, one button. After sending, the same words
 * for every address, so the page cannot be used to learn who bought tickets.
 *
 * @example return renderPage(c, <FindTicketsPage sent />);
 */
export const FindTicketsPage: FC<FindTicketsPageProps> = ({ sent, error, email }) => (
  <Layout title="Find my tickets" referrer="same-origin">
    <section class="card" aria-labelledby="find-title">
      <h1 id="find-title">Find my tickets</h1>
      {sent ? (
        <div class="banner ok" role="status">
          If this address holds tickets for upcoming events, we have sent it one email with links to all of them. It should arrive within a few minutes; check your spam folder too.
        </div>
      ) : (
        <p>Enter the email address you bought the tickets with. We will send it one email with links to all its tickets for upcoming events.</p>
      )}
      {error ? (
        <div class="banner bad" role="alert">
          {error}
        </div>
      ) : null}
      <form method="post" action="/tickets/find">
        <label for="email">Email</label>
        <input id="email" name="email" type="email" autocomplete="email" required maxlength={254} value={email ?? ''} />
        <button class="btn" type="submit">
          {sent ? 'Send again' : 'Email me my tickets'}
        </button>
      </form>
    </section>
  </Layout>
);
