import type { PublicEvent } from '@trendy-tickets/sdk';
import { html, nothing } from 'lit/html.js';
import type { CheckoutStep, Problem } from '../checkout-flow.js';
import type { I18n, Key } from '../i18n.js';
import type { StepContext } from './context.js';

/** The steps the indicator shows, in order, with their short names. */
const STEPS: ReadonlyArray<[CheckoutStep, Key]> = [
  ['tickets', 'sTickets'],
  ['details', 'sDetails'],
  ['verify', 'code'],
  ['pay', 'pay'],
  ['done', 'sDone'],
];

/**
 * Where the buyer is: tickets → details → email code (when asked) → pay → done.
 *
 * @example html`${stepIndicator(i, event, 'pay')}`
 */
export function stepIndicator(i: I18n, ev: PublicEvent, step: CheckoutStep) {
  const steps = STEPS.filter(([s]) => s !== 'verify' || ev.require_email_verification);
  const at = steps.findIndex(([s]) => s === step);
  return html`<ol class="steps" part="steps" aria-label=${i.t('steps')}>
    ${steps.map(([s, key], n) => html`<li class=${n <= at ? 'on' : ''} aria-current=${s === step ? 'step' : nothing}>${i.t(key)}</li>`)}
  </ol>`;
}

/**
 * While seats are held (code and pay steps): what is being bought, and for how long the seats
 * stay held. Start again waits while a payment is under way.
 *
 * @example html`${holdFooter(context, 'pay', false)}`
 */
export function holdFooter(c: StepContext, step: CheckoutStep, paying: boolean) {
  const { order, holdLeft, i } = c;
  if (!order || holdLeft === null || (step !== 'verify' && step !== 'pay')) return nothing;
  return html`<footer part="footer">
    <span>${order.items.map((x) => `${x.quantity} × ${x.name}`).join(', ')} · <b>${i.money(order.amount)}</b></span>
    <span role="timer">${i.t('held', { time: i.clock(holdLeft) })}</span>
    <button class="link" aria-disabled=${paying} @click=${c.on.restart}>${i.t('restart')}</button>
  </footer>`;
}

/**
 * The error box: the problem in plain words, and "Try again" where a retry can help, which
 * waits out `RATE_LIMITED` (`now` is the clock the countdown renders from).
 *
 * @example html`${problemBox(i, problem, Date.now())}`
 */
export function problemBox(i: I18n, p: Problem | null, now: number) {
  if (!p) return nothing;
  const wait = p.until ? Math.max(0, Math.ceil((p.until - now) / 1000)) : 0;
  const text = p.key === 'RATE_LIMITED' ? i.t('RATE_LIMITED', { time: i.clock(wait) }) : i.t(p.key, { reason: p.reason ?? '' });
  return html`<div class="error" part="error" role="alert">
    ${text}
    ${p.retry ? html`<br /><button class="secondary" aria-disabled=${wait > 0} @click=${() => wait <= 0 && p.retry?.()}>${i.t('retry')}</button>` : nothing}
  </div>`;
}

/**
 * The hold ran out (or the order ended unpaid): nothing was charged, and Start again.
 *
 * @example html`<div class="body">${endedStep(context)}</div>`
 */
export function endedStep(c: StepContext) {
  return html`<p class="notice" part="notice" data-focus tabindex="-1">${c.i.t('expired')}</p>
    <button class="primary" part="primary" @click=${c.on.restart}>${c.i.t('restart')}</button>`;
}
