/**
 * A sign-in user's console sessions as the Account security page lists them, and ending them:
 * one, every other one, or all (after a new password). Sessions themselves are
 * `domain/sessions.ts`. A user (`domain/sign-in-users.ts`) is a team member, whose sessions
 * carry their `member` id, or an account's own sign-in, whose sessions have none.
 */
import { createHash } from 'node:crypto';
import { op, type IndexSpec, type Store } from '../store/port.js';
import type { Clock } from '../kernel/clock.js';
import { isMemberId } from './members.js';
import { SESSIONS_COLLECTION, type SessionDoc } from './sessions.js';

/** Finding a user's sessions without a scan. */
export const SESSION_LIST_INDEXES: readonly IndexSpec[] = [{ collection: SESSIONS_COLLECTION, keys: { account: 1, last_seen_at: -1 } }];

/** A session as the list shows it: never its stored id, which the CSRF token is made from. */
export interface ListedSession {
  /** Names the session in "sign out" forms. */
  ref: string;
  current: boolean;
  userAgent: string | null;
  ip: string | null;
  createdAt: Date;
  lastSeenAt: Date;
}

/**
 * The reference a sessions list uses for a session: a hash of its stored id, so the page never
 * shows the value the session's CSRF token is derived from.
 *
 * @example
 * sessionRef(session._id); // '5be0…' (24 hex characters)
 */
export function sessionRef(sessionId: string): string {
  return createHash('sha256').update(`tts:session-ref:${sessionId}`).digest('hex').slice(0, 24);
}

/**
 * Lists and ends a user's sessions.
 *
 * @example
 * const list = createSessionList({ store, clock });
 * await list.endOthers(user.id, user.session._id);
 */
export function createSessionList({ store, clock }: { store: Store; clock: Clock }) {
  const sessions = store.collection<SessionDoc>(SESSIONS_COLLECTION);
  /**
   * A user's sessions: a team member's carry their id (`mem_…`); the account's own sign-in
   * has sessions of the account with no member, so its list never shows or ends the team's.
   */
  const ofUser = (userId: string) => (isMemberId(userId) ? { member: userId } : { account: userId, member: op.exists(false) });

  return {
    /** The user's live sessions, most recently used first, the current one marked. */
    async list(userId: string, currentSessionId: string): Promise<ListedSession[]> {
      const found = await sessions.find({ ...ofUser(userId), expires_at: op.gt(clock.now()) }, { sort: { last_seen_at: -1 } });
      return found.map((s) => ({
        ref: sessionRef(s._id),
        current: s._id === currentSessionId,
        userAgent: s.user_agent ?? null,
        ip: s.ip ?? null,
        createdAt: s.created_at,
        lastSeenAt: s.last_seen_at,
      }));
    },

    /** Ends one of the user's sessions by its {@link sessionRef}; false when none matches. */
    async end(userId: string, ref: string): Promise<boolean> {
      const found = await sessions.find(ofUser(userId));
      const session = found.find((s) => sessionRef(s._id) === ref);
      if (!session) return false;
      return (await sessions.deleteOne({ _id: session._id, ...ofUser(userId) })) === 1;
    },

    /** Ends every session of the user but one ("sign out everywhere else"); returns how many ended. */
    async endOthers(userId: string, keepSessionId: string): Promise<number> {
      return sessions.deleteMany({ ...ofUser(userId), _id: op.ne(keepSessionId) });
    },

    /** Ends every session of the user (a new password from a reset link). */
    async endAll(userId: string): Promise<number> {
      return sessions.deleteMany(ofUser(userId));
    },
  };
}

export type SessionList = ReturnType<typeof createSessionList>;
