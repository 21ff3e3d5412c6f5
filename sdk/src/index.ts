/**
 * @trendy-tickets/sdk — the typed client for the Trendy Ticket Service API.
 *
 * Zero runtime dependencies; runs wherever `fetch` does (Node 18+, browsers, Deno, Bun, edge).
 * The wire types are the contract the server is checked against.
 *
 * @example
 * import { TrendyTickets, TtsConflictError } from '@trendy-tickets/sdk';
 *
 * const tts = new TrendyTickets(); // reads TTS_API_KEY and TTS_BASE_URL in Node
 * for await (const event of tts.events.list()) console.log(event.id, event.name);
 */
export { TrendyTickets, DEFAULT_BASE_URL, type ClientOptions } from './client.js';
export type { ApiRequest, Fetch, RequestOptions, RetryClock } from './internal/http.js';
export { PagedList, type PageFetcher } from './pagination.js';
export {
  TtsError,
  TtsApiError,
  TtsBadRequestError,
  TtsAuthenticationError,
  TtsPaymentError,
  TtsPermissionError,
  TtsNotFoundError,
  TtsConflictError,
  TtsUnprocessableError,
  TtsRateLimitError,
  TtsServerError,
  TtsConnectionError,
  TtsTimeoutError,
  type TtsApiErrorInit,
} from './errors.js';
export { verifyTicketCode, type TicketCodeVerification } from './verify.js';
export { webhooks, constructEvent, TtsSignatureVerificationError, DEFAULT_TOLERANCE_SECONDS, type ConstructEventOptions } from './webhooks.js';
export { toPaise, rupeesInput, formatMoney, formatRupees } from './money.js';
export { PHONE_PATTERN, PHONE_MESSAGE } from './phone.js';
export {
  computeTax,
  feeForLine,
  divideHalfUp,
  TAX_RATES,
  type TaxRate,
  type SupplyKind,
  type TaxLineInput,
  type FeeInput,
  type TaxAmounts,
  type TaxedLine,
  type TicketLine,
  type TaxBreakdown,
} from './tax.js';
export { GST_STATES, GST_STATE_CODES, gstState, type GstState } from './gst-states.js';
export { gstinProblem, gstinCheckCharacter, type GstinProblem } from './gstin.js';
export { AccountResource } from './resources/account.js';
export { KeysResource } from './resources/keys.js';
export { EventsResource } from './resources/events.js';
export { EventsLogResource } from './resources/events-log.js';
export { AuditLogsResource, type AuditLogFilter } from './resources/audit-logs.js';
export { InvoicesResource } from './resources/invoices.js';
export { OrdersResource } from './resources/orders.js';
export { TicketsResource } from './resources/tickets.js';
export { CheckinsResource } from './resources/checkins.js';
export { CheckinListsResource } from './resources/checkin-lists.js';
export { QuestionsResource } from './resources/questions.js';
export { PromoCodesResource } from './resources/promo-codes.js';
export { WaitingListResource } from './resources/waiting-list.js';
export { DoorDevicesResource } from './resources/door-devices.js';
export { TestGatewayResource } from './resources/test-gateway.js';
export { WebhookEndpointsResource } from './resources/webhook-endpoints.js';
export type * from './types.js';
