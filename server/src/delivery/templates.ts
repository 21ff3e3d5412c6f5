/**
 * The mails the product sends, each as a plain-text part and a simple HTML part.
 *
 * HTML is deliberately plain: one column, inline styles (many mail clients drop `<style>`),
 * real text rather than images, `lang` set, and links that say where they go. Every
 * interpolated value passes through `escapeHtml`: holder and event names are typed by
 * strangers, and a mail is rendered by clients that may still run or fetch things.
 */
import { formatMoney } from '@trendy-tickets/sdk';
import type { MailAttachment } from './mailer.js';
import { formatDateTime } from './format.js';

/** A rendered mail without its recipient; the outbox adds `to`. */
export interface MailContent {
  subject: string;
  text: string;
  html: string;
  attachments?: MailAttachment[];
}

/** Input for {@link verificationCodeMail}. */
export interface VerificationCodeMailInput {
  /** The 6-digit one-time code. */
  code: string;
  eventName: string;
  buyerName?: string;
  /** Defaults to 10, the code's lifetime (docs/domain-rules.md#email-verification). */
  expiresInMinutes?: number;
}

/** One ticket as the tickets mail lists it. */
export interface TicketsMailTicket {
  id: string;
  /** The hosted ticket page. */
  url: string;
  ticketTypeName: string;
  holderName: string;
  /** The ticket's PDF, attached as `ticket-<id>.pdf` when given. */
  pdf?: Uint8Array;
}

/** Input for {@link ticketsMail}. */
export interface TicketsMailInput {
  eventName: string;
  venue?: string | null;
  /** ISO-8601 instant, printed in `timezone`. */
  startsAt: string;
  timezone: string;
  buyerName: string;
  orderId?: string;
  /** What the order's money was for (`orderLines`), ending in the amount charged; left out for free orders. */
  charges?: { lines: Array<{ label: string; amount: number }>; total: number };
  tickets: TicketsMailTicket[];
  /** Test-mode tickets: the subject and the first line say TEST, so nobody takes them for real ones. */
  testMode?: boolean;
  /** The "Find my tickets" page, linked at the end for a buyer who loses this mail. */
  findUrl?: string;
}

/** One ticket as the "find my tickets" mail lists it. */
export interface TicketLinksMailTicket {
  url: string;
  eventName: string;
  /** ISO-8601 instant, printed in `timezone`. */
  startsAt: string;
  timezone: string;
  ticketTypeName: string;
  holderName: string;
  testMode: boolean;
}

/** Input for {@link refundNoticeMail}. */
export interface RefundNoticeInput {
  eventName: string;
  buyerName: string;
  orderId: string;
  /** Refunded amount in minor units (paise). */
  amount: number;
  currency?: string;
  /** Tickets voided by the refund. */
  ticketIds: string[];
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
function oneLine(value: string, max = 120): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  const flat = value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Only web links become `href`s: no `javascript:` or `data:` even if a URL was tampered with. */
function isWebUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

const FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const LINK = 'color:#1d4ed8;text-decoration:underline';

function layout(title: string, body: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title></head>` +
    `<body style="margin:0;padding:0;background:#f4f5f7">` +
    `<div role="article" aria-label="${escapeHtml(title)}" style="max-width:560px;margin:0 auto;padding:24px 20px;` +
    `${FONT};font-size:16px;line-height:1.5;color:#111827;background:#ffffff">${body}` +
    `<p style="margin:32px 0 0;font-size:13px;color:#4b5563">Trendy Ticket Service</p></div></body></html>`
  );
}

function greeting(name: string | undefined): { text: string; html: string } {
  const clean = name === undefined ? '' : oneLine(name, 80);
  return clean ? { text: `Hi ${clean},`, html: `<p>Hi ${escapeHtml(clean)},</p>` } : { text: 'Hello,', html: '<p>Hello,</p>' };
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

/**
 * The tickets mail: every ticket's id, type, holder and link, and the PDFs attached
 * (one per ticket, so a buyer can forward each guest only their own).
 *
 * @example
 * const mail = ticketsMail({ eventName, startsAt, timezone, buyerName, tickets });
 */
export function ticketsMail(input: TicketsMailInput): MailContent {
  const event = oneLine(input.eventName);
  const count = input.tickets.length;
  const noun = count === 1 ? 'ticket' : 'tickets';
  const when = formatDateTime(input.startsAt, input.timezone);
  const where = input.venue ? oneLine(input.venue, 200) : '';
  const hello = greeting(input.buyerName);
  const subject = `${input.testMode ? '[TEST] ' : ''}Your ${noun} for ${event}`;
  const testNote = 'TEST TICKET: made in test mode, not valid for entry. No money was taken.';
  const charges = input.charges && input.charges.total > 0 ? input.charges : undefined;
  const chargeRow = (label: string, amount: number, strong = false) =>
    `<tr><td style="padding:2px 16px 2px 0">${strong ? `<strong>${escapeHtml(label)}</strong>` : escapeHtml(label)}</td><td style="text-align:right">${strong ? `<strong>${escapeHtml(formatMoney(amount))}</strong>` : escapeHtml(formatMoney(amount))}</td></tr>`;
  const attachments: MailAttachment[] = input.tickets.flatMap((t) => (t.pdf ? [{ filename: `ticket-${t.id}.pdf`, contentType: 'application/pdf', content: t.pdf }] : []));

  const textLines = [
    ...(input.testMode ? [testNote, ''] : []),
    hello.text,
    '',
    `Here ${count === 1 ? 'is your ticket' : `are your ${count} tickets`} for ${event}.`,
    `When: ${when}`,
    ...(where ? [`Where: ${where}`] : []),
    ...(input.orderId ? [`Order: ${input.orderId}`] : []),
    ...(charges ? ['', ...charges.lines.map((l) => `${oneLine(l.label)}: ${formatMoney(l.amount)}`), `Total: ${formatMoney(charges.total)}`] : []),
    '',
    ...input.tickets.flatMap((t, i) => [`${i + 1}. ${oneLine(t.ticketTypeName)}, ${oneLine(t.holderName, 80)}`, `   Ticket ${t.id}`, `   ${t.url}`]),
    '',
    'Show the QR code on the ticket page or the attached PDF at the entrance. Each ticket admits one person, once.',
    ...(input.findUrl ? ['', `Lost this email? Find all your tickets at ${input.findUrl}`] : []),
  ];

  const items = input.tickets
    .map((t) => {
      const link = isWebUrl(t.url) ? `<a href="${escapeHtml(t.url)}" style="${LINK}">View ticket ${escapeHtml(t.id)}</a>` : `Ticket ${escapeHtml(t.id)}`;
      return `<li style="margin:0 0 12px"><strong>${escapeHtml(oneLine(t.ticketTypeName))}</strong>, ` + `${escapeHtml(oneLine(t.holderName, 80))}<br>${link}</li>`;
    })
    .join('');
  const html = layout(
    subject,
    (input.testMode ? `<p style="margin:0 0 16px;padding:8px 12px;border:2px solid #991b1b;background:#fee2e2;color:#991b1b;font-weight:700">${testNote}</p>` : '') +
      `${hello.html}<p>Here ${count === 1 ? 'is your ticket' : `are your ${count} tickets`} for ` +
      `<strong>${escapeHtml(event)}</strong>.</p>` +
      `<p style="margin:0">When: ${escapeHtml(when)}</p>` +
      (where ? `<p style="margin:0">Where: ${escapeHtml(where)}</p>` : '') +
      (input.orderId ? `<p style="margin:0;color:#4b5563">Order: ${escapeHtml(input.orderId)}</p>` : '') +
      (charges
        ? `<table style="margin:16px 0;border-collapse:collapse">${charges.lines.map((l) => chargeRow(oneLine(l.label), l.amount)).join('')}${chargeRow('Total', charges.total, true)}</table>`
        : '') +
      `<ol style="padding-left:20px;margin:20px 0">${items}</ol>` +
      `<p>Show the QR code on the ticket page${attachments.length ? ' or the attached PDF' : ''} at the entrance. ` +
      `Each ticket admits one person, once.</p>` +
      (input.findUrl && isWebUrl(input.findUrl)
        ? `<p style="color:#4b5563">Lost this email? <a href="${escapeHtml(input.findUrl)}" style="${LINK}">Find all your tickets</a>.</p>`
        : ''),
  );
  return {
    subject: oneLine(subject),
    text: textLines.join('\n'),
    html,
    ...(attachments.length ? { attachments } : {}),
  };
}

/**
 * The "find my tickets" mail: every upcoming ticket of one address, soonest first, each with
 * its event, start and link; test tickets say TEST. No PDFs: the links lead to them.
 *
 * @example
 * const mail = ticketLinksMail({ tickets });
 */
export function ticketLinksMail(input: { tickets: TicketLinksMailTicket[] }): MailContent {
  const count = input.tickets.length;
  const subject = count === 1 ? 'Your ticket' : `Your ${count} tickets`;
  const intro = `You asked for the tickets held by this address. Here ${count === 1 ? 'is the one' : `are all ${count}`} for upcoming events:`;
  const share = 'Each link opens the ticket with its QR code and PDF. Anyone with a link can show that ticket: share it only with the person attending.';
  const ignore = 'If you did not ask for this, you can ignore this email: nobody else received it.';
  const test = 'TEST, not valid for entry';
  const text = [
    'Hello,',
    '',
    intro,
    '',
    ...input.tickets.flatMap((t, i) => [
      `${i + 1}. ${t.testMode ? `[${test}] ` : ''}${oneLine(t.eventName)}, ${formatDateTime(t.startsAt, t.timezone)}: ${oneLine(t.ticketTypeName)}, ${oneLine(t.holderName, 80)}`,
      `   ${t.url}`,
    ]),
    '',
    share,
    ignore,
  ].join('\n');
  const items = input.tickets
    .map((t) => {
      const link = isWebUrl(t.url) ? `<a href="${escapeHtml(t.url)}" style="${LINK}">Open ticket</a>` : escapeHtml(t.url);
      return (
        `<li style="margin:0 0 12px">${t.testMode ? `<strong style="color:#991b1b">${test}</strong><br>` : ''}` +
        `<strong>${escapeHtml(oneLine(t.eventName))}</strong>, ${escapeHtml(formatDateTime(t.startsAt, t.timezone))}<br>` +
        `${escapeHtml(oneLine(t.ticketTypeName))}, ${escapeHtml(oneLine(t.holderName, 80))}<br>${link}</li>`
      );
    })
    .join('');
  const html = layout(subject, `<p>Hello,</p><p>${intro}</p><ol style="padding-left:20px;margin:20px 0">${items}</ol>` + `<p>${share}</p><p style="color:#4b5563">${ignore}</p>`);
  return { subject, text, html };
}

/** Input for {@link webhookEndpointDisabledMail}. */
export interface WebhookEndpointDisabledInput {
  /** The endpoint's URL, as the organizer saved it. */
  url: string;
  /** The error of the last attempt, as the console shows it. */
  error: string;
  /** ISO-8601 instants: the first failure of the streak, and the disabling. */
  failingSince: string;
  disabledAt: string;
  timezone: string;
  /** The endpoint's page in the console, where it is enabled again. */
  consoleUrl: string;
  testMode: boolean;
}

/**
 * Tells an organizer that a webhook endpoint was disabled after failing every delivery for three
 * days: which one, the last error, and where to enable it again once the receiver is fixed.
 *
 * @example
 * const mail = webhookEndpointDisabledMail({ url, error, failingSince, disabledAt, timezone: 'Asia/Kolkata', consoleUrl, testMode: false });
 */
export function webhookEndpointDisabledMail(input: WebhookEndpointDisabledInput): MailContent {
  const mode = input.testMode ? 'test' : 'live';
  const subject = `Webhook endpoint disabled: ${oneLine(input.url)}`;
  const since = formatDateTime(input.failingSince, input.timezone);
  const at = formatDateTime(input.disabledAt, input.timezone);
  const lines = [
    `Your ${mode}-mode webhook endpoint ${oneLine(input.url, 300)} failed every delivery since ${since}, so it was disabled on ${at}: nothing more is sent to it.`,
    `Last error: ${oneLine(input.error, 500)}`,
    'Events keep being recorded in the events log (GET /v1/events_log). Fix the receiver, then enable the endpoint again in the console; deliveries that failed can be resent from its page.',
  ];
  const link = isWebUrl(input.consoleUrl) ? `<a href="${escapeHtml(input.consoleUrl)}" style="${LINK}">Open the endpoint in the console</a>` : escapeHtml(input.consoleUrl);
  const text = [...lines, '', `Endpoint: ${input.consoleUrl}${input.testMode ? ' (switch the console to test mode)' : ''}`].join('\n');
  const html = layout(subject, `${lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('')}<p>${link}</p>`);
  return { subject: oneLine(subject), text, html };
}

/**
 * The refund notice: how much, for which order, and that the tickets no longer admit.
 *
 * @example
 * const mail = refundNoticeMail({ eventName, buyerName, orderId, amount: 299_800, ticketIds });
 */
export function refundNoticeMail(input: RefundNoticeInput): MailContent {
  const event = oneLine(input.eventName);
  const amount = formatMoney(input.amount, input.currency ?? 'INR');
  const hello = greeting(input.buyerName);
  const subject = `Refund of ${amount} for ${event}`;
  // Razorpay documents 5–7 working days for a normal refund to reach the customer.
  const timing = 'Refunds usually reach your account within 5–7 working days, depending on your bank.';
  const n = input.ticketIds.length;
  const voided =
    n === 0 ? '' : n === 1 ? `Ticket ${input.ticketIds[0]} has been cancelled and will not be admitted.` : `These ${n} tickets have been cancelled and will not be admitted:`;
  const text = [
    hello.text,
    '',
    `We have refunded ${amount} for your order ${input.orderId} (${event}).`,
    timing,
    ...(voided ? ['', voided] : []),
    ...(n > 1 ? input.ticketIds.map((id) => `- ${id}`) : []),
  ].join('\n');
  const list = n > 1 ? `<ul style="padding-left:20px">${input.ticketIds.map((id) => `<li>${escapeHtml(id)}</li>`).join('')}</ul>` : '';
  const html = layout(
    subject,
    `${hello.html}<p>We have refunded <strong>${escapeHtml(amount)}</strong> for your order ` +
      `${escapeHtml(input.orderId)} (<strong>${escapeHtml(event)}</strong>).</p>` +
      `<p>${escapeHtml(timing)}</p>${voided ? `<p>${escapeHtml(voided)}</p>` : ''}${list}`,
  );
  return { subject: oneLine(subject), text, html };
}

/** Input for {@link eventCancelledMail}. */
export interface EventCancelledInput {
  eventName: string;
  buyerName: string;
  orderId: string;
  /** The organizer's words, if any. */
  reason: string | null;
  /** What was refunded (paise), or null when the order was not refunded. */
  refunded: number | null;
  currency?: string;
}

/**
 * Tells a buyer their event is cancelled: once per order, with the refund when the organizer
 * refunded the orders (docs/domain-rules.md#cancelling-an-event).
 */
export function eventCancelledMail(input: EventCancelledInput): MailContent {
  const event = oneLine(input.eventName);
  const hello = greeting(input.buyerName);
  const subject = `${event} is cancelled`;
  const said = input.reason ? `The organizer says: ${oneLine(input.reason)}` : null;
  const amount = input.refunded === null ? null : formatMoney(input.refunded, input.currency ?? 'INR');
  const money =
    amount === null
      ? 'Your tickets will not be admitted. The organizer will tell you about any refund.'
      : `We have refunded ${amount} for your order; it usually reaches your account within 5–7 working days, depending on your bank. Your tickets will not be admitted.`;
  const text = [hello.text, '', `${event} (your order ${input.orderId}) is cancelled.`, ...(said ? [said] : []), '', money].join('\n');
  const html = layout(
    subject,
    `${hello.html}<p><strong>${escapeHtml(event)}</strong> (your order ${escapeHtml(input.orderId)}) is cancelled.</p>` +
      `${said ? `<p>${escapeHtml(said)}</p>` : ''}<p>${escapeHtml(money)}</p>`,
  );
  return { subject: oneLine(subject), text, html };
}

/** Input for {@link refundFailedMail}. */
export interface RefundFailedInput {
  eventName: string;
  orderId: string;
  buyerName: string;
  amount: number;
  currency?: string;
  /** The gateway's words, e.g. "Your account does not have enough balance…". */
  reason: string;
}

/**
 * Tells an organizer that a refund did not go through: the order is still paid, its tickets
 * still admit, and the buyer has not been told anything.
 *
 * @example
 * const mail = refundFailedMail({ eventName, orderId, buyerName, amount: 99_800, reason });
 */
export function refundFailedMail(input: RefundFailedInput): MailContent {
  const event = oneLine(input.eventName);
  const amount = formatMoney(input.amount, input.currency ?? 'INR');
  const subject = `Refund of ${amount} failed for order ${input.orderId}`;
  const lines = [
    `The refund of ${amount} for order ${input.orderId} (${oneLine(input.buyerName)}, ${event}) did not go through.`,
    `Reason: ${oneLine(input.reason)}`,
    'The order is still paid, its tickets still admit, and the buyer has not been told of a refund.',
    'Fix the cause (for example, add funds to your Razorpay balance) and refund the order again.',
  ];
  const html = layout(subject, lines.map((line) => `<p>${escapeHtml(line)}</p>`).join(''));
  return { subject: oneLine(subject), text: lines.join('\n'), html };
}

/** A mail with one link the reader is asked to open, for console sign-in users. */
function linkMail({ subject, lead, link, label, after }: { subject: string; lead: string; link: string; label: string; after: string[] }): MailContent {
  const text = ['Hello,', '', lead, '', `${label}:`, link, '', ...after].join('\n');
  const button = isWebUrl(link)
    ? `<p style="margin:20px 0"><a href="${escapeHtml(link)}" style="${LINK};font-weight:600">${escapeHtml(label)}</a></p>` +
      `<p style="font-size:13px;color:#4b5563;word-break:break-all">${escapeHtml(link)}</p>`
    : '';
  const html = layout(subject, `<p>Hello,</p><p>${escapeHtml(lead)}</p>${button}${after.map((line) => `<p style="color:#4b5563">${escapeHtml(line)}</p>`).join('')}`);
  return { subject: oneLine(subject), text, html };
}

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
