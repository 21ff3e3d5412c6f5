import { say } from '../locales/extras.js';
import { submit, type Lit, type StepContext } from './context.js';

/**
 * Step 3: the 6-digit email code. One input (not six boxes: one field is what screen readers
 * and `autocomplete="one-time-code"` handle best) that keeps only digits, so a pasted
 * "123 456" or "Your code: 123456" works, and that submits itself at the sixth digit.
 * Part of the extras (extras.ts), fetched while the buyer fills in the details step: it renders
 * with the `html` and `nothing` the element hands it.
 *
 * @example html`<div class="body">${verifyStep({ html, nothing }, context)}</div>`
 */
export function verifyStep({ html, nothing }: Lit, c: StepContext) {
  const { i, order } = c;
  const email = order?.verification.sent_to ?? order?.buyer.email ?? '';
  // Locked (five wrong codes): the field is off and a new code is the one way on, offered at once.
  const locked = c.locked;
  return html`<h3>${say(i, 'verify')}</h3>
    <p>${i.t('sentTo', { email })}</p>
    <form novalidate @submit=${submit(c.on.verify)}>
      <label for="code">${i.t('code')}</label>
      <input id="code" class="code" ?data-focus=${!locked} ?disabled=${locked} inputmode="numeric" autocomplete="one-time-code" .value=${c.code}
        aria-describedby="tries" @input=${(e: InputEvent) => c.on.code((e.target as HTMLInputElement).value)} />
      <p id="tries" class="muted">${c.attemptsLeft === null ? '' : say(i, 'tries', { n: c.attemptsLeft })}</p>
      ${locked ? nothing : html`<button class="primary" part="primary" aria-disabled=${c.busy || c.code.length !== 6}>${say(i, 'confirm')}</button>`}
      <button type="button" id="resend" class=${locked ? 'primary' : 'link'} ?data-focus=${locked} aria-disabled=${c.busy || c.resendIn > 0}
        @click=${c.on.resend}>
        ${c.resendIn > 0 ? say(i, 'resendIn', { time: i.clock(c.resendIn) }) : say(i, 'resend')}
      </button>
    </form>`;
}
