/**
 * What each role of an account's team may do: the one table of permissions in the product
 * (docs/teams.md). The API, the console and the domain services all ask {@link can} or
 * {@link requirePermission}, so they cannot disagree about who may do what.
 */
import { AppError } from '../kernel/errors.js';

/** Every permission, in the order the Developers page lists them for restricted keys. */
export const PERMISSIONS = [
  'events:read',
  'events:write',
  'orders:read',
  'orders:write',
  'orders:refund',
  'attendees:read',
  'checkins:write',
  'reports:read',
  'events_log:read',
  'keys:manage',
  'webhooks:manage',
  'team:manage',
  'team:owners',
  'payments:manage',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

/** What each permission allows, in words for the Team and Developers pages. */
export const PERMISSION_LABELS: Record<Permission, string> = {
  'events:read': 'See events',
  'events:write': 'Create, edit and cancel events',
  'orders:read': 'See orders, tickets and their mail',
  'orders:write': 'Create orders, issue tickets, resend ticket mail',
  'orders:refund': 'Refund orders and void tickets',
  'attendees:read': 'Look up attendees and the check-in log',
  'checkins:write': 'Scan tickets at the door, undo a scan',
  'reports:read': 'See sales figures and stats',
  'events_log:read': 'Read the events log',
  'keys:manage': 'Create, roll and revoke API keys',
  'webhooks:manage': 'Manage webhook endpoints and failed jobs',
  'team:manage': 'Invite, change and remove team members',
  'team:owners': 'Make or remove owners',
  'payments:manage': 'Connect and disconnect the payment account that receives the money',
};

export const ROLES = ['owner', 'admin', 'finance', 'door', 'developer'] as const;
export type Role = (typeof ROLES)[number];

/** Roles → permissions. `door` is also limited to the events a member is assigned to. */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  owner: PERMISSIONS,
  // Where the money goes is the owners' alone.
  admin: PERMISSIONS.filter((p) => p !== 'team:owners' && p !== 'payments:manage'),
  finance: ['events:read', 'orders:read', 'orders:refund', 'attendees:read', 'reports:read'],
  door: ['events:read', 'attendees:read', 'checkins:write'],
  developer: ['events:read', 'events_log:read', 'keys:manage', 'webhooks:manage'],
};

/** What each role is for, in words for the Team page. */
export const ROLE_LABELS: Record<Role, string> = {
  owner: 'Owner: everything, including the account itself and other owners',
  admin: 'Admin: events, orders, refunds, keys, webhooks and the team (not owners)',
  finance: 'Finance: orders, refunds and reports; no event edits',
  door: 'Door: the scanner and attendee look-up, for assigned events only',
  developer: 'Developer: API keys, webhook endpoints and the events log',
};

/** Permissions that a door member holds only for the events they are assigned to. */
export const EVENT_SCOPED: ReadonlySet<Permission> = new Set(['events:read', 'attendees:read', 'checkins:write']);

/**
 * Whether a value is a known permission, for parsing a restricted key's form.
 *
 * @example
 * isPermission('orders:refund'); // true
 */
export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}

/**
 * Whether a value is a known role.
 *
 * @example
 * isRole('door'); // true
 */
export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Who is asking, as far as permissions go (an `Actor` has more). */
export interface Grant {
  /** The role's permissions, or a restricted key's. */
  permissions: ReadonlySet<Permission>;
  /** How the refusal names the caller: `your role (door)`, `this restricted key`. */
  who: string;
  /** Event ids the caller is limited to for {@link EVENT_SCOPED} permissions; null for every event. */
  events: readonly string[] | null;
}

/**
 * Whether a grant allows a permission (and, when given, for this event).
 *
 * @example
 * can(grant, 'checkins:write', { event: 'evt_…' });
 */
export function can(grant: Grant, permission: Permission, scope: { event?: string | undefined } = {}): boolean {
  if (!grant.permissions.has(permission)) return false;
  if (grant.events === null || !EVENT_SCOPED.has(permission)) return true;
  return scope.event !== undefined && grant.events.includes(scope.event);
}

/**
 * Refuses what a grant does not allow with 403 FORBIDDEN, naming the missing permission.
 * @throws AppError FORBIDDEN
 *
 * @example
 * requirePermission(grant, 'orders:refund');
 */
export function requirePermission(grant: Grant, permission: Permission, scope: { event?: string | undefined } = {}): void {
  if (can(grant, permission, scope)) return;
  if (!grant.permissions.has(permission)) {
    throw new AppError('FORBIDDEN', `This needs the ${permission} permission; ${grant.who} does not have it.`, { permission });
  }
  throw new AppError('FORBIDDEN', `This needs the ${permission} permission for this event; ${grant.who} has it only for the events it is assigned to.`, {
    permission,
    ...(scope.event === undefined ? {} : { event: scope.event }),
  });
}
