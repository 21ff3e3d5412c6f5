/**
 * The person who signs in to the console, as account security sees them: an id, an email and
 * a password hash. That is the account itself (its email and password, the account's first
 * owner) or a team member who joined by invitation and signs in with their own
 * (`domain/members.ts`); password reset, email verification, two-step sign-in and the sessions
 * list only ever go through the small functions here.
 */
import { op, type Store } from '../store/port.js';
import type { AccountDoc } from './accounts.js';
import { isMemberId, MEMBERS_COLLECTION, type MemberDoc } from './members.js';

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
  /** The team member's id (`mem_…`, also the user's id); absent for the account's own sign-in. */
  member?: string;
}

function fromAccount(account: AccountDoc): SignInUser {
  return { id: account._id, account: account._id, email: account.email, password_hash: account.password_hash, owner: true };
}

function fromMember(member: MemberDoc & { password_hash: string }): SignInUser {
  return { id: member._id, account: member.account, email: member.email, password_hash: member.password_hash, owner: member.role === 'owner', member: member._id };
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
  const members = store.collection<MemberDoc>(MEMBERS_COLLECTION);
  // A first owner's member document has no password of its own: that owner signs in as the account.
  const withPassword = { password_hash: op.ne(null) };

  async function byId(id: string): Promise<SignInUser | null> {
    if (isMemberId(id)) {
      const member = await members.findOne({ _id: id, ...withPassword });
      return member ? fromMember(member as MemberDoc & { password_hash: string }) : null;
    }
    const account = await accounts.findOne({ _id: id });
    return account ? fromAccount(account) : null;
  }

  return {
    byId,

    async byEmail(email: string): Promise<SignInUser | null> {
      const address = email.trim().toLowerCase();
      const account = await accounts.findOne({ email: address });
      if (account) return fromAccount(account);
      const member = await members.findOne({ email: address, ...withPassword });
      return member ? fromMember(member as MemberDoc & { password_hash: string }) : null;
    },

    /** The sign-in user a console session belongs to: its team member, or else its account. */
    ofSession(session: { account: string; member?: string | undefined }): Promise<SignInUser | null> {
      return byId(session.member !== undefined && isMemberId(session.member) ? session.member : session.account);
    },

    /** Replaces the password hash; false when the user is gone. */
    async setPasswordHash(id: string, passwordHash: string): Promise<boolean> {
      if (isMemberId(id)) return (await members.updateOne({ _id: id, ...withPassword }, { $set: { password_hash: passwordHash } })).matched === 1;
      return (await accounts.updateOne({ _id: id }, { $set: { password_hash: passwordHash } })).matched === 1;
    },
  };
}

export type SignInUsers = ReturnType<typeof createSignInUsers>;
