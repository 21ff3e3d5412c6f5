import type { IndexSpec } from '../store/port.js';

/** Pending password resets: one document per mailed link. */
export const PASSWORD_RESETS_COLLECTION = 'password_resets';

/** A mailed reset link. The token itself is never stored. */
export interface PasswordResetDoc {
  /** SHA-256 (hex) of the link's token. */
  _id: string;
  /** The sign-in user it resets; null for a request about an address nobody signs in with (it never works). */
  user: string | null;
  created_at: Date;
  expires_at: Date;
}

/** Lapsed links disappear; a user's links are found to end them all. */
export const PASSWORD_RESET_INDEXES: readonly IndexSpec[] = [
  { collection: PASSWORD_RESETS_COLLECTION, keys: { expires_at: 1 }, expireAfterSeconds: 0 },
  { collection: PASSWORD_RESETS_COLLECTION, keys: { user: 1 } },
];
