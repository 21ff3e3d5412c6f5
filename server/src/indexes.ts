import { OUTBOX_INDEXES } from './delivery/outbox.js';
import { ACCOUNT_INDEXES } from './domain/accounts.js';
import { CHECKIN_INDEXES } from './domain/checkins.js';
import { DASHBOARD_INDEXES } from './domain/dashboard.js';
import { EVENT_INDEXES } from './domain/events.js';
import { LOGIN_GUARD_INDEXES } from './domain/login-guard.js';
import { ORDER_INDEXES } from './domain/orders.js';
import { RATE_LIMIT_INDEXES } from './domain/rate-limit.js';
import { SESSION_INDEXES } from './domain/sessions.js';
import { TICKET_MAIL_INDEXES } from './domain/ticket-mail.js';
import { TICKET_INDEXES } from './domain/tickets.js';
import { WEBHOOK_INDEXES } from './domain/webhooks.js';
import { IDEMPOTENCY_INDEXES } from './http/middleware/idempotency.js';
import { TEST_GATEWAY_INDEXES } from './payments/test-gateway.js';
import type { Logger } from './logger.js';
import type { IndexConflict, IndexSpec, Store } from './store/port.js';

/**
 * Every index the product needs, gathered from the modules that own the
 * collections and created at start by `ensureIndexes` (idempotent). Uniqueness
 * the domain relies on lives in these, so both store drivers enforce it.
 */
export const INDEXES: readonly IndexSpec[] = [
  ...ACCOUNT_INDEXES,
  ...EVENT_INDEXES,
  ...ORDER_INDEXES,
  ...TICKET_INDEXES,
  ...CHECKIN_INDEXES,
  ...OUTBOX_INDEXES,
  ...RATE_LIMIT_INDEXES,
  ...IDEMPOTENCY_INDEXES,
  ...WEBHOOK_INDEXES,
  ...TEST_GATEWAY_INDEXES,
  ...SESSION_INDEXES,
  ...LOGIN_GUARD_INDEXES,
  ...DASHBOARD_INDEXES,
  ...TICKET_MAIL_INDEXES,
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
