/** The console's password reset mail. */
import type { MailContent } from './layout.js';
import { linkMail } from './link-mail.js';

/**
 * The password reset mail: a link that works once, for 30 minutes
 * (docs/account-security.md#password-reset).
 *
 * @example
 * const mail = passwordResetMail({ url: `${publicUrl}/console/reset-password?token=${token}` });
 */
export function passwordResetMail({ url, expiresInMinutes = 30 }: { url: string; expiresInMinutes?: number }): MailContent {
  return linkMail({
    subject: 'Reset your Trendy Tickets password',
    lead: 'Someone, hopefully you, asked to reset the password of your Trendy Tickets console account.',
    link: url,
    label: 'Choose a new password',
    after: [
      `The link works once, for ${expiresInMinutes} minutes. Setting a new password signs you out everywhere.`,
      'If you did not ask for this, ignore this email: your password stays as it is.',
    ],
  });
}
