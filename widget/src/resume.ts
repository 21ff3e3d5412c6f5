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
