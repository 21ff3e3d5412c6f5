import { randomBytes } from 'node:crypto';
import { auditContext } from '../../http/audit-context.js';
import { Hono } from 'hono';
import { jsx } from 'hono/jsx';
import { z } from 'zod';
import type { EventDoc } from '../../domain/events.js';
import { type CheckinListDoc, DEFAULT_LIST } from '../../domain/checkin-lists.js';
import { notFound } from '../../kernel/errors.js';
import { idPattern } from '../../kernel/ids.js';
import type { ConsoleContext, ConsoleEnv } from '../context.js';
import { actor } from '../context.js';
import { formOf, refuse, renderConsole, wantsJson } from '../middleware.js';
import { ScannerPage } from '../pages/scanner.js';
import { scanView, type ScanView } from '../scan-view.js';
import { SCANNER_PERMISSIONS } from '../security.js';

const EVENT_ID = idPattern('evt');
const LIST_ID = idPattern('chl');
/** Scans listed when the scanner opens; the script keeps adding to them. */
const RECENT_SCANS = 10;

/**
 * What the scanner sends: the code, its own id for the scan so a replay is answered, not
 * repeated, and (from the script's queue) when the scan was made. The domain decides whether
 * that time is believable (`SCAN_TIME_WINDOW`).
 */
const ScanBody = z.strictObject({
  code: z.string().trim().min(1, 'scan or type a ticket').max(512, 'is too long to be a ticket code'),
  nonce: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8 to 64 letters, digits, - or _')
    .optional(),
  scanned_at: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).optional(),
});

/**
 * A fresh nonce for each render of the plain form: a browser that posts the form again (a
 * refresh after a scan) sends the same nonce, and is shown the first answer instead of a
 * REFUSED for the person just admitted.
 */
function formNonce(): string {
  return randomBytes(16).toString('base64url');
}

function eventIdOf(c: ConsoleContext): string {
  const id = c.req.param('id') ?? '';
  if (!EVENT_ID.test(id)) throw notFound('event', id);
  return id;
}

/** The check-in list the scanner is set to (`?list=chl_…`), or null for the event's default list. */
async function listOfScanner(c: ConsoleContext, event: EventDoc): Promise<CheckinListDoc | null> {
  const id = c.req.query('list');
  if (id === undefined || id === '' || id === DEFAULT_LIST) return null;
  if (!LIST_ID.test(id)) throw notFound('check-in list', id);
  return c.var.services.checkinLists.get(c.var.user.owner, event._id, id);
}

async function recentScans(c: ConsoleContext, event: EventDoc, list: CheckinListDoc | null): Promise<ScanView[]> {
  const { user, services } = c.var;
  const log = await services.checkins.log(user.owner, event._id, { limit: RECENT_SCANS }, list ? { list: list._id } : {});
  return log.data.map(({ checkin, ticket }) => scanView(checkin, ticket, event.timezone));
}

/** The header's counters: on a named list, who is inside it now. */
async function doorCounts(c: ConsoleContext, event: EventDoc, list: CheckinListDoc | null): Promise<{ checked_in: number; total: number }> {
  const { user, services } = c.var;
  const counts = await services.attendance.doorCounts(user.owner, event._id);
  if (!list) return counts;
  const fresh = await services.checkinLists.get(user.owner, event._id, list._id);
  return { checked_in: fresh.inside, total: counts.total };
}

async function showScanner(c: ConsoleContext, event: EventDoc, list: CheckinListDoc | null, extra: { result?: ScanView; error?: string; status?: 200 | 400 } = {}) {
  const { user, services } = c.var;
  const [counts, recent, lists] = await Promise.all([doorCounts(c, event, list), recentScans(c, event, list), services.checkinLists.list(user.owner, event._id)]);
  c.header('Permissions-Policy', SCANNER_PERMISSIONS);
  return renderConsole(c, jsx(ScannerPage, { user, event, list, lists, counts, recent, nonce: formNonce(), result: extra.result, error: extra.error }), extra.status ?? 200);
}

/**
 * The door scanner: its page, and the endpoint its script (JSON, with the CSRF header and a
 * nonce and the scan's own time) or its plain form (with a nonce per render) posts scans to.
 * Scans go through `services.checkins.scan`, with the signed-in organizer as `by`; both
 * outcomes answer 200, as in the API. `?list=chl_…` sets the scanner to a check-in list (the
 * page's list picker); the script posts to the same address, so its scans name the list too. The scan time is a console-only input: `/v1/checkins`
 * records every scan at the server's time.
 *
 * @example
 * router.route('/', scannerRoutes());
 */
export function scannerRoutes() {
  const router = new Hono<ConsoleEnv>();

  router.get('/console/events/:id/scan', async function scannerPage(c) {
    const event = await c.var.services.events.get(c.var.user.owner, eventIdOf(c));
    return showScanner(c, event, await listOfScanner(c, event));
  });

  router.post('/console/events/:id/scan', async function scan(c) {
    const { user, services } = c.var;
    const event = await services.events.get(user.owner, eventIdOf(c));
    const list = await listOfScanner(c, event);
    const json = wantsJson(c);
    let raw: unknown;
    if (json) {
      raw = await c.req.json().catch(() => null);
    } else {
      const form = await formOf(c);
      raw = { code: form.code ?? '', ...(form.nonce ? { nonce: form.nonce } : {}) };
    }
    const parsed = ScanBody.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const message = issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'The scan could not be read.';
      return json ? refuse(c, 400, 'Scan not read', [message], 'VALIDATION_FAILED') : showScanner(c, event, list, { error: message, status: 400 });
    }
    const { code, nonce, scanned_at } = parsed.data;
    const at = scanned_at === undefined ? undefined : new Date(scanned_at);
    const outcome = await services.checkins.scan(user.owner, { code, event: event._id, nonce, by: actor(user), at, list: list?._id }, auditContext(c));
    const view = scanView(outcome.checkin, outcome.ticket, event.timezone);
    if (!json) return showScanner(c, event, list, { result: view });
    const counts = await doorCounts(c, event, list);
    return c.json({ scan: view, counts }, 200);
  });

  return router;
}
