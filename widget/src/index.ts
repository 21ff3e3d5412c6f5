/**
 * @trendy-tickets/widget — `<tts-checkout>`, the embeddable checkout. Importing this module
 * registers the element (once per page).
 *
 * @example
 * import { TtsCheckout } from '@trendy-tickets/widget';
 *
 * const checkout = Object.assign(new TtsCheckout(), { event: 'evt_…', key: 'pk_test_…', apiBase: 'https://tickets.example.com' });
 * checkout.addEventListener('tts-paid', (e) => console.log(e.detail.tickets));
 * document.body.append(checkout);
 */
export {
  TtsCheckout,
  type CheckoutOptions,
  type CheckoutStep,
  type TtsCheckoutEventMap,
  type TtsErrorDetail,
  type TtsOrderCreatedDetail,
  type TtsPaidDetail,
  type TtsReadyDetail,
  type TtsRequestCloseDetail,
} from './tts-checkout.js';
export type { CheckoutErrorCode, ClientErrorCode } from './api.js';
export type { Locale } from './i18n.js';
