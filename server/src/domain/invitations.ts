/**
 * Invitations to an account's team: a single-use link valid for {@link INVITATION_TTL_MS}.
 * The link carries a random token (`tinv_…` id, a dot, 43 base62 characters); the store keeps
 * only its SHA-256, so a copy of the database opens no invitation. The raw token lives only in
 * the invitation mail's job, which erases it once the mail is sent (`secretFields`).
 */
import { hash } from 'node:crypto';
import type { IndexSpec } from '../store/port.js';
import { newId, randomBase62 } from '../kernel/ids.js';
import type { Role } from './permissions.js';

/** An invitation link works for a week. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60_000;
export const INVITATIONS_COLLECTION = 'invitations';
/** The mail kind that carries the link (`delivery/mail-renderer.ts`). */
export const INVITATION_MAIL_KIND = 'team_invitation';

const TOKEN_PATTERN = /^(tinv_[0-9A-Za-z]{22})\.([0-9A-Za-z]{43})$/;

/** A stored invitation; the token itself is never stored. */
export interface InvitationDoc {
  _id: string;
  account: string;
  email: string;
  role: Role;
  /** For the door role: the events the member will be assigned to. */
  events: string[];
  /** SHA-256 (hex) of the whole token. */
  token_hash: string;
  invited_by: string;
  created_at: Date;
  expires_at: Date;
  /** Set once, by the acceptance that used it. */
  accepted_at: Date | null;
}

export const INVITATION_INDEXES: readonly IndexSpec[] = [
  { collection: INVITATIONS_COLLECTION, keys: { token_hash: 1 }, unique: true },
  // members.invitations: an account's open invitations, newest first.
  { collection: INVITATIONS_COLLECTION, keys: { account: 1, created_at: -1 } },
];

/**
 * A new invitation id and its token; the raw token exists only in the return value.
 *
 * @example
 * const { id, token, tokenHash } = mintInvitationToken();
 */
export function mintInvitationToken(): { id: string; token: string; tokenHash: string } {
  const id = newId('tinv');
  const token = `${id}.${randomBase62(43)}`;
  return { id, token, tokenHash: hashInvitationToken(token) };
}

/** SHA-256 hex of a token: how invitations are found. */
export function hashInvitationToken(token: string): string {
  return hash('sha256', token, 'hex');
}

/**
 * The invitation id a token claims to be for, or null when it is not shaped like a token.
 *
 * @example
 * invitationIdOf('tinv_….abc…'); // 'tinv_…'
 */
export function invitationIdOf(token: string): string | null {
  return TOKEN_PATTERN.exec(token)?.[1] ?? null;
}

/**
 * The path of the page that accepts an invitation.
 *
 * @example
 * `${publicUrl}${invitationPath(token)}`
 */
export function invitationPath(token: string): string {
  return `/console/invitations/${encodeURIComponent(token)}`;
}
