/** The console user's email verification mail. */
import type { MailContent } from './layout.js';
import { linkMail } from './link-mail.js';

/**
 * The link that proves a console user reads their email, needed before live mode
 * (docs/account-security.md#email-verification).
 *
 * @example
 * const mail = emailVerificationMail({ url: `${publicUrl}/console/verify-email?token=${token}` });
 */
export function emailVerificationMail({ url }: { url: string }): MailContent {
  return linkMail({
    subject: 'Verify your email for Trendy Tickets',
    lead: 'Confirm that this is your address to finish setting up your Trendy Tickets console account. Live payments wait for it.',
    link: url,
    label: 'Verify my email address',
    after: ['The link works once, for 24 hours. If you did not sign up, ignore this email.'],
  });
}
