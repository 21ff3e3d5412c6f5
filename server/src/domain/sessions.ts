/**
 * Console sessions, kept in the store so that every server behind a load balancer knows
 * them (docs/architecture.md#many-servers).
 *
 * The browser holds an opaque token (`sess_` + 43 base62 characters, about 256 random
 * bits); the store holds only its SHA-256, so a copy of the database opens no session.
 * A session ends 12 hours after it was last used: every use slides `expires_at`, a TTL
 * index removes ended sessions, and because TTL sweeps are lazy (about a minute on
 * MongoDB, and by the store's own timer on the embedded driver) every lookup also checks
 * `expires_at` against the clock.
 */
import { createHash } from 'node:crypto';
import { op, type IndexSpec, type Store } from '../store/port.js';
import type { Clock } from '../kernel/clock.js';
import { randomBase62 } from '../kernel/ids.js';

/** A session ends this long after its last use. */
export const SESSION_IDLE_MS = 12 * 60 * 60_000;
/**
 * Uses closer together than this do not write the new expiry: a page load that fetches
 * several resources costs one write, not several, and the expiry is off by at most this.
 */
export const SESSION_TOUCH_MS = 60_000;
/** 43 base62 characters ≈ 256 bits. */
const TOKEN_RANDOM_CHARS = 43;
const TOKEN_PATTERN = /^sess_[0-9A-Za-z]{43}$/;

export const SESSIONS_COLLECTION = 'sessions';

/** A stored session. The token itself is never stored. */
export interface SessionDoc {
  /** SHA-256 (hex) of the token. */
  _id: string;
  account: string;
  /** The team member signed in (`mem_…`); absent for the account's own sign-in, which is its first owner. */
  member?: string;
  /** Which data the console shows: test (false) or live (true). */
  livemode: boolean;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  /** The browser's `User-Agent` when the session started (cut to 300 characters), for the sessions list. */
  user_agent?: string;
  /** The client address when the session started, for the sessions list. */
  ip?: string;
}

/**
 * Ended sessions are removed by the store (lookups check the expiry as well).
 *
 * @example
 * await store.ensureIndexes([...INDEXES, ...SESSION_INDEXES]);
 */
export const SESSION_INDEXES: readonly IndexSpec[] = [{ collection: SESSIONS_COLLECTION, keys: { expires_at: 1 }, expireAfterSeconds: 0 }];

/**
 * The stored id of a session token.
 *
 * @example
 * hashSessionToken('sess_…'); // '3f9a…' (64 hex characters)
 */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Creates, resolves, slides and ends console sessions.
 *
 * @example
 * const sessions = createSessionService({ store, clock });
 * const { token } = await sessions.create(account._id);
 * const session = await sessions.resolve(token); // null once 12 h pass unused
 */
export function createSessionService({ store, clock }: { store: Store; clock: Clock }) {
  const sessions = store.collection<SessionDoc>(SESSIONS_COLLECTION);

  return {
    /**
     * Starts a session for an account (as one of its members), in test mode unless told
     * otherwise; the token exists only in the return value. The browser and address are kept
     * to show in the sessions list.
     */
    async create(
      account: string,
      { livemode = false, member, userAgent, ip }: { livemode?: boolean; member?: string | undefined; userAgent?: string | undefined; ip?: string | undefined } = {},
    ): Promise<{ session: SessionDoc; token: string }> {
      const token = `sess_${randomBase62(TOKEN_RANDOM_CHARS)}`;
      const now = clock.now();
      const session: SessionDoc = {
        _id: hashSessionToken(token),
        account,
        ...(member === undefined ? {} : { member }),
        livemode,
        created_at: now,
        last_seen_at: now,
        expires_at: new Date(now.getTime() + SESSION_IDLE_MS),
        ...(userAgent ? { user_agent: userAgent.slice(0, 300) } : {}),
        ...(ip ? { ip } : {}),
      };
      await sessions.insertOne(session);
      return { session, token };
    },

    /**
     * The live session a token opens, with its expiry slid forward; null for an unknown,
     * malformed, ended or expired token.
     */
    async resolve(token: string | undefined): Promise<SessionDoc | null> {
      if (token === undefined || !TOKEN_PATTERN.test(token)) return null;
      const now = clock.now();
      const _id = hashSessionToken(token);
      const session = await sessions.findOne({ _id, expires_at: op.gt(now) });
      if (!session) return null;
      if (now.getTime() - session.last_seen_at.getTime() < SESSION_TOUCH_MS) return session;
      const expires_at = new Date(now.getTime() + SESSION_IDLE_MS);
      // Conditional on still being live: a logout racing this touch must not be undone by it.
      const slid = await sessions.findOneAndUpdate({ _id, expires_at: op.gt(now) }, { $set: { last_seen_at: now, expires_at } });
      return slid;
    },

    /** Ends the session of a token (logout, or rotation at login). Ending an unknown one is a no-op. */
    async destroy(token: string | undefined): Promise<void> {
      if (token === undefined || !TOKEN_PATTERN.test(token)) return;
      await sessions.deleteOne({ _id: hashSessionToken(token) });
    },

    /** Switches the data a session shows between test and live. */
    async setMode(sessionId: string, livemode: boolean): Promise<SessionDoc | null> {
      return sessions.findOneAndUpdate({ _id: sessionId, expires_at: op.gt(clock.now()) }, { $set: { livemode } });
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
