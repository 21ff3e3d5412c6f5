/** The shape of the console's account mails: a lead, one link to open, and a few lines after. */
import { escapeHtml, isWebUrl, LINK, layout, type MailContent, oneLine } from './layout.js';

/** A mail with one link the reader is asked to open, for console sign-in users. */
export function linkMail({ subject, lead, link, label, after }: { subject: string; lead: string; link: string; label: string; after: string[] }): MailContent {
  const text = ['Hello,', '', lead, '', `${label}:`, link, '', ...after].join('\n');
  const button = isWebUrl(link)
    ? `<p style="margin:20px 0"><a href="${escapeHtml(link)}" style="${LINK};font-weight:600">${escapeHtml(label)}</a></p>` +
      `<p style="font-size:13px;color:#4b5563;word-break:break-all">${escapeHtml(link)}</p>`
    : '';
  const html = layout(subject, `<p>Hello,</p><p>${escapeHtml(lead)}</p>${button}${after.map((line) => `<p style="color:#4b5563">${escapeHtml(line)}</p>`).join('')}`);
  return { subject: oneLine(subject), text, html };
}
