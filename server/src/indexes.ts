import { OUTBOX_INDEXES } from './delivery/outbox.js';
import { ACCOUNT_INDEXES } from './domain/accounts.js';
import { AUDIT_LOG_INDEXES } from './domain/audit-log.js';
import { CHECKIN_INDEXES } from './domain/checkins.js';
import { CHECKIN_LIST_INDEXES } from './domain/checkin-lists.js';
import { DOOR_DEVICE_INDEXES } from './domain/door-devices.js';
import { OFFLINE_SCAN_INDEXES } from './domain/offline-sync.js';
import { LIST_FIGURE_INDEXES } from './domain/list-figures.js';
import { DOMAIN_EVENT_INDEXES } from './domain/domain-events.js';
import { DASHBOARD_INDEXES } from './domain/dashboard.js';
import { EMAIL_VERIFICATION_INDEXES } from './domain/email-verification.js';
import { EVENT_INDEXES } from './domain/events.js';
import { EVENT_CANCELLATION_INDEXES } from './domain/event-cancellation.js';
import { FIGURES_INDEXES } from './domain/figures.js';
import { INVENTORY_INDEXES } from './domain/inventory.js';
import { INVOICE_INDEXES } from './domain/invoices.js';
import { INVITATION_INDEXES } from './domain/invitations.js';
import { LOG_REPAIR_INDEXES } from './domain/log-repair.js';
import { MEMBER_INDEXES } from './domain/members.js';
import { ORDER_INDEXES } from './domain/orders.js';
import { PROMO_CODE_INDEXES } from './domain/promo-codes.js';
import { PROMO_RECOUNT_INDEXES } from './domain/promo-recount.js';
import { GATEWAY_CONFIG_INDEXES } from './domain/payment-accounts.js';
import { PASSWORD_GUARD_INDEXES } from './domain/password-guard.js';
import { PASSWORD_RESET_INDEXES } from './domain/password-reset-store.js';
import { RATE_LIMIT_INDEXES } from './domain/rate-limit.js';
import { REFUND_INDEXES } from './domain/refunds.js';
import { SESSION_LIST_INDEXES } from './domain/session-list.js';
import { SESSION_INDEXES } from './domain/sessions.js';
import { TICKET_FINDER_INDEXES } from './domain/ticket-finder.js';
import { TICKET_INDEXES } from './domain/tickets.js';
import { TWO_FACTOR_INDEXES } from './domain/two-factor.js';
import { WAITING_LIST_INDEXES } from './domain/waiting-list.js';
import { WEBHOOK_ENDPOINT_INDEXES } from './domain/webhook-endpoints.js';
import { WEBHOOK_INDEXES } from './domain/webhooks.js';
import { IDEMPOTENCY_INDEXES } from './http/middleware/idempotency.js';
import { TEST_GATEWAY_INDEXES } from './payments/test-gateway.js';
import type { Logger } from './logger.js';
import { PAGE_SORT } from './store/paginate.js';
import type { IndexConflict, IndexSpec, SortSpec, Store } from './store/port.js';

/**
 * Every index the product needs, gathered from the modules that own the
 * collections and created at start by `ensureIndexes` (idempotent). Uniqueness
 * the domain relies on lives in these, so both store drivers enforce it.
 */
export const INDEXES: readonly IndexSpec[] = [
  ...ACCOUNT_INDEXES,
  ...MEMBER_INDEXES,
  ...INVITATION_INDEXES,
  ...EVENT_INDEXES,
  ...EVENT_CANCELLATION_INDEXES,
  ...INVENTORY_INDEXES,
  ...INVOICE_INDEXES,
  ...ORDER_INDEXES,
  ...GATEWAY_CONFIG_INDEXES,
  ...TICKET_INDEXES,
  ...CHECKIN_INDEXES,
  ...CHECKIN_LIST_INDEXES,
  ...PROMO_CODE_INDEXES,
  ...PROMO_RECOUNT_INDEXES,
  ...WAITING_LIST_INDEXES,
  ...DOOR_DEVICE_INDEXES,
  ...OFFLINE_SCAN_INDEXES,
  ...LIST_FIGURE_INDEXES,
  ...OUTBOX_INDEXES,
  ...RATE_LIMIT_INDEXES,
  ...IDEMPOTENCY_INDEXES,
  ...WEBHOOK_INDEXES,
  ...WEBHOOK_ENDPOINT_INDEXES,
  ...REFUND_INDEXES,
  ...TEST_GATEWAY_INDEXES,
  ...SESSION_INDEXES,
  ...PASSWORD_GUARD_INDEXES,
  ...DASHBOARD_INDEXES,
  ...FIGURES_INDEXES,
  ...TICKET_FINDER_INDEXES,
  ...DOMAIN_EVENT_INDEXES,
  ...SESSION_LIST_INDEXES,
  ...PASSWORD_RESET_INDEXES,
  ...EMAIL_VERIFICATION_INDEXES,
  ...TWO_FACTOR_INDEXES,
  ...LOG_REPAIR_INDEXES,
  ...AUDIT_LOG_INDEXES,
];

/** A list the product reads in a sort order, in pages or up to a limit. */
export interface SortedList {
  /** Where the query is, for a reader of a failing test. */
  query: string;
  /** The source file that runs it (a file calling `paginate` must have a row here). */
  file: string;
  collection: string;
  /** The filter's fields compared by equality (or a short `$in`, which MongoDB merges in order). */
  equality: readonly string[];
  sort: SortSpec;
}

/**
 * Every sorted list, each of which needs an index with its equality fields, then its sort
 * fields in order: otherwise MongoDB sorts in memory, which slows as the data grows and fails
 * past 100 MB. `test/indexes.test.ts` checks each against {@link INDEXES}.
 */
export const SORTED_LISTS: readonly SortedList[] = [
  { query: 'events.list', file: 'domain/events.ts', collection: 'events', equality: ['account', 'livemode'], sort: PAGE_SORT },
  { query: 'attendance.listAttendees and the CSV export', file: 'domain/attendance.ts', collection: 'tickets', equality: ['event', 'status'], sort: PAGE_SORT },
  { query: 'attendance.listAttendees and the CSV export, checked in or not', file: 'domain/attendance.ts', collection: 'tickets', equality: ['event'], sort: PAGE_SORT },
  { query: 'checkins.list', file: 'domain/checkin-log.ts', collection: 'checkins', equality: ['account', 'event'], sort: PAGE_SORT },
  { query: 'checkins.list of one check-in list', file: 'domain/checkin-log.ts', collection: 'checkins', equality: ['account', 'event', 'list'], sort: PAGE_SORT },
  { query: 'checkinLists.list', file: 'domain/checkin-lists.ts', collection: 'checkin_lists', equality: ['event', 'account', 'livemode'], sort: { created_at: 1, _id: 1 } },
  { query: 'promoCodes.list', file: 'domain/promo-codes.ts', collection: 'promo_codes', equality: ['event', 'account', 'livemode'], sort: PAGE_SORT },
  { query: 'checkinLists.passes', file: 'domain/checkin-lists.ts', collection: 'checkin_passes', equality: ['list'], sort: PAGE_SORT },
  { query: 'checkinLists.passes inside or outside', file: 'domain/checkin-lists.ts', collection: 'checkin_passes', equality: ['list', 'inside'], sort: PAGE_SORT },
  { query: "checkins: a ticket's scans", file: 'domain/checkin-log.ts', collection: 'checkins', equality: ['ticket', 'account'], sort: PAGE_SORT },
  { query: 'members.list', file: 'domain/members.ts', collection: 'members', equality: ['account'], sort: { created_at: 1, _id: 1 } },
  { query: 'members.invitations', file: 'domain/members.ts', collection: 'invitations', equality: ['account'], sort: { created_at: -1 } },
  { query: 'accounts.listKeys', file: 'domain/accounts.ts', collection: 'api_keys', equality: ['account', 'revoked_at'], sort: PAGE_SORT },
  { query: 'webhookEndpoints.list', file: 'domain/webhook-endpoints.ts', collection: 'webhook_endpoints', equality: ['account', 'livemode'], sort: PAGE_SORT },
  {
    query: "webhookEndpoints.recentDeliveries: an endpoint's attempts",
    file: 'domain/webhook-endpoints.ts',
    collection: 'webhook_deliveries',
    equality: ['endpoint'],
    sort: PAGE_SORT,
  },
  { query: "outbox.listForOrder: an order's deliveries", file: 'delivery/outbox.ts', collection: 'outbox', equality: ['payload.order', 'kind'], sort: PAGE_SORT },
  { query: 'dashboard: recent sales', file: 'domain/dashboard.ts', collection: 'orders', equality: ['account', 'livemode'], sort: { paid_at: -1, _id: -1 } },
  { query: 'dashboard: recent refunds', file: 'domain/dashboard.ts', collection: 'orders', equality: ['account', 'livemode', 'status'], sort: { updated_at: -1, _id: -1 } },
  { query: 'dashboard: recent scans', file: 'domain/dashboard.ts', collection: 'checkins', equality: ['account', 'livemode'], sort: { at: -1, _id: -1 } },
  { query: 'dashboard: upcoming events', file: 'domain/dashboard.ts', collection: 'events', equality: ['account', 'livemode', 'status'], sort: { starts_at: 1, _id: 1 } },
  { query: "figures: an account's tickets, recounted", file: 'domain/figures-recount.ts', collection: 'tickets', equality: ['account', 'livemode'], sort: PAGE_SORT },
  { query: 'figures: an event or account day by day', file: 'domain/figures.ts', collection: 'figure_days', equality: ['scope', 'zone'], sort: { date: 1 } },
  { query: 'figures: transitions left to settle', file: 'domain/figures-recount.ts', collection: 'tickets', equality: [], sort: { tally_due_at: 1 } },
  { query: 'promo uses recount: codes due', file: 'domain/promo-recount.ts', collection: 'promo_codes', equality: [], sort: { recount_at: 1 } },
  { query: 'figures: accounts to recount', file: 'domain/figures-recount.ts', collection: 'figures', equality: ['kind'], sort: { recounted_at: 1 } },
  { query: 'refunds: due retries', file: 'domain/refunds.ts', collection: 'refunds', equality: [], sort: { next_attempt_at: 1 } },
  { query: 'test gateway: an order by receipt', file: 'payments/test-gateway.ts', collection: 'test_gateway_orders', equality: ['receipt'], sort: { created_at: -1 } },
  { query: 'outbox.list', file: 'delivery/outbox.ts', collection: 'outbox', equality: [], sort: { created_at: -1 } },
  { query: 'domainEvents.list', file: 'domain/domain-events.ts', collection: 'domain_events', equality: ['account', 'livemode'], sort: PAGE_SORT },
  { query: 'domainEvents.list of one type', file: 'domain/domain-events.ts', collection: 'domain_events', equality: ['account', 'livemode', 'type'], sort: PAGE_SORT },
  { query: 'domainEvents.list of one object', file: 'domain/domain-events.ts', collection: 'domain_events', equality: ['account', 'livemode', 'object_id'], sort: PAGE_SORT },
  { query: 'auditLog.list and the CSV export', file: 'domain/audit-log.ts', collection: 'audit_log', equality: ['account'], sort: PAGE_SORT },
  { query: 'auditLog.list of one action', file: 'domain/audit-log.ts', collection: 'audit_log', equality: ['account', 'action'], sort: PAGE_SORT },
  { query: 'auditLog.list of one actor', file: 'domain/audit-log.ts', collection: 'audit_log', equality: ['account', 'actor.id'], sort: PAGE_SORT },
  { query: 'auditLog.list of one target', file: 'domain/audit-log.ts', collection: 'audit_log', equality: ['account', 'target.id'], sort: PAGE_SORT },
  { query: "outbox.listFailed: an account's failed jobs", file: 'delivery/outbox.ts', collection: 'outbox', equality: ['account', 'livemode', 'state'], sort: { created_at: -1 } },
  { query: 'log repair: events changed since the last pass', file: 'domain/log-repair.ts', collection: 'events', equality: [], sort: { updated_at: 1, _id: 1 } },
  { query: 'log repair: scans logged since the last pass', file: 'domain/log-repair.ts', collection: 'checkins', equality: [], sort: { created_at: 1, _id: 1 } },
  { query: 'log repair: scans undone since the last pass', file: 'domain/log-repair.ts', collection: 'checkins', equality: [], sort: { undone_at: 1, _id: 1 } },
  { query: 'outbox.list by state', file: 'delivery/outbox.ts', collection: 'outbox', equality: ['state'], sort: { created_at: -1 } },
  { query: "job worker: a channel's due jobs", file: 'delivery/job-worker.ts', collection: 'outbox', equality: ['channel', 'state'], sort: { next_attempt_at: 1 } },
  { query: "job worker: a channel's lapsed leases", file: 'delivery/job-worker.ts', collection: 'outbox', equality: ['channel', 'state'], sort: { lease_until: 1 } },
  { query: 'invoices.list', file: 'domain/invoices.ts', collection: 'invoices', equality: ['account', 'livemode'], sort: PAGE_SORT },
  { query: 'invoices.list of one order', file: 'domain/invoices.ts', collection: 'invoices', equality: ['account', 'livemode', 'order'], sort: PAGE_SORT },
  { query: 'inventory.dueHolds: holds the sweeper should look at', file: 'domain/inventory.ts', collection: 'seat_holds', equality: [], sort: { due_at: 1 } },
  { query: "inventory.earliestHoldExpiry: an event's oldest hold", file: 'domain/inventory.ts', collection: 'seat_holds', equality: ['event', 'state'], sort: { at: 1 } },
];

/**
 * Creates the indexes at start. One whose options changed since it was created (made unique,
 * given another TTL) is left as it is, and a warning names it and the way to migrate it, so
 * the servers keep starting; docs/operations.md ("Changing an index") has the steps.
 *
 * @example
 * await ensureIndexesOrWarn(store, INDEXES, logger);
 */
export async function ensureIndexesOrWarn(store: Store, specs: readonly IndexSpec[], logger: Logger): Promise<IndexConflict[]> {
  const conflicts = await store.ensureIndexes(specs);
  for (const conflict of conflicts) {
    logger.warn(`index ${conflict.collection}.${conflict.name} exists with other options and was left unchanged`, {
      collection: conflict.collection,
      index: conflict.name,
      keys: conflict.keys,
      detail: conflict.detail,
      migrate: `drop the old index (db.${conflict.collection}.dropIndex('${conflict.name}')) and restart, as docs/operations.md "Changing an index" describes`,
    });
  }
  return conflicts;
}
