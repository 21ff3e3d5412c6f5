import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_SENDS_PER_EMAIL_PER_HOUR } from '../../../server/src/domain/verification.js';
import { startOrder } from '../../../server/test/helpers/checkout.js';
import { $, button, enterDetails, root, setup, submit, text, type, until } from '../test-support/harness.js';

afterEach(() => {
  document.body.replaceChildren();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

/** A checkout in page mode, past the tickets step. */
async function atDetails(options: Parameters<typeof setup>[0] = {}) {
  const s = await setup({ ...options, attrs: { mode: 'page', ...options.attrs } });
  await until(() => expect(text(s.el)).toContain('Choose tickets'));
  submit(s.el);
  await until(() => expect(text(s.el)).toContain('Your details'));
  return s;
}

describe('details step', () => {
  it('checks each field as the buyer leaves it, tying the message to the field', async () => {
    const { el } = await atDetails();
    const email = $<HTMLInputElement>(el, '#email');
    type(email, 'asha@', { blur: true });
    await el.updateComplete;
    expect(email.getAttribute('aria-invalid')).toBe('true');
    expect(email.getAttribute('aria-describedby')).toBe('email-e');
    expect($(el, '#email-e').textContent).toBe('Enter a valid email address.');
    type($<HTMLInputElement>(el, '#phone'), '12', { blur: true });
    await el.updateComplete;
    expect($(el, '#phone-e').textContent).toBe('Enter a phone number like +91 98765 43210.');
    // Fixing a field clears its message as the buyer types.
    type(email, 'asha@example.com');
    await el.updateComplete;
    expect(root(el).querySelector('#email-e')).toBeNull();
    expect(email.getAttribute('aria-invalid')).toBe('false');
  });

  it('sends nothing while a field is wrong, and puts focus on the first one', async () => {
    const { el, route } = await atDetails();
    submit(el);
    await el.updateComplete;
    await until(() => expect(root(el).activeElement?.id).toBe('name'));
    expect(text(el)).toContain('Enter your name.');
    expect(text(el)).toContain('Enter a valid email address.');
    expect(route.calls.filter((c) => c.startsWith('POST'))).toEqual([]);
  });

  it('holds the seats, fires tts-order-created without the client secret, and asks for the email code', async () => {
    const { el, events, org } = await atDetails();
    const who = await enterDetails(el, { name: 'Asha Rao', email: 'asha.rao@example.com', phone: '+91 98765 43210' });
    await until(() => expect(text(el)).toContain('Check your email'));
    expect(text(el)).toContain(`Enter the 6-digit code we sent to ${who.email}.`);
    const created = events.find((e) => e.type === 'tts-order-created')!;
    expect(created.detail.order).toMatchObject({ object: 'order', event: org.event.id, status: 'awaiting_verification', quantity: 1, buyer: { phone: '+91 98765 43210' } });
    expect(created.detail.order).not.toHaveProperty('client_secret');
    const everything = JSON.stringify(events.map((e) => e.detail)) + root(el).innerHTML + document.documentElement.outerHTML;
    expect(everything).not.toMatch(/_secret_/);
    expect(text(el)).toMatch(/Seats held for 15:00/);
  });

  it('goes straight to payment when the event asks for no email code', async () => {
    const { el } = await atDetails({ event: { require_email_verification: false } });
    expect(text(el)).not.toContain('We will email you a code');
    await enterDetails(el);
    await until(() => expect(text(el)).toContain('Fail the payment'));
  });

  it('shows the server’s word on a field the browser let through, next to that field', async () => {
    const { el } = await atDetails();
    // Passes the quick browser check (something@something.something) but not the API's.
    await enterDetails(el, { name: 'Asha Rao', email: 'asha@example..com', phone: '' });
    await until(() => expect(text(el)).toContain('Please correct the marked fields.'));
    expect($(el, '#email').getAttribute('aria-invalid')).toBe('true');
    expect(text(el)).toContain('Your details');
  });

  it('offers a retry after a network failure, and the retry goes through', async () => {
    const { el, route, events } = await atDetails();
    route.offline = true;
    await enterDetails(el);
    await until(() => expect(text(el)).toContain('Could not connect. Check your internet.'));
    expect(events.find((e) => e.type === 'tts-error')?.detail).toMatchObject({ code: 'NETWORK_ERROR', request_id: null });
    expect($(el, '[part="error"]').getAttribute('role')).toBe('alert');
    route.offline = false;
    button(el, 'Try again').click();
    await until(() => expect(text(el)).toContain('Check your email'));
  });

  it('says how long to wait when codes to one address are rate limited, and holds the retry until then', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    const { el, t, org, events } = await atDetails();
    const who = { name: 'Asha Rao', email: 'busy@example.com' };
    for (let i = 0; i < MAX_SENDS_PER_EMAIL_PER_HOUR; i += 1) await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.general, quantity: 1 }], who as never);
    await enterDetails(el, { ...who, phone: '' });
    await vi.waitFor(() => expect(text(el)).toMatch(/Too many tries\. Wait \d+:\d\d\./));
    const error = events.find((e) => e.type === 'tts-error')!;
    expect(error.detail.code).toBe('RATE_LIMITED');
    const retry = button(el, 'Try again');
    expect(retry.getAttribute('aria-disabled')).toBe('true');
    const seconds = () => {
      const [, m, s] = /Wait (\d+):(\d\d)/.exec(text(el))!;
      return Number(m) * 60 + Number(s);
    };
    const before = seconds();
    expect(before).toBeGreaterThan(60);
    vi.advanceTimersByTime(3000);
    await el.updateComplete;
    expect(before - seconds()).toBeGreaterThanOrEqual(2);
    expect(retry.getAttribute('aria-disabled')).toBe('true');
    vi.advanceTimersByTime(before * 1000);
    await el.updateComplete;
    expect(button(el, 'Try again').getAttribute('aria-disabled')).toBe('false');
  });
});
