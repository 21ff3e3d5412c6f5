import { html } from 'lit/html.js';
import { submit, type StepContext } from './context.js';

/**
 * Step 3: the 6-digit email code. One input (not six boxes: one field is what screen readers
 * and `autocomplete="one-time-code"` handle best) that keeps only digits, so a pasted
 * "123 456" or "Your code: 123456" works, and that submits itself at the sixth digit.
 *
 * @example html`<div class="body">${verifyStep(context)}</div>`
 */
export function verifyStep(c: StepContext) {
  const { i, order } = c;
  const email = order?.verification.sent_to ?? order?.buyer.email ?? '';
  return html`<h3>${i.t('verify')}</h3>
    <p>${i.t('sentTo', { email })}</p>
    <form novalidate @submit=${submit(c.on.verify)}>
      <label for="code">${i.t('code')}</label>
      <input id="code" class="code" data-focus inputmode="numeric" autocomplete="one-time-code" .value=${c.code} aria-describedby="tries"
        @input=${(e: InputEvent) => c.on.code((e.target as HTMLInputElement).value)} />
      <p id="tries" class="muted">${c.attemptsLeft === null ? '' : i.t('tries', { n: c.attemptsLeft })}</p>
      <button class="primary" part="primary" aria-disabled=${c.busy || c.code.length !== 6}>${i.t('confirm')}</button>
      <button type="button" class="link" aria-disabled=${c.busy || c.resendIn > 0} @click=${c.on.resend}>
        ${c.resendIn > 0 ? i.t('resendIn', { time: i.clock(c.resendIn) }) : i.t('resend')}
      </button>
    </form>`;
}
