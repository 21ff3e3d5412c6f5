/**
 * The person who signs in to the console, as account security sees them: an id, an email and
 * a password hash. Today that is the account itself (its email and password); password reset,
 * email verification, two-step sign-in and the sessions list only ever go through the small
 * functions here, so signing in as someone else than the account (a team member) changes this
 * file and nothing that builds on it.
 */
import type { Store } from '../store/port.js';
import type { AccountDoc } from './accounts.js';

/** Whoever signs in with an email and password. */
export interface SignInUser {
  /** Keys every security record (sessions, resets, verification, two-step sign-in). */
  id: string;
  /** The account the user works in. */
  account: string;
  /** Lower-cased. */
  email: string;
  password_hash: string;
  /** Whether the user owns the account: owners need two-step sign-in before live mode. */
  owner: boolean;
}

function fromAccount(account: AccountDoc): SignInUser {
  return { id: account._id, account: account._id, email: account.email, password_hash: account.password_hash, owner: true };
}

/**
 * Finds sign-in users and changes their password hash.
 *
 * @example
 * const users = createSignInUsers({ store });
 * const user = await users.byEmail('asha@example.com'); // null when nobody signs in with it
 */
export function createSignInUsers({ store }: { store: Store }) {
  const accounts = store.collection<AccountDoc>('accounts');

  async function byId(id: string): Promise<SignInUser | null> {
    const account = await accounts.findOne({ _id: id });
    return account ? fromAccount(account) : null;
  }

  return {
    byId,

    async byEmail(email: string): Promise<SignInUser | null> {
      const account = await accounts.findOne({ email: email.trim().toLowerCase() });
      return account ? fromAccount(account) : null;
    },

    /** The sign-in user a console session belongs to (sessions store the user's id). */
    ofSession(session: { account: string }): Promise<SignInUser | null> {
      return byId(session.account);
    },

    /** Replaces the password hash; false when the user is gone. */
    async setPasswordHash(id: string, passwordHash: string): Promise<boolean> {
      return (await accounts.updateOne({ _id: id }, { $set: { password_hash: passwordHash } })).matched === 1;
    },
  };
}

export type SignInUsers = ReturnType<typeof createSignInUsers>;
