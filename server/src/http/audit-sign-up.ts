import type { Context } from 'hono';
import type { AccountDoc } from '../domain/accounts.js';
import { userActor } from '../domain/actors.js';
import { changesBetween } from '../domain/audit-log.js';
import { auditContext } from './audit-context.js';
import type { AppEnv } from './context.js';

/**
 * Puts a new account's sign-up in its audit log, as its first entry: the person signing up is
 * the actor (nobody was signed in), from `POST /v1/accounts` or the console's sign-up form.
 *
 * @example
 * await recordSignUp(c, created.account);
 */
export async function recordSignUp<E extends AppEnv>(c: Context<E>, account: AccountDoc): Promise<void> {
  const context = auditContext(c, { actor: userActor(account), owner: { account: account._id, livemode: false } });
  const changes = changesBetween(null, account, ['email', 'name']);
  await (c as unknown as Context<AppEnv>).get('services').auditLog.record(context, { action: 'account.created', target: { type: 'account', id: account._id }, changes });
}
