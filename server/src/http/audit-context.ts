import type { Context } from 'hono';
import { auditActorOf, type AuditActor } from '../domain/actors.js';
import type { AuditContext, AuditRequest } from '../domain/audit-log.js';
import type { Owner } from '../domain/events.js';
import { clientIp } from './client-ip.js';
import type { AppEnv } from './context.js';

/** Longer user agents are cut: the header is the caller's to write, and the log keeps it a year. */
const MAX_USER_AGENT = 512;

/**
 * Who is acting and from where, for the audit log (docs/audit-log.md): the request's actor and
 * owner (an API key's, or the console's signed-in user's), its id, the caller's IP address (the
 * full address, behind `TTS_TRUST_PROXY` proxies) and user agent. The API and the console both
 * build it here and pass it to the service that makes the change. Before anyone is signed in
 * (a sign-in attempt) the caller names the actor and owner.
 *
 * @example
 * await services.events.update(owner, id, patch, auditContext(c));
 */
export function auditContext<E extends AppEnv>(c: Context<E>, who?: { actor: AuditActor; owner: Owner }): AuditContext {
  const app = c as unknown as Context<AppEnv>;
  const actor = who?.actor ?? auditActorOf(app.get('actor'), app.get('auth')?.key.display);
  const owner = who?.owner ?? app.get('owner');
  return {
    actor,
    account: owner.account,
    livemode: owner.livemode,
    ip: clientIp(c, { trustProxy: app.get('deps').config.trustProxy }),
    userAgent: c.req.header('User-Agent')?.slice(0, MAX_USER_AGENT) ?? null,
    requestId: app.get('requestId'),
  };
}

/**
 * Where a request came from, for a change whose actor the service learns itself (a member
 * accepting an invitation becomes the actor as they are created).
 *
 * @example
 * await services.members.accept(token, input, auditRequest(c));
 */
export function auditRequest<E extends AppEnv>(c: Context<E>): AuditRequest {
  const app = c as unknown as Context<AppEnv>;
  return {
    ip: clientIp(c, { trustProxy: app.get('deps').config.trustProxy }),
    userAgent: c.req.header('User-Agent')?.slice(0, MAX_USER_AGENT) ?? null,
    requestId: app.get('requestId'),
  };
}
