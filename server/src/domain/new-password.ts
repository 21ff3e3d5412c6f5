/**
 * Setting a sign-in user's new password, the one step password reset and password change
 * share: the hash is replaced, sessions end, and every pending reset link and half-finished
 * two-step sign-in of the user dies, so whoever held the old password (or a link mailed
 * before) is out.
 */
import type { Store } from '../store/port.js';
import type { PasswordHasher } from './accounts.js';
import { PASSWORD_RESETS_COLLECTION } from './password-reset-store.js';
import type { SessionList } from './session-list.js';
import type { SignInUsers } from './sign-in-users.js';
import { SIGN_IN_CHALLENGES_COLLECTION } from './two-factor.js';

/** What {@link createNewPassword} needs. */
export interface NewPasswordDeps {
  store: Store;
  hasher: PasswordHasher;
  users: SignInUsers;
  sessionList: SessionList;
}

/**
 * @example
 * const setPassword = createNewPassword({ store, hasher, users, sessionList });
 * await setPassword(user.id, 'a new long passphrase', { keepSession: user.session._id });
 */
export function createNewPassword({ store, hasher, users, sessionList }: NewPasswordDeps) {
  const resets = store.collection(PASSWORD_RESETS_COLLECTION);
  const challenges = store.collection(SIGN_IN_CHALLENGES_COLLECTION);
  /**
   * Sets the password and ends the user's sessions (all, or all but `keepSession`) and pending resets.
   * @returns false when the user no longer exists
   */
  return async function setNewPassword(userId: string, password: string, { keepSession }: { keepSession?: string } = {}): Promise<boolean> {
    const hash = await hasher.hash(password);
    if (!(await users.setPasswordHash(userId, hash))) return false;
    if (keepSession === undefined) await sessionList.endAll(userId);
    else await sessionList.endOthers(userId, keepSession);
    await resets.deleteMany({ user: userId });
    // A sign-in waiting for its code got that far with the old password.
    await challenges.deleteMany({ user: userId });
    return true;
  };
}

export type SetNewPassword = ReturnType<typeof createNewPassword>;
