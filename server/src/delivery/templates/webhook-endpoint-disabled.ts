/** The organizer's mail about a webhook endpoint disabled after failing for days. */
import { formatDateTime } from '../format.js';
import { escapeHtml, isWebUrl, LINK, layout, type MailContent, oneLine } from './layout.js';

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
