/**
 * The mails the product sends, each as a plain-text part and a simple HTML part.
 *
 * HTML is deliberately plain: one column, inline styles (many mail clients drop `<style>`),
 * real text rather than images, `lang` set, and links that say where they go. Every
 * interpolated value passes through `escapeHtml`: holder and event names are typed by
 * strangers, and a mail is rendered by clients that may still run or fetch things.
 *
 * Each mail kind lives in its own file under `./templates/`, with what they share in
 * `./templates/layout.ts`; this module names the exports callers use.
 */
export { eventCancelledMail, type EventCancelledInput } from './templates/event-cancelled.js';
export { emailVerificationMail } from './templates/email-verification.js';
export { escapeHtml, type MailContent } from './templates/layout.js';
export { passwordResetMail } from './templates/password-reset.js';
export { passwordResetUnknownMail } from './templates/password-reset-unknown.js';
export { refundFailedMail, type RefundFailedInput } from './templates/refund-failed.js';
export { refundNoticeMail, type RefundNoticeInput } from './templates/refund-notice.js';
export { teamInvitationMail, type TeamInvitationInput } from './templates/team-invitation.js';
export { ticketLinksMail, type TicketLinksMailTicket } from './templates/ticket-links.js';
export { ticketsMail, type TicketsMailInput, type TicketsMailTicket } from './templates/tickets.js';
export { verificationCodeMail, type VerificationCodeMailInput } from './templates/verification-code.js';
export { webhookEndpointDisabledMail, type WebhookEndpointDisabledInput } from './templates/webhook-endpoint-disabled.js';
