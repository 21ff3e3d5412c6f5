/**
 * Every route of the API and the console, and what it needs (docs/teams.md): the one table
 * the key check, the console's sign-in check and the console's navigation read. A route
 * missing here is refused to everyone but an owner or a full key, and the role × route test
 * (`server/test/teams/route-matrix.test.ts`) fails until it is added.
 */
import { grantOf, type Actor } from '../domain/actors.js';
import { AppError } from '../kernel/errors.js';
import { requirePermission, type Permission } from '../domain/permissions.js';

/** `public`: no sign-in or key; `signed-in`: any member or key; otherwise the permission. */
export type RouteRule = Permission | 'public' | 'signed-in';

/** `METHOD path`, paths as the routers spell them (`{id}` in the API, `:id` in the console). */
export const ROUTE_PERMISSIONS: Readonly<Record<string, RouteRule>> = {
  // The API (the OpenAPI document's operations)
  'POST /v1/accounts': 'public',
  'GET /v1/account': 'signed-in',
  'POST /v1/keys/roll': 'keys:manage',
  'GET /v1/keys': 'keys:manage',
  'GET /v1/events/{id}/attendees': 'attendees:read',
  'GET /v1/events/{id}/attendees.csv': 'attendees:read',
  'GET /v1/events/{id}/stats': 'reports:read',
  'POST /v1/checkins': 'checkins:write',
  'DELETE /v1/checkins/{id}': 'checkins:write',
  'GET /v1/events/{id}/checkins': 'attendees:read',
  // Check-in lists: read by whoever reads the scan log (door staff pick one), changed with the event.
  'GET /v1/events/{id}/checkin_lists': 'attendees:read',
  'POST /v1/events/{id}/checkin_lists': 'events:write',
  'GET /v1/events/{id}/checkin_lists/{list}': 'attendees:read',
  'PATCH /v1/events/{id}/checkin_lists/{list}': 'events:write',
  'DELETE /v1/events/{id}/checkin_lists/{list}': 'events:write',
  'GET /v1/events/{id}/checkin_lists/{list}/passes': 'attendees:read',
  'GET /v1/events/{id}/promo_codes': 'events:read',
  'POST /v1/events/{id}/promo_codes': 'events:write',
  'GET /v1/events/{id}/promo_codes/{code_id}': 'events:read',
  'POST /v1/events/{id}/promo_codes/{code_id}': 'events:write',
  'DELETE /v1/events/{id}/promo_codes/{code_id}': 'events:write',
  // Door devices for key-based scanners (docs/door.md): a restricted key with checkins:write runs one.
  'POST /v1/events/{id}/door_devices': 'checkins:write',
  'GET /v1/events/{id}/door_devices/{device}/snapshot': 'checkins:write',
  'POST /v1/events/{id}/door_devices/{device}/sync': 'checkins:write',
  // A publishable key reads a published event's key; a secret one reads any of its events'.
  'GET /v1/events/{id}/verification-key': 'events:read',
  'GET /v1/events_log': 'events_log:read',
  'GET /v1/events_log/{id}': 'events_log:read',
  // The account's legal identity on invoices: read by those who see the money, set by owners.
  'GET /v1/account/tax_profile': 'reports:read',
  'PUT /v1/account/tax_profile': 'payments:manage',
  'GET /v1/account/payment_settings': 'payments:manage',
  'PUT /v1/account/payment_settings': 'payments:manage',
  'DELETE /v1/account/payment_settings': 'payments:manage',
  // Razorpay's own calls, checked by the account's webhook secret.
  'POST /v1/gateway/razorpay/webhook/{account}': 'public',
  // Invoices carry the buyers' money and billing details: for those who see the money, not the door.
  'GET /v1/invoices': 'reports:read',
  'GET /v1/invoices/{id}': 'reports:read',
  'GET /v1/invoices/{id}/pdf': 'reports:read',
  'GET /v1/audit_logs': 'team:manage',
  'GET /v1/audit_logs.csv': 'team:manage',
  'POST /v1/events': 'events:write',
  'GET /v1/events': 'events:read',
  'GET /v1/events/{id}': 'events:read',
  'PATCH /v1/events/{id}': 'events:write',
  'POST /v1/events/{id}/cancel': 'events:write',
  'GET /v1/events/{id}/questions': 'events:read',
  'POST /v1/events/{id}/questions': 'events:write',
  'POST /v1/events/{id}/questions/{question_id}': 'events:write',
  'DELETE /v1/events/{id}/questions/{question_id}': 'events:write',
  'GET /v1/public/events/{id}': 'signed-in',
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'POST /v1/orders': 'orders:write',
  'POST /v1/orders/{id}/verify': 'orders:write',
  'POST /v1/orders/{id}/resend-code': 'orders:write',
  'POST /v1/orders/{id}/pay': 'orders:write',
  'GET /v1/orders/{id}': 'orders:read',
  'POST /v1/orders/{id}/cancel': 'orders:write',
  'POST /v1/orders/{id}/refund': 'orders:refund',
  'POST /v1/waiting_list_entries': 'orders:write',
  'POST /v1/waiting_list_entries/{id}/verify': 'orders:write',
  'POST /v1/waiting_list_entries/{id}/resend_code': 'orders:write',
  'GET /v1/waiting_list_entries/{id}': 'orders:read',
  'DELETE /v1/waiting_list_entries/{id}': 'orders:write',
  'GET /v1/events/{id}/waiting_list_entries': 'orders:read',
  'POST /v1/tickets': 'orders:write',
  'GET /v1/tickets/{id}': 'attendees:read',
  'POST /v1/tickets/{id}/void': 'orders:refund',
  'POST /v1/test-gateway/payments': 'orders:write',
  'POST /v1/webhook_endpoints': 'webhooks:manage',
  'GET /v1/webhook_endpoints': 'webhooks:manage',
  'GET /v1/webhook_endpoints/{id}': 'webhooks:manage',
  'PATCH /v1/webhook_endpoints/{id}': 'webhooks:manage',
  'DELETE /v1/webhook_endpoints/{id}': 'webhooks:manage',
  'POST /v1/webhook_endpoints/{id}/roll_secret': 'webhooks:manage',
  'POST /v1/gateway/razorpay/webhook': 'public',

  // The console
  'GET /console/': 'public',
  'GET /console/assets/:hash/:name': 'public',
  'GET /console/login': 'public',
  'POST /console/login': 'public',
  'POST /console/login/demo': 'public',
  'GET /console/signup': 'public',
  'POST /console/signup': 'public',
  'GET /console/invitations/:token': 'public',
  'POST /console/invitations/:token': 'public',
  // Account recovery and the two-step code come before sign-in (docs/account-security.md).
  'GET /console/forgot-password': 'public',
  'POST /console/forgot-password': 'public',
  'GET /console/reset-password': 'public',
  'POST /console/reset-password': 'public',
  'GET /console/verify-email': 'public',
  'POST /console/verify-email': 'public',
  'GET /console/login/two-factor': 'public',
  'POST /console/login/two-factor': 'public',
  // Each member's own password, two-step sign-in and sessions.
  'GET /console/account/security': 'signed-in',
  'POST /console/account/security/email': 'signed-in',
  'POST /console/account/security/password': 'signed-in',
  'POST /console/account/security/two-factor/start': 'signed-in',
  'POST /console/account/security/two-factor/confirm': 'signed-in',
  'POST /console/account/security/two-factor/disable': 'signed-in',
  'POST /console/account/security/sessions/end-others': 'signed-in',
  'POST /console/account/security/sessions/:ref/end': 'signed-in',
  'POST /console/logout': 'signed-in',
  'POST /console/mode': 'signed-in',
  'GET /console': 'signed-in',
  'GET /console/door': 'checkins:write',
  'GET /console/events': 'events:read',
  'GET /console/events/new': 'events:write',
  'POST /console/events': 'events:write',
  'GET /console/events/:id': 'reports:read',
  'GET /console/events/:id/edit': 'events:write',
  'POST /console/events/:id/edit': 'events:write',
  'GET /console/events/:id/cancel': 'events:write',
  'POST /console/events/:id/cancel': 'events:write',
  'GET /console/events/:id/cancellation': 'events:read',
  'POST /console/events/:id/cancellation/retry': 'orders:refund',
  'GET /console/events/:id/scan': 'checkins:write',
  'POST /console/events/:id/scan': 'checkins:write',
  'GET /console/events/:id/checkin-lists': 'attendees:read',
  'POST /console/events/:id/checkin-lists': 'events:write',
  'POST /console/events/:id/checkin-lists/:list/delete': 'events:write',
  'GET /console/events/:id/questions': 'events:read',
  'POST /console/events/:id/questions': 'events:write',
  'POST /console/events/:id/questions/:question/edit': 'events:write',
  'POST /console/events/:id/questions/:question/move': 'events:write',
  'POST /console/events/:id/questions/:question/delete': 'events:write',
  'GET /console/events/:id/promo-codes': 'events:read',
  'POST /console/events/:id/promo-codes': 'events:write',
  'POST /console/events/:id/promo-codes/:code': 'events:write',
  'POST /console/events/:id/promo-codes/:code/deactivate': 'events:write',
  'GET /console/events/:id/waiting-list': 'orders:read',
  'POST /console/events/:id/waiting-list/settings': 'events:write',
  'POST /console/events/:id/waiting-list/:entry/remove': 'orders:write',
  // Door devices (docs/door.md): whoever scans signs a phone in and syncs it; the list is read with attendees.
  'GET /console/events/:id/devices': 'attendees:read',
  'POST /console/events/:id/devices': 'checkins:write',
  'POST /console/events/:id/devices/:device/revoke': 'checkins:write',
  'GET /console/events/:id/offline': 'checkins:write',
  'POST /console/events/:id/offline': 'checkins:write',
  'GET /console/scanner-sw.js': 'public',
  'GET /console/scanner.webmanifest': 'public',
  'GET /console/events/:id/attendees': 'attendees:read',
  'GET /console/events/:id/attendees.csv': 'attendees:read',
  'POST /console/publishable-key': 'events:read',
  // The attendee look-up: a door member opens tickets of their events (the domain checks which).
  'GET /console/tickets/:id': 'attendees:read',
  'GET /console/invoices/:id/pdf': 'reports:read',
  'POST /console/tickets/:id/resend': 'orders:write',
  'POST /console/tickets/:id/void': 'orders:refund',
  'POST /console/tickets/:id/undo': 'checkins:write',
  'GET /console/orders/:id': 'orders:read',
  'POST /console/orders/:id/refund': 'orders:refund',
  'POST /console/orders/:id/cancel': 'orders:write',
  'GET /console/developers': 'keys:manage',
  'POST /console/developers/keys': 'keys:manage',
  'POST /console/developers/restricted-keys': 'keys:manage',
  'POST /console/developers/keys/:id/roll': 'keys:manage',
  'GET /console/developers/keys/:id/revoke': 'keys:manage',
  'POST /console/developers/keys/:id/revoke': 'keys:manage',
  'GET /console/developers/jobs': 'webhooks:manage',
  'POST /console/developers/jobs/:id/retry': 'webhooks:manage',
  'GET /console/developers/webhooks': 'webhooks:manage',
  'POST /console/developers/webhooks': 'webhooks:manage',
  'GET /console/developers/webhooks/:id': 'webhooks:manage',
  'POST /console/developers/webhooks/:id': 'webhooks:manage',
  'POST /console/developers/webhooks/:id/roll': 'webhooks:manage',
  'POST /console/developers/webhooks/:id/deliveries/:delivery/resend': 'webhooks:manage',
  'GET /console/settings': 'payments:manage',
  'GET /console/settings/payments': 'payments:manage',
  'POST /console/settings/payments': 'payments:manage',
  'POST /console/settings/payments/disconnect': 'payments:manage',
  'GET /console/settings/tax': 'payments:manage',
  'POST /console/settings/tax': 'payments:manage',
  'GET /console/developers/audit-log': 'team:manage',
  'GET /console/developers/audit-log.csv': 'team:manage',
  'POST /console/developers/webhooks/:id/delete': 'webhooks:manage',
  'GET /console/team': 'team:manage',
  'POST /console/team/invitations': 'team:manage',
  'POST /console/team/invitations/:id/revoke': 'team:manage',
  'POST /console/team/members/:id': 'team:manage',
  'POST /console/team/members/:id/remove': 'team:manage',
};

interface CompiledRoute {
  method: string;
  pattern: RegExp;
  rule: RouteRule;
}

const COMPILED: readonly CompiledRoute[] = Object.entries(ROUTE_PERMISSIONS).map(([key, rule]) => {
  const [method = '', path = ''] = key.split(' ');
  // Literal segments first, so `/console/events/new` is not taken for `/console/events/:id`.
  const source = path
    .split('/')
    .map((part) => (/^(:\w+|\{\w+\})$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return { method, pattern: new RegExp(`^${source}$`), rule };
});
const LITERAL_FIRST = [...COMPILED].sort((a, b) => Number(/\[\^\/\]\+/.test(a.pattern.source)) - Number(/\[\^\/\]\+/.test(b.pattern.source)));

/**
 * Rules already found, by `METHOD path`. Every keyed request asks, and the scan walks the
 * table in order (an event's public read is its 104th entry, after 51 patterns tested); the
 * hot paths (one event's page, read by every buyer) are few.
 */
const NO_RULE = Symbol('no rule');
const lookedUp = new Map<string, RouteRule | typeof NO_RULE>();
const LOOKED_UP_MAX = 1_000;

/**
 * What a request needs, by its method and path; undefined for a route missing from the table.
 *
 * @example
 * ruleFor('POST', '/v1/orders/ord_123/refund'); // 'orders:refund'
 */
export function ruleFor(method: string, path: string): RouteRule | undefined {
  const m = method === 'HEAD' ? 'GET' : method;
  const key = `${m} ${path}`;
  const known = lookedUp.get(key);
  if (known !== undefined) return known === NO_RULE ? undefined : known;
  const rule = LITERAL_FIRST.find((r) => r.method === m && r.pattern.test(path))?.rule;
  // Bounded: paths carry ids, so a caller could otherwise grow it without end.
  if (lookedUp.size >= LOOKED_UP_MAX) lookedUp.clear();
  lookedUp.set(key, rule ?? NO_RULE);
  return rule;
}

/**
 * Whether an actor may use a route (ignoring the events a door member is limited to, which
 * the domain checks per call): what the console's navigation asks.
 *
 * @example
 * mayUse(actor, 'GET', '/console/team'); // false for door
 */
export function mayUse(actor: Actor, method: string, path: string): boolean {
  const rule = ruleFor(method, path);
  if (rule === 'public' || rule === 'signed-in') return true;
  const grant = grantOf(actor);
  if (rule === undefined) return grant.permissions.has('team:owners');
  return grant.permissions.has(rule);
}

/**
 * Refuses a request the actor may not make, naming the missing permission.
 * @throws AppError FORBIDDEN
 *
 * @example
 * assertMayUse(actor, c.req.method, c.req.path);
 */
export function assertMayUse(actor: Actor, method: string, path: string): void {
  if (mayUse(actor, method, path)) return;
  const rule = ruleFor(method, path);
  const grant = grantOf(actor);
  if (rule === undefined || rule === 'public' || rule === 'signed-in') {
    throw new AppError('FORBIDDEN', `Only an owner or a full secret key may use ${method} ${path}; ${grant.who} may not.`);
  }
  // Names the permission the way the domain does, without a door member's event scope.
  requirePermission({ ...grant, events: null }, rule);
}
