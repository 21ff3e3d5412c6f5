import { formatMoney } from '@trendy-tickets/sdk';
import type { EventDoc } from '../domain/events.js';
import { WAITING_LIST_COLLECTION, type WaitingListEntryDoc } from '../domain/waiting-list.js';
import type { Store } from '../store/port.js';
import { formatDateTime } from './format.js';
import { PermanentDeliveryError, type OutboxJob } from './outbox.js';
import { escapeHtml, verificationCodeMail, type MailContent } from './templates.js';

/** Mail kinds of the waiting list (docs/waiting-list.md). */
export const WAITING_LIST_MAIL_KINDS = ['waiting_list_code', 'waiting_list_offer'] as const;

/** Where a claim link opens: the offer's page, which holds no script. */
export function claimPath(token: string): string {
  return `/waiting-list/claim/${encodeURIComponent(token)}`;
}

export interface WaitingListOfferMailInput {
  eventName: string;
  buyerName: string;
  ticketTypeName: string;
  quantity: number;
  /** Paise per ticket, at today's price. */
  unitPrice: number;
  claimUrl: string;
  expiresAt: string;
  timezone: string;
  testMode: boolean;
}

const oneLine = (value: string) => value.replace(/\s+/g, ' ').trim().slice(0, 120);

/**
 * The offer: seats are held for the person in line until the expiry, shown in the event's
 * time zone (where the buyer will be), with the link that claims them.
 */
export function waitingListOfferMail(input: WaitingListOfferMailInput): MailContent {
  const event = oneLine(input.eventName);
  const seats = `${input.quantity} × ${oneLine(input.ticketTypeName)}`;
  const price = `${formatMoney(input.unitPrice)} each`;
  const until = formatDateTime(input.expiresAt, input.timezone);
  const subject = `${input.testMode ? '[TEST] ' : ''}Tickets for ${event} are yours to claim`;
  const text = [
    `Hello ${oneLine(input.buyerName)},`,
    '',
    `Seats came back for ${event}, and you are next on the waiting list. We are holding them for you:`,
    '',
    `    ${seats} (${price})`,
    '',
    `Claim them before ${until}:`,
    input.claimUrl,
    '',
    'After that, they go to the next person in line. If you no longer want them, do nothing.',
  ].join('\n');
  const html =
    `<!doctype html><html><body style="font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#111827">` +
    `<p>Hello ${escapeHtml(oneLine(input.buyerName))},</p>` +
    `<p>Seats came back for <strong>${escapeHtml(event)}</strong>, and you are next on the waiting list. We are holding them for you:</p>` +
    `<p><strong>${escapeHtml(seats)}</strong> (${escapeHtml(price)})</p>` +
    `<p><a href="${escapeHtml(input.claimUrl)}" style="color:#1d4ed8;text-decoration:underline">Claim your tickets</a> before ${escapeHtml(until)}.</p>` +
    `<p style="color:#4b5563">After that, they go to the next person in line. If you no longer want them, do nothing.</p>` +
    `</body></html>`;
  return { subject, text, html };
}

/**
 * Builds a waiting-list mail at send time from the entry as it is then; null for other kinds.
 * A code or token is erased from the job once it ends, so a revived job cannot mail it again.
 */
export async function renderWaitingListMail(store: Store, publicUrl: string, job: OutboxJob): Promise<MailContent | null> {
  if (!(WAITING_LIST_MAIL_KINDS as readonly string[]).includes(job.kind)) return null;
  const entry = await store.collection<WaitingListEntryDoc>(WAITING_LIST_COLLECTION).findOne({ _id: String(job.payload.entry) });
  const event = entry ? await store.collection<EventDoc>('events').findOne({ _id: entry.event }) : null;
  if (!entry || !event) throw new PermanentDeliveryError(`the waiting list entry of mail ${job._id} is gone`);
  if (job.kind === 'waiting_list_code') {
    if (typeof job.payload.code !== 'string') throw new PermanentDeliveryError(`the code of mail ${job._id} is no longer kept`);
    return verificationCodeMail({ code: job.payload.code, eventName: event.name, buyerName: entry.name });
  }
  if (typeof job.payload.token !== 'string' || job.payload.token === '') throw new PermanentDeliveryError(`the claim link of mail ${job._id} is no longer kept`);
  // An offer taken back (lapsed, removed) since it was queued is not worth a mail.
  if (entry.status !== 'offered' || !entry.offer_expires_at) throw new PermanentDeliveryError(`the offer of mail ${job._id} is no longer open`);
  const type = event.ticket_types.find((t) => t.id === entry.ticket_type);
  return waitingListOfferMail({
    eventName: event.name,
    buyerName: entry.name,
    ticketTypeName: type?.name ?? 'Tickets',
    quantity: entry.quantity,
    unitPrice: type?.price ?? 0,
    claimUrl: `${publicUrl}${claimPath(job.payload.token)}`,
    expiresAt: entry.offer_expires_at.toISOString(),
    timezone: event.timezone,
    testMode: !entry.livemode,
  });
}
