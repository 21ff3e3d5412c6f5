import type { Context } from 'hono';
import type { AccountDoc } from '../domain/accounts.js';
import { actorLabel, type MemberActor } from '../domain/actors.js';
import type { MemberDoc } from '../domain/members.js';
import type { Owner } from '../domain/events.js';
import type { SessionDoc } from '../domain/sessions.js';
import type { AppEnv } from '../http/context.js';

/** The signed-in organizer, as every console page after sign-in sees them. */
export interface ConsoleUser {
  session: SessionDoc;
  account: AccountDoc;
  /** The team member signed in (the account's first owner for the account's own sign-in). */
  member: MemberDoc;
  /** The member as the permission checks see them: role, and a door member's events. */
  actor: MemberActor;
  /** The account and the mode (test or live) the console is showing. */
  owner: Owner;
  /** This session's CSRF token, for forms (`_csrf`) and fetches (`X-CSRF-Token`). */
  csrf: string;
}

/** The app's environment plus the console's signed-in user (set by `requireSession`). */
export interface ConsoleEnv extends AppEnv {
  Variables: AppEnv['Variables'] & { user: ConsoleUser };
}

export type ConsoleContext = Context<ConsoleEnv>;

/**
 * Who scanned or undid something in the console: the signed-in member's email, as the
 * check-in log's `by` shows it.
 *
 * @example
 * await services.checkins.scan(user.owner, { code, event, by: actor(user) });
 */
export function actor(user: ConsoleUser): string {
  return actorLabel(user.actor);
}
