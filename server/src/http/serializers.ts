import type { PromoCodeDoc } from '../domain/promo-codes.js';
import { toWaitingListEntryJson } from './waiting-list-json.js';
import { toPublicPromoJson } from './promo-code-json.js';
import type {
  Invoice,
  OrderRefund,
  Account,
  ApiKey,
  AuditLogEntry,
  Checkin,
  Event,
  EventCancellation,
  EventLogEntry,
  List,
  Order,
  OrderBreakdown,
  PaymentSettings,
  PublicEvent,
  PublicTicket,
  TaxProfile,
  Ticket,
  WebhookEndpoint,
} from '@trendy-tickets/sdk';
import type { AuditEntryDoc } from '../domain/audit-log.js';
import type { CancellationRunDoc } from '../domain/event-cancellation-run.js';
import type { DomainEventDoc } from '../domain/domain-events.js';
import type { CheckinDoc } from '../domain/checkins.js';
import type { AccountDoc, ApiKeyDoc } from '../domain/accounts.js';
import type { TaxProfileDoc } from '../domain/tax-profiles.js';
import type { InvoiceDoc } from '../domain/invoices.js';
import { DEFAULT_SAC } from '../domain/event-tax.js';
import { publicAvailable, salesOpen, typeAvailable, waitingListOf, type EventDoc } from '../domain/events.js';
import { activeQuestions } from '../domain/questions.js';
import { toPublicQuestionJson } from './question-json.js';
import { reservedRefunds, type OrderDoc, type OrderRefundDoc } from '../domain/orders.js';
import { refundSourceOf } from '../domain/refund-source.js';
import type { Collector, GatewayConfigDoc } from '../domain/payment-accounts.js';
import { ticketUrls, type TicketDoc } from '../domain/tickets.js';
import { MAX_CODE_ATTEMPTS } from '../domain/verification.js';
import type { WebhookEndpointDoc } from '../domain/webhook-endpoints.js';
import type { Page } from '../store/paginate.js';

/** Stored documents → wire objects (docs/api-conventions.md#wire-format). The only place that knows both shapes. */

const iso = (d: Date): string => d.toISOString();
const isoOrNull = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function toList<D, T>(page: Page<D>, toJson: (doc: D) => T): List<T> {
  return { object: 'list', data: page.data.map(toJson), has_more: page.hasMore, next_cursor: page.nextCursor };
}

/** A tax profile on the wire (docs/gst.md#who-is-taxed). */
export function toTaxProfileJson(doc: TaxProfileDoc): TaxProfile {
  return { object: 'tax_profile', legal_name: doc.legal_name, address: doc.address, state: doc.state, gstin: doc.gstin, updated_at: iso(doc.updated_at) };
}

export function toAccountJson(doc: AccountDoc): Account {
  return { id: doc._id, object: 'account', created_at: iso(doc.created_at), email: doc.email, name: doc.name };
}

export function toApiKeyJson(doc: ApiKeyDoc, secret?: string): ApiKey {
  return {
    id: doc._id,
    object: 'api_key',
    created_at: iso(doc.created_at),
    // A restricted key is stored as a secret key with permissions; callers tell it apart by its kind.
    kind: doc.permissions ? 'restricted' : doc.kind,
    mode: doc.mode,
    display: doc.display,
    name: doc.permissions ? (doc.name ?? null) : null,
    permissions: doc.permissions ? [...doc.permissions] : null,
    ...(secret === undefined ? {} : { secret }),
  };
}

/** A cancellation run as the event shows it; the fan-out's cursor stays inside. */
export function toEventCancellationJson(run: CancellationRunDoc): EventCancellation {
  return {
    refund_orders: run.refund_orders,
    notify_buyers: run.notify_buyers,
    reason: run.reason,
    started_at: iso(run.started_at),
    orders_total: run.orders_total,
    orders_refunded: run.orders_refunded,
    orders_failed: run.orders_failed,
    finished_at: isoOrNull(run.finished_at),
  };
}

export function toEventJson(doc: EventDoc): Event {
  return {
    id: doc._id,
    object: 'event',
    created_at: iso(doc.created_at),
    livemode: doc.livemode,
    name: doc.name,
    description: doc.description,
    venue: doc.venue,
    starts_at: iso(doc.starts_at),
    ends_at: iso(doc.ends_at),
    timezone: doc.timezone,
    capacity: doc.capacity,
    currency: doc.currency,
    status: doc.status,
    ticket_types: doc.ticket_types.map((t) => {
      const counters = doc.inventory.types[t.id] ?? { sold: 0, held: 0 };
      return {
        id: t.id,
        name: t.name,
        price: t.price,
        capacity: t.capacity,
        max_per_order: t.max_per_order,
        sold: counters.sold,
        held: counters.held,
        available: typeAvailable(doc, t.id),
        tax_rate: t.tax_rate ?? null,
        tax_inclusive: t.tax_inclusive ?? true,
        sac: t.sac ?? DEFAULT_SAC,
        hidden: t.hidden ?? false,
      };
    }),
    sales_start_at: isoOrNull(doc.sales_start_at),
    sales_end_at: isoOrNull(doc.sales_end_at),
    valid_from: isoOrNull(doc.valid_from),
    valid_until: isoOrNull(doc.valid_until),
    allowed_origins: doc.allowed_origins,
    open_amount: doc.open_amount,
    require_email_verification: doc.require_email_verification,
    hold_minutes: doc.hold_minutes,
    sold: doc.inventory.sold,
    held: doc.inventory.held,
    available: doc.inventory.available,
    venue_state: doc.venue_state ?? null,
    convenience_fee: doc.convenience_fee ?? null,
    attendee_details: doc.attendee_details ?? 'none',
    cancellation: doc.cancellation ? toEventCancellationJson(doc.cancellation) : null,
    waiting_list: waitingListOf(doc),
  };
}

/**
 * What a publishable key may see: no counters beyond availability, no origins, no account.
 * `holdsExpireAt` is when the oldest hold runs out (`inventory.earliestHoldExpiry`). Hidden
 * ticket types are left out unless `promo`, the code the buyer sent, unlocks them.
 */
export function toPublicEventJson(doc: EventDoc, now: Date, holdsExpireAt: Date | null, promo: PromoCodeDoc | null = null): PublicEvent {
  return {
    id: doc._id,
    object: 'public_event',
    livemode: doc.livemode,
    name: doc.name,
    description: doc.description,
    venue: doc.venue,
    starts_at: iso(doc.starts_at),
    ends_at: iso(doc.ends_at),
    timezone: doc.timezone,
    currency: doc.currency,
    status: doc.status,
    ticket_types: doc.ticket_types
      .filter((t) => !t.hidden || promo?.unlocks.includes(t.id))
      .map((t) => ({
        id: t.id,
        name: t.name,
        price: t.price,
        max_per_order: t.max_per_order,
        // Seats freed while people wait go to them: buyers see none (docs/waiting-list.md).
        available: publicAvailable(doc, t.id),
        held: doc.inventory.types[t.id]?.held ?? 0,
        tax_rate: t.tax_rate ?? null,
        tax_inclusive: t.tax_inclusive ?? true,
      })),
    venue_state: doc.venue_state ?? null,
    // An absorbed fee is the organizer's business, not the buyer's.
    convenience_fee: doc.convenience_fee?.paid_by === 'buyer' ? doc.convenience_fee : null,
    available: doc.inventory.available,
    held: doc.inventory.held,
    holds_expire_at: isoOrNull(holdsExpireAt),
    sales_open: salesOpen(doc, now),
    sales_start_at: isoOrNull(doc.sales_start_at),
    sales_end_at: isoOrNull(doc.sales_end_at),
    open_amount: doc.open_amount,
    require_email_verification: doc.require_email_verification,
    attendee_details: doc.attendee_details ?? 'none',
    questions: activeQuestions(doc).map(toPublicQuestionJson),
    promo: promo ? toPublicPromoJson(promo) : null,
    waiting_list: waitingListOf(doc).enabled,
  };
}

export function toTicketJson(doc: TicketDoc, publicUrl: string): Ticket {
  return {
    id: doc._id,
    object: 'ticket',
    created_at: iso(doc.created_at),
    livemode: doc.livemode,
    event: doc.event,
    order: doc.order,
    ticket_type: doc.ticket_type,
    ticket_type_name: doc.ticket_type_name,
    holder: { name: doc.holder.name, email: doc.holder.email },
    status: doc.status,
    code: doc.code,
    valid_from: isoOrNull(doc.valid_from),
    valid_until: isoOrNull(doc.valid_until),
    checked_in_at: isoOrNull(doc.checked_in_at),
    campaign: doc.campaign ?? null,
    answers: doc.answers ?? {},
    promo_code: doc.promo_code ?? null,
    ...ticketUrls(publicUrl, doc._id),
  };
}

/** What anyone holding a ticket link may see: no email, no code, the holder's first name only. */
export function toPublicTicketJson(doc: TicketDoc, event: EventDoc): PublicTicket {
  return {
    id: doc._id,
    object: 'public_ticket',
    event: { id: event._id, name: event.name, venue: event.venue, starts_at: iso(event.starts_at), ends_at: iso(event.ends_at), timezone: event.timezone },
    ticket_type_name: doc.ticket_type_name,
    holder_first_name: doc.holder.name.split(/\s+/)[0] ?? '',
    status: doc.status,
    valid_from: isoOrNull(doc.valid_from),
    valid_until: isoOrNull(doc.valid_until),
  };
}

/**
 * An order's figures on the wire. Orders without stored figures (events without tax or fee
 * settings, orders from before tax existed) read as untaxed lines adding up to their amount.
 */
export function toOrderBreakdownJson(doc: OrderDoc): OrderBreakdown {
  const b = doc.breakdown;
  if (!b) {
    const lines = doc.items.map((i) => {
      const value = i.quantity * i.unit_price;
      return { ticket_type: i.ticket_type, tax_rate: null, tax_inclusive: true, sac: null, discount: 0, taxable_value: value, cgst: 0, sgst: 0, igst: 0, total: value };
    });
    return { supply: null, place_of_supply: null, lines, fee: null, taxable_value: doc.amount, cgst: 0, sgst: 0, igst: 0, tax: 0, fees: 0, total: doc.amount };
  }
  return {
    supply: b.place_of_supply === null ? null : b.supply,
    place_of_supply: b.place_of_supply,
    lines: b.lines.map((l, i) => {
      const tax = b.line_tax[i];
      return {
        ticket_type: tax?.ticket_type ?? doc.items[i]?.ticket_type ?? '',
        tax_rate: tax?.tax_rate ?? null,
        tax_inclusive: tax?.tax_inclusive ?? true,
        sac: tax?.sac ?? null,
        ...l,
        // Orders from before promo codes stored no discount.
        discount: l.discount ?? 0,
      };
    }),
    fee: b.fee ? { ...b.fee, tax_rate: b.fee_tax_rate } : null,
    taxable_value: b.taxable_value,
    cgst: b.cgst,
    sgst: b.sgst,
    igst: b.igst,
    tax: b.tax,
    fees: b.fee?.paid_by === 'buyer' ? b.fee.taxable_value : 0,
    total: b.total,
  };
}

export function toOrderJson(doc: OrderDoc, tickets: readonly TicketDoc[], publicUrl: string, clientSecret?: string): Order {
  const v = doc.verification;
  return {
    id: doc._id,
    object: 'order',
    created_at: iso(doc.created_at),
    livemode: doc.livemode,
    event: doc.event,
    status: doc.status,
    items: doc.items.map((i) => ({ ticket_type: i.ticket_type, name: i.name, quantity: i.quantity, unit_price: i.unit_price })),
    quantity: doc.quantity,
    amount: doc.amount,
    breakdown: toOrderBreakdownJson(doc),
    currency: doc.currency,
    buyer: { name: doc.buyer.name, email: doc.buyer.email, phone: doc.buyer.phone },
    expires_at: iso(doc.expires_at),
    ...(clientSecret === undefined ? {} : { client_secret: clientSecret }),
    verification: {
      required: v.required,
      sent_to: v.sent_to,
      attempts_left: doc.status === 'awaiting_verification' && v.code_id ? Math.max(0, MAX_CODE_ATTEMPTS - v.attempts) : null,
    },
    payment: doc.payment && {
      gateway: doc.payment.gateway,
      key_id: doc.payment.key_id,
      gateway_order_id: doc.payment.gateway_order_id,
      gateway_payment_id: doc.payment.gateway_payment_id,
      amount: doc.amount,
      currency: doc.currency,
    },
    refund: doc.refund ? toOrderRefundJson(doc.refund) : null,
    // Refunds asked for in the same millisecond keep the order they were written in (a stable sort).
    refunds: Object.values(doc.refund_log ?? {})
      .sort((a, b) => a.requested_at.getTime() - b.requested_at.getTime())
      .map((r) => ({ id: r.id, tickets: [...r.tickets], ...toOrderRefundJson(r) })),
    refunded_amount: reservedRefunds(doc),
    tracking: doc.tracking ?? null,
    answers: doc.answers ?? {},
    billing: doc.billing ? { company: doc.billing.company, address: doc.billing.address, gstin: doc.billing.gstin } : null,
    discount: doc.discount ? { code: doc.discount.code, amount: doc.discount.amount } : null,
    tickets: tickets.map((t) => toTicketJson(t, publicUrl)),
  };
}

function toOrderRefundJson(refund: OrderRefundDoc): OrderRefund {
  return {
    status: refund.status,
    amount: refund.amount,
    reason: refund.reason,
    source: refundSourceOf(refund),
    failure_reason: refund.failure_reason,
    requested_at: iso(refund.requested_at),
    updated_at: iso(refund.updated_at),
  };
}

export function toCheckinJson(doc: CheckinDoc, ticket: TicketDoc | null, publicUrl: string): Checkin {
  return {
    id: doc._id,
    object: 'checkin',
    created_at: iso(doc.created_at),
    livemode: doc.livemode,
    result: doc.result,
    reason: doc.reason,
    ticket: ticket ? toTicketJson(ticket, publicUrl) : null,
    event: doc.event,
    at: iso(doc.at),
    by: doc.by,
    first_checkin: doc.first_checkin ? { at: iso(doc.first_checkin.at), by: doc.first_checkin.by } : null,
    nonce: doc.nonce ?? null,
    undone_at: isoOrNull(doc.undone_at),
    // Only list scans carry these, so a default-list scan answers as it always has.
    ...(doc.list === undefined ? {} : { list: doc.list }),
    ...(doc.direction === undefined ? {} : { direction: doc.direction }),
  };
}

/** A webhook endpoint; `secret` only in the answer that created it or rolled its secret. */
export function toWebhookEndpointJson(doc: WebhookEndpointDoc, secret?: string): WebhookEndpoint {
  return {
    id: doc._id,
    object: 'webhook_endpoint',
    created_at: iso(doc.created_at),
    livemode: doc.livemode,
    url: doc.url,
    enabled_events: doc.enabled_events,
    description: doc.description,
    disabled: doc.disabled,
    // Only a disabled endpoint has a reason: an endpoint enabled again keeps no stale one.
    disabled_reason: doc.disabled ? (doc.disabled_reason ?? null) : null,
    disabled_at: doc.disabled ? isoOrNull(doc.disabled_at ?? null) : null,
    failing_since: isoOrNull(doc.failing_since ?? null),
    ...(secret === undefined ? {} : { secret }),
  };
}

/**
 * An events-log entry: the stored snapshot through the same serializer as the object's own
 * endpoint, so `data.object` is what `GET` of that object answered at the time.
 */
export function toEventLogEntryJson(doc: DomainEventDoc, publicUrl: string): EventLogEntry {
  const base = { id: doc._id, object: 'event_log_entry' as const, created_at: iso(doc.created_at), livemode: doc.livemode, account: doc.account };
  const snapshot = doc.snapshot;
  // Each branch pairs a type with the object its snapshot holds; the cast says so to the union.
  switch (snapshot.kind) {
    case 'order':
      return { ...base, type: doc.type, data: { object: toOrderJson(snapshot.order, snapshot.tickets, publicUrl) } } as EventLogEntry;
    case 'ticket':
      return { ...base, type: doc.type, data: { object: toTicketJson(snapshot.ticket, publicUrl) } } as EventLogEntry;
    case 'checkin':
      return { ...base, type: doc.type, data: { object: toCheckinJson(snapshot.checkin, snapshot.ticket, publicUrl) } } as EventLogEntry;
    case 'event':
      return { ...base, type: doc.type, data: { object: toEventJson(snapshot.event) } } as EventLogEntry;
    case 'waiting_list_entry':
      // Offered, claimed and lapsed entries have left the line: no position.
      return { ...base, type: doc.type, data: { object: toWaitingListEntryJson(snapshot.entry, null) } } as EventLogEntry;
  }
}

/** An audit-log entry as the API shows it; the stored request fields are grouped under `request`. */
export function toAuditLogEntryJson(doc: AuditEntryDoc): AuditLogEntry {
  return {
    id: doc._id,
    object: 'audit_log_entry',
    created_at: iso(doc.created_at),
    livemode: doc.livemode,
    account: doc.account,
    action: doc.action,
    actor: { type: doc.actor.type, id: doc.actor.id, label: doc.actor.label },
    target: { type: doc.target.type, id: doc.target.id },
    changes: doc.changes,
    domain_event: doc.domain_event,
    request: { id: doc.request_id, ip: doc.ip, user_agent: doc.user_agent },
  };
}

/** Where Razorpay posts one account's webhooks: the URL to paste in its dashboard. */
export function accountWebhookUrl(publicUrl: string, account: string): string {
  return `${publicUrl}/v1/gateway/razorpay/webhook/${account}`;
}

/**
 * One mode's payment settings. Only the last four characters of each secret leave the server.
 */
export function toPaymentSettingsJson(input: { account: string; livemode: boolean; connected: GatewayConfigDoc | null; collector: Collector; publicUrl: string }): PaymentSettings {
  const { account, livemode, connected, collector, publicUrl } = input;
  return {
    object: 'payment_settings',
    livemode,
    collected_by: collector,
    razorpay: connected
      ? {
          key_id: connected.key_id,
          key_secret_last4: connected.key_secret_last4,
          webhook_secret_last4: connected.webhook_secret_last4,
          connected_at: iso(connected.created_at),
        }
      : null,
    webhook_url: accountWebhookUrl(publicUrl, account),
  };
}

/** An issued invoice, receipt or credit note as the API shows it; only numbered ones are shown. */
export function toInvoiceJson(doc: InvoiceDoc): Invoice {
  return {
    id: doc._id,
    object: 'invoice',
    kind: doc.kind,
    livemode: doc.livemode,
    number: doc.number ?? '',
    financial_year: doc.financial_year,
    issued_at: doc.issued_at.toISOString(),
    order: doc.order,
    event: doc.event,
    supplier: { ...doc.supplier },
    recipient: { ...doc.recipient },
    place_of_supply: doc.place_of_supply,
    lines: doc.lines.map((l) => ({ ...l })),
    taxable_value: doc.taxable_value,
    cgst: doc.cgst,
    sgst: doc.sgst,
    igst: doc.igst,
    total: doc.total,
    currency: doc.currency,
    against: doc.against ? { id: doc.against.id, number: doc.against.number, issued_at: doc.against.issued_at.toISOString() } : null,
    pdf_url: `/v1/invoices/${doc._id}/pdf`,
  };
}
