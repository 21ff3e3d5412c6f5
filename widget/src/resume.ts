import type { Order } from '@trendy-tickets/sdk';

/**
 * The open order of one event, kept in the tab's `sessionStorage` so a reload resumes the
 * checkout instead of holding a second set of seats. The tab's storage dies with the tab and is
 * never sent anywhere; the client secret in it only reads, pays or cancels this one order.
 */

/** What is kept: the order, its client secret, and when its hold ends by this browser's clock. */
export interface KeptOrder {
  id: string;
  secret: string;
  deadline: number;
  /**
   * Razorpay Checkout was opened for the order and has not answered. On a phone the buyer may
   * be in their UPI app, and the browser may reload the tab meanwhile: the payment then reaches
   * the server by Razorpay's webhook (or the reconciler), never through this page.
   */
  paying?: boolean;
}

const slot = (event: string) => `tts-order:${event}`;

/**
 * Keeps (or, with `null`, forgets) the event's open order. Storage may be off (a sandboxed
 * frame, some private modes): then nothing is kept and the checkout works as before.
 *
 * @example keep('evt_…', { id: order.id, secret, deadline })
 */
export function keep(event: string, order: KeptOrder | null): void {
  try {
    if (order) sessionStorage.setItem(slot(event), JSON.stringify(order));
    else sessionStorage.removeItem(slot(event));
  } catch {
    // No storage: no resume.
  }
}

/**
 * The event's kept order, or null.
 *
 * @example const kept = kept('evt_…'); if (kept) await api.retrieve(kept.id, kept.secret);
 */
export function kept(event: string): KeptOrder | null {
  try {
    const value = JSON.parse(sessionStorage.getItem(slot(event)) ?? 'null') as KeptOrder | null;
    return value && typeof value.id === 'string' && typeof value.secret === 'string' ? value : null;
  } catch {
    return null;
  }
}

/**
 * Notes that Checkout is open for the event's kept order (or, with false, that it closed unpaid).
 *
 * @example markPaying('evt_…', true); checkout.open();
 */
export function markPaying(event: string, paying: boolean): void {
  const order = kept(event);
  if (order) keep(event, { ...order, paying });
}

/** How often a resumed checkout asks whether the payment arrived, and for how long at most. */
export const CONFIRM_EVERY_MS = 3_000;
export const CONFIRM_FOR_MS = 2 * 60_000;

/**
 * After a reload while Checkout was open: asks for the order until it is no longer awaiting
 * payment (Razorpay's webhook or the reconciler paid it, or its hold lapsed) and returns it;
 * null once `until` passes or `alive()` turns false (the buyer may then pay again). A failed
 * read is asked again at the next turn: a phone back from another app is often offline a moment.
 *
 * @example
 * const order = await awaitPayment(() => api.retrieve(id, secret), { until: Date.now() + CONFIRM_FOR_MS, alive: () => el.isConnected });
 */
export async function awaitPayment(retrieve: () => Promise<Order>, options: { until: number; alive?: () => boolean; every?: number }): Promise<Order | null> {
  const { until, alive = () => true, every = CONFIRM_EVERY_MS } = options;
  while (alive()) {
    try {
      const order = await retrieve();
      if (order.status !== 'awaiting_payment') return order;
    } catch {
      // Offline for now: ask again.
    }
    if (Date.now() + every > until) return null;
    await new Promise((resolve) => setTimeout(resolve, every));
  }
  return null;
}
