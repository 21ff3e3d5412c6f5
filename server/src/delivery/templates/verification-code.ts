/** The buyer's one-time code mail (docs/domain-rules.md#email-verification). */
import { escapeHtml, greeting, layout, type MailContent, oneLine } from './layout.js';

/** Input for {@link verificationCodeMail}. */
export interface VerificationCodeMailInput {
  /** The 6-digit one-time code. */
  code: string;
  eventName: string;
  buyerName?: string;
  /** Defaults to 10, the code's lifetime (docs/domain-rules.md#email-verification). */
  expiresInMinutes?: number;
}

/**
 * The one-time code mail. The code leads the subject so it shows in a notification
 * without opening the mail, as banks and Razorpay do.
 *
 * @example
 * const mail = verificationCodeMail({ code: '482913', eventName: 'Diwali Mela' });
 * await mailer.send({ to: buyer.email, ...mail });
 */
export function verificationCodeMail(input: VerificationCodeMailInput): MailContent {
  const minutes = input.expiresInMinutes ?? 10;
  const event = oneLine(input.eventName);
  const hello = greeting(input.buyerName);
  const subject = `${input.code} is your code for ${event}`;
  const text = [
    hello.text,
    '',
    `Your verification code for ${event} is:`,
    '',
    `    ${input.code}`,
    '',
    `It expires in ${minutes} minutes and works once. Do not share it with anyone: we never ask for it.`,
    `If you did not try to buy tickets, you can ignore this email.`,
  ].join('\n');
  const html = layout(
    subject,
    `${hello.html}<p>Your verification code for <strong>${escapeHtml(event)}</strong> is:</p>` +
      `<p style="margin:16px 0;font-size:32px;font-weight:700;letter-spacing:6px;font-family:ui-monospace,Menlo,Consolas,monospace">` +
      `${escapeHtml(input.code)}</p>` +
      `<p>It expires in ${minutes} minutes and works once. Do not share it with anyone: we never ask for it.</p>` +
      `<p style="color:#4b5563">If you did not try to buy tickets, you can ignore this email.</p>`,
  );
  return { subject: oneLine(subject), text, html };
}
