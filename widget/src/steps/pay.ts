import type { Lit, StepContext } from './context.js';

/**
 * Step 4: the itemised amount (ticket lines, a promo code's discount, the convenience fee, GST by kind, total: the lines add up to
 * the total, as the server worked them out, docs/gst.md), then the built-in test gateway's clearly marked panel (test mode) or
 * the button that opens Razorpay Checkout (live mode; its script loads only on that click).
 * Part of the extras (extras.ts), fetched while the buyer fills in the details step: it renders
 * with the `html` the element hands it.
 *
 * @example html`<div class="body">${payStep({ html, nothing }, context)}</div>`
 */
export function payStep({ html }: Lit, c: StepContext) {
  const { i, order } = c;
  const payment = order?.payment;
  const label = i.t('payAmount', { amount: i.money(order?.amount ?? 0) });
  // What the money is for, line by line: tickets before tax, the fee the buyer pays, then each kind of tax.
  const b = order?.breakdown;
  const row = (label: string, paise: number) => html`<p class="row"><span>${label}</span><span>${i.money(paise)}</span></p>`;
  const lines = order?.items.map((x, n) => row(`${x.quantity} × ${x.name}`, b?.lines[n]?.taxable_value ?? x.quantity * x.unit_price));
  // A promo code's discount, as the server took it off (shown right after what it was taken from).
  const d = order?.discount;
  const extra = b
    ? [
        ...(d ? [row(i.t('discount', { code: d.code }), -d.amount)] : []),
        ...(b.fees > 0 ? [row(i.t('fee'), b.fees)] : []),
        ...(['cgst', 'sgst', 'igst'] as const).filter((k) => b[k] > 0).map((k) => row(k.toUpperCase(), b[k])),
      ]
    : [];
  return html`<h3 data-focus tabindex="-1">${i.t('pay')}</h3>
    <div class="sum" part="summary">
      ${lines}${extra}
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
