/** The answer to a password reset request for an address no account uses. */
import type { MailContent } from './layout.js';
import { linkMail } from './link-mail.js';

/**
 * The answer to a reset request for an address nobody signs in with: the same request gets a
 * mail either way, so the page that asked cannot tell which addresses have accounts.
 *
 * @example
 * const mail = passwordResetUnknownMail({ signupUrl: `${publicUrl}/console/signup` });
 */
export function passwordResetUnknownMail({ signupUrl }: { signupUrl: string }): MailContent {
  return linkMail({
    subject: 'Your Trendy Tickets password reset request',
    lead: 'Someone asked to reset the password of a Trendy Tickets console account for this address, but no account uses it. Perhaps you signed up with another address.',
    link: signupUrl,
    label: 'Create an organizer account',
    after: ['If you did not ask for this, ignore this email.'],
  });
}
