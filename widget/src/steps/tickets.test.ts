import { afterEach, describe, expect, it, vi } from 'vitest';
import { PUBLIC_EVENT_CACHE_MS } from '../../../server/src/domain/events.js';
import { eventBody } from '../../../server/test/helpers/app.js';
import { buyer, issueTickets, startOrder } from '../../../server/test/helpers/checkout.js';
import { $, API, button, enterDetails, mount, root, setup, submit, text, type, until } from '../test-support/harness.js';

afterEach(() => {
  document.body.replaceChildren();
  vi.unstubAllGlobals();
});

/** Past the server's one-second cache of the public event view (docs/decisions/0009). */
const PUBLIC_VIEW_CACHED = PUBLIC_EVENT_CACHE_MS + 1;

const rows = (el: HTMLElement) => [...el.shadowRoot!.querySelectorAll<HTMLElement>('[part="ticket-type"]')];
const stepper = (row: HTMLElement, which: 'Add' | 'Remove') => row.querySelector<HTMLButtonElement>(`button[aria-label^="${which} one"]`)!;

describe('tickets step', () => {
  it('lists each type with its price, starts with `quantity` of the first, and totals live', async () => {
    const { el } = await setup({ attrs: { mode: 'page', quantity: '2' } });
    await until(() => expect(rows(el)).toHaveLength(2));
    const [general, vip] = rows(el);
    expect(general!.textContent).toContain('General');
    expect(general!.textContent).toContain('₹499.00');
    expect(vip!.textContent).toContain('₹1,499.00');
    expect(vip!.textContent).toContain('20 left');
    expect(general!.querySelector('output')?.textContent).toBe('2');
    expect(text(el)).toMatch(/Total\s*₹998.00/);
    stepper(vip!, 'Add').click();
    await el.updateComplete;
    expect(text(el)).toMatch(/Total\s*₹2,497.00/);
    stepper(general!, 'Remove').click();
    await el.updateComplete;
    stepper(general!, 'Remove').click();
    await el.updateComplete;
    expect(text(el)).toMatch(/Total\s*₹1,499.00/);
  });

  it('bounds each stepper by max_per_order and what is left, keeping focus on a button at its limit', async () => {
    const { el } = await setup({ attrs: { mode: 'page', quantity: '0' } });
    await until(() => expect(rows(el)).toHaveLength(2));
    const vip = rows(el)[1]!;
    const add = stepper(vip, 'Add');
    expect(stepper(vip, 'Remove').getAttribute('aria-disabled')).toBe('true');
    for (let i = 0; i < 6; i += 1) {
      add.click();
      await el.updateComplete;
    }
    expect(vip.querySelector('output')?.textContent).toBe('4'); // VIP: max_per_order 4
    expect(add.getAttribute('aria-disabled')).toBe('true');
    expect(add.hasAttribute('disabled')).toBe(false);
    expect(add.getAttribute('aria-label')).toBe('Add one VIP');
  });

  it('cannot continue with nothing chosen', async () => {
    const { el } = await setup({ attrs: { mode: 'page', quantity: '0' } });
    await until(() => expect(text(el)).toMatch(/Total\s*₹0.00/));
    expect(button(el, 'Continue').hasAttribute('disabled')).toBe(true);
  });

  it('marks a sold-out type, offers no stepper for it, and starts `quantity` on the first type on sale', async () => {
    const { el, t, org } = await setup({
      event: {
        capacity: 100,
        ticket_types: [
          { name: 'Early bird', price: 29_900, capacity: 2 },
          { name: 'General', price: 49_900 },
        ],
      },
      attrs: { mode: 'page' },
    });
    await issueTickets(t, org.sk, org.event.id, org.general, { name: 'Ravi Kumar', email: 'ravi@example.com' }, 2);
    t.clock.advance(PUBLIC_VIEW_CACHED);
    el.remove();
    const fresh = await mount({ event: org.event.id, key: org.pk, 'api-base': API, mode: 'page' });
    await until(() => expect(rows(fresh)[0]?.textContent).toContain('Sold out'));
    expect(rows(fresh)[0]!.querySelector('.stepper')).toBeNull();
    expect(rows(fresh)[1]!.querySelector('output')?.textContent).toBe('1');
  });

  it('says the seats left are held, not sold, and when they may free up, then offers them once they do', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    const { el, t, org, route } = await setup({ event: { capacity: 1, hold_minutes: 10, ticket_types: [{ name: 'General', price: 49_900 }] } });
    const other = await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.general, quantity: 1 }]);
    t.clock.advance(PUBLIC_VIEW_CACHED);
    el.setAttribute('event', '');
    el.setAttribute('event', org.event.id);
    await el.open();
    // The hold began at 10:00 (the test clock, UTC) and lasts 10 minutes: 3:40 pm in Kolkata.
    await vi.waitFor(() => expect(text(el)).toContain('Every seat left is held by buyers who have not paid yet. Some may free up at 3:40 pm'));
    expect(text(el)).not.toContain('All tickets are sold.');
    await t.call('POST', `/v1/orders/${other.id}/cancel`, { key: org.pk, body: { client_secret: other.client_secret } });
    t.clock.advance(PUBLIC_VIEW_CACHED);
    const loads = () => route.calls.filter((c) => c.startsWith('GET /v1/public/events/')).length;
    const before = loads();
    vi.advanceTimersByTime(10_000);
    expect(loads()).toBe(before); // no refresh storm: one check per 15 seconds
    vi.advanceTimersByTime(6_000);
    await vi.waitFor(() => expect(root(el).querySelector('button[aria-label="Add one General"]')).not.toBeNull());
    expect(loads()).toBe(before + 1);
    vi.useRealTimers();
  });

  it('starts a newly set event afresh: `quantity` of its first type, not the last event’s choices', async () => {
    const { el, t, org } = await setup({ attrs: { mode: 'page' } });
    await until(() => expect(rows(el)[0]?.querySelector('output')?.textContent).toBe('1'));
    const other = await t.call('POST', '/v1/events', { key: org.sk, body: eventBody({ name: 'Diwali Mela' }) });
    el.setAttribute('event', other.body.id);
    await until(() => expect(text(el)).toContain('Diwali Mela'));
    expect(rows(el)[0]?.querySelector('output')?.textContent).toBe('1');
    expect(button(el, 'Continue').hasAttribute('disabled')).toBe(false);
  });

  it('says when everything is sold out', async () => {
    const { el, t, org } = await setup({ event: { capacity: 1, ticket_types: [{ name: 'General', price: 49_900 }] } });
    await issueTickets(t, org.sk, org.event.id, org.general, { name: 'Ravi Kumar', email: 'ravi@example.com' }, 1);
    t.clock.advance(PUBLIC_VIEW_CACHED);
    el.setAttribute('event', '');
    el.setAttribute('event', org.event.id);
    await el.open();
    await until(() => expect(text(el)).toContain('All tickets are sold.'));
    expect(root(el).querySelector('form')).toBeNull();
  });

  it('says when sales are closed, and when they open', async () => {
    const closed = await setup({ event: { sales_end_at: '2030-05-31T00:00:00Z' }, attrs: { mode: 'page' } });
    await until(() => expect(text(closed.el)).toContain('Ticket sales are closed.'));
    document.body.replaceChildren();
    vi.unstubAllGlobals();
    const later = await setup({ event: { sales_start_at: '2030-06-05T04:30:00Z', timezone: 'Asia/Kolkata' }, attrs: { mode: 'page' } });
    // The clock of the test app is 2030-06-01, so sales have not started; the page's own clock is today.
    await until(() => expect(text(later.el)).toMatch(/Ticket sales (open on 5 Jun 2030, 10:00 am|are closed)\./));
  });

  it('takes an open amount within its range, prefilled from the amount attribute (paise)', async () => {
    const { el, route } = await setup({ event: { open_amount: { min: 10_000, max: 10_000_000 } }, attrs: { mode: 'page', amount: '50050' } });
    await until(() => expect($<HTMLInputElement>(el, '#amount').value).toBe('500.5'));
    expect(text(el)).toContain('Amount (₹100.00 – ₹1,00,000.00)');
    type($<HTMLInputElement>(el, '#amount'), '50');
    await el.updateComplete;
    submit(el);
    await el.updateComplete;
    expect(text(el)).toContain('Enter an amount from ₹100.00 to ₹1,00,000.00.');
    expect($(el, '#amount').getAttribute('aria-invalid')).toBe('true');
    type($<HTMLInputElement>(el, '#amount'), '1,501.50');
    submit(el);
    await enterDetails(el);
    await until(() => expect(text(el)).toContain('Check your email'));
    expect(route.calls).toContain('POST /v1/orders');
    expect(text(el)).toContain('₹1,501.50');
  });

  it('comes back here with what is left when the seats go while the buyer types (SOLD_OUT)', async () => {
    const { el, t, org, events } = await setup({ event: { capacity: 3, ticket_types: [{ name: 'General', price: 49_900 }] }, attrs: { mode: 'page', quantity: '3' } });
    await until(() => expect(rows(el)[0]?.querySelector('output')?.textContent).toBe('3'));
    submit(el);
    await until(() => expect(text(el)).toContain('Your details'));
    await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.general, quantity: 2 }], buyer());
    t.clock.advance(PUBLIC_VIEW_CACHED);
    await enterDetails(el);
    await until(() => expect(text(el)).toContain('Those tickets just sold out.'));
    expect(text(el)).toContain('Choose tickets');
    await until(() => expect(rows(el)[0]?.textContent).toContain('1 left'));
    expect(rows(el)[0]!.querySelector('output')?.textContent).toBe('1');
    expect(events.find((e) => e.type === 'tts-error')?.detail).toMatchObject({ code: 'SOLD_OUT', message: 'Only 1 General tickets are left.' });
  });
});
