/**
 * Names that every plain JavaScript object already has (security).
 *
 * A table written as an object literal answers `__proto__`, `constructor` or `toString` with
 * something from `Object.prototype`, so a lookup keyed by a path segment or a query value
 * would find a "file" or a "notice" nobody wrote, and the request ended in a 500. This walks
 * every GET route the app has, with each such name in every path parameter, and the query
 * values pages look up, signed in as an organizer so the console's routes are reached too.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { eventBody } from '../helpers/app.js';
import { issueTickets, organizerWithEvent } from '../helpers/checkout.js';
import { ConsoleBrowser, consoleWithOrganizer } from '../console/helpers.js';

const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

let browser: ConsoleBrowser;
let sk: string;
let pages: string[];
let getRoutes: string[];

beforeAll(async () => {
  const signedIn = await consoleWithOrganizer();
  const { t } = signedIn;
  sk = signedIn.sk;
  // The app as a first-run development server builds it: with the demo, so /demo/:file is live.
  const org = await organizerWithEvent(t);
  const demo = { eventId: org.event.id as string, publishableKey: org.pk };
  const app = createApp({ config: t.config, store: t.store, clock: t.clock, logger: t.logger, services: t.services, mailer: t.mailbox, mailbox: t.mailbox, demo });
  browser = new ConsoleBrowser({ ...t, app });
  for (const [name, value] of signedIn.browser.cookies) browser.cookies.set(name, value);

  getRoutes = [...new Set(app.routes.filter((r) => r.method === 'GET' && /[:*]/.test(r.path)).map((r) => r.path))];

  const event = (await t.call('POST', '/v1/events', { key: sk, body: eventBody() })).body;
  const [ticket] = await issueTickets(t, sk, event.id, event.ticket_types[0].id, { name: 'Asha Rao', email: 'asha@example.com' });
  pages = [
    '/console',
    '/console/login',
    '/console/events',
    `/console/events/${event.id}`,
    `/console/events/${event.id}/attendees`,
    `/console/tickets/${ticket!.id}`,
    '/console/developers',
    `/checkout/${event.id}`,
    '/dev/mailbox',
    '/dev/mailbox.json',
  ];
});

/** `/a/:id/b/:name{re}` with every parameter (and a trailing `*`) replaced by `value`. */
function fill(route: string, value: string): string {
  const segment = encodeURIComponent(value);
  return route.replace(/:[A-Za-z]+(\{[^}]*\})?/g, segment).replace(/\*$/, segment);
}

describe('names from Object.prototype', () => {
  it('finds every GET route with a path parameter to walk', () => {
    for (const expected of [
      '/widget/v1/:file',
      '/demo/:file',
      '/console/assets/:hash/:name',
      '/dev/mailbox/:id/attachments/:filename',
      '/tickets/*',
      '/checkout/:eventId',
      '/v1/events/:id',
      '/console/events/:id',
    ]) {
      expect(getRoutes).toContain(expected);
    }
  });

  it.each(NAMES)('answers a 4xx, never a 500, for %s in any path parameter', async (name) => {
    const failures: string[] = [];
    for (const route of getRoutes) {
      const path = fill(route, name);
      const res = await browser.get(path, { headers: { Authorization: `Bearer ${sk}` } });
      if (res.status < 400 || res.status >= 500) failures.push(`${path} → ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it.each(NAMES)('ignores %s as a query value a page looks up', async (name) => {
    const failures: string[] = [];
    for (const page of pages) {
      for (const param of ['notice', 'filter', 'key', 'cursor', 'next', 'limit', 'amount', 'q']) {
        const path = `${page}?${param}=${encodeURIComponent(name)}`;
        const res = await browser.get(path);
        if (res.status >= 500 || /function |\[native code\]|banner undefined/.test(res.text)) failures.push(`${path} → ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
