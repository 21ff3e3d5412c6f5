import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakeRazorpay, type FakeRazorpay } from '../../../server/test/fakes/fake-razorpay.js';
import { readyForLive } from '../../../server/test/helpers/account-security.js';
import { buildTestApp, eventBody, type TestApp } from '../../../server/test/helpers/app.js';
import type { RazorpayFailure, RazorpayOptions } from '../razorpay-loader.js';
import { $, API, button, enterCode, mount, recordEvents, root, routeFetch, setup, text, toVerify, until } from '../test-support/harness.js';
import type { TtsCheckout } from '../tts-checkout.js';

afterEach(() => {
  document.body.replaceChildren();
  vi.unstubAllGlobals();
  delete window.Razorpay;
});

/** A checkout whose email is verified: the pay step is showing. */
async function atPay(options: Parameters<typeof setup>[0] = {}) {
  const s = await setup(options);
  const { code } = await toVerify(s.el, s.t);
  await enterCode(s.el, await code());
  await until(() => expect(text(s.el)).toMatch(/Pay ₹/));
  return s;
}

const dialog = (el: TtsCheckout) => $<HTMLDialogElement>(el, 'dialog');

describe('pay step, with GST and a convenience fee', () => {
  it('shows ticket, fee and tax lines that add up to the amount charged', async () => {
    const s = await setup({
      event: {
        venue_state: '29',
        ticket_types: [{ name: 'General', price: 49_900, tax_rate: 18, tax_inclusive: false }],
        convenience_fee: { paid_by: 'buyer', percent_bp: 250, fixed: 1_000 },
      },
      attrs: { quantity: '3' },
    });
    const profile = { legal_name: 'Mumbai Music Co.', address: 'Marine Drive, Mumbai', state: '27', gstin: '27AAPFU0939F1ZV' };
    expect((await s.t.call('PUT', '/v1/account/tax_profile', { key: s.org.sk, body: profile })).status).toBe(200);
    const { code } = await toVerify(s.el, s.t);
    await enterCode(s.el, await code());
    await until(() => expect(text(s.el)).toMatch(/Pay ₹/));

    const rows = [...root(s.el).querySelectorAll('[part="summary"] .row')].map((r) => [...r.children].map((c) => (c.textContent ?? '').trim()));
    const paise = (shown: string) => Number(shown.replace(/[₹,.]/g, ''));
    const total = rows.pop()!;
    // Inter-state: 3 × ₹499 = ₹1,497 with IGST ₹269.46; fee 3 × ₹22.48 = ₹67.44 with IGST ₹12.14.
    expect(rows).toEqual([
      ['3 × General', '₹1,497.00'],
      ['Convenience fee', '₹67.44'],
      ['IGST', '₹281.60'],
    ]);
    expect(rows.reduce((sum, r) => sum + paise(r[1]!), 0)).toBe(paise(total[1]!));
    const order = s.events.find((e) => e.type === 'tts-order-created')?.detail.order;
    expect(paise(total[1]!)).toBe(order?.amount ?? 184_604);
    expect(total[1]).toBe('₹1,846.04');
  });
});

describe('pay step, test mode', () => {
  it('shows a clearly marked test panel; Pay issues the tickets and fires tts-paid', async () => {
    const { el, events, route } = await atPay({ attrs: { quantity: '2' } });
    expect($(el, '[part="test-mode"]').textContent).toContain('TEST MODE');
    expect($(el, '[part="test-mode"]').textContent).toContain('No real money moves.');
    button(el, 'Pay ₹998.00').click();
    await until(() => expect(text(el)).toContain('You’re in!'));
    expect(route.calls.slice(-2)).toEqual(['POST /v1/test-gateway/payments', expect.stringMatching(/^POST \/v1\/orders\/ord_\w+\/pay$/)]);
    const paid = events.find((e) => e.type === 'tts-paid')!;
    expect(paid.detail.order).toMatchObject({ status: 'paid', amount: 99_800 });
    expect(paid.detail.order).not.toHaveProperty('client_secret');
    expect(paid.detail.tickets).toHaveLength(2);
    expect(paid.detail.tickets[0]).toMatchObject({ object: 'ticket', status: 'valid' });
    // Loading Razorpay's script is for live mode only.
    expect(document.querySelector('script[src*="razorpay"]')).toBeNull();
  });

  it('shows a failed payment in plain words and lets the buyer pay again', async () => {
    const { el, events } = await atPay();
    button(el, 'Fail the payment').click();
    await until(() => expect(text(el)).toContain('The payment did not go through: Payment failed (simulated by the test gateway)'));
    expect(events.find((e) => e.type === 'tts-error')?.detail.code).toBe('PAYMENT_FAILED');
    expect(root(el).querySelector('[part="error"] button')).toBeNull(); // the Pay button is the retry
    button(el, /^Pay ₹/).click();
    await until(() => expect(text(el)).toContain('You’re in!'));
  });

  it('offers a retry when the network drops during payment', async () => {
    const { el, route } = await atPay();
    route.offline = true;
    button(el, /^Pay ₹/).click();
    await until(() => expect(text(el)).toContain('Could not connect. Check your internet.'));
    route.offline = false;
    button(el, 'Try again').click();
    await until(() => expect(text(el)).toContain('You’re in!'));
  });

  it('confirms the one simulated payment when the test gateway’s answer was lost and the buyer tries again', async () => {
    const { el, t, route } = await atPay();
    route.drop(/^\/v1\/test-gateway\/payments$/);
    button(el, /^Pay ₹/).click();
    await until(() => expect(text(el)).toContain('Could not connect. Check your internet.'));
    button(el, 'Try again').click();
    await until(() => expect(text(el)).toContain('You’re in!'));
    expect(route.calls.filter((c) => c === 'POST /v1/test-gateway/payments')).toHaveLength(2);
    const payments = await t.store.collection<{ _id: string; status: string }>('test_gateway_payments').find({});
    expect(payments.map((p) => p.status)).toEqual(['captured']);
  });

  it('says a payment it could not confirm may still turn into tickets, and retries', async () => {
    const { el, route, events } = await atPay();
    let tampered = 0;
    route.tamper = (path, body) => (path.endsWith('/pay') && tampered++ === 0 ? { ...body, signature: '0'.repeat(64) } : body);
    button(el, /^Pay ₹/).click();
    await until(() => expect(text(el)).toContain('We could not confirm the payment. If you were charged, your tickets will follow by email.'));
    expect(events.find((e) => e.type === 'tts-error')?.detail.code).toBe('PAYMENT_VERIFICATION_FAILED');
    button(el, 'Try again').click();
    await until(() => expect(text(el)).toContain('You’re in!'));
  });

  it('asks before closing while a payment is in flight', async () => {
    const { el, route, events } = await atPay();
    const gateway = route.hold(/test-gateway/);
    button(el, /^Pay ₹/).click();
    await gateway.reached;
    dialog(el).dispatchEvent(new Event('cancel', { cancelable: true }));
    await until(() => expect(text(el)).toContain('A payment is in progress. Close anyway?'));
    expect(dialog(el).open).toBe(true);
    expect(root(el).activeElement?.textContent).toBe('Keep paying');
    button(el, 'Keep paying').click();
    await el.updateComplete;
    expect(text(el)).not.toContain('Close anyway?');
    $(el, '[part="close"]').click();
    await until(() => expect(text(el)).toContain('Close anyway?'));
    button(el, 'Close').click();
    await until(() => expect(dialog(el).open).toBe(false));
    expect(events.map((e) => e.type)).toContain('tts-close');
    gateway.release();
    await until(() => expect(events.map((e) => e.type)).toContain('tts-paid'));
  });

  it('clears the close prompt when the payment finishes while it is on screen (Esc while paying)', async () => {
    const { el, route } = await atPay();
    const gateway = route.hold(/test-gateway/);
    button(el, /^Pay ₹/).click();
    await gateway.reached;
    dialog(el).dispatchEvent(new Event('cancel', { cancelable: true }));
    await until(() => expect(text(el)).toContain('A payment is in progress. Close anyway?'));
    gateway.release();
    await until(() => expect(text(el)).toContain('You’re in!'));
    expect(text(el)).not.toContain('Close anyway?');
    expect(dialog(el).open).toBe(true);
  });

  it('itemises the order above the Pay button: each ticket line, its quantity and the total', async () => {
    const { el } = await atPay({ attrs: { quantity: '2' } });
    const summary = $(el, '[part="summary"]').textContent!.replace(/\s+/g, ' ').trim();
    expect(summary).toBe('2 × General₹998.00 Total₹998.00');
  });

  it('issues free tickets without any payment step', async () => {
    const { el, t, events } = await setup({ event: { ticket_types: [{ name: 'Guest list', price: 0 }] } });
    const { code } = await toVerify(el, t);
    await enterCode(el, await code());
    await until(() => expect(text(el)).toContain('You’re in!'));
    expect(text(el)).not.toContain('Payment of');
    expect(events.filter((e) => e.type === 'tts-paid')).toHaveLength(1);
  });
});

describe('pay step, live mode (Razorpay Checkout against the fake Razorpay)', () => {
  let fake: FakeRazorpay;
  let t: TestApp;
  let opened: Array<{ options: RazorpayOptions; failed?: (r: RazorpayFailure) => void }>;

  beforeEach(async () => {
    fake = await startFakeRazorpay();
    t = await buildTestApp({
      env: {
        RAZORPAY_KEY_ID: fake.keyId,
        RAZORPAY_KEY_SECRET: fake.keySecret,
        RAZORPAY_WEBHOOK_SECRET: 'whsec_widget_test_0123456789',
        RAZORPAY_API_BASE: fake.apiBase,
        TTS_PLATFORM_COLLECTS: 'true',
      },
    });
    opened = [];
    // What checkout.js defines: `new Razorpay(options)`, `.on('payment.failed', fn)`, `.open()`.
    // The buyer's part is played with the fake Razorpay server below (`fake.pay`, `fake.fail`).
    window.Razorpay = class {
      entry: (typeof opened)[number];
      constructor(options: RazorpayOptions) {
        this.entry = { options };
      }
      on(_event: 'payment.failed', callback: (r: RazorpayFailure) => void) {
        this.entry.failed = callback;
      }
      open() {
        opened.push(this.entry);
      }
    };
  });

  afterEach(() => fake.close());

  async function liveCheckout() {
    const { sk: testSk, account } = await t.signUp();
    // Live keys need a verified email and two-step sign-in (docs/account-security.md).
    await readyForLive(t, account.id);
    const sk = (await t.call('POST', '/v1/keys/roll', { key: testSk, body: { kind: 'secret', mode: 'live', password: 'correct horse battery' } })).body.secret as string;
    const pk = (await t.call('POST', '/v1/keys/roll', { key: sk, body: { kind: 'publishable' } })).body.secret as string;
    const created = await t.call('POST', '/v1/events', { key: sk, body: eventBody({ allowed_origins: [location.origin] }) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    routeFetch(t);
    const events = recordEvents();
    const el = await mount({ event: created.body.id, key: pk, 'api-base': API });
    el.style.setProperty('--tts-accent', '#9d174d');
    const { code } = await toVerify(el, t, { name: 'Asha Rao', email: `asha.${Date.now()}@example.com`, phone: '+91 98765 43210' });
    await enterCode(el, await code());
    await until(() => expect(text(el)).toContain('Paid securely through Razorpay.'));
    return { el, events };
  }

  it('opens Razorpay Checkout with the gateway order, key id, prefill and theme, out of the way of our dialog', async () => {
    const { el, events } = await liveCheckout();
    expect(text(el)).not.toContain('TEST MODE');
    button(el, 'Pay ₹499.00').click();
    await until(() => expect(opened).toHaveLength(1));
    const { options } = opened[0]!;
    expect(options).toMatchObject({
      key: fake.keyId,
      order_id: expect.stringMatching(/^order_/),
      amount: 49_900,
      currency: 'INR',
      name: 'Monsoon Jazz Night',
      description: '1 × General',
      // Razorpay takes the phone as digits with the country code, nothing else.
      prefill: { name: 'Asha Rao', contact: '+919876543210' },
      theme: { color: '#9d174d' },
    });
    // Checkout gives up when the seats stop being held (a 15-minute hold, less the test's own time).
    expect(options.timeout).toBeGreaterThan(800);
    expect(options.timeout).toBeLessThanOrEqual(900);
    expect(options).not.toHaveProperty('redirect');
    expect(fake.orders.get(options.order_id)?.amount).toBe(49_900);
    // A modal <dialog> would make Razorpay's own window inert: ours steps aside meanwhile.
    await until(() => expect(dialog(el).open).toBe(false));
    expect(events.map((e) => e.type)).not.toContain('tts-close');
    const paid = fake.pay(options.order_id);
    options.handler({ razorpay_payment_id: paid.paymentId, razorpay_order_id: paid.orderId, razorpay_signature: paid.signature });
    expect(dialog(el).open).toBe(true);
    await until(() => expect(text(el)).toContain('You’re in!'));
    expect(events.find((e) => e.type === 'tts-paid')?.detail.order).toMatchObject({
      status: 'paid',
      livemode: true,
      payment: { gateway: 'razorpay', gateway_payment_id: paid.paymentId },
    });
  });

  it('shows Razorpay’s failure once the buyer closes its window, and lets them pay again', async () => {
    const { el, events } = await liveCheckout();
    button(el, 'Pay ₹499.00').click();
    await until(() => expect(opened).toHaveLength(1));
    const first = opened[0]!;
    const failure = fake.fail(first.options.order_id);
    first.failed?.({ error: failure.error as RazorpayFailure['error'] });
    first.options.modal.ondismiss();
    await until(() => expect(dialog(el).open).toBe(true));
    expect(text(el)).toContain('The payment did not go through: Payment was unsuccessful due to a temporary issue.');
    expect(events.find((e) => e.type === 'tts-error')?.detail.code).toBe('PAYMENT_FAILED');
    button(el, 'Pay ₹499.00').click();
    await until(() => expect(opened).toHaveLength(2));
    const again = fake.pay(opened[1]!.options.order_id);
    opened[1]!.options.handler({ razorpay_payment_id: again.paymentId, razorpay_order_id: again.orderId, razorpay_signature: again.signature });
    await until(() => expect(text(el)).toContain('You’re in!'));
  });

  it('fires PAYMENT_FAILED only when the buyer gives up on Razorpay’s window, not while it offers a retry', async () => {
    const { el, events } = await liveCheckout();
    button(el, 'Pay ₹499.00').click();
    await until(() => expect(opened).toHaveLength(1));
    const first = opened[0]!;
    const failure = fake.fail(first.options.order_id);
    first.failed?.({ error: failure.error as RazorpayFailure['error'] });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(events.map((e) => e.type)).not.toContain('tts-error');
    // The buyer retries inside Razorpay's window and pays: no error was ever shown.
    const paid = fake.pay(first.options.order_id);
    first.options.handler({ razorpay_payment_id: paid.paymentId, razorpay_order_id: paid.orderId, razorpay_signature: paid.signature });
    await until(() => expect(text(el)).toContain('You’re in!'));
    expect(events.map((e) => e.type)).not.toContain('tts-error');
  });

  it('uses Razorpay’s redirect flow, back to our callback, inside an in-app browser', async () => {
    vi.stubGlobal('navigator', { ...navigator, userAgent: 'Mozilla/5.0 (Linux; Android 14; wv) AppleWebKit/537.36 Instagram 312.0.0.32.112 Android' });
    const { el } = await liveCheckout();
    button(el, 'Pay ₹499.00').click();
    await until(() => expect(opened).toHaveLength(1));
    const { options } = opened[0]!;
    expect(options.redirect).toBe(true);
    expect(options.callback_url).toMatch(new RegExp(`^${API.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/gateway/razorpay/callback/ord_\\w+\\?key=pk_live_`));
  });

  it('comes back to the pay step when the buyer dismisses Razorpay without paying', async () => {
    const { el } = await liveCheckout();
    button(el, 'Pay ₹499.00').click();
    await until(() => expect(opened).toHaveLength(1));
    opened[0]!.options.modal.ondismiss();
    await until(() => expect(dialog(el).open).toBe(true));
    expect(text(el)).toContain('Pay ₹499.00');
    expect(root(el).querySelector('[part="error"]')).toBeNull();
  });
});
