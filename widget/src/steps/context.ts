import type { Order, PublicEvent, Ticket } from '@trendy-tickets/sdk';
import type { html, nothing } from 'lit/html.js';
import type { I18n } from '../i18n.js';

/**
 * Lit's template tag and sentinel, handed by the element to the parts it fetches (extras.ts), so
 * they render with the one copy of Lit the page already has instead of carrying their own.
 */
export interface Lit {
  html: typeof html;
  nothing: typeof nothing;
}

/** The buyer fields the details step asks for; the last three only for a GST invoice (optional). */
export type BuyerField = 'name' | 'email' | 'phone' | 'company' | 'address' | 'gstin';

/** What the buyer does; each step calls the ones it offers. */
export interface StepActions {
  qty(ticketType: string, quantity: number): void;
  amount(rupees: string): void;
  toDetails(): void;
  back(): void;
  /** A typed value; `blur` asks for the field to be checked now. */
  field(name: BuyerField, value: string, blur?: boolean): void;
  submitDetails(): void;
  code(typed: string): void;
  verify(): void;
  resend(): void;
  /** Pays the order; `outcome` is the test panel's choice, ignored in live mode. */
  pay(outcome?: 'success' | 'failure'): void;
  close(): void;
  restart(): void;
  /** Opens the waiting-list form of a sold-out type (waitlist.ts, fetched then). */
  waitlist(ticketType: string): void;
}

/**
 * Everything a step renders from: built afresh by `<tts-checkout>` on every render, so steps
 * are plain functions of it and never reach into the element.
 */
export interface StepContext {
  i: I18n;
  event: PublicEvent;
  order: Order | null;
  busy: boolean;
  /** The payment is being confirmed (after Checkout, or after a reload while it was open): shown, not only announced. */
  confirming?: boolean;
  /** Modal (a dialog with a close button) or page mode. */
  modal: boolean;
  qty: Readonly<Record<string, number>>;
  amount: string;
  amountError: string;
  buyer: Readonly<Record<BuyerField, string>>;
  invalid: Readonly<Partial<Record<BuyerField, string>>>;
  code: string;
  attemptsLeft: number | null;
  /** Five wrong codes: the field is off until a new code is sent. */
  locked: boolean;
  /** Seconds until a new code may be asked for; 0 when it may. */
  resendIn: number;
  /** Seconds the seats are still held for, or null before there is an order. */
  holdLeft: number | null;
  tickets: readonly Ticket[];
  /**
   * The tickets step's promo code part: "Have a code?" until the extras (extras.ts, fetched on
   * first need) arrive, then their field. Rendered by the element, which owns the fetching.
   */
  promo: unknown;
  /** The details step's attendee names and questions (attendees.ts, fetched apart); nothing until they arrive. */
  attendees: unknown;
  on: StepActions;
}

/**
 * Paise the chosen tickets (or the open amount) come to.
 *
 * @example totalOf({ event, qty: { tt_general: 2 } }, null) // 99800 for two ₹499 tickets
 */
export function totalOf(c: Pick<StepContext, 'event' | 'qty'>, amountPaise: number | null): number {
  if (c.event.open_amount) return amountPaise ?? 0;
  return c.event.ticket_types.reduce((sum, t) => sum + t.price * (c.qty[t.id] ?? 0), 0);
}

/**
 * Rupees as typed (`500`, `1,499.50`, `₹ 999`) to integer paise without floating point; null if not money.
 * The SDK's `toPaise`, copied so the bundle need not carry the SDK; `shared-rules.test.ts` holds
 * both to the same cases.
 *
 * @example toPaise('1,499.5') // 149950
 */
export function toPaise(typed: string): number | null {
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(typed.replace(/[,\s₹]/g, ''));
  return m ? Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')) : null;
}

/**
 * Stops a form's native submit and runs the step's action instead.
 *
 * @example html`<form @submit=${submit(c.on.verify)}>…</form>`
 */
export const submit = (action: () => void) => (e: Event) => {
  e.preventDefault();
  action();
};
