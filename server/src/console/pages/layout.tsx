/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Child, FC } from 'hono/jsx';
import { grantOf } from '../../domain/actors.js';
import { can } from '../../domain/permissions.js';
import { mayUse } from '../../http/route-permissions.js';
import type { FieldIssue } from '../../kernel/errors.js';
import { assetUrl } from '../assets.js';
import type { ConsoleUser } from '../context.js';

/** Which top-level section a page belongs to, for the navigation's `aria-current`. */
export type Section = 'dashboard' | 'door' | 'events' | 'team' | 'developers' | 'settings' | null;

/** A one-line message above the page: a notice after an action, or an error. */
export interface Flash {
  tone: 'ok' | 'bad' | 'info';
  message: string;
  issues?: FieldIssue[] | undefined;
}

/** What the shell needs from a page. */
export interface ShellProps {
  title: string;
  /** The signed-in organizer; absent on the sign-in and sign-up pages. */
  user?: ConsoleUser | undefined;
  section?: Section;
  /** The path (with query) of this page, so the mode switch comes back to it. */
  here?: string;
  flash?: Flash | undefined;
  /** Extra scripts, by asset name (see assets.ts). */
  scripts?: string[];
  bodyClass?: string;
  /** A web app manifest to link (the door scanner's, which makes it installable). */
  manifest?: string;
  children?: Child;
}

/**
 * The hidden field every console form carries (checked by `verifyCsrf`).
 *
 * @example
 * <form method="post" action="/console/logout"><CsrfField token={user.csrf} /><button>Sign out</button></form>
 */
export const CsrfField: FC<{ token: string }> = ({ token }) => <input type="hidden" name="_csrf" value={token} />;

/**
 * A message above the page content, announced by screen readers.
 *
 * @example
 * <FlashBanner flash={{ tone: 'ok', message: 'Changes saved.' }} />
 */
export const FlashBanner: FC<{ flash?: Flash | undefined }> = ({ flash }) =>
  flash ? (
    <div class={`banner ${flash.tone}`} role={flash.tone === 'bad' ? 'alert' : 'status'}>
      {flash.message}
      {flash.issues && flash.issues.length > 0 ? (
        <ul class="errors">
          {flash.issues.map((i) => (
            <li>{i.message}</li>
          ))}
        </ul>
      ) : null}
    </div>
  ) : null;

const NAV: Array<{ section: Exclude<Section, null>; href: string; label: string }> = [
  { section: 'dashboard', href: '/console', label: 'Dashboard' },
  { section: 'door', href: '/console/door', label: 'Scanner' },
  { section: 'events', href: '/console/events', label: 'Events' },
  { section: 'team', href: '/console/team', label: 'Team' },
  { section: 'developers', href: '/console/developers', label: 'Developers' },
  { section: 'settings', href: '/console/settings/payments', label: 'Settings' },
];

/**
 * The sections a member's role may open, from the route table (`ROUTE_PERMISSIONS`): the
 * console shows no link that would answer 403. The dashboard shows sales figures, and the
 * scanner list is for door members (everyone else reaches the scanner from an event).
 */
function navFor(user: ConsoleUser) {
  const grant = grantOf(user.actor);
  return NAV.filter((item) => {
    if (item.section === 'dashboard') return can(grant, 'reports:read');
    if (item.section === 'door') return user.actor.role === 'door';
    if (item.section === 'events' && user.actor.role === 'door') return false;
    return mayUse(user.actor, 'GET', item.href);
  });
}

const TopBar: FC<{ user: ConsoleUser; section: Section; here: string }> = ({ user, section, here }) => {
  const live = user.owner.livemode;
  return (
    <>
      <header class="topbar">
        <a class="brand" href="/console">
          Trendy Tickets
        </a>
        <nav aria-label="Console">
          {navFor(user).map((item) => (
            <a href={item.href} aria-current={item.section === section ? 'page' : undefined}>
              {item.label}
            </a>
          ))}
        </nav>
        <div class="who">
          <form method="post" action="/console/mode" class="inline">
            <CsrfField token={user.csrf} />
            <input type="hidden" name="next" value={here} />
            <button
              type="submit"
              name="mode"
              value={live ? 'test' : 'live'}
              class="mode-switch"
              aria-label={`Viewing ${live ? 'live' : 'test'} data. Switch to ${live ? 'test' : 'live'} data`}
            >
              <span class={`dot ${live ? 'live' : 'test'}`} aria-hidden="true" />
              {live ? 'Live' : 'Test'} data · switch
            </button>
          </form>
          <a class="email" href="/console/account/security" title="Account security">
            {user.member.email}
          </a>
          <span class="role">{user.member.role}</span>
          <form method="post" action="/console/logout" class="inline">
            <CsrfField token={user.csrf} />
            <button type="submit" class="linkbtn light">
              Sign out
            </button>
          </form>
        </div>
      </header>
      <div class={`modebar ${live ? 'live' : 'test'}`}>
        {live ? 'Live data: real orders and real money.' : 'Test data: nothing here moves real money. Switch to live data when you are ready to sell.'}
      </div>
    </>
  );
};

/**
 * The frame of every console page: one stylesheet and, where a page needs them, scripts, all
 * served from /console/assets under the console's strict CSP; a navigation bar and a visible
 * test / live switch once signed in.
 *
 * @example
 * return renderConsole(c, <Shell title="Events" user={user} section="events" here="/console/events">…</Shell>);
 */
export const Shell: FC<ShellProps> = ({ title, user, section = null, here = '/console', flash, scripts = [], bodyClass, manifest, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width,initial-scale=1" />
      <meta name="color-scheme" content="light" />
      <meta name="robots" content="noindex,nofollow" />
      <link rel="icon" href="data:," />
      <title>{`${title} · Trendy Tickets console`}</title>
      <link rel="stylesheet" href={assetUrl('console.css')} />
      {manifest ? <link rel="manifest" href={manifest} /> : null}
      {scripts.map((name) => (
        <script src={assetUrl(name)} defer />
      ))}
    </head>
    <body class={bodyClass}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      {user ? <TopBar user={user} section={section} here={here} /> : null}
      <main id="main">
        <FlashBanner flash={flash} />
        {children}
      </main>
    </body>
  </html>
);

/**
 * A page with a title and a few lines, for refusals and errors (403, 404, 413, 500).
 *
 * @example
 * return renderConsole(c, <MessageShell title="Not found" lines={['No such event.']} />, 404);
 */
export const MessageShell: FC<{ title: string; lines: string[]; user?: ConsoleUser | undefined; link?: { href: string; label: string } }> = ({ title, lines, user, link }) => (
  <Shell title={title} user={user}>
    <section class="card narrow">
      <h1>{title}</h1>
      {lines.map((line) => (
        <p>{line}</p>
      ))}
      <p>
        <a href={link?.href ?? '/console'}>{link?.label ?? 'Back to the console'}</a>
      </p>
    </section>
  </Shell>
);
