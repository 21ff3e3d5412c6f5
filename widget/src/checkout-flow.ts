/**
 * The checkout without the DOM: the step the buyer is on, the event, the order and its hold, the
 * calls to the API (api.ts), resuming after a reload (resume.ts), and what each error means for
 * the buyer (error-messages.ts). `<tts-checkout>` renders {@link CheckoutFlow.state} and forwards
 * the buyer's actions here; payments go through a {@link PayHandler} per gateway.
 */
import type { CreateOrderParams, FieldIssue, Order, OrderTracking, OtpInvalidDetails, PublicEvent, Ticket } from '@trendy-tickets/sdk';
import type { Attendees } from './attendees.js';
import { CheckoutError, newIdempotencyKey, type CheckoutApi, type CheckoutErrorCode, type IdempotencyKey } from './api.js';
import { errorMessage, RETRYABLE } from './error-messages.js';
import type { TtsCheckoutEventMap } from './events.js';
import { i18n, type I18n, type Key } from './i18n.js';
import type { PayCallbacks, PayHandlers } from './pay-handler.js';
import { awaitPayment, CONFIRM_FOR_MS, keep, kept, markPaying } from './resume.js';
import type { BuyerField } from './steps/context.js';
import { toPaise } from './steps/context.js';
import { checkBuyer } from './steps/details.js';

/** Where the checkout is in its flow. `ended`: the hold ran out (or the order ended unpaid). */
export type CheckoutStep = 'tickets' | 'details' | 'verify' | 'pay' | 'done' | 'ended';

/** An error shown to the buyer: its words (`key`), and a retry where one can help. */
export interface Problem {
  code: CheckoutErrorCode;
  key: Key;
  /** Fills `{reason}` (PAYMENT_FAILED: the gateway's words). */
  reason?: string;
  retry?: (() => void) | undefined;
  /** Clock time (ms) before which the retry waits (RATE_LIMITED). */
  until?: number;
}

/** Everything the element renders from. */
export interface FlowState {
  ev: PublicEvent | null;
  step: CheckoutStep;
  /** Tickets chosen per ticket type. */
  qty: Record<string, number>;
  /** The open amount as typed, in rupees. */
  amountText: string;
  amountError: string;
  buyer: Record<BuyerField, string>;
  invalid: Partial<Record<BuyerField, string>>;
  order: Order | null;
  code: string;
  attemptsLeft: number | null;
  /** Five wrong codes: no code passes until a new one is sent. */
  locked: boolean;
  tickets: Ticket[];
  problem: Problem | null;
  /** Read out to screen readers: what the checkout is doing or just did. */
  status: string;
  busy: boolean;
  /** A payment is under way: closing asks first, Start again waits. */
  paying: boolean;
  /** The clock when the state last changed for it (countdowns render from it). */
  now: number;
}

/** What the flow needs from the element that shows it. */
export interface FlowHost {
  /** The API of the element's current server and key, read per call (attributes may change). */
  api(): CheckoutApi;
  /** The state changed: render it (many calls in one task may render once). */
  changed(): void;
  /** Fires one of the element's events. */
  fire<K extends keyof TtsCheckoutEventMap>(type: K, detail: TtsCheckoutEventMap[K]): void;
  /** A kept order came back after a reload: show the checkout. */
  resumed(): void;
  /** A buyer field is wrong: take the buyer to it. */
  invalidField(field: BuyerField): void;
  /** The payment handler of each gateway. */
  handlers: PayHandlers;
  /** The clock (ms); `Date.now` unless given. */
  now?: () => number;
}

/** Seconds between two code mails; the server also limits sends per hour. */
const RESEND_COOLDOWN = 30;
/** Milliseconds between availability checks while the tickets step is open (the server caches the answer too). */
export const POLL_MS = 15_000;
/** When the server asks for patience without saying how long. */
const DEFAULT_WAIT = 60;

const strip = ({ client_secret: _, ...order }: Order): Omit<Order, 'client_secret'> => order;

/**
 * One checkout's flow: tickets → details → email code (when the event asks) → pay → done, or
 * `ended` when the hold runs out.
 *
 * @example
 * const flow = new CheckoutFlow({ api, changed: render, fire, resumed: open, invalidField: focus, handlers });
 * flow.setEvent('evt_…');
 * await flow.load();
 */
export class CheckoutFlow {
  /** The words the flow's messages are in; the element sets it from `locale`. */
  i: I18n = i18n('en');
  /** The Event Token of the event on sale. */
  eventId = '';
  /** Tickets of the first type on sale chosen when the event loads (without `items`). */
  quantity = 1;
  /** Tickets chosen per type when the event loads; replaces `quantity` when it names any. */
  items: Record<string, number> = {};
  /** The only ticket types shown (empty: all). */
  ticketTypes: string[] = [];
  /** Sent with the order (options.ts `orderTracking`); null: none. */
  tracking: OrderTracking | null = null;
  /** The promo code the event is shown and the order made with ('' for none); extras.ts checks it before setting it. */
  promoCode = '';
  /**
   * The attendee part (attendees.ts, a part of its own), once it arrived: checks the attendee
   * names and answers and adds them to the order. An event that asks for them orders only with it.
   */
  attendees: Attendees | null = null;
  /** Settles once the page's options are applied (options.ts, fetched when used): the event waits for them. */
  ready: Promise<void> = Promise.resolve();

  #s: FlowState;
  readonly #host: FlowHost;
  readonly #now: () => number;
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
  /** When the hold ends by this browser's clock; 0 without a hold. */
  #deadline = 0;
  #resendAt = 0;
  /** When availability is next checked by itself (tickets step, checkout open). */
  #pollAt = 0;
  /** The kept order of this event was looked for (once per page load). */
  #resumed = false;

  constructor(host: FlowHost) {
    this.#host = host;
    // Read per call: a test may swap the clock after the flow exists.
    this.#now = host.now ?? (() => Date.now());
    this.#s = {
      ev: null,
      step: 'tickets',
      qty: {},
      amountText: '',
      amountError: '',
      buyer: { name: '', email: '', phone: '', company: '', address: '', gstin: '' },
      invalid: {},
      order: null,
      code: '',
      attemptsLeft: null,
      locked: false,
      tickets: [],
      problem: null,
      status: '',
      busy: false,
      paying: false,
      now: this.#now(),
    };
  }

  /** The state to render. Change it through the flow's methods only. */
  get state(): Readonly<FlowState> {
    return this.#s;
  }

  /** Seconds until a new code may be asked for; 0 when it may. */
  get resendIn(): number {
    return Math.max(0, Math.ceil((this.#resendAt - this.#s.now) / 1000));
  }

  /** Seconds the seats are still held for, or null without a hold. */
  get holdLeft(): number | null {
    return this.#deadline ? Math.max(0, Math.ceil((this.#deadline - this.#s.now) / 1000)) : null;
  }

  #set(patch: Partial<FlowState>): void {
    this.#s = { ...this.#s, ...patch };
    this.#host.changed();
  }

  /** Another event: its own quantities, and its own kept order to resume. */
  setEvent(id: string): void {
    this.eventId = id;
    this.#resumed = false;
    this.#set({ qty: {} });
  }

  /**
   * Starts over with what the page chose (tickets, types shown): the choice is made afresh when
   * the event loads, so a call before the event arrives waits for it. Not while an order is under way.
   */
  choose(): void {
    if (this.#s.order) return;
    this.#set({ qty: {}, step: 'tickets' });
    void this.load();
  }

  /** Sets what the buyer typed (or the page prefilled); `check` checks the field now, as on leaving it. */
  field(f: BuyerField, value: string, check = false): void {
    const buyer = { ...this.#s.buyer, [f]: value };
    this.#set({ buyer });
    if (check || this.#s.invalid[f]) this.#set({ invalid: { ...this.#s.invalid, [f]: checkBuyer(buyer, this.i)[f] } });
  }

  /** Chooses `n` tickets of one type. */
  setQty(ticketType: string, n: number): void {
    this.#set({ qty: { ...this.#s.qty, [ticketType]: n } });
  }

  /** The open amount as typed, in rupees. */
  setAmount(rupees: string): void {
    this.#set({ amountText: rupees });
  }

  /** Back to the tickets step from the details. */
  back(): void {
    this.#set({ step: 'tickets' });
  }

  /**
   * (Re)loads the event: availability, prices, whether sales are open. `quiet`: a check of its
   * own (the poll), which says nothing when it fails; the next one may work.
   */
  async load(keepProblem = false, quiet = false): Promise<void> {
    const id = this.eventId;
    if (!keepProblem) this.#set({ problem: null });
    this.#pollAt = this.#now() + POLL_MS;
    try {
      await this.ready;
      const code = this.promoCode;
      const all = await this.#host.api().event(id, code);
      // Another event, or a code applied or removed meanwhile: that load's answer is the one to show.
      if (id !== this.eventId || code !== this.promoCode) return;
      const only = this.ticketTypes;
      const ev = only.length > 0 ? { ...all, ticket_types: all.ticket_types.filter((t) => only.includes(t.id)) } : all;
      const qty: Record<string, number> = {};
      const fresh = Object.keys(this.#s.qty).length === 0;
      const preset = fresh && Object.keys(this.items).length > 0;
      let first = fresh && !preset;
      for (const t of ev.ticket_types) {
        const max = Math.max(0, Math.min(t.max_per_order, t.available));
        // Chosen in advance but fewer left: as many as there are, never more than the buyer may take.
        qty[t.id] = Math.min(preset ? (this.items[t.id] ?? 0) : (this.#s.qty[t.id] ?? 0), max);
        if (first && max > 0) {
          qty[t.id] = Math.min(Math.max(0, this.quantity), max);
          first = false;
        }
      }
      this.#set({ ev, qty });
      this.#host.fire('tts-ready', { event: ev });
      if (!this.#resumed) await this.#resume();
    } catch (err) {
      if (!quiet) this.#fail(err, () => void this.load());
    }
  }

  /**
   * After a reload: picks up the order this tab kept for the event, at the step it is at (its
   * tickets, when paid), and shows the checkout again. A finished or unknown order is forgotten.
   */
  async #resume(): Promise<void> {
    this.#resumed = true;
    const saved = kept(this.eventId);
    if (!saved) return;
    let order: Order;
    try {
      order = await this.#host.api().retrieve(saved.id, saved.secret);
    } catch (err) {
      // Offline for now: keep it for the next load. Refused (another key, gone): forget it.
      if (!(err instanceof CheckoutError && RETRYABLE.includes(err.code))) keep(this.eventId, null);
      return;
    }
    if (order.status !== 'awaiting_verification' && order.status !== 'awaiting_payment' && order.status !== 'paid') return keep(this.eventId, null);
    this.#secret = saved.secret;
    this.#deadline = saved.deadline;
    this.#advance(order);
    this.#host.resumed();
    // Reloaded while a gateway's window was open (a UPI app round trip): the payment may be on its
    // way to the server without this page; say so and wait for it rather than offer Pay again.
    if (order.status === 'awaiting_payment' && saved.paying) {
      const until = Math.min(saved.deadline, this.#now() + CONFIRM_FOR_MS);
      const alive = () => this.#s.order?.id === order.id && this.#s.step === 'pay';
      void this.#run('paying', async () => {
        this.#set({ paying: true });
        try {
          const moved = await awaitPayment(() => this.#host.api().retrieve(order.id, saved.secret), { until, alive });
          if (moved && alive()) this.#advance(moved);
        } finally {
          this.#set({ paying: false });
        }
      });
    }
  }

  /**
   * Once a second: moves countdowns on, ends the hold when it runs out, and while the buyer looks
   * at the tickets (`watching`: the checkout is on screen) checks availability now and then.
   */
  tick(watching: boolean): void {
    const now = this.#now();
    const { step, problem, ev, busy, paying } = this.#s;
    const holding = step === 'verify' || step === 'pay';
    if (holding || (problem?.until ?? 0) > this.#s.now) this.#set({ now });
    // Held seats may come back: check now and then.
    if (step === 'tickets' && ev && watching && now >= this.#pollAt && !busy) void this.load(true, true);
    if (holding && this.#deadline && now >= this.#deadline && !paying) {
      this.#end();
      this.#host.fire('tts-error', { code: 'HOLD_EXPIRED', message: 'The hold on the seats ran out before payment.', request_id: null });
    }
  }

  /**
   * Runs one server step with the busy state, a status for screen readers, and errors handled.
   * "Try again" runs `task` again, or `retry` when given.
   */
  async #run(status: Key, task: () => Promise<string | void>, retry: () => void = () => void this.#run(status, task, retry)): Promise<void> {
    if (this.#s.busy) return;
    this.#set({ busy: true, problem: null, status: this.i.t(status) });
    try {
      this.#set({ status: (await task()) ?? '' });
    } catch (err) {
      this.#set({ status: '' });
      this.#fail(err, retry);
    } finally {
      this.#set({ busy: false });
    }
  }

  /** Shows an error in plain words, offers a retry where one can help, and fires `tts-error`. */
  #fail(err: unknown, retry?: () => void): void {
    const e = err instanceof CheckoutError ? err : new CheckoutError('INTERNAL', String(err));
    const code = e.code;
    this.#host.fire('tts-error', { code, message: e.message, request_id: e.requestId });
    const problem: Problem = { code, key: errorMessage(code), retry: RETRYABLE.includes(code) ? retry : undefined };
    switch (code) {
      case 'HOLD_EXPIRED':
        this.#end();
        return;
      case 'SOLD_OUT':
      case 'SALES_CLOSED':
      // A code that stopped working between applying it and ordering: full prices again, on the tickets step.
      case 'PROMO_CODE_INVALID':
        if (code === 'PROMO_CODE_INVALID') this.promoCode = '';
        this.#set({ step: 'tickets' });
        void this.load(true);
        break;
      case 'OTP_INVALID': {
        const details = e.details as Partial<OtpInvalidDetails> | undefined;
        const left = details?.attempts_left;
        if (typeof left === 'number') this.#set({ attemptsLeft: left });
        if (details?.reason === 'locked' || left === 0) {
          // No code will pass now, not even the right one: stop taking codes and offer a new
          // one at once (the server still limits how many are sent).
          problem.key = 'OTP_LOCKED';
          this.#set({ locked: true });
          this.#resendAt = 0;
        }
        this.#set({ code: '' });
        break;
      }
      case 'OTP_EXPIRED':
        this.#set({ code: '' });
        break;
      case 'RATE_LIMITED':
        problem.until = this.#now() + (e.retryAfter ?? DEFAULT_WAIT) * 1000;
        this.#set({ now: this.#now() });
        break;
      case 'PAYMENT_FAILED':
        problem.reason = e.message;
        break;
      case 'VALIDATION_FAILED': {
        const issues = Array.isArray(e.details) ? (e.details as FieldIssue[]) : [];
        const invalid: Partial<Record<BuyerField, string>> = {};
        for (const issue of issues) {
          const f = issue.field.replace(/^\w+\./, '') as BuyerField;
          if (f in this.#s.buyer) invalid[f] = issue.message;
        }
        // An attendee's field or an answer the server refused is shown on its field, as a buyer field is.
        const theirs = this.attendees?.refused(issues);
        if (Object.keys(invalid).length > 0 || theirs) this.#set({ invalid, step: 'details' });
        break;
      }
      case 'ORDER_NOT_PAYABLE': {
        // The order moved on elsewhere (paid by a webhook, expired): show where it is now, once
        // the failed step has finished (`#run` takes one step at a time).
        const order = this.#s.order;
        if (order) void Promise.resolve().then(() => this.#run('loading', async () => this.#advance(await this.#host.api().retrieve(order.id, this.#secret))));
        return;
      }
      default:
        // The embed itself is wrong (key, event, origin): the buyer cannot fix this; the developer reading the console can.
        if (problem.key === 'SETUP') console.warn(`<tts-checkout>: ${e.message}`);
    }
    this.#set({ problem });
  }

  /**
   * Shows a failure of the element's own (a part of the checkout that did not load) as the
   * flow's are shown; `null` takes it away again (its Try again is under way).
   */
  report(err: unknown, retry?: () => void): void {
    if (err) this.#fail(err, retry);
    else this.#set({ problem: null });
  }

  /** Moves to the step the order's state calls for. */
  #advance(order: Order): void {
    const { status, verification } = order;
    this.#set({
      order,
      now: this.#now(),
      attemptsLeft: verification.attempts_left,
      locked: status === 'awaiting_verification' && verification.attempts_left === 0,
    });
    if (status === 'awaiting_verification') this.#set({ step: 'verify' });
    else if (status === 'awaiting_payment') this.#set({ step: 'pay' });
    else if (status === 'paid') {
      this.#deadline = 0;
      this.#set({ tickets: order.tickets, paying: false, step: 'done' });
      this.#host.fire('tts-paid', { order: strip(order), tickets: order.tickets });
    } else this.#end();
  }

  #end(): void {
    this.#deadline = 0;
    this.#set({ step: 'ended', paying: false });
    keep(this.eventId, null);
  }

  /**
   * Back to the start with fresh availability; the buyer's details are kept. An order still
   * holding seats is cancelled first, so starting again never holds a second set.
   */
  restart(): void {
    if (this.#s.paying) return;
    const order = this.#s.order;
    const secret = this.#secret;
    keep(this.eventId, null);
    this.#deadline = 0;
    this.#secret = '';
    this.#creating = null;
    this.#pollAt = this.#now() + POLL_MS;
    this.#set({ locked: false, order: null, tickets: [], code: '', problem: null, step: 'tickets' });
    const holding = order && (order.status === 'awaiting_verification' || order.status === 'awaiting_payment');
    void (
      holding
        ? this.#host
            .api()
            .cancel(order.id, secret)
            .catch(() => null)
        : Promise.resolve()
    ).then(() => this.load());
  }

  /** From the tickets to the details, once an open amount is within the event's range. */
  toDetails(): void {
    const ev = this.#s.ev;
    if (ev?.open_amount) {
      const paise = toPaise(this.#s.amountText);
      const { min, max } = ev.open_amount;
      if (paise === null || paise < min || paise > max) {
        this.#set({ amountError: this.i.t('amountBad', { min: this.i.money(min), max: this.i.money(max) }) });
        return;
      }
      this.#set({ amountError: '' });
    }
    this.#set({ step: 'details' });
  }

  /** Checks the buyer's details and holds the seats; a wrong field is shown, not sent. */
  submitDetails(): void {
    const ev = this.#s.ev;
    if (!ev || this.#s.busy) return;
    const invalid = checkBuyer(this.#s.buyer, this.i);
    this.#set({ invalid });
    const first = (Object.keys(invalid) as BuyerField[])[0];
    if (first) {
      this.#host.invalidField(first);
      return;
    }
    const { name, email, phone, company, address, gstin } = this.#s.buyer;
    const items = Object.entries(this.#s.qty)
      .filter(([, n]) => n > 0)
      .map(([ticket_type, quantity]) => ({ ticket_type, quantity }));
    const paise = toPaise(this.#s.amountText) ?? 0;
    const body: CreateOrderParams = {
      event: ev.id,
      ...(ev.open_amount ? { amount: paise } : { items }),
      buyer: { name: name.trim(), email: email.trim(), ...(phone.trim() ? { phone: phone.trim() } : {}) },
      ...(this.tracking ? { tracking: this.tracking } : {}),
      ...(company + address + gstin ? { billing: { company: company || null, address: address || null, gstin: gstin || null } } : {}),
      ...(this.promoCode ? { promo_code: this.promoCode } : {}),
    };
    if (this.attendees ? !this.attendees.fill(this.i, ev, body) : ev.attendee_details !== 'none' || ev.questions.length) return;
    const json = JSON.stringify(body);
    if (this.#creating?.body !== json) this.#creating = { body: json, key: newIdempotencyKey() };
    const attempt = this.#creating;
    const task = async () => {
      const sent = this.#now();
      let order: Order;
      try {
        order = await this.#host.api().create(body, attempt);
      } catch (err) {
        if (!(err instanceof CheckoutError && RETRYABLE.includes(err.code)) && this.#creating === attempt) this.#creating = null;
        throw err;
      }
      this.#creating = null;
      this.#secret = order.client_secret ?? '';
      // Count the hold down from its length, not the server's clock: the buyer's clock may be off.
      this.#deadline = sent + Date.parse(order.expires_at) - Date.parse(order.created_at);
      this.#resendAt = this.#now() + RESEND_COOLDOWN * 1000;
      keep(ev.id, { id: order.id, secret: this.#secret, deadline: this.#deadline });
      this.#host.fire('tts-order-created', { order: strip(order) });
      this.#advance(order);
    };
    // "Try again" submits what the form holds now: the same request keeps its key, an edited one gets a new key.
    void this.#run('holding', task, () => this.submitDetails());
  }

  /** The code as typed: digits only, at most six; the sixth checks it. Returns what the field should show. */
  typeCode(typed: string): string {
    const digits = typed.replace(/\D/g, '').slice(0, 6);
    this.#set({ code: digits });
    if (digits.length === 6) this.verify();
    return digits;
  }

  /** Checks the emailed code. */
  verify(): void {
    const { order, code, locked } = this.#s;
    if (!order || code.length !== 6 || locked) return;
    void this.#run('loading', async () => {
      this.#advance(await this.#host.api().verify(order.id, this.#secret, code));
      this.#set({ code: '' });
    });
  }

  /** Mails a new code (not within the cooldown). */
  resend(): void {
    const order = this.#s.order;
    if (!order || this.#resendAt > this.#now()) return;
    const attempt = { key: newIdempotencyKey() };
    void this.#run('loading', async () => {
      const updated = await this.#host.api().resend(order.id, this.#secret, attempt);
      this.#resendAt = this.#now() + RESEND_COOLDOWN * 1000;
      this.#set({ order: updated, attemptsLeft: updated.verification.attempts_left, locked: false, code: '' });
      return this.i.t('sentTo', { email: updated.verification.sent_to ?? updated.buyer.email });
    });
  }

  /** Pays the order through its gateway's handler; `outcome` is the test panel's choice. */
  pay(outcome: 'success' | 'failure' = 'success'): void {
    const { order, busy, paying } = this.#s;
    const payment = order?.payment;
    if (!order || !payment?.gateway_order_id || busy || paying) return;
    this.#host.handlers[payment.gateway]?.pay(order, this.#payCallbacks(order, outcome));
  }

  #payCallbacks(order: Order, outcome: 'success' | 'failure'): PayCallbacks {
    return {
      outcome,
      event: this.#s.ev,
      holdLeft: this.#deadline ? Math.floor((this.#deadline - this.#now()) / 1000) : 0,
      confirm: (proof) =>
        void this.#run('paying', async () => {
          this.#set({ paying: true });
          try {
            const p = typeof proof === 'function' ? await proof() : proof;
            this.#advance(await this.#host.api().pay(order.id, this.#secret, p));
          } finally {
            this.#set({ paying: false });
          }
        }),
      paying: (on) => {
        this.#set({ paying: on });
        // Kept with the order: a reload while the window is open waits for the payment (resume.ts).
        markPaying(this.eventId, on);
      },
      loading: (on) => this.#set({ busy: on, status: on ? this.i.t('loading') : '', ...(on ? { problem: null } : {}) }),
      fail: (error, retry) => this.#fail(error, retry),
    };
  }
}
