/**
 * The checkout's extras: parts few buyers use, kept out of the script-tag bundle (16 KB
 * min+gzip) and fetched the first time a checkout needs them, as `/widget/v1/tts-checkout.extras.js`
 * (docs/decisions/0042-lazy-extras.md): the email code, pay and tickets steps, and the promo code field.
 *
 * This module carries no Lit of its own: it imports Lit's types only, and renders with the
 * `html` and `nothing` the element hands it, so its templates are the main
 * bundle's (one Lit per page, whichever build fetched it). A bundle test keeps Lit out of it.
 */
import type { PromoCodeInvalidReason, PublicEvent } from '@trendy-tickets/sdk';
import type { CheckoutApi } from './api.js';
import type { CheckoutFlow } from './checkout-flow.js';
import type { I18n } from './i18n.js';
import { say } from './locales/extras.js';
import type { Lit } from './steps/context.js';

export { doneStep } from './steps/done.js';
export { payStep } from './steps/pay.js';
export { verifyStep } from './steps/verify.js';

/** What the promo part needs from the element: the flow it sets the code on, the API, a render. */
export interface PromoHost {
  flow: Pick<CheckoutFlow, 'eventId' | 'promoCode' | 'load'>;
  api(): Pick<CheckoutApi, 'event'>;
  /** Something the field shows changed: render. */
  changed(): void;
}

/** The promo code part of one checkout. */
export interface Promo {
  /** The tickets step's field: a code to type and Apply, or the applied code with Remove. */
  field(i: I18n, event: PublicEvent): unknown;
  /**
   * Checks `code` against the event; once it applies, the flow shows the event with it (the
   * hidden types it unlocks) and orders with it. A refusal is shown under the field, by reason.
   */
  apply(code: string): Promise<void>;
}

/** Why the field shows an error: the server's reason, or `failed` when the check did not get an answer. */
type Refusal = PromoCodeInvalidReason | 'failed';

const REASONS: readonly string[] = ['unknown', 'not_started', 'expired', 'used_up', 'inactive'] satisfies PromoCodeInvalidReason[];

/**
 * The promo code part of a checkout, rendering with `lit`.
 *
 * @example
 * const promo = createPromo({ html, nothing }, { flow, api: () => createApi(base, key), changed: () => el.requestUpdate() });
 * html`${promo.field(i, event)}`;
 */
export function createPromo(lit: Lit, host: PromoHost): Promo {
  const { html, nothing } = lit;
  let typed = '';
  let refusal: Refusal | null = null;
  let busy = false;

  async function apply(code: string): Promise<void> {
    const wanted = code.trim();
    typed = code;
    if (!wanted || busy) return;
    busy = true;
    refusal = null;
    host.changed();
    try {
      // Checked on its own first, so a refusal reads as the code's and not as the event failing to load.
      const checked = await host.api().event(host.flow.eventId, wanted);
      if (checked.promo) {
        host.flow.promoCode = checked.promo.code;
        typed = '';
        await host.flow.load();
      } else refusal = 'unknown';
    } catch (err) {
      const { code: failure, details } = err as { code?: string; details?: { reason?: string } };
      const reason = details?.reason ?? '';
      refusal = failure !== 'PROMO_CODE_INVALID' ? 'failed' : REASONS.includes(reason) ? (reason as PromoCodeInvalidReason) : 'unknown';
    } finally {
      busy = false;
      host.changed();
    }
  }

  function remove(): void {
    host.flow.promoCode = '';
    refusal = null;
    void host.flow.load();
  }

  function field(i: I18n, event: PublicEvent) {
    const p = event.promo;
    if (p) {
      const off = p.kind === 'percent' ? say(i, 'percent', { n: p.value }) : say(i, 'fixed', { amount: i.money(p.value) });
      const names = (p.ticket_types ?? []).map((id) => event.ticket_types.find((t) => t.id === id)?.name ?? id).join(', ');
      return html`<p class="row" part="promo">
        <span role="status">${say(i, 'applied', { code: p.code, off })}${names ? ` ${say(i, 'only', { types: names })}` : ''}</span>
        <button type="button" class="secondary" part="secondary" @click=${remove}>${say(i, 'remove')}</button>
      </p>`;
    }
    return html`<div part="promo">
      <label for="promo">${say(i, 'label')}</label>
      <div class="actions">
        <input id="promo" autocomplete="off" autocapitalize="characters" maxlength="50" .value=${typed}
          aria-invalid=${refusal ? 'true' : 'false'} aria-describedby=${refusal ? 'promo-e' : nothing}
          @input=${(e: InputEvent) => (typed = (e.target as HTMLInputElement).value)}
          @keydown=${(e: KeyboardEvent) => {
            // Enter applies the code; it must not submit the tickets form around the field.
            if (e.key !== 'Enter') return;
            e.preventDefault();
            void apply(typed);
          }} />
        <button type="button" class="secondary" part="secondary" aria-disabled=${busy} @click=${() => void apply(typed)}>${say(i, 'apply')}</button>
      </div>
      ${refusal ? html`<p id="promo-e" class="bad" role="alert">${say(i, refusal)}</p>` : nothing}
    </div>`;
  }

  return { field, apply };
}
