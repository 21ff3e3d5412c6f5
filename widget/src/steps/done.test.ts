import { afterEach, describe, expect, it, vi } from 'vitest';
import { $, button, enterCode, root, setup, text, toVerify, until } from '../test-support/harness.js';

afterEach(() => {
  document.body.replaceChildren();
  vi.unstubAllGlobals();
});

describe('done step', () => {
  it('shows each ticket with its QR image from the server, its page and its PDF, and where the email went', async () => {
    const { el, t, events } = await setup({ attrs: { quantity: '2' } });
    const { buyer, code } = await toVerify(el, t);
    await enterCode(el, await code());
    await until(() => expect(text(el)).toContain('Fail the payment'));
    button(el, 'Pay ₹998.00').click();
    await until(() => expect(text(el)).toContain('You’re in!'));
    expect(text(el)).toContain(`Payment of ₹998.00 received. Your tickets are on their way to ${buyer.email}.`);
    const tickets = events.find((e) => e.type === 'tts-paid')!.detail.tickets as Array<{ id: string; url: string; pdf_url: string }>;
    const cards = [...root(el).querySelectorAll('[part="ticket"]')];
    expect(cards).toHaveLength(2);
    cards.forEach((card, n) => {
      const ticket = tickets[n]!;
      expect(card.textContent).toContain(`Ticket ${n + 1} of 2 · General · Asha Rao`);
      expect(card.textContent).toContain(ticket.id);
      const qr = card.querySelector('img')!;
      expect(qr.getAttribute('src')).toBe(`http://tickets.test/tickets/${ticket.id}/qr.svg`);
      expect(qr.getAttribute('alt')).toBe(`QR code for ticket ${n + 1}`);
      const pdf = [...card.querySelectorAll('a')].find((a) => a.textContent === 'Download PDF')!;
      expect(pdf.getAttribute('href')).toBe(ticket.pdf_url);
      expect(pdf.hasAttribute('download')).toBe(true);
      const page = [...card.querySelectorAll('a')].find((a) => a.textContent === 'Open ticket')!;
      expect(page.getAttribute('href')).toBe(ticket.url);
      expect(page.getAttribute('rel')).toBe('noopener');
    });
    // For a buyer who loses the mail: the server's "Find my tickets" page.
    const find = [...root(el).querySelectorAll('a')].find((a) => a.textContent === 'Lost them later? Find my tickets')!;
    expect(find.getAttribute('href')).toBe('http://tickets.test/tickets/find');
    expect((await t.app.request('/tickets/find')).status).toBe(200);
    // The QR image is the server's drawing of the ticket's signed code.
    const svg = await t.app.request(`/tickets/${tickets[0]!.id}/qr.svg`);
    expect(svg.headers.get('Content-Type')).toBe('image/svg+xml');
  });

  it('closes from its Close button, and opens afresh for another purchase', async () => {
    const { el, t } = await setup();
    const { code } = await toVerify(el, t);
    await enterCode(el, await code());
    await until(() => expect(text(el)).toContain('Fail the payment'));
    button(el, /^Pay ₹/).click();
    await until(() => expect(text(el)).toContain('You’re in!'));
    button(el, 'Close').click();
    await until(() => expect($<HTMLDialogElement>(el, 'dialog').open).toBe(false));
    await el.open();
    await until(() => expect(text(el)).toContain('Choose tickets'));
  });
});
