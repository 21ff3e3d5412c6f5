import type { Order, PromoCodeInvalidReason, PublicEvent } from '@trendy-tickets/sdk';
import { html, nothing, render } from 'lit/html.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buyer, startOrder } from '../../../server/test/helpers/checkout.js';
import { CheckoutError } from '../api.js';
import { createPromo, type PromoHost } from '../extras.js';
import { i18n, registerMessages } from '../i18n.js';
import { hi } from '../locales/hi.js';
import { parts } from '../parts.js';
import { $, button, enterDetails, setup, submit, text, type, until } from '../test-support/harness.js';
import type { TtsCheckout } from '../tts-checkout.js';
import type { StepContext } from './context.js';
import { payStep } from './pay.js';

afterEach(() => {
  document.body.replaceChildren();
  vi.unstubAllGlobals();
});

const promoInput = (el: TtsCheckout) => $<HTMLInputElement>(el, '#promo');

describe('the promo code field, against the server', () => {
  it('opens behind "Have a code?" with the focus in it, and says an unknown code does not exist', async () => {
    const { el, route } = await setup({ attrs: { mode: 'page' } });
    await until(() => expect(text(el)).toContain('Have a code?'));
    button(el, 'Have a code?').click();
    await until(() => expect(el.shadowRoot!.activeElement?.id).toBe('promo'));
    type(promoInput(el), 'NOPE10');
    button(el, 'Apply').click();
    await until(() => expect(text(el)).toContain('That code does not exist. Check the spelling.'));
    expect(route.answers).toContain(`GET /v1/public/events/${el.event} 422`);
    expect(promoInput(el).getAttribute('aria-invalid')).toBe('true');
    expect(promoInput(el).value).toBe('NOPE10');
    // The refusal is the code's: the event is still on screen and can be bought at full price.
    expect(button(el, 'Continue').hasAttribute('disabled')).toBe(false);
  });

  it('shows the hidden type a code unlocks and what it takes off, and sells it with the discount on the pay step', async () => {
    const { el, t, org, events } = await setup({
      event: {
        require_email_verification: false,
        ticket_types: [
          { name: 'General', price: 49_900 },
          { name: 'Friends of the band', price: 29_900, hidden: true },
        ],
      },
      attrs: { mode: 'page', quantity: '0' },
    });
    const friends = org.event.ticket_types[1].id as string;
    const made = await t.call('POST', `/v1/events/${org.event.id}/promo_codes`, {
      key: org.sk,
      body: { code: 'BAND', kind: 'fixed', value: 10_000, ticket_types: [friends], unlocks: [friends] },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    await until(() => expect(text(el)).toContain('Have a code?'));
    expect(text(el)).not.toContain('Friends of the band');
    button(el, 'Have a code?').click();
    await until(() => expect(promoInput(el)).toBeTruthy());
    type(promoInput(el), 'band');
    button(el, 'Apply').click();
    await until(() => expect(text(el)).toContain('BAND applied: ₹100.00 off each ticket on Friends of the band'));
    $(el, 'button[aria-label="Add one Friends of the band"]').click();
    await el.updateComplete;
    submit(el);
    await enterDetails(el);
    await until(() => expect(text(el)).toMatch(/Pay ₹/));
    expect(text(el)).toContain('Discount (BAND)');
    const order = events.find((e) => e.type === 'tts-order-created')?.detail.order;
    expect(order?.discount).toEqual({ code: 'BAND', amount: 10_000 });
    expect(order?.amount).toBe(19_900);
    button(el, /Pay ₹199.00/).click();
    await until(() => expect(text(el)).toContain('You’re in!'));
  });

  it('applies the `promo-code` attribute when the event loads, and shows why it was refused under the field', async () => {
    const { el } = await setup({ attrs: { mode: 'page', 'promo-code': 'EARLY50' } });
    await until(() => expect(text(el)).toContain('That code does not exist.'));
    expect(promoInput(el).value).toBe('EARLY50');
  });

  it('applies the code given to open() as the attribute does', async () => {
    const { el } = await setup();
    await el.open({ promoCode: 'FRIENDS' });
    await until(() => expect(text(el)).toContain('That code does not exist.'));
    expect(promoInput(el).value).toBe('FRIENDS');
  });

  it('says so with Try again when the extras cannot be fetched (offline, a CSP), and loads them on Try again', async () => {
    const load = parts.load;
    let blocked = true;
    parts.load = (base, file) => (blocked && file === 'tts-checkout.extras.js' ? Promise.reject(new TypeError('Failed to fetch dynamically imported module')) : load(base, file));
    try {
      const { el } = await setup({ attrs: { mode: 'page' } });
      await until(() => expect(text(el)).toContain('Have a code?'));
      button(el, 'Have a code?').click();
      await until(() => expect(text(el)).toContain('Part of the checkout did not load. Check your connection.'));
      blocked = false;
      button(el, 'Try again').click();
      await until(() => expect(promoInput(el)).toBeTruthy());
      expect(text(el)).not.toContain('did not load');
    } finally {
      parts.load = load;
    }
  });
});

/**
 * The field on its own, with `answer` giving what `GET /v1/public/events/{id}?promo_code=` answers
 * (docs/widget.md#promo-codes): each refusal reason without setting up a code in that state first.
 */
function field(answer: (code: string) => PublicEvent) {
  const flow = { eventId: 'evt_1', promoCode: '', load: vi.fn(async () => undefined) };
  const host: PromoHost = { flow, api: () => ({ event: async (_id: string, code = '') => answer(code) }), changed: () => undefined };
  const promo = createPromo({ html, nothing }, host);
  const box = document.createElement('div');
  document.body.append(box);
  return { flow, promo, box, show: (i = i18n('en'), ev = EVENT) => render(html`${promo.field(i, ev)}`, box) };
}

const EVENT = {
  id: 'evt_1',
  ticket_types: [
    { id: 'tt_general', name: 'General' },
    { id: 'tt_vip', name: 'VIP' },
  ],
  promo: null,
} as unknown as PublicEvent;

const refusal = (reason: PromoCodeInvalidReason) => () => {
  throw new CheckoutError('PROMO_CODE_INVALID', 'That code cannot be used.', 'req_1', { reason });
};

describe('the promo code field, by answer', () => {
  it.each([
    ['unknown', 'That code does not exist. Check the spelling.'],
    ['not_started', 'That code is not valid yet.'],
    ['expired', 'That code has expired.'],
    ['used_up', 'That code has been used up.'],
    ['inactive', 'That code is no longer active.'],
  ] as const)('says what a %s code means, and keeps the code off the order', async (reason, words) => {
    const f = field(refusal(reason));
    f.show();
    await f.promo.apply('DIWALI20');
    f.show();
    expect(f.box.querySelector('#promo-e')?.textContent).toBe(words);
    expect(f.flow.promoCode).toBe('');
    expect(f.flow.load).not.toHaveBeenCalled();
  });

  it('says the code could not be checked when no answer came, rather than calling it wrong', async () => {
    const f = field(() => {
      throw new CheckoutError('NETWORK_ERROR', 'Failed to fetch');
    });
    await f.promo.apply('DIWALI20');
    f.show();
    expect(f.box.querySelector('#promo-e')?.textContent).toBe('Could not check the code. Try again.');
  });

  it('speaks Hindi on a Hindi checkout', async () => {
    registerMessages('hi', hi);
    const f = field(refusal('expired'));
    await f.promo.apply('DIWALI20');
    f.show(i18n('hi'));
    expect(f.box.querySelector('#promo-e')?.textContent).toBe('इस कोड की अवधि समाप्त हो गई है।');
  });

  it('orders with a code that applies and reloads the event, then shows what it takes off and the types it is for', async () => {
    const promo = { code: 'VIPONLY', kind: 'percent' as const, value: 20, ticket_types: ['tt_vip'] };
    const f = field((code) => ({ ...EVENT, promo: code === 'viponly' || code === 'VIPONLY' ? promo : null }));
    await f.promo.apply(' viponly ');
    expect(f.flow.promoCode).toBe('VIPONLY');
    expect(f.flow.load).toHaveBeenCalledOnce();
    f.show(i18n('en'), { ...EVENT, promo });
    expect(f.box.textContent?.replace(/\s+/g, ' ').trim()).toBe('VIPONLY applied: 20% off on VIP Remove');
    (f.box.querySelector('button') as HTMLButtonElement).click();
    expect(f.flow.promoCode).toBe('');
    expect(f.flow.load).toHaveBeenCalledTimes(2);
  });

  it('shows a fixed discount in rupees', () => {
    const f = field(() => EVENT);
    f.show(i18n('en'), { ...EVENT, promo: { code: 'FLAT100', kind: 'fixed', value: 10_000, ticket_types: null } });
    expect(f.box.textContent).toContain('FLAT100 applied: ₹100.00 off each ticket');
  });
});

describe('the pay step with a promo code', () => {
  it('shows the discount the server took off as its own line, under the tickets', async () => {
    const { t, org } = await setup();
    const order = (await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.general, quantity: 2 }], buyer())) as Order;
    const c = { i: i18n('en'), order: { ...order, discount: { code: 'DIWALI20', amount: 19_960 } }, busy: false, on: {} } as unknown as StepContext;
    const box = document.createElement('div');
    render(payStep({ html, nothing }, c), box);
    const rows = [...box.querySelectorAll('.row')].map((r) => r.textContent?.replace(/\s+/g, ' ').trim());
    expect(rows.slice(0, 2)).toEqual(['2 × General₹998.00', 'Discount (DIWALI20)-₹199.60']);
  });

  it('shows no discount line for an order without a code', async () => {
    const { t, org } = await setup();
    const order = (await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.general, quantity: 1 }], buyer())) as Order;
    const box = document.createElement('div');
    render(payStep({ html, nothing }, { i: i18n('en'), order, busy: false, on: {} } as unknown as StepContext), box);
    expect(box.textContent).not.toContain('Discount');
  });
});
