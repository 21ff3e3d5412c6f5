import { Hono } from 'hono';
import { jsx } from 'hono/jsx';
import { z } from 'zod';
import { AUDIT_ACTIONS, type AuditLogFilters } from '../../domain/audit-log.js';
import { csvHeaders, csvStream } from '../../http/csv-stream.js';
import type { ConsoleContext, ConsoleEnv } from '../context.js';
import { renderConsole } from '../middleware.js';
import { AuditLogPage, type AuditLogFormValues } from '../pages/audit-log.js';

/** The console shows and takes dates in India's time (UTC+05:30), as its other pages do. */
const ZONE_OFFSET = '+05:30';
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const blankAsUndefined = (v: unknown) => (v === '' ? undefined : v);

/** The page's filters as typed; anything that does not parse is ignored with a note, never an error page. */
const FilterQuery = z.object({
  action: z.preprocess(blankAsUndefined, z.enum(AUDIT_ACTIONS).optional()).catch(undefined),
  actor: z
    .preprocess(
      blankAsUndefined,
      z
        .string()
        .trim()
        .regex(/^(mem|acct|key)_[0-9A-Za-z]{1,40}$/)
        .optional(),
    )
    .catch(undefined),
  from: z.preprocess(blankAsUndefined, z.string().regex(DAY).optional()).catch(undefined),
  to: z.preprocess(blankAsUndefined, z.string().regex(DAY).optional()).catch(undefined),
  cursor: z.preprocess(blankAsUndefined, z.string().max(512).optional()).catch(undefined),
});

/** The start of a day in the console's zone; NaN dates (2030-02-31) count as no date. */
function startOfDay(day: string | undefined, plusDays = 0): Date | undefined {
  if (day === undefined) return undefined;
  const at = new Date(`${day}T00:00:00${ZONE_OFFSET}`);
  if (Number.isNaN(at.getTime())) return undefined;
  return new Date(at.getTime() + plusDays * 86_400_000);
}

/** The filters from the query: as the form shows them, as the log takes them, and as a query string for the next page and the CSV. */
function filtersOf(c: ConsoleContext): { values: AuditLogFormValues; filters: AuditLogFilters; query: string; cursor: string | undefined } {
  const parsed = FilterQuery.parse(c.req.query());
  const values: AuditLogFormValues = { action: parsed.action ?? '', actor: parsed.actor ?? '', from: parsed.from ?? '', to: parsed.to ?? '' };
  // `to` is a whole day: everything before the next day begins.
  const filters: AuditLogFilters = { action: parsed.action, actor: parsed.actor, from: startOfDay(parsed.from), to: startOfDay(parsed.to, 1) };
  const query = new URLSearchParams(Object.entries(values).filter(([, v]) => v !== '')).toString();
  return { values, filters, query, cursor: parsed.cursor };
}

/**
 * The audit log in the console (Developers → Audit log): who changed what in the account,
 * filtered by action, actor and dates, paged, and downloadable as CSV with the same filters.
 * Read-only; under `/console/developers/*`, so signed-in.
 *
 * @example
 * router.route('/', auditLogRoutes());
 */
export function auditLogRoutes() {
  const router = new Hono<ConsoleEnv>();

  router.get('/console/developers/audit-log', async function auditLogPage(c) {
    const { user, services } = c.var;
    const { values, filters, query, cursor } = filtersOf(c);
    const page = await services.auditLog.list(user.owner.account, { ...filters, livemode: user.owner.livemode, limit: 50, cursor });
    return renderConsole(c, jsx(AuditLogPage, { user, page, values, query, paged: cursor !== undefined }));
  });

  router.get('/console/developers/audit-log.csv', function auditLogCsv(c) {
    const { filters } = filtersOf(c);
    return c.body(csvStream(c.var.services.auditLog.csv(c.var.user.owner.account, { ...filters, livemode: c.var.user.owner.livemode })), 200, csvHeaders('audit-log.csv'));
  });

  return router;
}
