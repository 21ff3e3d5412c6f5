/**
 * @trendy-tickets/sdk/browser — the checkout loader for partner pages, modelled on
 * stripe-js's `loadStripe`: it injects the `<tts-checkout>` script once, resolves `null`
 * on the server, and lets a failed load be retried. Takes a publishable key only.
 */
import type { Order, Ticket } from './types.js';

export { verifyTicketCode, type TicketCodeVerification } from './verify.js';
export type * from './types.js';

/**
 * Settings for {@link loadCheckout}.
 *
 * @example
 * const options: LoadCheckoutOptions = { publishableKey: 'pk_test_…', baseUrl: 'https://tickets.example.com' };
 */
export interface LoadCheckoutOptions {
  /** The publishable key (`pk_…`); a secret key is refused. */
  publishableKey: string;
  /** The Trendy Ticket Service server, e.g. `https://tickets.example.com`. */
  baseUrl: string;
}

/**
 * Details the checkout fills in for the buyer.
 *
 * @example
 * checkout.open({ event, prefill: { name: 'Asha Rao', email: 'asha@example.com', phone: '+91 98765 43210' } });
 */
export interface CheckoutPrefill {
  name?: string;
  email?: string;
  phone?: string;
}

/**
 * What {@link Checkout.open} takes.
 *
 * @example
 * await checkout.open({ event: 'evt_…' });
 */
export interface OpenCheckoutOptions {
  /** The Event Token (`evt_…`). */
  event: string;
  prefill?: CheckoutPrefill;
}

/**
 * How a checkout ended: paid, with the order and its tickets, or closed by the buyer.
 *
 * @example
 * const result = await checkout.open({ event });
 * if (result.status === 'paid') location.href = result.tickets[0].url;
 */
export type CheckoutResult = { status: 'paid'; order: Order; tickets: Ticket[] } | { status: 'closed' };

/**
 * A loaded checkout.
 *
 * @example
 * const checkout: Checkout | null = await loadCheckout({ publishableKey, baseUrl });
 */
export interface Checkout {
  /** Opens the checkout modal for an event; resolves when the buyer has paid or closed it. */
  open(options: OpenCheckoutOptions): Promise<CheckoutResult>;
}

/** The element contract the loader drives (the widget defines it). */
interface CheckoutElement extends HTMLElement {
  open(): unknown;
}

const TAG = 'tts-checkout';
const SCRIPT_PATH = '/widget/v1/tts-checkout.js';
const loads = new Map<string, Promise<void>>();

/** Resolves once `<tts-checkout>` is defined; rejects (and removes the tag) when the script fails. */
function injectScript(src: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (customElements.get(TAG)) return resolve();
    let script = Array.from(document.querySelectorAll('script')).find((s) => s.src === src);
    if (!script) {
      script = document.createElement('script');
      script.src = src;
      script.async = true;
      (document.head || document.body).appendChild(script);
    }
    const failed = script;
    script.addEventListener('load', () => {
      if (customElements.get(TAG)) resolve();
      else reject(new Error(`${src} loaded but did not define <${TAG}>.`));
    });
    script.addEventListener('error', () => {
      // A tag that failed stays failed: remove it so the next call injects a fresh one.
      failed.remove();
      reject(new Error(`Could not load ${src}.`));
    });
    customElements.whenDefined(TAG).then(() => resolve(), reject);
  });
}

/**
 * Loads the checkout script from your Trendy Ticket Service server (once per page, reusing a
 * `<script>` tag already there) and returns a {@link Checkout}. Resolves `null` where there is
 * no DOM (server-side rendering). A failed load rejects, and the next call tries again.
 *
 * @example
 * import { loadCheckout } from '@trendy-tickets/sdk/browser';
 *
 * const checkout = await loadCheckout({ publishableKey: 'pk_test_…', baseUrl: 'https://tickets.example.com' });
 * const result = await checkout?.open({ event: 'evt_…', prefill: { email: 'asha@example.com' } });
 * if (result?.status === 'paid') showTickets(result.tickets);
 */
export function loadCheckout(options: LoadCheckoutOptions): Promise<Checkout | null> {
  if (typeof window === 'undefined' || typeof document === 'undefined') return Promise.resolve(null);
  const { publishableKey } = options;
  if (!publishableKey?.startsWith('pk_')) {
    return Promise.reject(new Error('loadCheckout takes your publishable key (pk_…); never put a secret key in a page.'));
  }
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const src = new URL(baseUrl + SCRIPT_PATH, document.baseURI).href;
  let load = loads.get(src);
  if (!load) {
    load = injectScript(src);
    loads.set(src, load);
    load.catch(() => loads.delete(src));
  }
  return load.then(() => ({ open: (open) => openCheckout(publishableKey, baseUrl, open) }));
}

function openCheckout(key: string, baseUrl: string, { event, prefill = {} }: OpenCheckoutOptions): Promise<CheckoutResult> {
  const element = document.createElement(TAG) as CheckoutElement;
  element.setAttribute('event', event);
  element.setAttribute('key', key);
  element.setAttribute('api-base', baseUrl);
  for (const field of ['name', 'email', 'phone'] as const) {
    const value = prefill[field];
    if (value) element.setAttribute(`prefill-${field}`, value);
  }
  return new Promise<CheckoutResult>((resolve) => {
    // Resolve as soon as the order is paid, but leave the element in place: the buyer is still
    // looking at their tickets in the modal. It is removed when they close it.
    const onPaid = (e: Event) => {
      const { order, tickets } = (e as CustomEvent<{ order: Order; tickets: Ticket[] }>).detail;
      resolve({ status: 'paid', order, tickets });
    };
    const onClose = () => {
      element.removeEventListener('tts-paid', onPaid);
      element.removeEventListener('tts-close', onClose);
      element.remove();
      resolve({ status: 'closed' }); // no effect once paid: a promise settles once
    };
    element.addEventListener('tts-paid', onPaid);
    element.addEventListener('tts-close', onClose);
    document.body.appendChild(element);
    element.open();
  });
}
