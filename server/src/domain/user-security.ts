/**
 * One security record per sign-in user (`domain/sign-in-users.ts`), apart from the account so
 * that it follows whoever signs in: which address they proved they read, and their two-step
 * sign-in (docs/account-security.md).
 */
import { createHash } from 'node:crypto';
import type { Store } from '../store/port.js';
import { randomBase62 } from '../kernel/ids.js';

export const USER_SECURITY_COLLECTION = 'user_security';

/** The security record of one sign-in user. Absent until the first change. */
export interface UserSecurityDoc {
  /** The sign-in user's id. */
  _id: string;
  /** The address last proved by a verification link (lower-cased), and when. */
  email_verified?: string;
  email_verified_at?: Date;
  /** Two-step sign-in, once confirmed with a first code. */
  totp?: {
    /** The base32 secret, sealed (AES-256-GCM under a key derived from TTS_SECRET). */
    sealed: string;
    enabled_at: Date;
    /** The time step of the last code accepted: that code and any older one are refused. */
    last_step: number;
  };
  /** A secret shown for enrolment and not yet confirmed with a code. */
  totp_pending?: { sealed: string; created_at: Date };
  /** Recovery codes by keyed hash: `unused`, or when it was used. */
  recovery?: Record<string, 'unused' | Date>;
}

/**
 * The security records' collection.
 *
 * @example
 * const records = userSecurity(store);
 */
export function userSecurity(store: Store) {
  return store.collection<UserSecurityDoc>(USER_SECURITY_COLLECTION);
}

/**
 * A new single-use link token: a prefix and 43 base62 characters (about 256 bits). Only its
 * {@link hashLinkToken} is stored.
 *
 * @example
 * newLinkToken('pwr'); // 'pwr_…'
 */
export function newLinkToken(prefix: string): string {
  return `${prefix}_${randomBase62(43)}`;
}

/**
 * SHA-256 (hex) of a link token: how resets and verifications are stored and looked up, so a
 * copy of the database opens no link.
 *
 * @example
 * hashLinkToken('pwr_…'); // '9c1f…'
 */
export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
