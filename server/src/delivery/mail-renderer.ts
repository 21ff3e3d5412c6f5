import { systemClock, type Clock } from '../kernel/clock.js';
import type { AccountDoc } from '../domain/accounts.js';
import type { EventDoc } from '../domain/events.js';
import { INVITATION_MAIL_KIND, INVITATIONS_COLLECTION, invitationPath, type InvitationDoc } from '../domain/invitations.js';
import { upcomingTickets } from '../domain/ticket-finder.js';
import type { OrderDoc } from '../domain/orders.js';
import { ticketUrls, type TicketDoc } from '../domain/tickets.js';
import { ENDPOINT_DISABLED_MAIL } from '../domain/webhook-endpoint-health.js';
import type { WebhookEndpointDoc } from '../domain/webhook-endpoints.js';
import { op, type Store } from '../store/port.js';
import type { MailAttachment, MailMessage } from './mailer.js';
import { PermanentDeliveryError, type OutboxJob } from './outbox.js';
import {
  emailVerificationMail,
  passwordResetMail,
  passwordResetUnknownMail,
  refundFailedMail,
  eventCancelledMail,
  refundNoticeMail,
  teamInvitationMail,
  ticketLinksMail,
  ticketsMail,
  verificationCodeMail,
  webhookEndpointDisabledMail,
  type MailContent,
} from './templates.js';
import { renderTicketsPdf, type TicketPdfModel } from './ticket-pdf.js';
import { renderWaitingListMail } from './waiting-list-mail.js';
import { orderLines } from '../domain/order-lines.js';
import { creditNoteAttachment, invoiceAttachment } from './invoice-attachment.js';

/** A ticket as its PDF page shows it. */
export function ticketPdfModel(ticket: TicketDoc, event: EventDoc, publicUrl: string): TicketPdfModel {
  return {
    ticketId: ticket._id,
    code: ticket.code,
    eventName: event.name,
    venue: event.venue,
    startsAt: event.starts_at.toISOString(),
    timezone: event.timezone,
    holderName: ticket.holder.name,
    ticketTypeName: ticket.ticket_type_name,
    amount: ticket.price,
    currency: 'INR',
    validFrom: (ticket.valid_from ?? ticket.created_at).toISOString(),
    validUntil: (ticket.valid_until ?? event.ends_at).toISOString(),
    url: ticketUrls(publicUrl, ticket._id).url,
    testMode: !ticket.livemode,
  };
}

/** The mail with `extra` attached after its own attachments. */
function withAttachments(extra: MailAttachment[], mail: MailContent): MailContent {
  return extra.length === 0 ? mail : { ...mail, attachments: [...(mail.attachments ?? []), ...extra] };
}

/**
 * Builds each outbox job's message at send time, from what is stored then, so
 * the outbox holds ids rather than rendered mail, and a retried tickets mail
 * carries tickets as they are now.
 *
 * @example
 * const worker = createOutboxWorker({ store, mailer, render: createMailRenderer({ store, publicUrl }) });
 */
export function createMailRenderer({ store, publicUrl, clock = systemClock }: { store: Store; publicUrl: string; clock?: Clock }) {
  const orders = store.collection<OrderDoc>('orders');
  const events = store.collection<EventDoc>('events');
  const tickets = store.collection<TicketDoc>('tickets');

  /**
   * What one refund notice tells the buyer: a partial refund's amount and tickets (the notice
   * names its refund), or for the refund that finished the order, the last processed refund's
   * amount and the tickets no earlier refund took (an order from before partial refunds: all of it).
   */
  async function refundOfNotice(order: OrderDoc, refundId: string | null): Promise<{ refund: string | null; amount: number; ticketIds: string[] }> {
    const named = refundId ? order.refund_log?.[refundId] : undefined;
    if (refundId && named) return { refund: refundId, amount: named.amount, ticketIds: [...named.tickets] };
    const processed = Object.entries(order.refund_log ?? {})
      .filter(([, r]) => r.status === 'processed')
      .sort(([, a], [, b]) => a.updated_at.getTime() - b.updated_at.getTime());
    const [lastId, last] = processed.at(-1) ?? [null, undefined];
    const earlier = new Set(processed.slice(0, -1).flatMap(([, r]) => r.tickets));
    const voided = await tickets.find({ order: order._id }, { sort: { index: 1 } });
    return { refund: lastId, amount: last?.amount ?? order.amount, ticketIds: voided.map((t) => t._id).filter((id) => !earlier.has(id)) };
  }

  async function orderAndEvent(job: OutboxJob): Promise<{ order: OrderDoc; event: EventDoc }> {
    const order = await orders.findOne({ _id: String(job.payload.order) });
    const event = order ? await events.findOne({ _id: order.event }) : null;
    // Nothing to say about an order that does not exist: retrying will not change that.
    if (!order || !event) throw new PermanentDeliveryError(`order or event of mail ${job._id} is gone`);
    return { order, event };
  }

  async function endpointDisabled(job: OutboxJob): Promise<MailContent> {
    const endpoint = await store.collection<WebhookEndpointDoc>('webhook_endpoints').findOne({ _id: String(job.payload.endpoint) });
    // Deleted since: the organizer has dealt with it.
    if (!endpoint) throw new PermanentDeliveryError(`the endpoint of mail ${job._id} is gone`);
    return webhookEndpointDisabledMail({
      url: endpoint.url,
      error: String(job.payload.error),
      failingSince: String(job.payload.failing_since),
      disabledAt: String(job.payload.disabled_at),
      timezone: 'Asia/Kolkata',
      consoleUrl: `${publicUrl}/console/developers/webhooks/${endpoint._id}`,
      testMode: !endpoint.livemode,
    });
  }

  /** The console link a job's token opens; the token is erased once the job ends, so a revived job cannot mail it. */
  function tokenLink(job: OutboxJob, path: string): string {
    if (typeof job.payload.token !== 'string') throw new PermanentDeliveryError(`the link of mail ${job._id} is no longer kept`);
    return `${publicUrl}${path}?token=${encodeURIComponent(job.payload.token)}`;
  }

  async function invitationMail(job: OutboxJob): Promise<MailContent> {
    const invitation = await store.collection<InvitationDoc>(INVITATIONS_COLLECTION).findOne({ _id: String(job.payload.invitation) });
    // Erased when the job ended, and never stored elsewhere: a revived job cannot mail a link that is gone.
    if (!invitation || typeof job.payload.token !== 'string' || job.payload.token === '') throw new PermanentDeliveryError(`the invitation of mail ${job._id} is gone`);
    if (invitation.accepted_at !== null) throw new PermanentDeliveryError(`the invitation of mail ${job._id} was already accepted`);
    const account = await store.collection<AccountDoc>('accounts').findOne({ _id: invitation.account });
    return teamInvitationMail({
      accountName: account?.name ?? 'a team',
      role: invitation.role,
      url: `${publicUrl}${invitationPath(job.payload.token)}`,
      expiresAt: invitation.expires_at.toISOString(),
    });
  }

  async function content(job: OutboxJob): Promise<MailContent> {
    // Console sign-in mails: no order behind them.
    if (job.kind === 'password_reset') return passwordResetMail({ url: tokenLink(job, '/console/reset-password') });
    if (job.kind === 'password_reset_unknown') return passwordResetUnknownMail({ signupUrl: `${publicUrl}/console/signup` });
    if (job.kind === 'email_verification') return emailVerificationMail({ url: tokenLink(job, '/console/verify-email') });
    if (job.kind === ENDPOINT_DISABLED_MAIL) return endpointDisabled(job);
    if (job.kind === INVITATION_MAIL_KIND) return invitationMail(job);
    if (job.kind === 'ticket_links') {
      // Listed as they are at send time: a ticket voided since the request is left out.
      const found = await upcomingTickets({ store, clock }, String(job.payload.email));
      if (found.length === 0) throw new PermanentDeliveryError(`the tickets of mail ${job._id} are no longer upcoming`);
      return ticketLinksMail({
        tickets: found.map(({ ticket, event }) => ({
          url: ticketUrls(publicUrl, ticket._id).url,
          eventName: event.name,
          startsAt: event.starts_at.toISOString(),
          timezone: event.timezone,
          ticketTypeName: ticket.ticket_type_name,
          holderName: ticket.holder.name,
          testMode: !ticket.livemode,
        })),
      });
    }
    const waitingListMail = await renderWaitingListMail(store, publicUrl, job);
    if (waitingListMail) return waitingListMail;
    const { order, event } = await orderAndEvent(job);
    switch (job.kind) {
      case 'verification_code':
        // Erased when the job ended: a revived job cannot mail a code that is gone (the buyer asks anew).
        if (typeof job.payload.code !== 'string') throw new PermanentDeliveryError(`the code of mail ${job._id} is no longer kept`);
        return verificationCodeMail({ code: job.payload.code, eventName: event.name, buyerName: order.buyer.name });
      case 'tickets': {
        const issued = await tickets.find({ order: order._id, status: op.ne('voided') }, { sort: { index: 1 } });
        // An attendee's own mail (`payload.ticket`) carries their ticket alone: not the others', the charges or the invoice.
        const attendeeTicket = typeof job.payload.ticket === 'string' ? issued.find((t) => t._id === job.payload.ticket) : undefined;
        if (typeof job.payload.ticket === 'string' && !attendeeTicket) throw new PermanentDeliveryError(`ticket ${job.payload.ticket} of mail ${job._id} is voided or gone`);
        const shown = attendeeTicket ? [attendeeTicket] : issued;
        return withAttachments(
          attendeeTicket ? [] : await invoiceAttachment(store, order._id),
          ticketsMail({
            eventName: event.name,
            venue: event.venue,
            startsAt: event.starts_at.toISOString(),
            timezone: event.timezone,
            buyerName: attendeeTicket ? attendeeTicket.holder.name : order.buyer.name,
            orderId: order._id,
            ...(attendeeTicket ? {} : { charges: { lines: orderLines(order), total: order.amount } }),
            testMode: !order.livemode,
            findUrl: `${publicUrl}/tickets/find`,
            tickets: shown.map((t) => ({
              id: t._id,
              url: ticketUrls(publicUrl, t._id).url,
              ticketTypeName: t.ticket_type_name,
              holderName: t.holder.name,
              pdf: renderTicketsPdf([ticketPdfModel(t, event, publicUrl)]),
            })),
          }),
        );
      }
      case 'refund_notice': {
        const { refund, amount, ticketIds } = await refundOfNotice(order, typeof job.payload.refund === 'string' ? job.payload.refund : null);
        return withAttachments(
          refund ? await creditNoteAttachment(store, refund) : [],
          refundNoticeMail({ eventName: event.name, buyerName: order.buyer.name, orderId: order._id, amount, currency: order.currency, ticketIds }),
        );
      }
      case 'event_cancelled': {
        // The refund as it stands at send time: a run sends the notice once the order is refunded.
        const refunded = job.payload.refunded === true && order.status === 'refunded' ? await refundOfNotice(order, null) : null;
        return withAttachments(
          refunded?.refund ? await creditNoteAttachment(store, refunded.refund) : [],
          eventCancelledMail({
            eventName: event.name,
            buyerName: order.buyer.name,
            orderId: order._id,
            reason: event.cancellation?.reason ?? null,
            refunded: refunded ? refunded.amount : null,
            currency: order.currency,
          }),
        );
      }
      case 'refund_failed':
        return refundFailedMail({
          eventName: event.name,
          orderId: order._id,
          buyerName: order.buyer.name,
          amount: order.amount,
          currency: order.currency,
          reason: typeof job.payload.reason === 'string' ? job.payload.reason : 'The refund failed',
        });
      default:
        throw new PermanentDeliveryError(`no template for mail kind '${job.kind}'`);
    }
  }

  return async function renderMail(job: OutboxJob): Promise<MailMessage> {
    const mail = await content(job);
    return { to: job.to, subject: mail.subject, text: mail.text, html: mail.html, ...(mail.attachments ? { attachments: mail.attachments } : {}) };
  };
}
