/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import { Layout } from './layout.js';

/** What the landing page links to, which depends on how the server runs. */
export interface LandingPageProps {
  /** The server's public URL, shown as the API's base. */
  publicUrl: string;
  /** A demo event exists (a development server's first run): link /demo. */
  demo: boolean;
  /** Mail is captured, not sent: link /dev/mailbox. */
  mailbox: boolean;
}

/**
 * `/`: what this server is and where to go next, so the first URL a newcomer opens
 * answers a page instead of an error. Development-only places (the demo, the mailbox)
 * appear only where they exist.
 *
 * @example
 * return renderPage(c, <LandingPage publicUrl="http://localhost:8787" demo mailbox />);
 */
export const LandingPage: FC<LandingPageProps> = ({ publicUrl, demo, mailbox }) => (
  <Layout title="Trendy Ticket Service">
    <section class="card">
      <h1>Trendy Ticket Service</h1>
      <p>
        This server sells tickets for events: an HTTP API for organizers' servers, an embeddable checkout for their web pages, hosted ticket pages for buyers, and a console for
        organizers.
      </p>
      <p class="muted small">
        API base: <span class="mono">{`${publicUrl}/v1`}</span>
      </p>
    </section>
    <section class="card">
      <h2>Where to go</h2>
      <ul class="links">
        <li>
          <a href="/console">Console</a>: sign in or create an organizer account, create events, see sales, scan tickets at the door.
        </li>
        <li>
          <a href="/docs">API reference</a>: every endpoint, with its request and response (also as <a href="/openapi.json">OpenAPI</a>).
        </li>
        {demo ? (
          <li>
            <a href="/demo/">Demo page</a>: a partner's page with the checkout embedded; buy a ticket in test mode, no real money moves.
          </li>
        ) : null}
        {mailbox ? (
          <li>
            <a href="/dev/mailbox">Mailbox</a>: the mail this development server captured instead of sending (codes, tickets).
          </li>
        ) : null}
        <li>
          <a href="/healthz">Health</a>: whether the server and its store are up.
        </li>
      </ul>
    </section>
  </Layout>
);

/**
 * The 404 page a browser gets for an address that is not a page (API clients get the JSON error).
 *
 * @example
 * return renderPage(c, <NotFoundPage path="/nope" />, 404);
 */
export const NotFoundPage: FC<{ path: string }> = ({ path }) => (
  <Layout title="Page not found">
    <section class="card">
      <h1>Page not found</h1>
      <p>
        There is no page at <span class="mono">{path}</span> on this server.
      </p>
      <p>
        <a href="/">Go to the start page</a>, or open the <a href="/console">console</a>.
      </p>
    </section>
  </Layout>
);
