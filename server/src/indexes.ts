import { OUTBOX_INDEXES } from './delivery/outbox.js';
import { ACCOUNT_INDEXES } from './domain/accounts.js';
import { CHECKIN_INDEXES } from './domain/checkins.js';
import { DASHBOARD_INDEXES } from './domain/dashboard.js';
import { EVENT_INDEXES } from './domain/events.js';
import { LOGIN_GUARD_INDEXES } from './domain/login-guard.js';
import { ORDER_INDEXES } from './domain/orders.js';
import { RATE_LIMIT_INDEXES } from './domain/rate-limit.js';
import { SESSION_INDEXES } from './domain/sessions.js';
import { TICKET_FINDER_INDEXES } from './domain/ticket-finder.js';
import { TICKET_MAIL_INDEXES } from './domain/ticket-mail.js';
import { TICKET_INDEXES } from './domain/tickets.js';
import { WEBHOOK_INDEXES } from './domain/webhooks.js';
import { IDEMPOTENCY_INDEXES } from './http/middleware/idempotency.js';
import { TEST_GATEWAY_INDEXES } from './payments/test-gateway.js';
import type { IndexSpec } from './store/port.js';

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
  ...TICKET_FINDER_INDEXES,
];
