import { html, nothing } from 'lit/html.js';
import { submit, toPaise, totalOf, type StepContext } from './context.js';

/** Below this many seats left, a type says how many remain. */
const FEW_LEFT = 20;

/** Why nothing can be bought, or null when sales are open. */
function closedReason(c: StepContext): string | null {
  const { event: e, i } = c;
  if (!e.sales_open) {
    // A cancelled event is closed for good, whatever its sales window says.
    return e.status !== 'cancelled' && e.sales_start_at && Date.parse(e.sales_start_at) > Date.now()
      ? i.t('opens', { date: i.date(e.sales_start_at, e.timezone) })
      : i.t('SALES_CLOSED');
  }
  // With a waiting list, sold-out types stay listed: each offers to join it.
  if (!e.open_amount && !e.waiting_list && e.ticket_types.every((t) => t.available <= 0)) {
    // Held is not sold: unpaid holds come back when they run out, and the checkout checks again by itself.
    return e.held > 0 && e.holds_expire_at ? i.t('allHeld', { time: i.time(e.holds_expire_at, e.timezone) }) : i.t('allSold');
  }
  return null;
}

/**
 * Step 1: ticket types with prices, what is left, steppers bounded by `max_per_order` and
 * availability, and a live total; or, for an open-amount event, the amount to pay.
 * Steppers use `aria-disabled` rather than `disabled`, so focus stays on a button at its limit.
 * A sold-out type of an event with a waiting list offers "Join the waiting list" (waitlist.ts).
 *
 * @example html`<div class="body">${ticketsStep(context)}</div>`
 */
export function ticketsStep(c: StepContext) {
  const { event: e, i } = c;
  const closed = closedReason(c);
  // `role="status"`: a buyer waiting on held seats hears when the list changes.
  if (closed) return html`<p class="notice" part="notice" role="status" data-focus tabindex="-1">${closed}</p>`;
  const paise = e.open_amount ? toPaise(c.amount) : null;
  const total = totalOf(c, paise);
  const chosen = e.open_amount ? paise !== null : Object.values(c.qty).some((n) => n > 0);
  const rows = e.open_amount
    ? html`<label for="amount">${i.t('amount', { min: i.money(e.open_amount.min), max: i.money(e.open_amount.max) })}</label>
        <input id="amount" inputmode="decimal" autocomplete="off" .value=${c.amount} aria-invalid=${c.amountError ? 'true' : 'false'}
          aria-describedby=${c.amountError ? 'amount-e' : nothing} @input=${(ev: InputEvent) => c.on.amount((ev.target as HTMLInputElement).value)} />
        ${c.amountError ? html`<p id="amount-e" class="bad">${c.amountError}</p>` : nothing}`
    : e.ticket_types.map((t) => {
        const n = c.qty[t.id] ?? 0;
        const max = Math.min(t.max_per_order, t.available);
        const left = t.available <= 0 ? i.t(t.held > 0 ? 'heldOut' : 'soldOut') : t.available <= FEW_LEFT ? i.t('left', { n: t.available }) : '';
        return html`<div class="row" part="ticket-type">
          <div>
            <b id=${`n-${t.id}`}>${t.name}</b>
            <span class="muted">${t.price ? i.money(t.price) : i.t('free')}${left ? ` · ${left}` : ''}</span>
          </div>
          ${
            t.available <= 0
              ? e.waiting_list
                ? html`<button type="button" class="link" aria-describedby=${`n-${t.id}`} @click=${() => c.on.waitlist(t.id)}>${i.t('waitlist')}</button>`
                : nothing
              : html`<div class="stepper" role="group" aria-labelledby=${`n-${t.id}`}>
                <button type="button" aria-label=${i.t('remove', { name: t.name })} aria-disabled=${n <= 0} @click=${() => n > 0 && c.on.qty(t.id, n - 1)}>−</button>
                <output aria-live="polite">${n}</output>
                <button type="button" aria-label=${i.t('add', { name: t.name })} aria-disabled=${n >= max} @click=${() => n < max && c.on.qty(t.id, n + 1)}>+</button>
              </div>`
          }
        </div>`;
      });
  return html`<h3 data-focus tabindex="-1">${i.t('tickets')}</h3>
    <form novalidate @submit=${submit(c.on.toDetails)}>
      ${rows} ${c.promo}
      <p class="row"><span>${i.t('total')}</span><strong>${i.money(total)}</strong></p>
      <button class="primary" part="primary" ?disabled=${!chosen}>${i.t('next')}</button>
    </form>`;
}
