/** The tickets mail sent after an order is paid or tickets are issued. */
import { formatMoney } from '@trendy-tickets/sdk';
import { formatDateTime } from '../format.js';
import type { MailAttachment } from '../mailer.js';
import { escapeHtml, greeting, isWebUrl, LINK, layout, type MailContent, oneLine } from './layout.js';

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
