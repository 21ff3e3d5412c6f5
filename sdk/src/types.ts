/**
 * The wire contract of the Trendy Ticket Service API v1.
 *
 * These types describe JSON exactly as it travels: snake_case fields, ISO-8601 UTC
 * timestamps as strings, money as integer paise. The server imports them with
 * `import type` and checks its serializers against them, so the published contract
 * and the server cannot drift apart. Fields may be added, never renamed.
 */

/**
 * A GST rate in percent (docs/gst.md#rates); `TAX_RATES` lists them. Declared here, not taken
 * from `tax.ts`, so these wire types stand alone (the widget's package ships a copy of them).
 */
export type TaxRate = 0 | 5 | 12 | 18 | 28 | 40;

/** ISO-8601 timestamp in UTC, e.g. `2026-12-31T18:30:00.000Z`. */
export type Timestamp = string;

/** An amount of money in the smallest unit of the currency (paise for INR). */
export type Amount = number;

export type Currency = 'INR';

export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'OTP_INVALID'
  | 'OTP_EXPIRED'
  | 'PAYMENT_VERIFICATION_FAILED'
  | 'PAYLOAD_TOO_LARGE'
  | 'CONFLICT'
  | 'SOLD_OUT'
  | 'SALES_CLOSED'
  | 'PAYMENT_ACCOUNT_REQUIRED'
  | 'ORDER_NOT_PAYABLE'
  | 'HOLD_EXPIRED'
  | 'REFUND_FAILED'
  | 'IDEMPOTENCY_MISMATCH'
  | 'IDEMPOTENCY_IN_FLIGHT'
  | 'RATE_LIMITED'
  | 'UPSTREAM_UNAVAILABLE'
  | 'INTERNAL';

/** One problem with one request field. */
export interface FieldIssue {
  /** Dotted path into the request body or query, e.g. `ticket_types.0.price`. */
  field: string;
  message: string;
}

/** The body of every error response. */
/**
 * `details` of an `OTP_INVALID` error. `reason: 'locked'`: too many wrong codes, so even the
 * right code is refused until a new one is sent (`resend-code`); `wrong_code`: try again.
 */
export interface OtpInvalidDetails {
  attempts_left: number;
  reason: 'wrong_code' | 'locked';
}

/**
 * Why Razorpay did not refund: `insufficient_balance` (the account's balance is below the
 * refund; add funds and refund again), `too_old` (the payment is more than 6 months old: refund
 * the buyer another way), `not_found` (Razorpay does not know the payment), `invalid` and
 * `refused` (another refusal; `message` quotes Razorpay), `failed_at_gateway` (Razorpay took the
 * refund and later reported it failed).
 */
export type RefundFailureReason = 'insufficient_balance' | 'too_old' | 'not_found' | 'invalid' | 'refused' | 'failed_at_gateway';

/**
 * `details` of a `REFUND_FAILED` error (409 from `POST /v1/orders/{id}/refund`): the reason as
 * a code, and the order as it now stands: still `paid`, its tickets still valid, `refund.status`
 * `failed` with `refund.failure_reason`. The buyer was told nothing. A type rather than an
 * interface, so `err.details as RefundFailedDetails` compiles (interfaces have no index signature).
 */
export type RefundFailedDetails = {
  reason: RefundFailureReason;
  order: Order;
};

export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    request_id: string;
    details?: FieldIssue[] | Record<string, unknown>;
  };
}

/** A page of a list endpoint; pass `next_cursor` as `?cursor=` for the next page. */
export interface List<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

export interface ListParams {
  /** 1–100, default 20. */
  limit?: number;
  cursor?: string;
}

// ── Accounts and keys ─────────────────────────────────────────────────────

export type KeyKind = 'secret' | 'publishable';
export type KeyMode = 'test' | 'live';

export interface Account {
  id: string;
  object: 'account';
  created_at: Timestamp;
  email: string;
  name: string;
}

export interface CreateAccountParams {
  email: string;
  /** 10–200 characters. */
  password: string;
  name: string;
}

/** Returned once at sign-up: the only time the full keys are shown. */
/**
 * Where the money of one mode's orders goes (`GET /v1/account/payment_settings`):
 * `connected_account`, the organizer's own Razorpay account in `razorpay`; `test_gateway`, the
 * built-in test gateway (test mode without a connected account); `platform`, the installation's
 * Razorpay account (live mode, where the operator collects for organizers); `not_connected`,
 * live sales are refused with `PAYMENT_ACCOUNT_REQUIRED` until an account is connected.
 */
export type PaymentCollector = 'connected_account' | 'test_gateway' | 'platform' | 'not_connected';

/** The organizer's own Razorpay account for one mode. Secrets are never returned, only their last four characters. */
export interface ConnectedRazorpayAccount {
  /** `rzp_test_…` or `rzp_live_…`: public. */
  key_id: string;
  key_secret_last4: string;
  webhook_secret_last4: string;
  connected_at: string;
}

/** The payment settings of the key's account and mode. */
export interface PaymentSettings {
  object: 'payment_settings';
  livemode: boolean;
  collected_by: PaymentCollector;
  /** The connected Razorpay account, or null. */
  razorpay: ConnectedRazorpayAccount | null;
  /**
   * The URL to enter as the webhook in the Razorpay dashboard of the connected account, with
   * the same webhook secret: `payment.authorized`, `payment.captured`, `order.paid`,
   * `payment.failed`, `refund.processed`, `refund.failed`.
   */
  webhook_url: string;
}

/**
 * Body of `PUT /v1/account/payment_settings`: connects the organizer's own Razorpay account for
 * the key's mode (`rzp_test_` keys in test mode, `rzp_live_` in live mode). The keys are checked
 * with Razorpay before they are saved.
 */
export interface UpdatePaymentSettingsParams {
  gateway: 'razorpay';
  key_id: string;
  key_secret: string;
  webhook_secret: string;
}

export interface AccountCreated {
  account: Account;
  secret_key: string;
  publishable_key: string;
}

/**
 * Who the organizer is for GST (`GET/PUT /v1/account/tax_profile`): the supplier named on
 * tickets and invoices. Without a GSTIN (`gstin: null`) the organizer is not registered and
 * no GST is charged on their orders (docs/gst.md).
 */
export interface TaxProfile {
  object: 'tax_profile';
  legal_name: string;
  address: string;
  /** GST state code (`'27'` Maharashtra, `'29'` Karnataka, …): see `GST_STATES`. */
  state: string;
  /** 15 characters, beginning with `state`; null when not registered. */
  gstin: string | null;
  updated_at: Timestamp;
}

export interface UpdateTaxProfileParams {
  /** 1–200 characters. */
  legal_name: string;
  /** 1–500 characters. */
  address: string;
  state: string;
  /** A GSTIN whose check character matches and whose first two digits are `state`, or null for "not registered". */
  gstin: string | null;
}

export interface RollKeyParams {
  kind: KeyKind;
  /** Defaults to the mode of the key making the request. */
  mode?: KeyMode;
  /** The account password: needed to create keys of the other mode (e.g. live keys with a test key). */
  password?: string;
}

/** An API key as listed: never the full key, except in `secret` right after creation. */
export interface ApiKey {
  id: string;
  object: 'api_key';
  created_at: Timestamp;
  kind: KeyKind;
  mode: KeyMode;
  /** e.g. `sk_test_…Ab3d`. */
  display: string;
  /** The full key; present only in the response that created it. */
  secret?: string;
}

// ── Events ────────────────────────────────────────────────────────────────

export type EventStatus = 'draft' | 'published' | 'cancelled';

export interface TicketType {
  id: string;
  name: string;
  price: Amount;
  /** Seats of this type; null when the type only shares the event's capacity. */
  capacity: number | null;
  max_per_order: number;
  sold: number;
  held: number;
  /** What can still be bought: bounded by the type's and the event's remaining seats. */
  available: number;
  /** GST rate in percent, or null for none (docs/gst.md#rates). */
  tax_rate: TaxRate | null;
  /** Whether `price` already includes the tax (true) or the tax is added to it (false). */
  tax_inclusive: boolean;
  /** Services Accounting Code printed on invoices; default `9996`. */
  sac: string;
}

/**
 * The convenience fee of an event, per ticket: `percent_bp` hundredths of a percent of the
 * ticket's price plus `fixed` paise, with GST at `tax_rate` on top (docs/gst.md#the-convenience-fee).
 */
export interface ConvenienceFee {
  /** `buyer`: its own line on the order; `organizer`: absorbed, not charged to the buyer. */
  paid_by: 'buyer' | 'organizer';
  /** 0–10,000 (0–100 %). */
  percent_bp: number;
  fixed: Amount;
  /** Default 18. */
  tax_rate: TaxRate | null;
}

export interface OpenAmount {
  min: Amount;
  max: Amount;
}

export interface Event {
  id: string;
  object: 'event';
  created_at: Timestamp;
  livemode: boolean;
  name: string;
  description: string | null;
  venue: string | null;
  starts_at: Timestamp;
  ends_at: Timestamp;
  /** IANA zone the event happens in, e.g. `Asia/Kolkata`. */
  timezone: string;
  capacity: number;
  currency: Currency;
  status: EventStatus;
  ticket_types: TicketType[];
  sales_start_at: Timestamp | null;
  sales_end_at: Timestamp | null;
  valid_from: Timestamp | null;
  valid_until: Timestamp | null;
  allowed_origins: string[];
  open_amount: OpenAmount | null;
  require_email_verification: boolean;
  /** Minutes an unpaid order holds its seats. */
  hold_minutes: number;
  sold: number;
  held: number;
  available: number;
  /** GST state code of where the event is held: its place of supply (docs/gst.md). */
  venue_state: string | null;
  convenience_fee: ConvenienceFee | null;
}

export interface TicketTypeParams {
  /** Set to keep (and update) an existing type; omit to add a new one. */
  id?: string;
  name: string;
  price: Amount;
  capacity?: number | null;
  /** 1–50, default 10. */
  max_per_order?: number;
  /** Default null: no tax. */
  tax_rate?: TaxRate | null;
  /** Default true: the price includes the tax. */
  tax_inclusive?: boolean;
  /** Four to eight digits beginning 99; default `9996`. */
  sac?: string;
}

export interface ConvenienceFeeParams {
  paid_by: 'buyer' | 'organizer';
  percent_bp?: number;
  fixed?: Amount;
  tax_rate?: TaxRate | null;
}

export interface CreateEventParams {
  name: string;
  description?: string | null;
  venue?: string | null;
  starts_at: Timestamp;
  ends_at: Timestamp;
  timezone?: string;
  capacity: number;
  ticket_types: TicketTypeParams[];
  sales_start_at?: Timestamp | null;
  sales_end_at?: Timestamp | null;
  valid_from?: Timestamp | null;
  valid_until?: Timestamp | null;
  allowed_origins?: string[];
  open_amount?: OpenAmount | null;
  require_email_verification?: boolean;
  hold_minutes?: number;
  /** GST state code of the venue; needed when a ticket type has a tax rate. */
  venue_state?: string | null;
  /** Default null: no fee. */
  convenience_fee?: ConvenienceFeeParams | null;
  /** Default `published`. Cancel through the cancel endpoint. */
  status?: Exclude<EventStatus, 'cancelled'>;
}

export type UpdateEventParams = Partial<CreateEventParams>;

/** What a publishable key may read about an event. */
export interface PublicEvent {
  id: string;
  object: 'public_event';
  livemode: boolean;
  name: string;
  description: string | null;
  venue: string | null;
  starts_at: Timestamp;
  ends_at: Timestamp;
  timezone: string;
  currency: Currency;
  status: EventStatus;
  /** `held`: seats of the type held by unpaid orders, which come back if those buyers do not pay. */
  ticket_types: Array<Pick<TicketType, 'id' | 'name' | 'price' | 'max_per_order' | 'available' | 'held' | 'tax_rate' | 'tax_inclusive'>>;
  venue_state: string | null;
  /** The fee a buyer pays on top of each ticket, if any: absorbed fees are not shown. */
  convenience_fee: ConvenienceFee | null;
  available: number;
  /** Seats held by unpaid orders: not available now, but they come back if those buyers do not pay. */
  held: number;
  /** When the oldest hold runs out (its seats come back unless paid for); null when nothing is held. */
  holds_expire_at: Timestamp | null;
  sales_open: boolean;
  sales_start_at: Timestamp | null;
  sales_end_at: Timestamp | null;
  open_amount: OpenAmount | null;
  require_email_verification: boolean;
}

// ── Health ────────────────────────────────────────────────────────────────

export interface Health {
  status: 'ok';
}

export interface Readiness {
  status: 'ready' | 'unavailable';
  store: string;
}

// ── Orders ────────────────────────────────────────────────────────────────

export type OrderStatus = 'awaiting_verification' | 'awaiting_payment' | 'paid' | 'refunded' | 'expired' | 'cancelled';

export interface OrderItem {
  ticket_type: string;
  /** The ticket type's name when the order was placed. */
  name: string;
  quantity: number;
  unit_price: Amount;
}

export interface Buyer {
  name: string;
  email: string;
  phone: string | null;
}

/** How the buyer pays: what Razorpay Checkout (or the test gateway) needs. */
export interface OrderPayment {
  gateway: 'razorpay' | 'test' | 'external';
  /** The public key id to open Razorpay Checkout with; null for external payments. */
  key_id: string | null;
  gateway_order_id: string | null;
  gateway_payment_id: string | null;
  amount: Amount;
  currency: Currency;
}

/**
 * A refund of an order's payment. The order turns `refunded` only once the refund is
 * `processed`; while `pending` it stays `paid`, and a `failed` one leaves it `paid`.
 */
export interface OrderRefund {
  status: 'pending' | 'processed' | 'failed';
  amount: Amount;
  reason: string;
  /** Why the gateway refused or failed the refund; null unless `failed`. */
  failure_reason: string | null;
  requested_at: Timestamp;
  updated_at: Timestamp;
}

export interface Order {
  id: string;
  object: 'order';
  created_at: Timestamp;
  livemode: boolean;
  event: string;
  status: OrderStatus;
  items: OrderItem[];
  quantity: number;
  /** What the buyer is charged: `breakdown.total`. */
  amount: Amount;
  /** The tickets, the convenience fee and GST by kind, adding up to `amount` (docs/gst.md). */
  breakdown: OrderBreakdown;
  currency: Currency;
  buyer: Buyer;
  /** When an unpaid order releases its seats. */
  expires_at: Timestamp;
  /** Only in the response that created the order: the buyer's proof of ownership. */
  client_secret?: string;
  verification: { required: boolean; sent_to: string | null; attempts_left: number | null };
  payment: OrderPayment | null;
  /** The refund of the payment once one was asked for; null before. */
  refund: OrderRefund | null;
  /** The campaign the buyer came from, as the checkout sent it; null when it sent none. */
  tracking: OrderTracking | null;
  tickets: Ticket[];
}

/** Tax by kind, in paise: CGST and SGST (or UTGST) within a state, IGST across states. */
export interface OrderTaxAmounts {
  cgst: Amount;
  sgst: Amount;
  igst: Amount;
}

/** One ticket type's line: its value before tax and the tax on it. */
export interface OrderTaxLine extends OrderTaxAmounts {
  ticket_type: string;
  tax_rate: TaxRate | null;
  tax_inclusive: boolean;
  /** The SAC the line was taxed under; null when untaxed. */
  sac: string | null;
  taxable_value: Amount;
  /** taxable_value + tax: what the line costs the buyer. */
  total: Amount;
}

/** The convenience fee of an order; `paid_by: 'organizer'` is absorbed and not part of `total`. */
export interface OrderFeeLine extends OrderTaxAmounts {
  paid_by: 'buyer' | 'organizer';
  tax_rate: TaxRate | null;
  taxable_value: Amount;
  total: Amount;
}

/**
 * An order's figures. The lines' taxable values, the buyer's fee (`fees`) and the tax add up to
 * `total`, which is the order's `amount`.
 */
export interface OrderBreakdown extends OrderTaxAmounts {
  /** Null when no GST was charged (an unregistered organizer, or no tax rate). */
  supply: 'intra_state' | 'inter_state' | null;
  /** GST state code of the place of supply, the venue's; null when no GST was charged. */
  place_of_supply: string | null;
  lines: OrderTaxLine[];
  fee: OrderFeeLine | null;
  /** The tickets' taxable value plus the fee the buyer pays. */
  taxable_value: Amount;
  tax: Amount;
  /** The convenience fee the buyer pays, before its tax; 0 when none or absorbed. */
  fees: Amount;
  total: Amount;
}

/**
 * Where a buyer came from: the `utm_*` parameters of the page the checkout ran on (without
 * the `utm_` prefix), or what the partner set. Each value is 1–100 characters; stats count
 * sales per `campaign`.
 */
export interface OrderTracking {
  source?: string;
  medium?: string;
  campaign?: string;
  term?: string;
  content?: string;
}

export interface CreateOrderParams {
  event: string;
  /** Fixed-price tickets; or give `amount` for an open-amount event. */
  items?: Array<{ ticket_type: string; quantity: number }>;
  /** For open-amount events: what the buyer chooses to pay, in paise. */
  amount?: Amount;
  /** With `amount`: the ticket type to issue (default: the event's first). */
  ticket_type?: string;
  buyer: { name: string; email: string; phone?: string | null };
  /** The campaign the buyer came from (the page's `utm_*` parameters); stored on the order. */
  tracking?: OrderTracking;
}

export interface PayOrderParams {
  client_secret?: string;
  gateway_order_id: string;
  gateway_payment_id: string;
  signature: string;
}

// ── Tickets ───────────────────────────────────────────────────────────────

export type TicketStatus = 'valid' | 'checked_in' | 'voided';

export interface Ticket {
  id: string;
  object: 'ticket';
  created_at: Timestamp;
  livemode: boolean;
  event: string;
  order: string;
  ticket_type: string;
  ticket_type_name: string;
  holder: { name: string; email: string };
  status: TicketStatus;
  /** What the QR code carries: a signed code (see docs/tickets.md). */
  code: string;
  valid_from: Timestamp | null;
  valid_until: Timestamp | null;
  checked_in_at: Timestamp | null;
  /** The order's `tracking.campaign` when it was sold; null without one. */
  campaign: string | null;
  /** The ticket page. */
  url: string;
  pdf_url: string;
}

/** What anyone with a ticket id may see. */
export interface PublicTicket {
  id: string;
  object: 'public_ticket';
  event: { id: string; name: string; venue: string | null; starts_at: Timestamp; ends_at: Timestamp; timezone: string };
  ticket_type_name: string;
  holder_first_name: string;
  status: TicketStatus;
  valid_from: Timestamp | null;
  valid_until: Timestamp | null;
}

export interface IssueTicketsParams {
  event: string;
  ticket_type: string;
  /** 1–50, default 1. */
  quantity?: number;
  holder: { name: string; email: string };
  /** Your payment or booking reference, kept on the order. */
  external_reference?: string | null;
  /** Email the tickets to the holder (default true). */
  send_email?: boolean;
}

/** A simulated payment: on success, what Razorpay Checkout's handler would receive. */
export interface TestGatewayPayment {
  outcome: 'success' | 'failure';
  gateway_order_id: string;
  gateway_payment_id: string;
  /** On success: pass to `POST /v1/orders/{id}/pay` as `signature`. */
  signature: string | null;
  error: { code: string; description: string; reason: string } | null;
}

// ── Attendance ────────────────────────────────────────────────────────────

/**
 * An event's sales and door figures (`GET /v1/events/{id}/stats`). Counters are the
 * event's own (`sold + held + available = capacity`); revenue and check-ins count
 * tickets not voided. Days and hours are local to the event's `timezone`.
 */
/**
 * Tickets issued through `POST /v1/tickets`, which add ₹0 to revenue: `comps` were issued
 * without an `external_reference` (complimentary), `paid_elsewhere` with one (a payment you
 * took yourself). `total` is their sum.
 */
export interface IssuedTicketCounts {
  total: number;
  comps: number;
  paid_elsewhere: number;
}

export interface EventStats {
  object: 'event_stats';
  event: string;
  livemode: boolean;
  /** The IANA time zone `sales_by_day` and `checkins_by_hour` are bucketed in. */
  timezone: string;
  currency: Currency;
  /** When these figures were computed. */
  generated_at: Timestamp;
  capacity: number;
  sold: number;
  held: number;
  available: number;
  /**
   * What buyers paid through checkout, in paise: the prices of tickets not voided. Tickets
   * issued through `POST /v1/tickets` add nothing here; `issued` counts them.
   */
  revenue: Amount;
  /** What buyers paid for those tickets: prices, tax added to exclusive prices, fees they paid (docs/gst.md). */
  gross: Amount;
  /** GST in `gross`. */
  tax: Amount;
  /** Convenience fees: before their tax when buyers paid them, with it when the organizer absorbed them. */
  fees: Amount;
  /** `gross − tax − fees`: what the organizer keeps. */
  net: Amount;
  /** Tickets (not voided) issued through `POST /v1/tickets` instead of sold through checkout. */
  issued: IssuedTicketCounts;
  checked_in: number;
  /** Valid tickets not yet scanned: the no-shows once the doors close. */
  not_checked_in: number;
  /** checked_in / (checked_in + not_checked_in), rounded to 4 decimals; 0 without tickets. */
  attendance_rate: number;
  by_ticket_type: Array<{
    ticket_type: string;
    name: string;
    price: Amount;
    /** null: the type shares the event's capacity. */
    capacity: number | null;
    sold: number;
    held: number;
    available: number;
    revenue: Amount;
    checked_in: number;
  }>;
  /** Tickets (not voided) by the local day they were issued, oldest first; days without sales are left out. */
  sales_by_day: Array<{ date: string; tickets: number; revenue: Amount }>;
  /** Check-ins by local hour (`YYYY-MM-DDTHH:00`), oldest first; hours without check-ins are left out. */
  checkins_by_hour: Array<{ hour: string; checkins: number }>;
  /**
   * Tickets (not voided) and their revenue by the `tracking.campaign` of the order that bought
   * them, most tickets first; tickets sold without a campaign are left out.
   */
  by_campaign: Array<{ campaign: string; tickets: number; revenue: Amount }>;
}

// ── Check-in ──────────────────────────────────────────────────────────────

export type CheckinReason = 'already_checked_in' | 'invalid_code' | 'not_found' | 'wrong_event' | 'not_yet_valid' | 'expired' | 'voided' | 'event_cancelled';

/** One scan at the door. Both outcomes are HTTP 200: read `result`. */
export interface Checkin {
  id: string;
  object: 'checkin';
  created_at: Timestamp;
  livemode: boolean;
  result: 'accepted' | 'rejected';
  reason: CheckinReason | null;
  /** The scanned ticket, when the code named one of this account's tickets. */
  ticket: Ticket | null;
  event: string | null;
  at: Timestamp;
  by: string;
  /** For `already_checked_in`: the admission that used the ticket. */
  first_checkin: { at: Timestamp; by: string | null } | null;
  nonce: string | null;
  undone_at: Timestamp | null;
}

export interface CreateCheckinParams {
  /** The QR content (`TTS1.…`) or a typed ticket id (`tkt_…`). */
  code: string;
  /** The event this door admits to. */
  event?: string;
  /** The scanner's own id for this scan; sending it again returns the first answer. */
  nonce?: string;
  /** Who or what scanned, e.g. `Gate 2`. */
  by?: string;
}

/** What an offline scanner needs to check ticket codes without the server. */
export interface VerificationKey {
  object: 'verification_key';
  event: string;
  algorithm: 'Ed25519';
  /** The raw 32-byte public key, base64url. */
  public_key: string;
  jwk: { kty: 'OKP'; crv: 'Ed25519'; x: string };
  /** `TTS1.<ticket id>.<event id>.<signature>`; the signature covers the text before the last dot. */
  code_format: string;
}

// ── Webhooks ──────────────────────────────────────────────────────────────

/** Every event type a webhook endpoint can subscribe to (docs/webhooks.md#event-types): every type of the events log. */
export type WebhookEventType = EventLogType;

/**
 * One thing that happened, as webhooks deliver it: the events-log entry itself, exactly as
 * `GET /v1/events_log/{id}` answers it, so a missed delivery can be read back from the log.
 * `data.object` is a snapshot of the object when it happened. Narrow on `type`.
 *
 * @example
 * if (event.type === 'order.paid') console.log(event.data.object.amount);
 */
export type WebhookEvent = EventLogEntry;

/** Where the service POSTs events (secret key only). */
export interface WebhookEndpoint {
  /** `we_…` */
  id: string;
  object: 'webhook_endpoint';
  created_at: Timestamp;
  livemode: boolean;
  url: string;
  /** The event types sent to it; `['*']` for all of them, including types added later. */
  enabled_events: Array<WebhookEventType | '*'>;
  description: string | null;
  /** A disabled endpoint receives nothing. */
  disabled: boolean;
  /** Why it is disabled: by the organizer, or automatically after failing for 3 days; null while enabled. */
  disabled_reason: 'organizer' | 'failing' | null;
  /** When it was last disabled; null while enabled. */
  disabled_at: Timestamp | null;
  /** Since when every delivery attempt has failed; null after a success, or before any attempt. */
  failing_since: Timestamp | null;
  /** `whsec_…`: only in the answer that created it or rolled its secret. */
  secret?: string;
}

export interface CreateWebhookEndpointParams {
  /** `https://` in live mode; test mode also takes `http://` and loopback addresses. */
  url: string;
  enabled_events: Array<WebhookEventType | '*'>;
  description?: string;
  disabled?: boolean;
}

export interface UpdateWebhookEndpointParams {
  url?: string;
  enabled_events?: Array<WebhookEventType | '*'>;
  /** `null` clears it. */
  description?: string | null;
  disabled?: boolean;
}

export interface DeletedWebhookEndpoint {
  id: string;
  object: 'webhook_endpoint';
  deleted: true;
}

// ── SDK request parameters (added for the client; the wire shapes above are unchanged) ──

/** `client_secret` proves a publishable-key caller is the order's buyer; omit it with a secret key. */
export interface ClientSecretParams {
  client_secret?: string;
}

export interface VerifyOrderParams extends ClientSecretParams {
  /** The 6-digit code mailed to the buyer. */
  code: string;
}

/** Filters for `GET /v1/events/{id}/attendees` and its CSV export. */
export interface AttendeesFilter {
  /** `true`: only admitted; `false`: only not yet admitted. */
  checked_in?: boolean;
  /** Search in holder name, email and ticket id. */
  q?: string;
}

export interface AttendeesListParams extends AttendeesFilter, ListParams {}

export interface TestGatewayPayParams {
  gateway_order_id: string;
  /** Default `success`. */
  outcome?: 'success' | 'failure';
}

// ── Events log ────────────────────────────────────────────────────────────

/** Every type of entry in the events log, by the object it is about. */
export interface EventLogObjects {
  'order.created': Order;
  'order.verified': Order;
  'order.paid': Order;
  'order.expired': Order;
  'order.cancelled': Order;
  'order.refunded': Order;
  'ticket.issued': Ticket;
  'ticket.voided': Ticket;
  'checkin.created': Checkin;
  'checkin.deleted': Checkin;
  'event.created': Event;
  'event.updated': Event;
  'event.cancelled': Event;
}

export type EventLogType = keyof EventLogObjects;

/**
 * One thing that happened to an account's order, ticket, scan or event (`ev_…`), with the
 * object as it was then in `data.object`. Narrow on `type`:
 * `if (entry.type === 'order.paid') entry.data.object.amount`.
 */
export type EventLogEntry = {
  [T in EventLogType]: {
    id: string;
    object: 'event_log_entry';
    type: T;
    created_at: Timestamp;
    livemode: boolean;
    account: string;
    data: { object: EventLogObjects[T] };
  };
}[EventLogType];

export interface EventLogListParams extends ListParams {
  type?: EventLogType;
  /** An object's id (`ord_…`, `tkt_…`, `chk_…`, `evt_…`): only the entries about it. */
  object?: string;
}

// ── Audit log ─────────────────────────────────────────────────────────────

/** Every action the audit log records (docs/audit-log.md says when). */
export type AuditAction =
  | 'event.created'
  | 'event.updated'
  | 'event.cancelled'
  | 'order.refund_requested'
  | 'ticket.voided'
  | 'checkin.undone'
  | 'api_key.created'
  | 'api_key.rolled'
  | 'api_key.revoked'
  | 'webhook_endpoint.created'
  | 'webhook_endpoint.updated'
  | 'webhook_endpoint.deleted'
  | 'webhook_endpoint.secret_rolled'
  | 'account.created'
  | 'session.signed_in'
  | 'session.sign_in_failed'
  | 'session.signed_out';

/** Who acted: a person signed in to the console (their team member id `mem_…`, their email) or an API key (`key_…`, its masked prefix). */
export interface AuditActor {
  type: 'user' | 'api_key';
  id: string;
  label: string;
}

/** What an action was done to. */
export interface AuditTarget {
  type: 'event' | 'order' | 'ticket' | 'checkin' | 'api_key' | 'webhook_endpoint' | 'account';
  id: string;
}

/**
 * One change to the account (`aud_…`): who made it, when, from where, and the fields it changed
 * (`before` is `null` for a created object, `after` for a deleted one). Secrets never appear.
 * `domain_event` names the events-log entry of the same change (`ev_…`), where there is one.
 */
export interface AuditLogEntry {
  id: string;
  object: 'audit_log_entry';
  created_at: Timestamp;
  livemode: boolean;
  account: string;
  action: AuditAction;
  actor: AuditActor;
  target: AuditTarget;
  /** The fields changed, each as JSON (timestamps as ISO-8601 strings). */
  changes: Record<string, { before: unknown; after: unknown }>;
  domain_event: string | null;
  request: { id: string; ip: string; user_agent: string | null };
}

export interface AuditLogListParams extends ListParams {
  action?: AuditAction;
  /** An actor's id (`mem_…` or `key_…`): only what they did. */
  actor?: string;
  /** An object's id: only the actions on it. */
  target?: string;
  /** Only entries at or after this time. */
  created_gte?: Timestamp;
  /** Only entries before this time. */
  created_lt?: Timestamp;
}
