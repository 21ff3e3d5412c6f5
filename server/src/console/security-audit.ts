/**
 * Account security in the audit log (docs/audit-log.md): a person's own password, two-step
 * sign-in and sessions. These changes are made by the console's account security pages for the
 * user signing in, so they are recorded here, with the user's team member as both actor and
 * target. Nothing secret is recorded: no password, code, recovery code or session id.
 */
import type { Context } from 'hono';
import type { AuditAction, AuditChanges } from '../domain/audit-log.js';
import { ownerMemberId } from '../domain/members.js';
import type { SignInUser } from '../domain/sign-in-users.js';
import { auditContext } from '../http/audit-context.js';
import type { AppEnv } from '../http/context.js';
import type { ConsoleContext } from './context.js';

/**
 * Records a change the signed-in user made to their own sign-in.
 *
 * @example
 * await recordOwnSecurity(c, 'user.two_factor_enabled', { two_factor: { before: false, after: true } });
 */
export async function recordOwnSecurity(c: ConsoleContext, action: AuditAction, changes: AuditChanges = {}): Promise<void> {
  await c.var.services.auditLog.record(auditContext(c), { action, target: { type: 'member', id: c.var.user.member._id }, changes });
}

/**
 * Records a change a user made before any session exists (a password reset, a recovery code
 * used to sign in): the user is the actor, and the entry is the account's, in no mode.
 *
 * @example
 * await recordSecurityOf(c, user, 'user.password_reset');
 */
export async function recordSecurityOf<E extends AppEnv>(c: Context<E>, user: SignInUser, action: AuditAction, changes: AuditChanges = {}): Promise<void> {
  const member = user.member ?? ownerMemberId(user.account);
  const context = auditContext(c, { actor: { type: 'user', id: member, label: user.email }, owner: { account: user.account, livemode: false } });
  await (c as unknown as Context<AppEnv>).var.services.auditLog.record(context, { action, target: { type: 'member', id: member }, changes });
}
