/** The organizer's mail about a refund that did not go through. */
import { formatMoney } from '@trendy-tickets/sdk';
import { escapeHtml, layout, type MailContent, oneLine } from './layout.js';

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
