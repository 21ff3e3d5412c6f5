/**
 * What every mail shares: the rendered shape, the HTML frame, the greeting, and the helpers that
 * keep text typed by strangers safe in a subject or an HTML part (see ../templates.ts).
 */
import type { MailAttachment } from '../mailer.js';

/** A rendered mail without its recipient; the outbox adds `to`. */
export interface MailContent {
  subject: string;
  text: string;
  html: string;
  attachments?: MailAttachment[];
}

/**
 * Escapes text for HTML element content and quoted attribute values.
 *
 * @example escapeHtml('<script>alert(1)</script>') // '&lt;script&gt;alert(1)&lt;/script&gt;'
 */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/**
 * Subjects are headers: a CR or LF in a name could start a new header (RFC 5322 §2.2).
 * nodemailer folds them too, but the captured mailbox stores subjects verbatim.
 */
export function oneLine(value: string, max = 120): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  const flat = value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Only web links become `href`s: no `javascript:` or `data:` even if a URL was tampered with. */
export function isWebUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

/** The font stack of every mail: the reader's system font, as mail clients load no web fonts. */
const FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
/** Links are blue and underlined inline: many clients drop a `<style>` block. */
export const LINK = 'color:#1d4ed8;text-decoration:underline';

/** Wraps a mail's HTML body in the one-column frame every mail shares, titled for screen readers. */
export function layout(title: string, body: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title></head>` +
    `<body style="margin:0;padding:0;background:#f4f5f7">` +
    `<div role="article" aria-label="${escapeHtml(title)}" style="max-width:560px;margin:0 auto;padding:24px 20px;` +
    `${FONT};font-size:16px;line-height:1.5;color:#111827;background:#ffffff">${body}` +
    `<p style="margin:32px 0 0;font-size:13px;color:#4b5563">Trendy Ticket Service</p></div></body></html>`
  );
}

/** "Hi <name>," in both parts, or "Hello," when the name is missing or blank. */
export function greeting(name: string | undefined): { text: string; html: string } {
  const clean = name === undefined ? '' : oneLine(name, 80);
  return clean ? { text: `Hi ${clean},`, html: `<p>Hi ${escapeHtml(clean)},</p>` } : { text: 'Hello,', html: '<p>Hello,</p>' };
}
