import type { FieldIssue, Order, OtpInvalidDetails, PayOrderParams, PublicEvent, Ticket } from '@trendy-tickets/sdk';
import { html, nothing } from 'lit/html.js';
import { CheckoutError, createApi, newIdempotencyKey, type CheckoutErrorCode, type IdempotencyKey } from './api.js';
import { BaseElement, type PropertyDeclaration, type PropertyValues } from './base-element.js';
import { ENGLISH, hasMessages, i18n, registerMessages, type I18n, type Key } from './i18n.js';
import { isInAppBrowser, razorpayContact } from './in-app-browser.js';
import { loadRazorpay } from './razorpay-loader.js';
import { keep, kept } from './resume.js';
import type { BuyerField, StepContext } from './steps/context.js';
import { toPaise } from './steps/context.js';
import { checkBuyer, detailsStep } from './steps/details.js';
import { doneStep } from './steps/done.js';
import { payStep } from './steps/pay.js';
import { ticketsStep } from './steps/tickets.js';
import { verifyStep } from './steps/verify.js';
import { styles } from './tts-checkout.styles.js';

/** Where the checkout is in its flow. `ended`: the hold ran out (or the order ended unpaid). */
export type CheckoutStep = 'tickets' | 'details' | 'verify' | 'pay' | 'done' | 'ended';

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

declare global {
  interface HTMLElementTagNameMap {
    'tts-checkout': TtsCheckout;
  }
  interface HTMLElementEventMap {
    'tts-ready': CustomEvent<TtsReadyDetail>;
    'tts-open': CustomEvent<null>;
    'tts-close': CustomEvent<null>;
    'tts-request-close': CustomEvent<TtsRequestCloseDetail>;
    'tts-order-created': CustomEvent<TtsOrderCreatedDetail>;
    'tts-paid': CustomEvent<TtsPaidDetail>;
    'tts-error': CustomEvent<TtsErrorDetail>;
  }
}

/**
 * The origin this script was loaded from: the default `api-base`. Rollup turns
 * `import.meta.url` into `document.currentScript.src` in the script-tag (IIFE) build, read
 * while the script runs, which is the only moment it is set.
 */
const SCRIPT_ORIGIN = (() => {
  try {
    const origin = new URL(import.meta.url).origin;
    return origin === 'null' ? '' : origin;
  } catch {
    return '';
  }
})();

/** Seconds between two code mails; the server also limits sends per hour. */
const RESEND_COOLDOWN = 30;
/** Milliseconds between availability checks while the tickets step is open (the server caches the answer too). */
const POLL_MS = 15_000;
/** The steps the indicator shows, in order, with their short names. */
const STEPS: ReadonlyArray<[CheckoutStep, Key]> = [
  ['tickets', 'sTickets'],
  ['details', 'sDetails'],
  ['verify', 'code'],
  ['pay', 'pay'],
  ['done', 'sDone'],
];
/** When the server asks for patience without saying how long. */
const DEFAULT_WAIT = 60;
/** Error codes that mean the embed itself is wrong (key, event, origin): the site owner must act. */
const SETUP_CODES: readonly CheckoutErrorCode[] = ['FORBIDDEN', 'UNAUTHENTICATED', 'NOT_FOUND'];
/** Codes the buyer can simply try again after. */
const RETRYABLE: readonly CheckoutErrorCode[] = [
  'NETWORK_ERROR',
  'GATEWAY_UNAVAILABLE',
  'UPSTREAM_UNAVAILABLE',
  'PAYMENT_VERIFICATION_FAILED',
  'RATE_LIMITED',
  'INTERNAL',
  'IDEMPOTENCY_IN_FLIGHT',
];

interface Problem {
  code: CheckoutErrorCode;
  key: Key;
  reason?: string;
  retry?: (() => void) | undefined;
  /** `Date.now()` before which the retry waits (RATE_LIMITED). */
  until?: number;
}

const strip = ({ client_secret: _, ...order }: Order): Omit<Order, 'client_secret'> => order;

/**
 * `<tts-checkout>`: the Trendy Ticket Service checkout. A button that opens a modal (or, with
 * `mode="page"`, the checkout itself inline): tickets → details → email code → pay → tickets.
 *
 * @slot - The button's content (default: the `label` attribute, or "Buy tickets").
 * @csspart button - The button that opens the checkout.
 * @csspart dialog - The modal `<dialog>`.
 * @csspart panel - The checkout's surface (in both modes).
 * @csspart header - The event's name, venue and date.
 * @csspart steps - The step indicator (tickets → details → code → pay → done).
 * @csspart close - The × button.
 * @csspart body - The current step.
 * @csspart footer - The order summary, the hold countdown and Start again.
 * @csspart summary - The pay step's itemised lines and total.
 * @csspart primary - Main actions (Continue, Pay, Download PDF).
 * @csspart secondary - Other actions (Back, Fail the payment, Open ticket).
 * @csspart ticket-type - One row of the ticket list.
 * @csspart notice - Why nothing can be bought (sold out, sales closed).
 * @csspart error - The error box with its retry button.
 * @csspart test-mode - The test gateway's panel.
 * @csspart success - The paid confirmation.
 * @csspart ticket - One issued ticket.
 * @csspart qr - A ticket's QR code image.
 * @cssproperty --tts-accent - Buttons, links, focus rings (default #1d4ed8).
 * @cssproperty --tts-accent-text - Text on the accent colour (default #fff).
 * @cssproperty --tts-radius - Corner radius (default 12px).
 * @cssproperty --tts-font - Font family (default: the system UI font).
 * @cssproperty --tts-surface - Panel background (default #fff).
 * @cssproperty --tts-text - Text colour (default #111827).
 * @cssproperty --tts-muted - Secondary text (default #4b5563).
 * @cssproperty --tts-border - Dividers (default #d1d5db).
 * @fires tts-ready - The event loaded. Detail: {@link TtsReadyDetail}.
 * @fires tts-open - The modal opened.
 * @fires tts-close - The modal closed.
 * @fires tts-request-close - The buyer asked to close; cancel it to keep the modal open. Detail: {@link TtsRequestCloseDetail}.
 * @fires tts-order-created - Seats are held. Detail: {@link TtsOrderCreatedDetail}.
 * @fires tts-paid - Paid, tickets issued. Detail: {@link TtsPaidDetail}.
 * @fires tts-error - Something failed. Detail: {@link TtsErrorDetail}.
 *
 * @example
 * <script src="https://tickets.example.com/widget/v1/tts-checkout.js" async></script>
 * <tts-checkout event="evt_…" key="pk_test_…"></tts-checkout>
 */
export class TtsCheckout extends BaseElement {
  static override styles = styles;

  /** Attributes, then internal state (see BaseElement). */
  static override properties: Record<string, PropertyDeclaration> = {
    event: {},
    key: {},
    apiBase: { attribute: 'api-base' },
    label: {},
    locale: {},
    quantity: { type: Number },
    prefillName: { attribute: 'prefill-name' },
    prefillEmail: { attribute: 'prefill-email' },
    prefillPhone: { attribute: 'prefill-phone' },
    amount: { type: Number },
    mode: { reflect: true },
    ev: { state: true },
    step: { state: true },
    qty: { state: true },
    amountText: { state: true },
    amountError: { state: true },
    buyer: { state: true },
    invalid: { state: true },
    order: { state: true },
    code: { state: true },
    attemptsLeft: { state: true },
    locked: { state: true },
    tickets: { state: true },
    problem: { state: true },
    status: { state: true },
    busy: { state: true },
    paying: { state: true },
    asking: { state: true },
    opened: { state: true },
    now: { state: true },
  };

  /** The Event Token (`evt_…`). */
  event = '';
  /** The publishable key (`pk_…`). */
  key = '';
  /** The Trendy Ticket Service server; default: where this script came from. */
  apiBase = '';
  /** The button's text when no content is slotted. */
  label = '';
  /** `en` (default) or `hi`. */
  locale = 'en';
  /** Tickets of the first type on sale chosen when the checkout opens (default 1). */
  quantity = 1;
  prefillName = '';
  prefillEmail = '';
  prefillPhone = '';
  /** For open-amount events: the amount (paise) to start from. */
  amount = 0;
  /** `modal` (default): a button and a dialog. `page`: the checkout inline, for hosted pages. */
  mode: 'modal' | 'page' = 'modal';

  private ev: PublicEvent | null = null;
  private step: CheckoutStep = 'tickets';
  private qty: Record<string, number> = {};
  private amountText = '';
  private amountError = '';
  private buyer: Record<BuyerField, string> = { name: '', email: '', phone: '' };
  private invalid: Partial<Record<BuyerField, string>> = {};
  private order: Order | null = null;
  private code = '';
  private attemptsLeft: number | null = null;
  /** Five wrong codes: no code passes until a new one is sent. */
  private locked = false;
  private tickets: Ticket[] = [];
  private problem: Problem | null = null;
  private status = '';
  private busy = false;
  private paying = false;
  private asking = false;
  private opened = false;
  private now = Date.now();

  /**
   * The order's client secret: never logged, never in an event or the page; kept in the tab's
   * sessionStorage with the order id so a reload resumes (see resume.ts).
   */
  #secret = '';
  /**
   * The order request whose outcome is not known yet, with its `Idempotency-Key`: kept while a
   * retry is on offer (a lost answer, a 5xx, a key still in flight), so "Try again" or another
   * Continue with the same tickets and details gets the order the server may already have made
   * instead of holding the seats twice. A different request, a definite answer or starting
   * again drops it; a refusal such as SOLD_OUT is stored with its key, so keeping that key would
   * replay the refusal even after seats come free.
   */
  #creating: (IdempotencyKey & { body: string }) | null = null;
  #deadline = 0;
  #resendAt = 0;
  /** When availability is next checked by itself (tickets step, checkout open). */
  #pollAt = 0;
  /** The kept order of this event was looked for (once per page load). */
  #resumed = false;
  #timer: ReturnType<typeof setInterval> | undefined;
  /** True while Razorpay Checkout has the screen (our dialog is put away meanwhile). */
  #away = false;
  #returnTo: HTMLElement | null = null;
  #i: I18n = i18n('en');

  /** Opens the checkout modal (no-op in page mode). Safe to call before the element has rendered. */
  async open(): Promise<void> {
    if (this.mode === 'page') return;
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    this.#returnTo = active instanceof HTMLElement ? active : null;
    this.opened = true;
    await this.updateComplete;
    const dialog = this.#dialog();
    if (!dialog || dialog.open) return;
    dialog.showModal();
    if (!this.ev && this.problem) void this.#load();
    this.#focusStep();
    this.#fire('tts-open', null);
  }

  /** Closes the modal at once, even with a payment in flight (the buyer's own close asks first). */
  close(): void {
    const dialog = this.#dialog();
    if (dialog?.open) dialog.close();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#timer = setInterval(this.#tick, 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#away = false;
    this.close();
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('locale')) {
      this.#i = i18n(this.locale);
      if (this.locale === 'hi' && !hasMessages('hi')) void this.#loadHindi();
    }
    // A prompt belongs to the step it was asked on: a payment that finished meanwhile leaves none behind.
    if (changed.has('step')) this.asking = false;
    if (changed.has('event')) {
      // Another event: its own quantities, and its own kept order to resume.
      this.qty = {};
      this.#resumed = false;
    }
    if ((changed.has('event') || changed.has('key') || changed.has('apiBase')) && this.event && this.key) void this.#load();
    if (changed.has('amount') && this.amount > 0) this.amountText = String(this.amount / 100);
    // A prefill fills its field when it is set, and leaves the buyer's own edits alone after.
    if (changed.has('prefillName') && this.prefillName) this.buyer = { ...this.buyer, name: this.prefillName };
    if (changed.has('prefillEmail') && this.prefillEmail) this.buyer = { ...this.buyer, email: this.prefillEmail };
    if (changed.has('prefillPhone') && this.prefillPhone) this.buyer = { ...this.buyer, phone: this.prefillPhone };
  }

  protected override updated(changed: PropertyValues): void {
    // A new step takes focus (a heading or its one field), so keyboard and screen-reader users
    // land where the checkout went; the first step of page mode does not steal the page's focus.
    if (changed.has('step') && changed.get('step') !== undefined) this.#focusStep();
    // Opened before the event arrived: the first step takes focus once it appears.
    if (changed.has('ev') && !changed.get('ev') && this.opened) this.#focusStep();
    if (changed.has('asking') && this.asking) this.renderRoot.querySelector<HTMLElement>('.ask .primary')?.focus();
    // The code field is disabled once locked: focus goes to the way out, a new code.
    if (changed.has('locked') && this.locked) this.#focusStep();
  }

  /**
   * (Re)loads the event: availability, prices, whether sales are open. `quiet`: a check of its
   * own (the poll), which says nothing when it fails; the next one may work.
   */
  async #load(keepProblem = false, quiet = false): Promise<void> {
    const id = this.event;
    if (!keepProblem) this.problem = null;
    this.#pollAt = Date.now() + POLL_MS;
    try {
      const ev = await this.#api().event(id);
      if (id !== this.event) return;
      this.ev = ev;
      const qty: Record<string, number> = {};
      let first = Object.keys(this.qty).length === 0;
      for (const t of ev.ticket_types) {
        const max = Math.max(0, Math.min(t.max_per_order, t.available));
        qty[t.id] = Math.min(this.qty[t.id] ?? 0, max);
        if (first && max > 0) {
          qty[t.id] = Math.min(Math.max(0, this.quantity), max);
          first = false;
        }
      }
      this.qty = qty;
      this.#fire('tts-ready', { event: ev });
      if (!this.#resumed) await this.#resume();
    } catch (err) {
      if (!quiet) this.#fail(err, () => void this.#load());
    }
  }

  /**
   * After a reload: picks up the order this tab kept for the event, at the step it is at (its
   * tickets, when paid), with the modal open again. A finished or unknown order is forgotten.
   */
  async #resume(): Promise<void> {
    this.#resumed = true;
    const saved = kept(this.event);
    if (!saved) return;
    let order: Order;
    try {
      order = await this.#api().retrieve(saved.id, saved.secret);
    } catch (err) {
      // Offline for now: keep it for the next load. Refused (another key, gone): forget it.
      if (!(err instanceof CheckoutError && RETRYABLE.includes(err.code))) keep(this.event, null);
      return;
    }
    if (order.status !== 'awaiting_verification' && order.status !== 'awaiting_payment' && order.status !== 'paid') return keep(this.event, null);
    this.#secret = saved.secret;
    this.#deadline = saved.deadline;
    this.#advance(order);
    void this.open();
  }

  /**
   * Fetches the Hindi words (a module of their own, so English pages do not carry them) and
   * speaks Hindi once they arrive; until then, or if they never do, the checkout is English.
   */
  async #loadHindi(): Promise<void> {
    const url = `${(this.apiBase || SCRIPT_ORIGIN).replace(/\/+$/, '')}/widget/v1/tts-checkout.hi.js`;
    try {
      const module = (await import(/* webpackIgnore: true */ url)) as { hi?: Parameters<typeof registerMessages>[1] };
      if (module.hi) registerMessages('hi', module.hi);
    } catch {
      return;
    }
    if (this.locale === 'hi') {
      this.#i = i18n('hi');
      this.requestUpdate();
    }
  }

  #api() {
    return createApi((this.apiBase || SCRIPT_ORIGIN).replace(/\/+$/, ''), this.key);
  }

  #dialog(): HTMLDialogElement | null {
    return this.renderRoot?.querySelector('dialog') ?? null;
  }

  #focusStep(): void {
    this.renderRoot.querySelector<HTMLElement>('.body [data-focus]')?.focus();
  }

  #fire<K extends keyof TtsCheckoutEventMap>(type: K, detail: TtsCheckoutEventMap[K], cancelable = false): boolean {
    return this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable }));
  }

  readonly #tick = (): void => {
    const now = Date.now();
    const holding = this.step === 'verify' || this.step === 'pay';
    if (holding || (this.problem?.until ?? 0) > this.now) this.now = now;
    // Held seats may come back: while the buyer looks at the tickets, check now and then.
    if (this.step === 'tickets' && this.ev && (this.opened || this.mode === 'page') && !document.hidden && now >= this.#pollAt && !this.busy) {
      void this.#load(true, true);
    }
    if (holding && this.#deadline && now >= this.#deadline && !this.paying) {
      this.#end();
      this.#fire('tts-error', { code: 'HOLD_EXPIRED', message: 'The hold on the seats ran out before payment.', request_id: null });
    }
  };

  /**
   * Runs one server step with the busy state, a status for screen readers, and errors handled.
   * "Try again" runs `task` again, or `retry` when given.
   */
  async #run(status: Key, task: () => Promise<string | void>, retry: () => void = () => void this.#run(status, task, retry)): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.problem = null;
    this.status = this.#i.t(status);
    try {
      this.status = (await task()) ?? '';
    } catch (err) {
      this.status = '';
      this.#fail(err, retry);
    } finally {
      this.busy = false;
    }
  }

  /** Shows an error in plain words, offers a retry where one can help, and fires `tts-error`. */
  #fail(err: unknown, retry?: () => void): void {
    const e = err instanceof CheckoutError ? err : new CheckoutError('INTERNAL', String(err));
    const code = e.code;
    this.#fire('tts-error', { code, message: e.message, request_id: e.requestId });
    const problem: Problem = { code, key: code in ENGLISH ? (code as Key) : 'INTERNAL', retry: RETRYABLE.includes(code) ? retry : undefined };
    switch (code) {
      case 'HOLD_EXPIRED':
        this.#end();
        return;
      case 'SOLD_OUT':
      case 'SALES_CLOSED':
        this.step = 'tickets';
        void this.#load(true);
        break;
      case 'OTP_INVALID': {
        const details = e.details as Partial<OtpInvalidDetails> | undefined;
        const left = details?.attempts_left;
        if (typeof left === 'number') this.attemptsLeft = left;
        if (details?.reason === 'locked' || left === 0) {
          // No code will pass now, not even the right one: stop taking codes and offer a new
          // one at once (the server still limits how many are sent).
          problem.key = 'OTP_LOCKED';
          this.locked = true;
          this.#resendAt = 0;
        }
        this.code = '';
        break;
      }
      case 'OTP_EXPIRED':
        this.code = '';
        break;
      case 'RATE_LIMITED':
        problem.until = Date.now() + (e.retryAfter ?? DEFAULT_WAIT) * 1000;
        this.now = Date.now();
        break;
      case 'PAYMENT_FAILED':
        problem.reason = e.message;
        break;
      case 'VALIDATION_FAILED': {
        const issues = Array.isArray(e.details) ? (e.details as FieldIssue[]) : [];
        const invalid: Partial<Record<BuyerField, string>> = {};
        for (const issue of issues) {
          const f = issue.field.replace('buyer.', '') as BuyerField;
          if (f in this.buyer) invalid[f] = issue.message;
        }
        if (Object.keys(invalid).length > 0) {
          this.invalid = invalid;
          this.step = 'details';
        }
        break;
      }
      case 'ORDER_NOT_PAYABLE': {
        // The order moved on elsewhere (paid by a webhook, expired): show where it is now, once
        // the failed step has finished (`#run` takes one step at a time).
        const order = this.order;
        if (order) void Promise.resolve().then(() => this.#run('loading', async () => this.#advance(await this.#api().retrieve(order.id, this.#secret))));
        return;
      }
      default:
        if (SETUP_CODES.includes(code)) {
          problem.key = 'SETUP';
          // The buyer cannot fix this; the developer reading the console can.
          console.warn(`<tts-checkout>: ${e.message}`);
        }
    }
    this.problem = problem;
  }

  /** Moves to the step the order's state calls for. */
  #advance(order: Order): void {
    this.order = order;
    this.now = Date.now();
    this.attemptsLeft = order.verification.attempts_left;
    this.locked = order.status === 'awaiting_verification' && order.verification.attempts_left === 0;
    if (order.status === 'awaiting_verification') this.step = 'verify';
    else if (order.status === 'awaiting_payment') this.step = 'pay';
    else if (order.status === 'paid') {
      this.tickets = order.tickets;
      this.paying = false;
      this.#deadline = 0;
      this.step = 'done';
      this.#fire('tts-paid', { order: strip(order), tickets: order.tickets });
    } else this.#end();
  }

  #end(): void {
    this.step = 'ended';
    this.#deadline = 0;
    this.paying = false;
    keep(this.event, null);
  }

  /**
   * Back to the start with fresh availability; the buyer's details are kept. An order still
   * holding seats is cancelled first, so starting again never holds a second set.
   */
  #restart(): void {
    if (this.paying) return;
    const order = this.order;
    const secret = this.#secret;
    keep(this.event, null);
    this.#deadline = 0;
    this.locked = false;
    this.order = null;
    this.#secret = '';
    this.#creating = null;
    this.tickets = [];
    this.code = '';
    this.problem = null;
    this.step = 'tickets';
    this.#pollAt = Date.now() + POLL_MS;
    const holding = order && (order.status === 'awaiting_verification' || order.status === 'awaiting_payment');
    void (
      holding
        ? this.#api()
            .cancel(order.id, secret)
            .catch(() => null)
        : Promise.resolve()
    ).then(() => this.#load());
  }

  #requestClose(source: TtsRequestCloseDetail['source']): void {
    if (!this.#fire('tts-request-close', { source }, true)) return;
    if (this.paying) this.asking = true;
    else this.close();
  }

  readonly #onCancel = (e: Event): void => {
    e.preventDefault();
    this.#requestClose('keyboard');
  };

  readonly #onClose = (): void => {
    if (this.#away) return;
    this.opened = false;
    this.asking = false;
    // Reopening after a purchase starts afresh; an element taken off the page just stops.
    if (this.isConnected && (this.step === 'done' || this.step === 'ended')) this.#restart();
    if (this.#returnTo?.isConnected) this.#returnTo.focus();
    this.#fire('tts-close', null);
  };

  #submitDetails(): void {
    const ev = this.ev;
    if (!ev || this.busy) return;
    this.invalid = checkBuyer(this.buyer, this.#i);
    const first = Object.keys(this.invalid)[0];
    if (first) {
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#${first}`)?.focus());
      return;
    }
    const { name, email, phone } = this.buyer;
    const items = Object.entries(this.qty)
      .filter(([, n]) => n > 0)
      .map(([ticket_type, quantity]) => ({ ticket_type, quantity }));
    const paise = toPaise(this.amountText) ?? 0;
    const body = {
      event: ev.id,
      ...(ev.open_amount ? { amount: paise } : { items }),
      buyer: { name: name.trim(), email: email.trim(), ...(phone.trim() ? { phone: phone.trim() } : {}) },
    };
    const json = JSON.stringify(body);
    if (this.#creating?.body !== json) this.#creating = { body: json, key: newIdempotencyKey() };
    const attempt = this.#creating;
    const task = async () => {
      const sent = Date.now();
      let order: Order;
      try {
        order = await this.#api().create(body, attempt);
      } catch (err) {
        if (!(err instanceof CheckoutError && RETRYABLE.includes(err.code)) && this.#creating === attempt) this.#creating = null;
        throw err;
      }
      this.#creating = null;
      this.#secret = order.client_secret ?? '';
      // Count the hold down from its length, not the server's clock: the buyer's clock may be off.
      this.#deadline = sent + Date.parse(order.expires_at) - Date.parse(order.created_at);
      this.#resendAt = Date.now() + RESEND_COOLDOWN * 1000;
      keep(ev.id, { id: order.id, secret: this.#secret, deadline: this.#deadline });
      this.#fire('tts-order-created', { order: strip(order) });
      this.#advance(order);
    };
    // "Try again" submits what the form holds now: the same request keeps its key, an edited one gets a new key.
    void this.#run('holding', task, () => this.#submitDetails());
  }

  #toDetails(): void {
    const ev = this.ev;
    if (ev?.open_amount) {
      const paise = toPaise(this.amountText);
      const { min, max } = ev.open_amount;
      if (paise === null || paise < min || paise > max) {
        this.amountError = this.#i.t('amountBad', { min: this.#i.money(min), max: this.#i.money(max) });
        return;
      }
      this.amountError = '';
    }
    this.step = 'details';
  }

  #typeCode(typed: string): void {
    const digits = typed.replace(/\D/g, '').slice(0, 6);
    const input = this.renderRoot.querySelector<HTMLInputElement>('#code');
    if (input && input.value !== digits) input.value = digits;
    this.code = digits;
    if (digits.length === 6) this.#verify();
  }

  #verify(): void {
    const order = this.order;
    if (!order || this.code.length !== 6 || this.locked) return;
    const code = this.code;
    void this.#run('loading', async () => {
      this.#advance(await this.#api().verify(order.id, this.#secret, code));
      this.code = '';
    });
  }

  #resend(): void {
    const order = this.order;
    if (!order || this.#resendAt > Date.now()) return;
    const attempt = { key: newIdempotencyKey() };
    void this.#run('loading', async () => {
      const updated = await this.#api().resend(order.id, this.#secret, attempt);
      this.order = updated;
      this.attemptsLeft = updated.verification.attempts_left;
      this.locked = false;
      this.code = '';
      this.#resendAt = Date.now() + RESEND_COOLDOWN * 1000;
      return this.#i.t('sentTo', { email: updated.verification.sent_to ?? updated.buyer.email });
    });
  }

  #pay(outcome: 'success' | 'failure' = 'success'): void {
    const order = this.order;
    const payment = order?.payment;
    if (!order || !payment?.gateway_order_id || this.busy || this.paying) return;
    const gatewayOrderId = payment.gateway_order_id;
    if (payment.gateway !== 'test') return void this.#payLive(order);
    const attempt = { key: newIdempotencyKey() };
    void this.#run('paying', async () => {
      this.paying = true;
      try {
        const result = await this.#api().testPay(gatewayOrderId, outcome, attempt);
        if (!result.signature) throw new CheckoutError('PAYMENT_FAILED', result.error?.description ?? 'The payment was declined.');
        await this.#confirm({ gateway_order_id: gatewayOrderId, gateway_payment_id: result.gateway_payment_id, signature: result.signature });
      } finally {
        this.paying = false;
      }
    });
  }

  async #confirm(payment: Omit<PayOrderParams, 'client_secret'>): Promise<void> {
    this.#advance(await this.#api().pay(this.order!.id, this.#secret, payment));
  }

  /**
   * Live mode: loads Razorpay Checkout on this click, puts our dialog away while Razorpay's own
   * modal has the screen (a modal dialog would leave it inert), and brings it back for the result.
   */
  async #payLive(order: Order): Promise<void> {
    const payment = order.payment!;
    this.busy = true;
    this.problem = null;
    this.status = this.#i.t('loading');
    let Razorpay: Awaited<ReturnType<typeof loadRazorpay>>;
    try {
      Razorpay = await loadRazorpay();
    } catch (err) {
      this.busy = false;
      this.status = '';
      this.#fail(new CheckoutError('GATEWAY_UNAVAILABLE', String(err)), () => void this.#payLive(order));
      return;
    }
    this.busy = false;
    this.status = '';
    let settled = false;
    const comeBack = () => {
      this.#away = false;
      const dialog = this.#dialog();
      if (this.mode !== 'page' && this.opened && dialog && !dialog.open) dialog.showModal();
      this.#focusStep();
    };
    const accent = getComputedStyle(this).getPropertyValue('--tts-accent').trim();
    // Checkout stops taking the payment when the seats stop being held (Razorpay's minimum is 60 s).
    const holdLeft = this.#deadline ? Math.floor((this.#deadline - Date.now()) / 1000) : 0;
    // In-app browsers cannot run Checkout's popup: Razorpay posts the result to our server instead,
    // which completes the order and shows the tickets on the order's hosted page.
    const base = (this.apiBase || SCRIPT_ORIGIN).replace(/\/+$/, '');
    const redirect = isInAppBrowser(navigator.userAgent)
      ? { redirect: true, callback_url: `${base}/gateway/razorpay/callback/${encodeURIComponent(order.id)}?key=${encodeURIComponent(this.key)}` }
      : {};
    let failure: CheckoutError | null = null;
    const checkout = new Razorpay({
      key: payment.key_id ?? '',
      order_id: payment.gateway_order_id!,
      amount: payment.amount,
      currency: payment.currency,
      name: this.ev?.name ?? '',
      description: order.items.map((i) => `${i.quantity} × ${i.name}`).join(', '),
      prefill: { name: order.buyer.name, email: order.buyer.email, contact: razorpayContact(order.buyer.phone) },
      theme: { color: /^#[\da-f]{3,8}$/i.test(accent) ? accent : '#1d4ed8' },
      ...(holdLeft > 0 ? { timeout: Math.max(60, holdLeft) } : {}),
      ...redirect,
      handler: (r) => {
        settled = true;
        comeBack();
        void this.#run('paying', async () => {
          try {
            await this.#confirm({ gateway_order_id: r.razorpay_order_id, gateway_payment_id: r.razorpay_payment_id, signature: r.razorpay_signature });
          } finally {
            this.paying = false;
          }
        });
      },
      modal: {
        ondismiss: () => {
          if (settled) return;
          this.paying = false;
          comeBack();
          // Razorpay's window offers a retry after a failed attempt: it failed only once the buyer gives up.
          if (failure) this.#fail(failure);
        },
      },
    });
    checkout.on('payment.failed', (r) => {
      failure = new CheckoutError('PAYMENT_FAILED', r.error?.description ?? r.error?.reason ?? 'The payment was declined.');
    });
    this.paying = true;
    if (this.mode !== 'page') {
      this.#away = true;
      this.#dialog()?.close();
    }
    checkout.open();
  }

  #context(ev: PublicEvent): StepContext {
    const now = this.now;
    return {
      i: this.#i,
      event: ev,
      order: this.order,
      busy: this.busy,
      modal: this.mode !== 'page',
      qty: this.qty,
      amount: this.amountText,
      amountError: this.amountError,
      buyer: this.buyer,
      invalid: this.invalid,
      code: this.code,
      attemptsLeft: this.attemptsLeft,
      locked: this.locked,
      resendIn: Math.max(0, Math.ceil((this.#resendAt - now) / 1000)),
      holdLeft: this.#deadline ? Math.max(0, Math.ceil((this.#deadline - now) / 1000)) : null,
      tickets: this.tickets,
      on: {
        qty: (id, n) => (this.qty = { ...this.qty, [id]: n }),
        amount: (v) => (this.amountText = v),
        toDetails: () => this.#toDetails(),
        back: () => (this.step = 'tickets'),
        field: (f, value, blur) => {
          this.buyer = { ...this.buyer, [f]: value };
          if (blur || this.invalid[f]) this.invalid = { ...this.invalid, [f]: checkBuyer(this.buyer, this.#i)[f] };
        },
        submitDetails: () => this.#submitDetails(),
        code: (v) => this.#typeCode(v),
        verify: () => this.#verify(),
        resend: () => this.#resend(),
        pay: (outcome) => this.#pay(outcome),
        close: () => this.close(),
        restart: () => this.#restart(),
      },
    };
  }

  #body(c: StepContext) {
    switch (this.step) {
      case 'details':
        return detailsStep(c);
      case 'verify':
        return verifyStep(c);
      case 'pay':
        return payStep(c);
      case 'done':
        return doneStep(c);
      case 'ended':
        return html`<p class="notice" part="notice" data-focus tabindex="-1">${this.#i.t('expired')}</p>
          <button class="primary" part="primary" @click=${c.on.restart}>${this.#i.t('restart')}</button>`;
      default:
        return ticketsStep(c);
    }
  }

  /** While seats are held: what is being bought, and for how long the seats stay held. */
  #footer(c: StepContext) {
    const { order, holdLeft, i } = c;
    if (!order || holdLeft === null || (this.step !== 'verify' && this.step !== 'pay')) return nothing;
    return html`<footer part="footer">
      <span>${order.items.map((x) => `${x.quantity} × ${x.name}`).join(', ')} · <b>${i.money(order.amount)}</b></span>
      <span role="timer">${i.t('held', { time: i.clock(holdLeft) })}</span>
      <button class="link" aria-disabled=${this.paying} @click=${c.on.restart}>${i.t('restart')}</button>
    </footer>`;
  }

  /** Where the buyer is: tickets → details → email code (when asked) → pay → done. */
  #steps(ev: PublicEvent) {
    const i = this.#i;
    const steps = STEPS.filter(([s]) => s !== 'verify' || ev.require_email_verification);
    const at = steps.findIndex(([s]) => s === this.step);
    return html`<ol class="steps" part="steps" aria-label=${i.t('steps')}>
      ${steps.map(([s, key], n) => html`<li class=${n <= at ? 'on' : ''} aria-current=${s === this.step ? 'step' : nothing}>${i.t(key)}</li>`)}
    </ol>`;
  }

  #problem() {
    const p = this.problem;
    if (!p) return nothing;
    const i = this.#i;
    const wait = p.until ? Math.max(0, Math.ceil((p.until - this.now) / 1000)) : 0;
    const text = p.key === 'RATE_LIMITED' ? i.t('RATE_LIMITED', { time: i.clock(wait) }) : i.t(p.key, { reason: p.reason ?? '' });
    return html`<div class="error" part="error" role="alert">
      ${text}
      ${p.retry ? html`<br /><button class="secondary" aria-disabled=${wait > 0} @click=${() => wait <= 0 && p.retry?.()}>${i.t('retry')}</button>` : nothing}
    </div>`;
  }

  #panel() {
    const i = this.#i;
    const ev = this.ev;
    const c = ev && this.#context(ev);
    const modal = this.mode !== 'page';
    // `lang` so a screen reader reads Hindi as Hindi on an English page.
    return html`<div class="panel" part="panel" lang=${i.locale} aria-busy=${this.busy}>
      <header part="header">
        ${ev && !ev.livemode ? html`<span class="badge">${i.t('test')}</span>` : nothing}
        <h2 id="title">${ev?.name ?? i.t(this.problem ? 'buy' : 'loading')}</h2>
        ${ev ? html`<p class="muted">${[ev.venue, i.date(ev.starts_at, ev.timezone)].filter(Boolean).join(' · ')}</p>` : nothing}
        ${modal ? html`<button class="x" part="close" aria-label=${i.t('close')} @click=${() => this.#requestClose('close-button')}>×</button>` : nothing}
      </header>
      ${ev ? this.#steps(ev) : nothing}
      <div class="body" part="body">
        ${
          this.asking
            ? html`<div class="ask" role="alert">
              ${i.t('leave')}
              <div class="actions">
                <button class="primary" @click=${() => (this.asking = false)}>${i.t('stay')}</button>
                <button class="secondary" @click=${() => this.close()}>${i.t('close')}</button>
              </div>
            </div>`
            : nothing
        }
        ${this.#problem()} ${c ? this.#body(c) : nothing}
      </div>
      ${c ? this.#footer(c) : nothing}
      <p class="sr" role="status">${this.status}</p>
    </div>`;
  }

  protected override render() {
    if (this.mode === 'page') return this.#panel();
    return html`<button class="trigger" part="button" type="button" aria-haspopup="dialog" @click=${() => void this.open()}>
        <slot>${this.label || this.#i.t('buy')}</slot>
      </button>
      <dialog part="dialog" aria-labelledby="title" @cancel=${this.#onCancel} @close=${this.#onClose}>${this.opened ? this.#panel() : nothing}</dialog>`;
  }
}

if (!customElements.get('tts-checkout')) customElements.define('tts-checkout', TtsCheckout);
