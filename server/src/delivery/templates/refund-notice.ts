/** The buyer's refund notice. */
import { formatMoney } from '@trendy-tickets/sdk';
import { escapeHtml, greeting, layout, type MailContent, oneLine } from './layout.js';

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
