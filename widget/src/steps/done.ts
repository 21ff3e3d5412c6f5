import { say } from '../locales/extras.js';
import type { Lit, StepContext } from './context.js';

/**
 * Step 5: the tickets, each with its QR code (an SVG image the server draws from the signed
 * code), its page and its PDF; where the email went; and where to find them all again later.
 *
 * Part of the extras (extras.ts), fetched while the buyer fills in the details step: it renders
 * with the `html` and `nothing` the element hands it.
 *
 * @example html`<div class="body">${doneStep({ html, nothing }, context)}</div>`
 */
export function doneStep({ html, nothing }: Lit, c: StepContext) {
  const { i, order, tickets } = c;
  return html`<h3 data-focus tabindex="-1">${say(i, 'done')}</h3>
    <p class="ok" part="success">
      ${order?.amount ? `${say(i, 'paid', { amount: i.money(order.amount) })} ` : ''}${i.t('sent', { email: order?.buyer.email ?? '' })}
    </p>
    ${
      tickets.length === 0
        ? html`<p>${say(i, 'issuing')}</p>`
        : tickets.map(
            (t, n) => html`<section class="ticket" part="ticket">
            <p class="muted">${say(i, 'ticket', { n: n + 1, total: tickets.length })} · ${t.ticket_type_name} · ${t.holder.name}</p>
            <img part="qr" src=${`${t.url}/qr.svg`} alt=${say(i, 'qr', { n: n + 1 })} width="200" height="200" />
            <p class="muted">${t.id}</p>
            <div class="actions">
              <a class="secondary" part="secondary" href=${t.url} target="_blank" rel="noopener">${say(i, 'open')}</a>
              <a class="primary" part="primary" href=${t.pdf_url} target="_blank" rel="noopener" download>${say(i, 'pdf')}</a>
            </div>
          </section>`,
          )
    }
    ${
      tickets[0]
        ? // The server's "Find my tickets" page sits next to the ticket pages: for a buyer who loses the mail.
          html`<p><a class="link" href=${tickets[0].url.replace(/[^/]+$/, 'find')} target="_blank" rel="noopener">${say(i, 'find')}</a></p>`
        : nothing
    }
    ${c.modal ? html`<button class="primary" part="primary" @click=${c.on.close}>${i.t('close')}</button>` : nothing}`;
}
