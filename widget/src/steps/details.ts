import { html, nothing } from 'lit/html.js';
import { submit, type BuyerField, type StepContext } from './context.js';

/** As strict as `POST /v1/orders`, so the server refuses nothing the form let through. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9][0-9 ()-]{6,19}$/;

/**
 * What is wrong with each buyer field, as the message to show; an empty object when all is well.
 *
 * @example checkBuyer({ name: 'Asha', email: 'asha@', phone: '', company: '', address: '', gstin: '' }, i) // { email: 'Enter an email address …' }
 */
export function checkBuyer(buyer: Readonly<Record<BuyerField, string>>, i: StepContext['i']): Partial<Record<BuyerField, string>> {
  const bad: Partial<Record<BuyerField, string>> = {};
  if (!buyer.name.trim()) bad.name = i.t('nameBad');
  if (!EMAIL.test(buyer.email.trim()) || buyer.email.trim().length > 254) bad.email = i.t('emailBad');
  if (buyer.phone.trim() && !PHONE.test(buyer.phone.trim())) bad.phone = i.t('phoneBad');
  return bad;
}

/**
 * Step 2: name, email and an optional phone, checked as the buyer leaves each field; behind
 * "Need a GST invoice?", a company, billing address and GSTIN (the server checks the GSTIN); then
 * the attendee names and questions, when the event asks any (`c.attendees`, from attendees.ts).
 *
 * @example html`<div class="body">${detailsStep(context)}</div>`
 */
export function detailsStep(c: StepContext) {
  const { i } = c;
  const field = (name: BuyerField, type: string, label: string) => {
    const error = c.invalid[name];
    return html`<label for=${name}>${label}</label>
      <input id=${name} name=${name} type=${type} autocomplete=${type === 'text' ? name : type} maxlength=${name === 'name' ? 200 : 254}
        .value=${c.buyer[name]} ?required=${name === 'name' || name === 'email'} aria-invalid=${error ? 'true' : 'false'} aria-describedby=${error ? `${name}-e` : nothing}
        @input=${(e: InputEvent) => c.on.field(name, (e.target as HTMLInputElement).value)}
        @blur=${(e: FocusEvent) => c.on.field(name, (e.target as HTMLInputElement).value, true)} />
      ${error ? html`<p id=${`${name}-e`} class="bad">${error}</p>` : nothing}`;
  };
  return html`<h3 data-focus tabindex="-1">${i.t('details')}</h3>
    <form novalidate @submit=${submit(c.on.submitDetails)}>
      ${field('name', 'text', i.t('name'))} ${field('email', 'email', i.t('email'))} ${field('phone', 'tel', i.t('phone'))}
      <details><summary>${i.t('gst')}</summary>${field('company', 'text', i.t('company'))} ${field('address', 'text', i.t('address'))} ${field('gstin', 'text', 'GSTIN')}</details>
      ${c.attendees}
      ${c.event.require_email_verification ? html`<p class="muted">${i.t('codeNote')}</p>` : nothing}
      <div class="actions">
        <button type="button" class="secondary" part="secondary" @click=${c.on.back}>${i.t('back')}</button>
        <button class="primary" part="primary" aria-disabled=${c.busy}>${i.t('next')}</button>
      </div>
    </form>`;
}
