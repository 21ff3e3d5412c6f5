/** The buyer's mail about a cancelled event. */
import { formatMoney } from '@trendy-tickets/sdk';
import { escapeHtml, greeting, layout, type MailContent, oneLine } from './layout.js';

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
