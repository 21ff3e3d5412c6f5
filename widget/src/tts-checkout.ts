import type { PublicEvent } from '@trendy-tickets/sdk';
import { html, nothing } from 'lit/html.js';
import type { createAttendees } from './attendees.js';
import { CheckoutError, createApi } from './api.js';
import { BaseElement, type PropertyDeclaration, type PropertyValues } from './base-element.js';
import { CheckoutFlow, type CheckoutStep } from './checkout-flow.js';
import type { TtsCheckoutEventMap, TtsRequestCloseDetail } from './events.js';
import type * as Extras from './extras.js';
import type { Waitlist, createWaitlist } from './waitlist.js';
import { hasMessages, i18n, registerMessages, type I18n } from './i18n.js';
import type { CheckoutOptions, configure } from './options.js';
import { parts } from './parts.js';
import { lazyHandler, testGatewayHandler } from './pay-handler.js';
import type { razorpayHandler } from './razorpay-handler.js';
import type { BuyerField, StepContext } from './steps/context.js';
import { endedStep, holdFooter, problemBox, stepIndicator } from './steps/frame.js';
import { detailsStep } from './steps/details.js';
import { ticketsStep } from './steps/tickets.js';
import { styles } from './tts-checkout.styles.js';

export type { CheckoutStep } from './checkout-flow.js';
export type { CheckoutOptions } from './options.js';
export type { TtsCheckoutEventMap, TtsErrorDetail, TtsOrderCreatedDetail, TtsPaidDetail, TtsReadyDetail, TtsRequestCloseDetail } from './events.js';

declare global {
  interface HTMLElementTagNameMap {
    'tts-checkout': TtsCheckout;
  }
  interface HTMLElementEventMap {
    'tts-ready': CustomEvent<TtsCheckoutEventMap['tts-ready']>;
    'tts-open': CustomEvent<null>;
    'tts-close': CustomEvent<null>;
    'tts-request-close': CustomEvent<TtsRequestCloseDetail>;
    'tts-order-created': CustomEvent<TtsCheckoutEventMap['tts-order-created']>;
    'tts-paid': CustomEvent<TtsCheckoutEventMap['tts-paid']>;
    'tts-error': CustomEvent<TtsCheckoutEventMap['tts-error']>;
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

/**
 * `<tts-checkout>`: the Trendy Ticket Service checkout. A button that opens a modal (or, with
 * `mode="inline"`, the checkout itself in the page): tickets → details → email code → pay → tickets.
 * The page may choose tickets (`items`), the types shown (`ticket-types`), fill in the buyer
 * (`buyer-*`) and name the campaign (`tracking`; the page's `utm_*` by default): docs/widget.md.
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

  /** Attributes, then the element's own state (the checkout's state is the flow's, see checkout-flow.ts). */
  static override properties: Record<string, PropertyDeclaration> = {
    event: {},
    key: {},
    apiBase: { attribute: 'api-base' },
    label: {},
    locale: {},
    quantity: { type: Number },
    items: {},
    ticketTypes: { attribute: 'ticket-types' },
    buyerName: { attribute: 'buyer-name' },
    buyerEmail: { attribute: 'buyer-email' },
    buyerPhone: { attribute: 'buyer-phone' },
    tracking: {},
    promoCode: { attribute: 'promo-code' },
    prefillName: { attribute: 'prefill-name' },
    prefillEmail: { attribute: 'prefill-email' },
    prefillPhone: { attribute: 'prefill-phone' },
    amount: { type: Number },
    mode: { reflect: true },
    asking: { state: true },
    opened: { state: true },
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
  /** Tickets of the first type on sale chosen when the checkout opens (default 1), without `items`. */
  quantity = 1;
  /** Tickets chosen in advance: `tt_a:2,tt_b:1`. */
  items = '';
  /** Only these ticket types are shown: `tt_a,tt_b`. */
  ticketTypes = '';
  /** The buyer's details, filled in (the buyer may change them). */
  buyerName = '';
  buyerEmail = '';
  buyerPhone = '';
  /** The campaign, as query text (`campaign=diwali&source=mail`); overrides the page's `utm_*` field by field. */
  tracking = '';
  /** A promo code applied when the event loads (the buyer may remove it); a refused one shows why under the field. */
  promoCode = '';
  /** Older names of `buyer-name`, `buyer-email`, `buyer-phone`; the `buyer-*` one wins when both are set. */
  prefillName = '';
  prefillEmail = '';
  prefillPhone = '';
  /** For open-amount events: the amount (paise) to start from. */
  amount = 0;
  /** `modal` (default): a button and a dialog. `inline`: the checkout itself in the page (`page` is its older name). */
  mode: 'modal' | 'inline' | 'page' = 'modal';

  /** The buyer asked to close while paying: "Close anyway?" shows. */
  private asking = false;
  private opened = false;

  /** The checkout's steps, order and errors; it asks for a render whenever they change. */
  readonly #flow = new CheckoutFlow({
    api: () => createApi(this.#base(), this.key),
    changed: () => this.requestUpdate(),
    fire: (type, detail) => void this.#fire(type, detail),
    resumed: () => void this.open(),
    invalidField: (f) => void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#${f}`)?.focus()),
    handlers: {
      test: testGatewayHandler(() => createApi(this.#base(), this.key)),
      // Fetched on the first live Pay press, with Razorpay's own script: test mode and free events never need it.
      razorpay: lazyHandler(() =>
        (parts.load(this.#base(), 'tts-checkout.razorpay.js') as Promise<{ razorpayHandler: typeof razorpayHandler }>).then((m) =>
          m.razorpayHandler({
            base: () => this.#base(),
            key: () => this.key,
            accent: () => getComputedStyle(this).getPropertyValue('--tts-accent').trim(),
            away: () => {
              if (this.#inline) return;
              this.#away = true;
              this.#dialog()?.close();
            },
            back: () => {
              this.#away = false;
              const dialog = this.#dialog();
              if (!this.#inline && this.opened && dialog && !dialog.open) dialog.showModal();
              this.#focusStep();
            },
          }),
        ),
      ),
      // Paid outside the checkout (tickets the organizer issued): such an order is never payable here.
      external: null,
    },
  });
  /** What the last render showed of the flow: a change of step, event or lock moves the focus. */
  #shown: { step?: CheckoutStep; ev?: PublicEvent | null; locked?: boolean; x?: boolean } = {};
  #timer: ReturnType<typeof setInterval> | undefined;
  /** True while Razorpay Checkout has the screen (our dialog is put away meanwhile). */
  #away = false;
  #returnTo: HTMLElement | null = null;
  /** What `open()` was last given, kept over later attribute changes. */
  #options: CheckoutOptions | undefined;
  #i: I18n = i18n('en');
  /** The extras (extras.ts: the email code step, the promo code field) once asked for; asked again after a failure. */
  #extras: Promise<void> | undefined;
  /** The extras, once they arrived. */
  #x: typeof Extras | undefined;
  /** The attendee part (attendees.ts) once asked for, on the details step of an event that asks; asked again after a failure. */
  #attendees: Promise<void> | undefined;
  /** The promo code part, made when the extras arrive. */
  #promo: Extras.Promo | undefined;
  /** The waiting-list form of a sold-out type (waitlist.ts), in place of the tickets step while open. */
  #wl: Waitlist | undefined;

  /** The flow's state, to render. */
  get #s() {
    return this.#flow.state;
  }

  /** Inline (`mode="inline"`, or its older name `page`): no button, no dialog. */
  get #inline(): boolean {
    return this.mode === 'inline' || this.mode === 'page';
  }

  /**
   * Opens the checkout modal; `options` set it up first as the attributes do, and win over
   * them (inline, they apply and nothing opens). Safe to call before the element has rendered.
   *
   * @example
   * checkout.open({ items: { tt_a: 2 }, buyer: { email: 'asha@example.com' }, tracking: { campaign: 'diwali' } });
   */
  async open(options?: CheckoutOptions): Promise<void> {
    if (options?.promoCode) this.#withPromo((p) => void p.apply(options.promoCode!));
    if (options) await this.#configure(options);
    if (this.#inline) return;
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    this.#returnTo = active instanceof HTMLElement ? active : null;
    this.opened = true;
    await this.updateComplete;
    const dialog = this.#dialog();
    if (!dialog || dialog.open) return;
    dialog.showModal();
    const { ev, problem } = this.#s;
    if (!ev && problem) void this.#flow.load();
    this.#focusStep();
    this.#fire('tts-open', null);
  }

  /**
   * Applies the page's options (attributes, then `open()`'s), fetching the module that reads
   * them on first use. Without any, and without `utm_*` on the page, nothing is fetched. If the
   * module never arrives the checkout works as if none were set: the buyer chooses.
   */
  #configure(options?: CheckoutOptions): Promise<void> {
    const attributes = { items: this.items, ticketTypes: this.ticketTypes, tracking: this.tracking };
    if (options) this.#options = { ...this.#options, ...options };
    if (!this.#options && !attributes.items && !attributes.ticketTypes && !attributes.tracking && !location.search.includes('utm_')) return this.#flow.ready;
    this.#flow.ready = (parts.load(this.#base(), 'tts-checkout.options.js') as Promise<{ configure: typeof configure }>)
      .then((m) => m.configure(this.#flow, location.search, attributes, this.#options))
      .catch(() => undefined);
    return this.#flow.ready;
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
    const flow = this.#flow;
    if (changed.has('locale')) {
      this.#i = flow.i = i18n(this.locale);
      if (this.locale === 'hi' && !hasMessages('hi')) void this.#loadHindi();
    }
    // A prompt belongs to the step it was asked on: a payment that finished meanwhile leaves none behind.
    if (flow.state.step !== this.#shown.step) this.asking = false;
    flow.quantity = this.quantity;
    if (changed.has('items') || changed.has('ticketTypes') || changed.has('tracking') || changed.has('event')) void this.#configure();
    if (changed.has('event')) flow.setEvent(this.event);
    if ((changed.has('event') || changed.has('key') || changed.has('apiBase')) && this.event && this.key) void flow.load();
    if (changed.has('promoCode') && this.promoCode) this.#withPromo((p) => void p.apply(this.promoCode));
    if (changed.has('amount') && this.amount > 0) flow.setAmount(String(this.amount / 100));
    // A prefill fills its field when it is set, and leaves the buyer's own edits alone after.
    const self = this as unknown as Record<string, string>;
    for (const f of ['Name', 'Email', 'Phone']) {
      const value = self[`buyer${f}`] || self[`prefill${f}`];
      if ((changed.has(`buyer${f}`) || changed.has(`prefill${f}`)) && value) flow.field(f.toLowerCase() as BuyerField, value);
    }
  }

  protected override updated(changed: PropertyValues): void {
    const { step, ev, locked } = this.#s;
    const shown = this.#shown;
    // The code, pay and tickets steps are in the extras: fetched while the buyer fills in the details
    // (or reaches payment after a reload), and shown, or their failure, once needed.
    if (!this.#x && step !== shown.step && step !== 'tickets' && step !== 'ended') void this.#loadExtras(step !== 'details').catch(() => undefined);
    if (this.#x && !shown.x && (step === 'verify' || step === 'pay' || step === 'done')) this.#focusStep();
    // Attendee names and questions: their part is fetched when an event that asks them reaches the details step.
    if (step === 'details' && step !== shown.step && (ev?.attendee_details !== 'none' || ev.questions.length > 0)) this.#loadAttendees();
    this.#shown = { step, ev, locked, x: !!this.#x };
    // A new step takes focus (a heading or its one field), so keyboard and screen-reader users
    // land where the checkout went; the first step of page mode does not steal the page's focus.
    if (shown.step !== undefined && step !== shown.step) this.#focusStep();
    // Opened before the event arrived: the first step takes focus once it appears.
    if (ev && !shown.ev && this.opened) this.#focusStep();
    if (changed.has('asking') && this.asking) this.renderRoot.querySelector<HTMLElement>('.ask .primary')?.focus();
    // The code field is disabled once locked: focus goes to the way out, a new code.
    if (locked && !shown.locked) this.#focusStep();
  }

  /**
   * Fetches the Hindi words (a module of their own, so English pages do not carry them) and
   * speaks Hindi once they arrive; until then, or if they never do, the checkout is English.
   */
  async #loadHindi(): Promise<void> {
    try {
      const module = (await parts.load(this.#base(), 'tts-checkout.hi.js')) as { hi?: Parameters<typeof registerMessages>[1] };
      if (module.hi) registerMessages('hi', module.hi);
    } catch {
      return;
    }
    if (this.locale === 'hi') {
      this.#i = this.#flow.i = i18n('hi');
      this.requestUpdate();
    }
  }

  /**
   * Fetches the extras (the same way and from the same place as the other parts), once; `report`
   * shows a failure (offline, a page's CSP) in the checkout with Try again, which fetches them
   * anew, so a step that needs them never stays blank. A prefetch (`report` false) stays quiet.
   */
  #loadExtras(report: boolean): Promise<void> {
    this.#extras ??= (parts.load(this.#base(), 'tts-checkout.extras.js') as Promise<typeof Extras>).then((x) => {
      this.#x = x;
      this.#promo = x.createPromo({ html, nothing }, { flow: this.#flow, api: () => createApi(this.#base(), this.key), changed: () => this.requestUpdate() });
      this.requestUpdate();
    });
    return this.#extras.catch((err: unknown) => {
      this.#extras = undefined;
      if (report)
        this.#flow.report(new CheckoutError('PART_UNAVAILABLE', String(err)), () => {
          this.#flow.report(null);
          void this.#loadExtras(true);
        });
      throw err;
    });
  }

  /**
   * Fetches the attendee part once and hands it to the flow, which then checks and sends the
   * names and answers. A failure shows with Try again, as the extras' does.
   */
  #loadAttendees(): void {
    this.#attendees ??= (parts.load(this.#base(), 'tts-checkout.attendees.js') as Promise<{ createAttendees: typeof createAttendees }>).then(
      (m) => {
        const focus = (id: string) => void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#${id}`)?.focus());
        this.#flow.attendees = m.createAttendees({ html, nothing }, { changed: () => this.requestUpdate(), focus });
        this.requestUpdate();
      },
      (err: unknown) => {
        this.#attendees = undefined;
        this.#flow.report(new CheckoutError('PART_UNAVAILABLE', String(err)), () => {
          this.#flow.report(null);
          this.#loadAttendees();
        });
      },
    );
  }

  /**
   * Opens the waiting-list form of a sold-out `type` (waitlist.ts, fetched now), which shows in
   * place of the tickets step until the buyer leaves it. A failure shows with Try again, as the
   * extras' does.
   */
  #waitlist(type: string): void {
    (parts.load(this.#base(), 'tts-checkout.waitlist.js') as Promise<{ createWaitlist: typeof createWaitlist }>).then(
      (m) => {
        const focus = (id: string) => void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#${id}`)?.focus());
        const back = () => {
          this.#wl = undefined;
          void this.#flow.load();
          void this.updateComplete.then(() => this.#focusStep());
        };
        this.requestUpdate();
        this.#wl = m.createWaitlist({ html, nothing }, { api: () => createApi(this.#base(), this.key), changed: () => this.requestUpdate(), focus, back }, type);
      },
      (err: unknown) =>
        this.#flow.report(new CheckoutError('PART_UNAVAILABLE', String(err)), () => {
          this.#flow.report(null);
          this.#waitlist(type);
        }),
    );
  }

  /** Runs `then` with the promo part once the extras are here. */
  #withPromo(then: (promo: Extras.Promo) => void): void {
    this.#loadExtras(true).then(
      () => then(this.#promo!),
      () => undefined,
    );
  }

  /** The server: `api-base`, or where this script came from; no trailing slash. */
  #base(): string {
    return (this.apiBase || SCRIPT_ORIGIN).replace(/\/+$/, '');
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

  // Availability is checked only while the tickets are on screen.
  readonly #tick = (): void => this.#flow.tick((this.opened || this.#inline) && !document.hidden);

  #requestClose(source: TtsRequestCloseDetail['source']): void {
    if (!this.#fire('tts-request-close', { source }, true)) return;
    if (this.#s.paying) this.asking = true;
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
    const step = this.#s.step;
    // Reopening after a purchase starts afresh; an element taken off the page just stops.
    if (this.isConnected && (step === 'done' || step === 'ended')) this.#flow.restart();
    this.#wl = undefined;
    if (this.#returnTo?.isConnected) this.#returnTo.focus();
    this.#fire('tts-close', null);
  };

  #context(ev: PublicEvent): StepContext {
    const flow = this.#flow;
    const s = flow.state;
    return {
      i: this.#i,
      event: ev,
      order: s.order,
      busy: s.busy,
      confirming: s.busy && s.paying,
      modal: !this.#inline,
      qty: s.qty,
      amount: s.amountText,
      amountError: s.amountError,
      buyer: s.buyer,
      invalid: s.invalid,
      code: s.code,
      attemptsLeft: s.attemptsLeft,
      locked: s.locked,
      resendIn: flow.resendIn,
      holdLeft: flow.holdLeft,
      tickets: s.tickets,
      promo:
        this.#promo?.field(this.#i, ev) ??
        html`<button type="button" class="link" @click=${() => this.#withPromo(() => void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('#promo')?.focus()))}>
          ${this.#i.t('haveCode')}
        </button>`,
      attendees: flow.attendees?.fields(this.#i, ev, s.qty),
      on: {
        qty: (id, n) => flow.setQty(id, n),
        amount: (v) => flow.setAmount(v),
        toDetails: () => flow.toDetails(),
        back: () => flow.back(),
        field: (f, value, blur) => flow.field(f, value, blur),
        submitDetails: () => flow.submitDetails(),
        code: (v) => {
          const digits = flow.typeCode(v);
          const input = this.renderRoot.querySelector<HTMLInputElement>('#code');
          if (input && input.value !== digits) input.value = digits;
        },
        verify: () => flow.verify(),
        resend: () => flow.resend(),
        pay: (outcome) => flow.pay(outcome),
        close: () => this.close(),
        restart: () => flow.restart(),
        waitlist: (type) => this.#waitlist(type),
      },
    };
  }

  #body(c: StepContext) {
    switch (this.#s.step) {
      case 'details':
        return detailsStep(c);
      case 'verify':
        // Fetched while the buyer typed their details; if it is not here yet, it is on its way (or its failure shows).
        return this.#x ? this.#x.verifyStep({ html, nothing }, c) : html`<p data-focus tabindex="-1">${this.#i.t('loading')}</p>`;
      case 'pay':
        // In the extras, as the code step: fetched with the details step, so it is here long before Pay.
        return this.#x ? this.#x.payStep({ html, nothing }, c) : html`<p data-focus tabindex="-1">${this.#i.t('loading')}</p>`;
      case 'done':
        // Paid either way: without the extras, what matters most, and the failure with Try again above it.
        return this.#x ? this.#x.doneStep({ html, nothing }, c) : html`<p data-focus tabindex="-1">${this.#i.t('sent', { email: c.order?.buyer.email ?? '' })}</p>`;
      case 'ended':
        return endedStep(c);
      default:
        return this.#wl?.view(c) ?? ticketsStep(c);
    }
  }

  #panel() {
    const i = this.#i;
    const ev = this.#s.ev;
    const c = ev && this.#context(ev);
    const modal = !this.#inline;
    // `lang` so a screen reader reads Hindi as Hindi on an English page.
    return html`<div class="panel" part="panel" lang=${i.locale} aria-busy=${this.#s.busy}>
      <header part="header">
        ${ev && !ev.livemode ? html`<span class="badge">${i.t('test')}</span>` : nothing}
        <h2 id="title">${ev?.name ?? i.t(this.#s.problem ? 'buy' : 'loading')}</h2>
        ${ev ? html`<p class="muted">${[ev.venue, i.date(ev.starts_at, ev.timezone)].filter(Boolean).join(' · ')}</p>` : nothing}
        ${modal ? html`<button class="x" part="close" aria-label=${i.t('close')} @click=${() => this.#requestClose('close-button')}>×</button>` : nothing}
      </header>
      ${ev ? stepIndicator(i, ev, this.#s.step) : nothing}
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
        ${problemBox(i, this.#s.problem, this.#s.now)} ${c ? this.#body(c) : nothing}
      </div>
      ${c ? holdFooter(c, this.#s.step, this.#s.paying) : nothing}
      <p class="sr" role="status">${this.#s.status}</p>
    </div>`;
  }

  protected override render() {
    if (this.#inline) return this.#panel();
    return html`<button class="trigger" part="button" type="button" aria-haspopup="dialog" @click=${() => void this.open()}>
        <slot>${this.label || this.#i.t('buy')}</slot>
      </button>
      <dialog part="dialog" aria-labelledby="title" @cancel=${this.#onCancel} @close=${this.#onClose}>${this.opened ? this.#panel() : nothing}</dialog>`;
  }
}

if (!customElements.get('tts-checkout')) customElements.define('tts-checkout', TtsCheckout);
