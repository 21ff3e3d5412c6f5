/** The invitation to an organizer's team. */
import { formatDateTime } from '../format.js';
import { escapeHtml, layout, type MailContent, oneLine } from './layout.js';

/** Input for {@link teamInvitationMail}. */
export interface TeamInvitationInput {
  accountName: string;
  role: string;
  /** The single-use link, with its token. */
  url: string;
  /** When the link stops working, ISO 8601. */
  expiresAt: string;
}

/**
 * Invites someone to an organizer's team: the role, the single-use link, and when it expires.
 *
 * @example
 * const mail = teamInvitationMail({ accountName: 'Asha Events', role: 'door', url, expiresAt });
 */
export function teamInvitationMail(input: TeamInvitationInput): MailContent {
  const account = oneLine(input.accountName);
  const expires = formatDateTime(input.expiresAt, 'Asia/Kolkata');
  const subject = `You are invited to ${account} on Trendy Tickets`;
  const lines = [
    `You are invited to join ${account} on Trendy Tickets as ${oneLine(input.role)}.`,
    'Open this link to choose your name and password (it works once):',
    input.url,
    `The link expires on ${expires}. If you did not expect this, you can ignore this email.`,
  ];
  const html = layout(
    subject,
    `<p>You are invited to join <strong>${escapeHtml(account)}</strong> on Trendy Tickets as <strong>${escapeHtml(oneLine(input.role))}</strong>.</p>` +
      `<p><a href="${escapeHtml(input.url)}">Accept the invitation</a> (it works once): ${escapeHtml(input.url)}</p>` +
      `<p style="color:#4b5563">The link expires on ${escapeHtml(expires)}. If you did not expect this, you can ignore this email.</p>`,
  );
  return { subject: oneLine(subject), text: lines.join('\n'), html };
}
