import { html, nothing } from 'lit/html.js';
import type { StepContext } from './context.js';

/**
 * Step 5: the tickets, each with its QR code (an SVG image the server draws from the signed
 * code), its page and its PDF; where the email went; and where to find them all again later.
 *
 * @example html`<div class="body">${doneStep(context)}</div>`
 */
export function doneStep(c: StepContext) {
  const { i, order, tickets } = c;
  return html`<h3 data-focus tabindex="-1">${i.t('done')}</h3>
    <p class="ok" part="success">
      ${order?.amount ? `${i.t('paid', { amount: i.money(order.amount) })} ` : ''}${i.t('sent', { email: order?.buyer.email ?? '' })}
    </p>
    ${
      tickets.length === 0
        ? html`<p>${i.t('issuing')}</p>`
        : tickets.map(
            (t, n) => html`<section class="ticket" part="ticket">
            <p class="muted">${i.t('ticket', { n: n + 1, total: tickets.length })} · ${t.ticket_type_name} · ${t.holder.name}</p>
            <img part="qr" src=${`${t.url}/qr.svg`} alt=${i.t('qr', { n: n + 1 })} width="200" height="200" />
            <p class="muted">${t.id}</p>
            <div class="actions">
              <a class="secondary" part="secondary" href=${t.url} target="_blank" rel="noopener">${i.t('open')}</a>
              <a class="primary" part="primary" href=${t.pdf_url} target="_blank" rel="noopener" download>${i.t('pdf')}</a>
            </div>
          </section>`,
          )
    }
    ${
      tickets[0]
        ? // The server's "Find my tickets" page sits next to the ticket pages: for a buyer who loses the mail.
          html`<p><a class="link" href=${tickets[0].url.replace(/[^/]+$/, 'find')} target="_blank" rel="noopener">${i.t('find')}</a></p>`
        : nothing
    }
    ${c.modal ? html`<button class="primary" part="primary" @click=${c.on.close}>${i.t('close')}</button>` : nothing}`;
}
