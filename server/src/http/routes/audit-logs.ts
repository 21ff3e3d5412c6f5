import { createRoute, z } from '@hono/zod-openapi';
import type { AuditLogFilters } from '../../domain/audit-log.js';
import { csvHeaders, csvStream } from '../csv-stream.js';
import { requireKey } from '../middleware/auth.js';
import { bearer, createRouter } from '../router.js';
import { AuditLogCsvQuery, AuditLogListSchema, AuditLogQuery } from '../schemas/audit-logs.js';
import { errorResponses } from '../schemas/common.js';
import { toAuditLogEntryJson, toList } from '../serializers.js';

const secret = { security: bearer, middleware: [requireKey('secret')], tags: ['Audit log'] };

const list = createRoute({
  ...secret,
  method: 'get',
  path: '/v1/audit_logs',
  summary: 'Who changed what, newest first',
  description:
    'One entry per change made in the console or the API (events, refunds, voids, undone scans, keys, webhook endpoints, sign-ins), in both modes, with the actor, the request id, the IP address and user agent, and the fields changed. Filter by `action`, `actor`, `target` and `created_gte` / `created_lt`. Entries are kept 366 days and never changed or deleted. See docs/audit-log.md.',
  request: { query: AuditLogQuery },
  responses: { 200: { description: 'Entries, newest first.', content: { 'application/json': { schema: AuditLogListSchema } } }, ...errorResponses(400, 401, 403) },
});

const exportCsv = createRoute({
  ...secret,
  method: 'get',
  path: '/v1/audit_logs.csv',
  summary: 'Export the audit log as CSV',
  description:
    "Every matching entry (the list's filters, never paged), streamed as RFC 4180 CSV in UTF-8 with a BOM. Cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR) are prefixed with `'`.",
  request: { query: AuditLogCsvQuery },
  responses: {
    200: {
      description: 'created_at, action, actor_type, actor_id, actor_label, target_type, target_id, changes (JSON), domain_event, ip, user_agent, request_id, livemode.',
      content: { 'text/csv': { schema: z.string() } },
    },
    ...errorResponses(400, 401, 403),
  },
});

/** The query's filters as the domain takes them. */
function filtersOf(query: z.output<typeof AuditLogCsvQuery>): AuditLogFilters {
  return { action: query.action, actor: query.actor, target: query.target, from: query.created_gte, to: query.created_lt };
}

/**
 * The audit log: who changed what in the account (docs/audit-log.md). Read-only by design:
 * there is no route that changes or deletes an entry.
 */
export function auditLogRoutes() {
  return createRouter()
    .openapi(list, async (c) => {
      const query = c.req.valid('query');
      const owner = c.get('owner');
      const page = await c.var.services.auditLog.list(owner.account, { ...filtersOf(query), livemode: owner.livemode, limit: query.limit, cursor: query.cursor });
      return c.json(toList(page, toAuditLogEntryJson), 200);
    })
    .openapi(exportCsv, async (c) => {
      const owner = c.get('owner');
      const lines = c.var.services.auditLog.csv(owner.account, { ...filtersOf(c.req.valid('query')), livemode: owner.livemode });
      return c.body(csvStream(lines), 200, csvHeaders('audit-log.csv'));
    });
}
