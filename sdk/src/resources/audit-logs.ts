import type { TrendyTickets } from '../client.js';
import type { RequestOptions } from '../internal/http.js';
import type { PagedList } from '../pagination.js';
import type { AuditLogEntry, AuditLogListParams } from '../types.js';

/** The list's filters, without paging: what the CSV export takes. */
export type AuditLogFilter = Omit<AuditLogListParams, 'limit' | 'cursor'>;

/**
 * The audit log (secret key): who changed what in the account, when and from where, newest
 * first. Read-only: entries are never changed or deleted.
 *
 * @example
 * for await (const entry of tts.auditLogs.list({ action: 'api_key.rolled' })) {
 *   console.log(entry.created_at, entry.actor.label, entry.request.ip);
 * }
 */
export class AuditLogsResource {
  constructor(private readonly client: TrendyTickets) {}

  /**
   * Entries newest first, optionally of one `action`, by one `actor`, on one `target`, or
   * within `created_gte` / `created_lt`.
   *
   * @example
   * const page = await tts.auditLogs.list({ target: 'evt_…' }).page();
   */
  list(params: AuditLogListParams = {}, options?: RequestOptions): PagedList<AuditLogEntry> {
    return this.client.list<AuditLogEntry>('/v1/audit_logs', { ...params }, options);
  }

  /**
   * Every matching entry as CSV text (UTF-8 with a BOM, cells that look like formulas neutralised),
   * with the list's filters and never paged.
   *
   * @example
   * await writeFile('audit-log.csv', await tts.auditLogs.csv({ created_gte: '2026-01-01T00:00:00Z' }));
   */
  csv(params: AuditLogFilter = {}, options?: RequestOptions): Promise<string> {
    return this.client.request<string>({ ...options, method: 'GET', path: '/v1/audit_logs.csv', query: { ...params }, as: 'text' });
  }
}
