/** The "find my tickets" mail: links to every upcoming ticket of one address. */
import { formatDateTime } from '../format.js';
import { escapeHtml, isWebUrl, LINK, layout, type MailContent, oneLine } from './layout.js';

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
