/**
 * The events `<tts-checkout>` fires and their details: the element's public contract with the
 * page (docs/widget.md#events). The checkout flow (checkout-flow.ts) decides when they fire.
 */
import type { Order, PublicEvent, Ticket } from '@trendy-tickets/sdk';
import type { CheckoutErrorCode } from './api.js';

/** `tts-ready`: the event loaded; the checkout can sell. */
export interface TtsReadyDetail {
  event: PublicEvent;
}
/** `tts-order-created`: seats are held. The order never carries its client secret here. */
export interface TtsOrderCreatedDetail {
  order: Omit<Order, 'client_secret'>;
}
/** `tts-paid`: the order is paid and its tickets issued. */
export interface TtsPaidDetail {
  order: Omit<Order, 'client_secret'>;
  tickets: Ticket[];
}
/**
 * `tts-error`: something failed. `code` is the API's error code or the browser's own
 * (`NETWORK_ERROR`, `PAYMENT_FAILED`, `GATEWAY_UNAVAILABLE`); `message` explains it for the
 * developer (the buyer sees plain words in the checkout); `request_id` names the API request.
 */
export interface TtsErrorDetail {
  code: CheckoutErrorCode;
  message: string;
  request_id: string | null;
}
/** `tts-request-close` (cancelable): the buyer asked to close (the × button or Esc). */
export interface TtsRequestCloseDetail {
  source: 'close-button' | 'keyboard';
}

/** Every event `<tts-checkout>` fires, with its detail. */
export interface TtsCheckoutEventMap {
  'tts-ready': TtsReadyDetail;
  'tts-open': null;
  'tts-close': null;
  'tts-request-close': TtsRequestCloseDetail;
  'tts-order-created': TtsOrderCreatedDetail;
  'tts-paid': TtsPaidDetail;
  'tts-error': TtsErrorDetail;
}
