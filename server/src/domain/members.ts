/**
 * An account's team: members with roles (docs/teams.md). Each member signs in to the
 * console with their own email and password. The account's own email and password are its
 * first owner's: that owner is a member document too, created the first time it is needed
 * (an upsert with a fixed id, so servers racing to create it make one).
 */
import { DuplicateKeyError, op, type IndexSpec, type Store } from '../store/port.js';
import type { Clock } from '../kernel/clock.js';
import { AppError, notFound } from '../kernel/errors.js';
import { newId } from '../kernel/ids.js';
import type { AccountDoc, PasswordHasher } from './accounts.js';
import { grantOf, type Actor, type MemberActor } from './actors.js';
import { type AuditContext, type AuditLog, type AuditRequest, changesBetween, createAuditLog } from './audit-log.js';
import type { Owner } from './events.js';
import { hashInvitationToken, INVITATION_MAIL_KIND, INVITATION_TTL_MS, INVITATIONS_COLLECTION, invitationIdOf, mintInvitationToken, type InvitationDoc } from './invitations.js';
import { requirePermission, type Role } from './permissions.js';
import type { Outbox } from './ports.js';
import { SESSIONS_COLLECTION, type SessionDoc } from './sessions.js';

export const MEMBERS_COLLECTION = 'members';

/** A member of an account's team. */
export interface MemberDoc {
  /** `mem_…`; the first owner's is derived from the account id. */
  _id: string;
  account: string;
  email: string;
  name: string;
  role: Role;
  /** The door role's events; empty for other roles. */
  events: string[];
  /** Null for the first owner, whose password is the account's. */
  password_hash: string | null;
  created_at: Date;
}

export const MEMBER_INDEXES: readonly IndexSpec[] = [
  // Sign-in is by email alone, so an email belongs to one member anywhere.
  { collection: MEMBERS_COLLECTION, keys: { email: 1 }, unique: true },
  // list: an account's team, first owner first.
  { collection: MEMBERS_COLLECTION, keys: { account: 1, created_at: 1, _id: 1 } },
  { collection: SESSIONS_COLLECTION, keys: { member: 1 }, sparse: true },
];

/** What an invitation needs. */
export interface InviteInput {
  email: string;
  role: Role;
  events?: string[] | undefined;
}

/** What an invitation link shows before it is accepted, or why it cannot be. */
export type InvitationCheck = { status: 'valid'; invitation: InvitationDoc } | { status: 'invalid' | 'expired' | 'used' };

/**
 * The first owner's member id: fixed per account, so creating it is idempotent.
 *
 * @example
 * ownerMemberId('acct_abc'); // 'mem_abc'
 */
export function ownerMemberId(account: string): string {
  return `mem_${account.replace(/^acct_/, '')}`;
}

/**
 * Whether an id is a team member's (`mem_…`) rather than an account's (`acct_…`): the two ids a
 * console sign-in can stand for.
 *
 * @example
 * isMemberId('mem_abc'); // true
 */
export const isMemberId = (id: string): boolean => id.startsWith('mem_');

/**
 * The actor a member acts as.
 *
 * @example
 * c.set('actor', memberActor(member));
 */
export function memberActor(member: MemberDoc): MemberActor {
  return { kind: 'member', account: member.account, member: member._id, email: member.email, role: member.role, events: member.role === 'door' ? member.events : null };
}

/**
 * Members, invitations and the sessions they end.
 *
 * @example
 * const members = createMemberService({ store, clock, hasher, outbox });
 * const { member } = await members.accept(token, { name: 'Ravi', password: '…' });
 */
/** What the audit log records of an invitation or a member: who, and with what role (never the link or a password). */
const TEAM_FIELDS = ['email', 'role', 'events'] as const;

export function createMemberService({
  store,
  clock,
  hasher,
  outbox,
  auditLog = createAuditLog({ store, clock }),
}: {
  store: Store;
  clock: Clock;
  hasher: PasswordHasher;
  outbox: Outbox;
  /** The audit log (default: one over the same store). */
  auditLog?: AuditLog;
}) {
  const members = store.collection<MemberDoc>(MEMBERS_COLLECTION);
  const invitations = store.collection<InvitationDoc>(INVITATIONS_COLLECTION);
  const accounts = store.collection<AccountDoc>('accounts');
  const sessions = store.collection<SessionDoc>(SESSIONS_COLLECTION);

  /** The account's first owner as a member, created on first need (accounts made before teams existed). */
  async function ownerOf(account: AccountDoc): Promise<MemberDoc> {
    const _id = ownerMemberId(account._id);
    const existing = await members.findOne({ _id });
    if (existing) return existing.email === account.email ? existing : { ...existing, email: account.email };
    const doc: MemberDoc = { _id, account: account._id, email: account.email, name: account.name, role: 'owner', events: [], password_hash: null, created_at: account.created_at };
    try {
      await members.insertOne(doc);
    } catch (err) {
      // Another server created it meanwhile: the same document.
      if (!(err instanceof DuplicateKeyError)) throw err;
    }
    return (await members.findOne({ _id })) ?? doc;
  }

  async function target(owner: Owner, by: Actor, memberId: string): Promise<MemberDoc> {
    const member = await members.findOne({ _id: memberId, account: owner.account });
    if (!member) throw notFound('member', memberId);
    if (member._id === ownerMemberId(owner.account)) {
      throw new AppError('FORBIDDEN', "The account's first owner cannot be changed or removed here: that member's email and password are the account's.");
    }
    if (member.role === 'owner') requirePermission(grantOf(by), 'team:owners');
    if (by.kind === 'member' && by.member === memberId) throw new AppError('FORBIDDEN', 'You cannot change or remove yourself; ask another owner or admin.');
    return member;
  }

  async function emailTaken(email: string): Promise<boolean> {
    return (await accounts.findOne({ email })) !== null || (await members.findOne({ email })) !== null;
  }

  /** Ends every session of a member at once: a removed member or a changed role must sign in again. */
  async function endSessions(memberId: string): Promise<void> {
    await sessions.deleteMany({ member: memberId });
  }

  return {
    /**
     * The member a console session acts as: its own member, or the first owner for a session
     * of the account's own sign-in. Null once that member was removed.
     */
    async forSession(session: Pick<SessionDoc, 'member'>, account: AccountDoc): Promise<MemberDoc | null> {
      if (session.member === undefined || session.member === ownerMemberId(account._id)) return ownerOf(account);
      return members.findOne({ _id: session.member, account: account._id });
    },

    /** A member by email with their own password, for sign-in (the password guard checks it). */
    async findForSignIn(email: string): Promise<MemberDoc | null> {
      return members.findOne({ email: email.toLowerCase(), password_hash: op.ne(null) });
    },

    /** The team, first owner first. */
    async list(owner: Owner, account: AccountDoc): Promise<MemberDoc[]> {
      await ownerOf(account);
      return members.find({ account: owner.account }, { sort: { created_at: 1, _id: 1 } });
    },

    /** Invitations not yet accepted and still valid, newest first. */
    async invitations(owner: Owner): Promise<InvitationDoc[]> {
      return invitations.find({ account: owner.account, accepted_at: null, expires_at: op.gt(clock.now()) }, { sort: { created_at: -1 } });
    },

    /**
     * Invites someone by email: stores the invitation and queues the mail with its link.
     * Only an owner may invite an owner.
     * @throws AppError CONFLICT when the email already signs in somewhere, FORBIDDEN for an owner invited by a non-owner
     */
    async invite(owner: Owner, by: Actor, input: InviteInput, audit?: AuditContext): Promise<{ invitation: InvitationDoc }> {
      if (input.role === 'owner') requirePermission(grantOf(by), 'team:owners');
      const email = input.email.trim().toLowerCase();
      if (await emailTaken(email)) throw new AppError('CONFLICT', 'This email already signs in to an account; use another address.', { field: 'email' });
      const { id, token, tokenHash } = mintInvitationToken();
      const now = clock.now();
      const invitation: InvitationDoc = {
        _id: id,
        account: owner.account,
        email,
        role: input.role,
        events: input.role === 'door' ? [...new Set(input.events ?? [])] : [],
        token_hash: tokenHash,
        invited_by: by.kind === 'member' ? by.member : by.key,
        created_at: now,
        expires_at: new Date(now.getTime() + INVITATION_TTL_MS),
        accepted_at: null,
      };
      await invitations.insertOne(invitation);
      await outbox.enqueue({
        kind: INVITATION_MAIL_KIND,
        to: email,
        payload: { invitation: id, token },
        secretFields: ['token'],
        dedupeKey: `invitation:${id}`,
        owner,
      });
      if (audit) {
        const changes = changesBetween(null, invitation, TEAM_FIELDS);
        await auditLog.record(audit, { action: 'team.invitation_sent', target: { type: 'invitation', id }, changes });
      }
      return { invitation };
    },

    /** Withdraws an invitation that was not accepted yet; withdrawing one twice is a no-op. */
    async revokeInvitation(owner: Owner, id: string, audit?: AuditContext): Promise<void> {
      const pending = audit ? await invitations.findOne({ _id: id, account: owner.account, accepted_at: null }) : null;
      const withdrawn = await invitations.deleteOne({ _id: id, account: owner.account, accepted_at: null });
      if (audit && pending && withdrawn === 1) {
        await auditLog.record(audit, { action: 'team.invitation_revoked', target: { type: 'invitation', id }, changes: changesBetween(pending, null, TEAM_FIELDS) });
      }
    },

    /** What an invitation link is: valid (with the invitation), or why not. */
    async checkInvitation(token: string): Promise<InvitationCheck> {
      const id = invitationIdOf(token);
      if (id === null) return { status: 'invalid' };
      const invitation = await invitations.findOne({ _id: id, token_hash: hashInvitationToken(token) });
      if (!invitation) return { status: 'invalid' };
      if (invitation.accepted_at !== null) return { status: 'used' };
      if (invitation.expires_at.getTime() <= clock.now().getTime()) return { status: 'expired' };
      return { status: 'valid', invitation };
    },

    /**
     * Accepts an invitation once: claims it by a conditional update, then creates the member
     * with the name and password given.
     * @throws AppError NOT_FOUND for a link that is forged, used, expired or withdrawn; CONFLICT when the email signs in elsewhere by now
     */
    async accept(token: string, input: { name: string; password: string }, request?: AuditRequest): Promise<{ member: MemberDoc; account: AccountDoc }> {
      const id = invitationIdOf(token);
      const now = clock.now();
      const claimed =
        id === null
          ? null
          : await invitations.findOneAndUpdate({ _id: id, token_hash: hashInvitationToken(token), accepted_at: null, expires_at: op.gt(now) }, { $set: { accepted_at: now } });
      if (!claimed) throw new AppError('NOT_FOUND', 'This invitation link does not work: it was already used, it expired, or it was withdrawn. Ask for a new one.');
      const account = await accounts.findOne({ _id: claimed.account });
      if (!account) throw notFound('account', claimed.account);
      const member: MemberDoc = {
        _id: newId('mem'),
        account: claimed.account,
        email: claimed.email,
        name: input.name,
        role: claimed.role,
        events: claimed.events,
        password_hash: await hasher.hash(input.password),
        created_at: now,
      };
      if (await accounts.findOne({ email: claimed.email })) throw new AppError('CONFLICT', 'This email already signs in to an account.', { field: 'email' });
      try {
        await members.insertOne(member);
      } catch (err) {
        if (err instanceof DuplicateKeyError) throw new AppError('CONFLICT', 'This email already signs in to an account.', { field: 'email' });
        throw err;
      }
      if (request) {
        // Nobody was signed in: the new member is who accepted, and the team is the account's, not a mode's.
        const audit: AuditContext = { ...request, actor: { type: 'user', id: member._id, label: member.email }, account: member.account, livemode: false };
        await auditLog.record(audit, { action: 'team.invitation_accepted', target: { type: 'member', id: member._id }, changes: changesBetween(null, member, TEAM_FIELDS) });
      }
      return { member, account };
    },

    /**
     * Gives a member another role (and a door member their events); their sessions end, so
     * the new role applies from their next sign-in. Only an owner may touch owners.
     */
    async changeRole(owner: Owner, by: Actor, memberId: string, role: Role, events: string[] = [], audit?: AuditContext): Promise<MemberDoc> {
      const before = await target(owner, by, memberId);
      if (role === 'owner') requirePermission(grantOf(by), 'team:owners');
      const updated = await members.findOneAndUpdate({ _id: memberId, account: owner.account }, { $set: { role, events: role === 'door' ? [...new Set(events)] : [] } });
      if (!updated) throw notFound('member', memberId);
      await endSessions(memberId);
      const changes = changesBetween(before, updated, ['role', 'events']);
      if (audit && Object.keys(changes).length > 0) {
        await auditLog.record(audit, { action: 'team.member_role_changed', target: { type: 'member', id: memberId }, changes });
      }
      return updated;
    },

    /** Removes a member; their open sessions end at once. */
    async remove(owner: Owner, by: Actor, memberId: string, audit?: AuditContext): Promise<void> {
      const before = await target(owner, by, memberId);
      const removed = await members.deleteOne({ _id: memberId, account: owner.account });
      await endSessions(memberId);
      if (audit && removed === 1) {
        await auditLog.record(audit, { action: 'team.member_removed', target: { type: 'member', id: memberId }, changes: changesBetween(before, null, TEAM_FIELDS) });
      }
    },
  };
}

export type MemberService = ReturnType<typeof createMemberService>;
