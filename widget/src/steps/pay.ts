import { html } from 'lit/html.js';
import type { StepContext } from './context.js';

/**
 * Step 4: the itemised amount (ticket lines, quantities, total), then the built-in test gateway's clearly marked panel (test mode) or
 * the button that opens Razorpay Checkout (live mode; its script loads only on that click).
 *
 * @example html`<div class="body">${payStep(context)}</div>`
 */
export function payStep(c: StepContext) {
  const { i, order } = c;
  const payment = order?.payment;
  const label = i.t('payAmount', { amount: i.money(order?.amount ?? 0) });
  // What the money is for, line by line; fees and taxes will join these lines.
  const lines = order?.items.map((x) => html`<p class="row"><span>${x.quantity} × ${x.name}</span><span>${i.money(x.quantity * x.unit_price)}</span></p>`);
  return html`<h3 data-focus tabindex="-1">${i.t('pay')}</h3>
    <div class="sum" part="summary">
      ${lines}
      <p class="row"><b>${i.t('total')}</b><b>${i.money(order?.amount ?? 0)}</b></p>
    </div>
    ${
      payment?.gateway === 'test'
        ? html`<div class="test" part="test-mode" role="group" aria-labelledby="tm">
          <strong id="tm">${i.t('test')}</strong>
          <p>${i.t('testNote')}</p>
          <button class="primary" part="primary" aria-disabled=${c.busy} @click=${() => c.on.pay('success')}>${label}</button>
          <button class="secondary" part="secondary" aria-disabled=${c.busy} @click=${() => c.on.pay('failure')}>${i.t('fail')}</button>
        </div>`
        : html`<p class="muted">${i.t('secure')}</p>
          ${c.confirming ? html`<p class="confirming">${i.t('paying')}</p>` : ''}
          <button class="primary" part="primary" aria-disabled=${c.busy} @click=${() => c.on.pay()}>${label}</button>`
    }`;
}
