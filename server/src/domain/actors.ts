/**
 * Who is acting in a request: a team member signed in to the console, or an API key. The
 * console and the API put one on the request context (`c.get('actor')`), the domain's
 * service guard checks it against the permission table, and whatever records "who did it"
 * (the check-in log's `by`, an audit trail) reads it.
 */
import { ownerMemberId } from './members.js';
import { PERMISSIONS, ROLE_PERMISSIONS, type Grant, type Permission, type Role } from './permissions.js';

/** A team member signed in to the console. */
export interface MemberActor {
  kind: 'member';
  account: string;
  /** The member's id (`mem_…`). */
  member: string;
  email: string;
  role: Role;
  /** For the door role: the events the member is assigned to. Null for every other role. */
  events: readonly string[] | null;
}

/** An API key: a full secret or publishable key, or a restricted key with chosen permissions. */
export interface KeyActor {
  kind: 'key';
  account: string;
  /** The key's id (`key_…`), never the key. */
  key: string;
  /** Null for a full key (everything its kind allows); the chosen permissions for a restricted key (`rk_…`). */
  permissions: readonly Permission[] | null;
}

export type Actor = MemberActor | KeyActor;

const ALL: ReadonlySet<Permission> = new Set(PERMISSIONS);

/**
 * What an actor may do, for `can` and `requirePermission`.
 *
 * @example
 * requirePermission(grantOf(actor), 'orders:refund');
 */
export function grantOf(actor: Actor): Grant {
  if (actor.kind === 'member') {
    return { permissions: new Set(ROLE_PERMISSIONS[actor.role]), who: `your role (${actor.role})`, events: actor.role === 'door' ? (actor.events ?? []) : null };
  }
  if (actor.permissions === null) return { permissions: ALL, who: 'this key', events: null };
  return { permissions: new Set(actor.permissions), who: 'this restricted key', events: null };
}

/**
 * How a log names the actor: the member's email, or the key's id.
 *
 * @example
 * actorLabel(actor); // 'door@example.com' or 'key_…'
 */
export function actorLabel(actor: Actor): string {
  return actor.kind === 'member' ? actor.email : actor.key;
}

/**
 * Who acted, as the audit log stores it (docs/audit-log.md): a person (a team member, or an
 * account signing in or up before it has a session) or a program holding an API key.
 */
export interface AuditActor {
  type: 'user' | 'api_key';
  /** The member's id (`mem_…`; an account's own sign-in is its first owner's) or the key's id (`key_…`). */
  id: string;
  /** What a person reads in a list: the email for a user, the key's masked prefix (`sk_test_…a1b2`) for a key. */
  label: string;
}

/**
 * A request's actor as the audit log names it; `keyLabel` is the key's masked prefix, when known.
 *
 * @example
 * auditActorOf(c.get('actor'), c.get('auth')?.key.display);
 */
export function auditActorOf(actor: Actor, keyLabel?: string): AuditActor {
  return actor.kind === 'member' ? { type: 'user', id: actor.member, label: actor.email } : { type: 'api_key', id: actor.key, label: keyLabel ?? actor.key };
}

/**
 * An account signing in or up before any session exists, as the audit log names it: its first
 * owner, the member every later action of that sign-in is recorded as.
 *
 * @example
 * recordFailedSignIn(auditContext(c, { actor: userActor(account), owner }));
 */
export function userActor(account: { _id: string; email: string }): AuditActor {
  return { type: 'user', id: ownerMemberId(account._id), label: account.email };
}
