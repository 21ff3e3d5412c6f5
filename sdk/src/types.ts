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
  | 'PROMO_CODE_INVALID'
  | 'WAITING_LIST_CLOSED'
  | 'SEATS_AVAILABLE'
  | 'ALREADY_WAITING'
  | 'REFUND_FAILED'
  | 'REFUND_EXCEEDS_REMAINING'
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

/**
 * `details` of a `REFUND_EXCEEDS_REMAINING` error (409 from `POST /v1/orders/{id}/refund`): the
 * paise asked for and the paise that may still be refunded (pending refunds count as refunded).
 */
export type RefundExceedsRemainingDetails = {
  requested: Amount;
  remaining: Amount;
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
/** A listed key's kind: a restricted key (`rk_…`) is a secret key limited to chosen permissions (docs/teams.md). */
export type ApiKeyKind = KeyKind | 'restricted';
export type KeyMode = 'test' | 'live';

/** What a restricted key or a team role may do (docs/teams.md). */
export type KeyPermission =
  | 'events:read'
  | 'events:write'
  | 'orders:read'
  | 'orders:write'
  | 'orders:refund'
  | 'attendees:read'
  | 'checkins:write'
  | 'reports:read'
  | 'events_log:read'
  | 'keys:manage'
  | 'webhooks:manage'
  | 'team:manage'
  | 'team:owners'
  | 'payments:manage';

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

/** What a document is: a registered organizer's tax invoice, an unregistered one's receipt, or a credit note for a refund. */
export type InvoiceKind = 'tax_invoice' | 'receipt' | 'credit_note';

/** One line of an invoice: one ticket type's tickets, or the convenience fee. Amounts in paise. */
export interface InvoiceLine {
  description: string;
  /** Services Accounting Code; null on a line without tax. */
  sac: string | null;
  quantity: number;
  /** The GST rate in percent (intra-state, half of it each as CGST and SGST); null without tax. */
  tax_rate: number | null;
  taxable_value: Amount;
  cgst: Amount;
  sgst: Amount;
  igst: Amount;
  total: Amount;
}

/**
 * A tax invoice, receipt or credit note (`GET /v1/invoices`), issued when an order is paid or
 * a refund of it is processed; `GET /v1/invoices/{id}.pdf` is the printable document
 * (docs/gst.md#invoices-and-credit-notes).
 */
export interface Invoice {
  /** `inv_…` (an order's invoice or receipt) or `cn_…` (a refund's credit note). */
  id: string;
  object: 'invoice';
  kind: InvoiceKind;
  livemode: boolean;
  /** `INV/2627/000001`: the series, the financial year and the serial number; at most 16 characters. */
  number: string;
  /** `2026-27`: April to March, India time. */
  financial_year: string;
  issued_at: Timestamp;
  order: string;
  event: string;
  supplier: { name: string; address: string | null; state: string | null; gstin: string | null };
  recipient: { name: string; email: string; company: string | null; address: string | null; gstin: string | null };
  /** GST state code of the place of supply (the venue's state); null without tax. */
  place_of_supply: string | null;
  lines: InvoiceLine[];
  taxable_value: Amount;
  cgst: Amount;
  sgst: Amount;
  igst: Amount;
  total: Amount;
  currency: 'INR';
  /** A credit note's invoice: its id, number and date. */
  against: { id: string; number: string; issued_at: Timestamp } | null;
  /** The hosted PDF's path on the API (`/v1/invoices/{id}.pdf`). */
  pdf_url: string;
}

/** `GET /v1/invoices`: newest first, optionally one order's. */
export interface InvoiceListParams extends ListParams {
  /** Only the documents of this order (`ord_…`). */
  order?: string;
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
  kind: ApiKeyKind;
  mode: KeyMode;
  /** e.g. `sk_test_…Ab3d`, or `rk_test_…Ab3d` for a restricted key. */
  display: string;
  /** A restricted key's name ("Door scanners"); null for a full key. */
  name: string | null;
  /** What a restricted key may do; null for a full key (everything its kind allows). */
  permissions: KeyPermission[] | null;
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
  /** Left out of the public event, and not sold, unless a promo code that `unlocks` it is given. */
  hidden: boolean;
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
  /** What checkout asks of each ticket's attendee (docs/attendee-details.md). */
  attendee_details: AttendeeDetails;
  /** What cancelling does for the buyers and how far it got; null unless the event was cancelled with refunds or notices. */
  cancellation: EventCancellation | null;
  /** Whether buyers may join a sold-out type's waiting list, and how long an offer holds its seats (docs/waiting-list.md). */
  waiting_list: WaitingListSettings;
}

/** An event's waiting list: on or off, and the hours an offer holds the seats it offers. */
export interface WaitingListSettings {
  enabled: boolean;
  /** Whole hours, 1–168; default 24. */
  offer_hours: number;
}

/** What an event create or update may say about its waiting list; what is left out keeps its value (default off, 24 hours). */
export interface WaitingListSettingsParams {
  enabled?: boolean;
  offer_hours?: number;
}

/**
 * The run that refunds or tells a cancelled event's buyers. Orders are refunded by a queue in
 * the background: read the event again for progress.
 */
export interface EventCancellation {
  /** Whether every paid order is refunded in full. */
  refund_orders: boolean;
  /** Whether every buyer gets one cancellation notice by email. */
  notify_buyers: boolean;
  /** The organizer's words in the notice, or null. */
  reason: string | null;
  started_at: Timestamp;
  /** Paid orders the run refunds (counted as the run reads them; 0 without `refund_orders`). */
  orders_total: number;
  orders_refunded: number;
  /** Orders whose latest refund attempt failed; each is retried with backoff, then waits for a retry by hand. */
  orders_failed: number;
  /** When every order was done with; null while the run goes on or has orders that gave up. */
  finished_at: Timestamp | null;
}

/**
 * What cancelling an event does for its buyers. Defaults: no refunds, a notice to every buyer.
 * A type rather than an interface, like the other bodies' checks need.
 */
export type CancelEventParams = {
  /** Refund every paid order in full (then each buyer's notice names the refund). */
  refund_orders?: boolean;
  notify_buyers?: boolean;
  /** Shown to buyers in the notice (up to 500 characters). */
  reason?: string;
};

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
  /** Sold only with a promo code that unlocks it (default false). */
  hidden?: boolean;
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
  /** Default `none`: tickets are held by the buyer. */
  attendee_details?: AttendeeDetails;
  /** Default off, 24-hour offers (docs/waiting-list.md). */
  waiting_list?: WaitingListSettingsParams;
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
  /** What checkout asks of each ticket's attendee: `name` and `name_email` make a name per ticket required. */
  attendee_details: AttendeeDetails;
  /** The questions checkout asks, by `position` (docs/attendee-details.md). */
  questions: PublicQuestion[];
  /** The promo code sent as `?promo_code=`, as buyers may see it; null when none was sent. */
  promo: PublicPromo | null;
  /** Whether buyers may join the waiting list of a sold-out type (`POST /v1/waiting_list_entries`). */
  waiting_list: boolean;
}

// ── Attendee details and questions ────────────────────────────────────────

/** `none`: tickets are held by the buyer; `name`: a name per ticket; `name_email`: a name and an optional email per ticket. */
export type AttendeeDetails = 'none' | 'name' | 'name_email';

/** How a question is answered: the value an answer must be is in {@link AnswerValue}. */
export type QuestionKind = 'text' | 'long_text' | 'number' | 'choice' | 'multiple_choice' | 'checkbox' | 'date' | 'phone';

/**
 * An answer: a string for `text` (≤ 500), `long_text` (≤ 5000), `choice` (one of the options),
 * `date` (`YYYY-MM-DD`) and `phone` (as the buyer's phone); a finite number for `number`; a
 * boolean for `checkbox`; a list of options for `multiple_choice`.
 */
export type AnswerValue = string | number | boolean | string[];

/** A question checkout asks: once per order (`scope: 'order'`) or of each ticket's attendee (`scope: 'ticket'`). */
export interface Question {
  /** `q_…`. */
  id: string;
  object: 'question';
  created_at: Timestamp;
  event: string;
  /** 1–200 characters. */
  label: string;
  kind: QuestionKind;
  /** The choices of `choice` and `multiple_choice` (1–50, each 1–100 characters); empty for other kinds. */
  options: string[];
  required: boolean;
  scope: 'order' | 'ticket';
  /** Ticket-scope only: the ticket types whose attendees are asked; null for every type. */
  ticket_types: string[] | null;
  /** Lower first. */
  position: number;
}

/** A question as checkout sees it. */
export type PublicQuestion = Pick<Question, 'id' | 'label' | 'kind' | 'options' | 'required' | 'scope' | 'ticket_types' | 'position'>;

export interface CreateQuestionParams {
  label: string;
  kind: QuestionKind;
  /** Required for `choice` and `multiple_choice`, refused for other kinds. */
  options?: string[];
  /** Default false. */
  required?: boolean;
  /** Default `order`. */
  scope?: 'order' | 'ticket';
  /** Ticket scope only; default null (every type). */
  ticket_types?: string[] | null;
  /** Default: after the last question. */
  position?: number;
}

export type UpdateQuestionParams = Partial<CreateQuestionParams>;

export interface DeletedQuestion {
  id: string;
  object: 'question';
  deleted: true;
}

/** One ticket's attendee in `CreateOrderParams.attendees`. */
export interface AttendeeParams {
  /** The ticket type of this ticket: attendees follow `items`, each item's tickets together. */
  ticket_type: string;
  /** 1–200 characters; required when the event's `attendee_details` is `name` or `name_email`. */
  name?: string;
  /** Where this ticket is mailed too; only when `attendee_details` is `name_email`. */
  email?: string;
  /** Answers to ticket-scope questions, by question id. */
  answers?: Record<string, AnswerValue>;
}

// ── Promo codes ───────────────────────────────────────────────────────────

/** How a promo code takes money off: `percent` of each discounted ticket, or `fixed` paise off each. */
export type PromoKind = 'percent' | 'fixed';

/** What `GET /v1/public/events/{id}` takes. */
export interface PublicEventParams {
  /** A promo code (any case): the answer then includes the hidden types it unlocks, and `promo` (422 `PROMO_CODE_INVALID` when unusable). */
  promo_code?: string;
}

/** A promo code as a buyer may see it on the public event. */
export interface PublicPromo {
  /** As the organizer wrote it (codes match whatever the case typed). */
  code: string;
  kind: PromoKind;
  /** Percent 1–100 for `percent`; paise off each ticket for `fixed`. */
  value: number;
  /** Ticket type ids it discounts; null for every type. */
  ticket_types: string[] | null;
}

/**
 * A promo code of one event (`pc_…`, docs/promo-codes.md): a discount on some or all ticket
 * types, and the hidden types it makes visible and sellable.
 */
export interface PromoCode {
  id: string;
  object: 'promo_code';
  event: string;
  livemode: boolean;
  /** 1–40 letters, digits, `-` and `_`; matched whatever the case, unique per event whatever the case. */
  code: string;
  kind: PromoKind;
  /** Percent 1–100 (whole) for `percent`; paise off each ticket (at least 100) for `fixed`. */
  value: number;
  /** Ticket type ids it discounts; null for every type. */
  ticket_types: string[] | null;
  /** Hidden ticket type ids it makes visible and sellable. */
  unlocks: string[];
  /** Orders that may use it; null for no limit. */
  max_uses: number | null;
  /** Tickets discounted in one order; null for all of them. */
  max_per_order: number | null;
  starts_at: Timestamp | null;
  ends_at: Timestamp | null;
  active: boolean;
  /** Orders holding a redemption: unpaid ones still holding seats, and paid ones not fully refunded. */
  uses: number;
  created_at: Timestamp;
}

export interface CreatePromoCodeParams {
  code: string;
  kind: PromoKind;
  value: number;
  ticket_types?: string[] | null;
  unlocks?: string[];
  max_uses?: number | null;
  max_per_order?: number | null;
  starts_at?: Timestamp | null;
  ends_at?: Timestamp | null;
  /** Default true. */
  active?: boolean;
}

export type UpdatePromoCodeParams = Partial<CreatePromoCodeParams>;

export interface DeletedPromoCode {
  id: string;
  object: 'promo_code';
  deleted: true;
}

/** Why a promo code cannot be used now. */
export type PromoCodeInvalidReason = 'unknown' | 'not_started' | 'expired' | 'used_up' | 'inactive';

/** `details` of a `PROMO_CODE_INVALID` error (422). */
export interface PromoCodeInvalidDetails {
  reason: PromoCodeInvalidReason;
}

/** The discount an order carries: its code and the paise taken off before tax. */
export interface OrderDiscount {
  code: string;
  amount: Amount;
}

// ── Waiting list ──────────────────────────────────────────────────────────

/**
 * `awaiting_verification`: the email code is not confirmed yet; `waiting`: in line; `offered`:
 * seats are held for the entry until `offer_expires_at` (the claim link was mailed); `claimed`:
 * its order exists (`order`); `lapsed`: the offer ran out unclaimed; `removed`: the organizer
 * took it off the list.
 */
export type WaitingListEntryStatus = 'awaiting_verification' | 'waiting' | 'offered' | 'claimed' | 'lapsed' | 'removed';

/** A buyer in line for a sold-out ticket type (`wle_…`, docs/waiting-list.md). */
export interface WaitingListEntry {
  id: string;
  object: 'waiting_list_entry';
  livemode: boolean;
  event: string;
  ticket_type: string;
  quantity: number;
  name: string;
  email: string;
  status: WaitingListEntryStatus;
  /** 1-based place among the type's waiting entries; null unless `waiting`. */
  position: number | null;
  /** Until when the offered seats are held; null unless offered (or lapsed, when it ran out). */
  offer_expires_at: Timestamp | null;
  /** The order made by claiming the offer; null before. */
  order: string | null;
  created_at: Timestamp;
  /** Shown only when the entry is created: the buyer's page sends it to verify, resend and read the entry. */
  client_secret?: string;
}

/** What a buyer sends to join a sold-out type's waiting list (publishable key). */
export interface CreateWaitingListEntryParams {
  event: string;
  ticket_type: string;
  /** 1 to the type's `max_per_order`. */
  quantity: number;
  name: string;
  email: string;
}

export interface VerifyWaitingListEntryParams {
  /** The 6-digit code mailed to the entry's email. */
  code: string;
  /** Required with a publishable key. */
  client_secret?: string;
}

export interface ResendWaitingListCodeParams {
  /** Required with a publishable key. */
  client_secret?: string;
}

/** What `GET /v1/waiting_list_entries/{id}` takes. */
export interface RetrieveWaitingListEntryParams {
  /** Required with a publishable key. */
  client_secret?: string;
}

/** What `GET /v1/events/{id}/waiting_list_entries` takes: entries in line order. */
export interface WaitingListEntryListParams extends ListParams {
  status?: WaitingListEntryStatus;
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

/**
 * `partially_refunded`: paid, and some of the money given back (by amount or by tickets); the
 * tickets not refunded still admit. `refunded`: all of it given back, every ticket voided.
 */
export type OrderStatus = 'awaiting_verification' | 'awaiting_payment' | 'paid' | 'partially_refunded' | 'refunded' | 'expired' | 'cancelled';

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
 * Who made a refund: your code through the API, a person in the console, a cancelled event's
 * refund run, the service itself (a payment that arrived after its seats were sold), or a person
 * in the payment gateway's own dashboard.
 */
export type RefundSource = 'api' | 'console' | 'cancellation' | 'automatic' | 'dashboard';

/**
 * A refund of an order's payment. The order turns `partially_refunded` or `refunded` only once
 * the refund is `processed`; while `pending` it keeps its state, and a `failed` one leaves it so.
 */
export interface OrderRefund {
  status: 'pending' | 'processed' | 'failed';
  amount: Amount;
  reason: string;
  /** Who made it; null for a refund an organizer asked for before sources were kept (API or console). */
  source: RefundSource | null;
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
  /** The refund of the payment changed last, once one was asked for; null before. */
  refund: OrderRefund | null;
  /** Every refund asked for, oldest first (partial refunds make several). */
  refunds: OrderRefundRecord[];
  /** Paise refunded or being refunded (pending refunds included, failed ones not): at most `amount`. */
  refunded_amount: Amount;
  /** The campaign the buyer came from, as the checkout sent it; null when it sent none. */
  tracking: OrderTracking | null;
  /** Answers to the event's order-scope questions, by question id (docs/attendee-details.md). */
  answers: Record<string, AnswerValue>;
  /** Who the invoice is made out to, as the order was created with it; null when it was not. */
  billing: OrderBilling | null;
  /** The promo code the order used and the paise it took off before tax; null without one. */
  discount: OrderDiscount | null;
  tickets: Ticket[];
}

/** A buyer's invoice details as the order keeps them: trimmed, the GSTIN upper-case, an empty field null. */
export interface OrderBilling {
  company: string | null;
  address: string | null;
  gstin: string | null;
}

/** One refund of an order, as `refunds` lists it. */
export interface OrderRefundRecord extends OrderRefund {
  /** `rf_…`. */
  id: string;
  /** The tickets it refunds (voided once it is processed); empty for a refund of an amount. */
  tickets: string[];
}

/**
 * The body of `POST /v1/orders/{id}/refund`: an `amount` in paise, or the `tickets` to refund
 * (their share of what was paid; they are voided and their seats freed), never both. Neither
 * refunds what remains. A type rather than an interface, like the other bodies' checks need.
 */
export type RefundOrderParams = {
  amount?: Amount;
  tickets?: string[];
};

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
  /** Paise a promo code took off the line, before tax (0 without one): `taxable_value` is after it. */
  discount: Amount;
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
  /** Who the invoice is made out to, when the buyer wants a GST invoice for a business (each field optional). */
  billing?: OrderBillingParams | null;
  /** One per ticket, in the order of `items` (docs/attendee-details.md). */
  attendees?: AttendeeParams[];
  /** Answers to the event's order-scope questions, by question id. */
  answers?: Record<string, AnswerValue>;
  /** One promo code (any case): its discount, and the hidden types it unlocks (422 `PROMO_CODE_INVALID` when unusable). */
  promo_code?: string;
}

/** A buyer's invoice details: printed on the tax invoice's "billed to" (docs/gst.md#invoices-and-credit-notes). */
export interface OrderBillingParams {
  /** 1–200 characters. */
  company?: string | null;
  /** 1–500 characters. */
  address?: string | null;
  /** The buyer's GSTIN; its check character must match (400 `VALIDATION_FAILED` on `billing.gstin` otherwise). */
  gstin?: string | null;
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
  /** Its attendee's answers to ticket-scope questions, by question id. */
  answers: Record<string, AnswerValue>;
  /** The promo code of the order that bought it; null without one. */
  promo_code: string | null;
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
   * The event's named check-in lists, oldest first, from their counters: tickets admitted on
   * each, and on a re-entry list who is inside now (null on the others). The default list's
   * admissions are `checked_in`.
   */
  checkin_lists: Array<{ list: string; name: string; reentry: boolean; admitted: number; inside: number | null }>;
  /**
   * Tickets (not voided) and their revenue by the `tracking.campaign` of the order that bought
   * them, most tickets first; tickets sold without a campaign are left out.
   */
  by_campaign: Array<{ campaign: string; tickets: number; revenue: Amount }>;
}

// ── Check-in ──────────────────────────────────────────────────────────────

/**
 * Why a scan was refused. `not_on_list` and `outside_list_window` come from a named check-in
 * list: the ticket's type is not one the list admits, or the list is not open at the scan's time.
 */
export type CheckinReason =
  | 'already_checked_in'
  | 'invalid_code'
  | 'not_found'
  | 'wrong_event'
  | 'not_yet_valid'
  | 'expired'
  | 'voided'
  | 'event_cancelled'
  | 'not_on_list'
  | 'outside_list_window';

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
  /** The named check-in list scanned on (`chl_…`); absent for the event's default list. */
  list?: string;
  /** On a list with re-entry: whether this accepted scan let the holder `in` or `out`. */
  direction?: 'in' | 'out';
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
  /** The check-in list this door admits to (`chl_…`); absent or `default` for the event's default list. */
  list?: string;
}

/** When a check-in list admits: either end may be open. */
export interface CheckinListWindow {
  opens_at: Timestamp | null;
  closes_at: Timestamp | null;
}

/**
 * One of an event's check-in lists (a door: main entrance, VIP lounge, day 2). A ticket admits
 * once per list; a list with `reentry` lets holders out and in again, scans alternating.
 * Every event has the list `default` (the ticket's own admission), which cannot be changed.
 */
export interface CheckinList {
  /** `chl_…`, or `default`. */
  id: string;
  object: 'checkin_list';
  event: string;
  name: string;
  /** True for the event's default list. */
  default: boolean;
  /** Ticket type ids it admits; null for all. */
  ticket_types: string[] | null;
  /** When it admits; null for always. */
  window: CheckinListWindow | null;
  reentry: boolean;
  /** Tickets admitted at least once. */
  admitted: number;
  /** Tickets inside now (equal to `admitted` without re-entry). */
  inside: number;
  created_at: Timestamp;
}

export interface CreateCheckinListParams {
  name: string;
  /** Ticket type ids it admits; absent or null for all. */
  ticket_types?: string[] | null;
  window?: { opens_at?: Timestamp | null; closes_at?: Timestamp | null } | null;
  /** Let holders leave and come back (default false). */
  reentry?: boolean;
}

export interface UpdateCheckinListParams {
  name?: string;
  ticket_types?: string[] | null;
  window?: { opens_at?: Timestamp | null; closes_at?: Timestamp | null } | null;
  reentry?: boolean;
}

export interface DeletedCheckinList {
  id: string;
  object: 'checkin_list';
  deleted: true;
}

/** A ticket's state on a named check-in list: admitted once, inside now or not. */
export interface CheckinPass {
  object: 'checkin_pass';
  list: string;
  ticket: string;
  inside: boolean;
  /** Moves out and in after the first admission. */
  moves: number;
  first_at: Timestamp;
  first_by: string;
  last_at: Timestamp;
}

export interface CheckinLogParams extends ListParams {
  /** Only scans on this check-in list; `default` for scans that named none. */
  list?: string;
}

export interface CheckinPassListParams extends ListParams {
  /** Only holders inside now (`true`) or outside (`false`). */
  inside?: boolean;
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
  'order.partially_refunded': Order;
  'order.refunded': Order;
  'ticket.issued': Ticket;
  'ticket.voided': Ticket;
  'checkin.created': Checkin;
  'checkin.deleted': Checkin;
  'event.created': Event;
  'event.updated': Event;
  'event.cancelled': Event;
  'waiting_list_entry.offered': WaitingListEntry;
  'waiting_list_entry.claimed': WaitingListEntry;
  'waiting_list_entry.lapsed': WaitingListEntry;
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
  | 'order.cancelled'
  | 'ticket.issued'
  | 'ticket.voided'
  | 'ticket.email_resent'
  | 'checkin.undone'
  | 'checkin_list.created'
  | 'checkin_list.updated'
  | 'checkin_list.deleted'
  | 'question.created'
  | 'question.updated'
  | 'question.deleted'
  | 'promo_code.created'
  | 'promo_code.updated'
  | 'promo_code.deleted'
  | 'waiting_list_entry.removed'
  | 'door_device.signed_in'
  | 'door_device.revoked'
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
  | 'session.signed_out'
  | 'checkin.admitted'
  | 'team.invitation_sent'
  | 'team.invitation_accepted'
  | 'team.invitation_revoked'
  | 'team.member_role_changed'
  | 'team.member_removed'
  | 'user.password_changed'
  | 'user.password_reset'
  | 'user.two_factor_enabled'
  | 'user.two_factor_disabled'
  | 'user.recovery_code_used'
  | 'user.email_verified'
  | 'session.ended'
  | 'session.ended_others'
  | 'session.mode_switched'
  | 'payment_settings.connected'
  | 'payment_settings.disconnected'
  | 'tax_profile.updated'
  | 'job.retried';

/** Who acted: a person signed in to the console (their team member id `mem_…`, their email) or an API key (`key_…`, its masked prefix). */
export interface AuditActor {
  type: 'user' | 'api_key';
  id: string;
  label: string;
}

/** What an action was done to. */
export interface AuditTarget {
  type:
    | 'event'
    | 'order'
    | 'ticket'
    | 'checkin'
    | 'checkin_list'
    | 'question'
    | 'promo_code'
    | 'waiting_list_entry'
    | 'door_device'
    | 'api_key'
    | 'webhook_endpoint'
    | 'account'
    | 'member'
    | 'invitation'
    | 'payment_settings'
    | 'tax_profile'
    | 'job';
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
  /** The mode of the data changed; null for an action about the account itself (sign-ins, the team, a person's own security, the tax profile), which both modes' keys read. */
  livemode: boolean | null;
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

/** A phone or scanner signed in to admit tickets for one event, offline if need be (docs/door.md). */
export interface DoorDevice {
  id: string;
  object: 'door_device';
  event: string;
  name: string;
  /** Who signed it in: a door member's email or the key's id. */
  signed_in_by: string;
  created_at: string;
  /** The last snapshot or upload; null before the first. */
  last_sync_at: string | null;
  revoked_at: string | null;
}

/** What a door device keeps to admit offline: the key, the event's window, and the tickets that no longer admit. */
export interface DoorSnapshot {
  object: 'door_snapshot';
  event: string;
  /** The check-in list the device scans on, with what it checks offline; null for the default list. */
  list: DoorSnapshotList | null;
  /** Raw 32-byte Ed25519 public key, base64url. */
  public_key: string;
  status: EventStatus;
  valid_from: string | null;
  valid_until: string | null;
  /** Ticket ids without `tkt_`: voided or refunded (since `since`, or all). */
  voided: string[];
  /** Ticket ids without `tkt_`: admitted on this list (since `since`, or all). */
  checked_in: string[];
  /** Ticket ids without `tkt_`: admissions on this list undone since `since` (the ticket admits again). */
  unchecked: string[];
  /** For a list limited to some ticket types: ids without `tkt_` of tickets of those types (since `since`, or all); null otherwise. */
  on_list: string[] | null;
  /** Pass back as `since` for only what changed. */
  cursor: string;
  full: boolean;
}

/** A check-in list as a door device checks it offline. */
export interface DoorSnapshotList {
  id: string;
  name: string;
  /** Ticket type ids the list admits; null for every type. */
  ticket_types: string[] | null;
  opens_at: string | null;
  closes_at: string | null;
  /** Scans alternate in and out: the device keeps no admitted set for the list. */
  reentry: boolean;
}

/** A device to sign in for an event's door. */
export interface CreateDoorDeviceParams {
  /** What door staff call it, e.g. `Gate 2`. */
  name?: string;
}

/** One offline admission as a door device uploads it. */
export interface DoorScanParams {
  /** The device's own id for the scan: uploading it again is answered, never counted twice. */
  id: string;
  code: string;
  /** When the device admitted it, by its clock (ISO 8601). */
  scanned_at: string;
}

/** An upload of offline admissions. */
export interface DoorSyncParams {
  /** The device's clock when it sends (ISO 8601): the server corrects scan times by its error. */
  sent_at: string;
  /** The check-in list the scans were made on (`chl_…`); the default list when absent. */
  list?: string;
  scans: DoorScanParams[];
}

/** What the server made of one uploaded admission. */
export interface DoorScanResult {
  id: string;
  outcome: 'admitted' | 'conflict' | 'voided' | 'refused';
  reason: CheckinReason | null;
  ticket: string | null;
  /** The named check-in list the scan was on; null for the default list. */
  list: string | null;
  checkin: string;
  /** The scan's time on the server's clock. */
  scanned_at: string;
  device_scanned_at: string;
  received_at: string;
  /** For a conflict: the admission that holds the ticket. */
  winner: { checkin: string | null; at: string; by: string | null } | null;
}

/** The answer to an upload. */
export interface DoorSyncResult {
  object: 'door_sync';
  results: DoorScanResult[];
}
