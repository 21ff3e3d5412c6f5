import { beforeEach, describe, expect, it } from 'vitest';
import { createMailRenderer } from '../../src/delivery/mail-renderer.js';
import { createOutboxWorker } from '../../src/delivery/outbox.js';
import { PAGE_CSP } from '../../src/pages/layout.js';
import { buildTestApp, eventBody, type TestApp } from '../helpers/app.js';

const ORIGIN = 'http://tickets.test';
const BUYER = { name: 'Asha Rao', email: 'asha@example.com', phone: '+91 98765 43210' };

let t: TestApp;
let sk: string;
let pk: string;
let account: string;

beforeEach(async () => {
  // Live orders here are taken with the installation's keys (never called: the page only needs the order's state).
  t = await buildTestApp({ env: { TTS_PLATFORM_COLLECTS: 'true', RAZORPAY_KEY_ID: 'rzp_live_PagesTest00001', RAZORPAY_KEY_SECRET: 'pages_test_key_secret' } });
  const keys = await t.signUp();
  ({ sk, pk } = keys);
  account = keys.account.id;
});

async function createEvent(overrides: Record<string, unknown> = {}) {
  const res = await t.call('POST', '/v1/events', { key: sk, body: eventBody(overrides) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; ticket_types: Array<{ id: string; name: string }> };
}

/** A form POST as a browser on our own origin sends it. */
function post(path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  return t.app.request(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN, ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

const get = (path: string, cookie = '') => t.app.request(path, cookie ? { headers: { Cookie: cookie } } : {});

/** Starts an order through the form; returns the order page URL and the cookie that opens it. */
async function startOrder(eventId: string, form: Record<string, string>) {
  const res = await post(`/checkout/${eventId}/basic?key=${pk}`, { ...BUYER, ...form });
  expect(res.status, await res.clone().text()).toBe(303);
  const location = res.headers.get('Location') ?? '';
  const setCookie = res.headers.get('Set-Cookie') ?? '';
  return { location, setCookie, cookie: setCookie.split(';')[0] ?? '', orderId: /ord_[0-9A-Za-z]+/.exec(location)?.[0] ?? '' };
}

/** Runs the outbox as the worker process would, then reads the newest code sent to the buyer. */
async function latestCode(): Promise<string> {
  const render = createMailRenderer({ store: t.store, publicUrl: t.config.publicUrl });
  await createOutboxWorker({ store: t.store, mailer: t.mailbox, render, clock: t.clock }).runOnce();
  const mail = (await t.mailbox.list()).find((m) => m.to === BUYER.email && /^\d{6} is your code/.test(m.subject));
  if (!mail) throw new Error('no code mail');
  return mail.subject.slice(0, 6);
}

describe('checkout with GST and a convenience fee', () => {
  it('shows ticket, fee and tax lines that add up to the amount charged, on the page and in the tickets mail', async () => {
    const profile = { legal_name: 'Mumbai Music Co.', address: 'Marine Drive, Mumbai', state: '27', gstin: '27AAPFU0939F1ZV' };
    expect((await t.call('PUT', '/v1/account/tax_profile', { key: sk, body: profile })).status).toBe(200);
    const event = await createEvent({
      venue_state: '27',
      ticket_types: [{ name: 'General', price: 49_900, tax_rate: 18, tax_inclusive: false }],
      convenience_fee: { paid_by: 'buyer', percent_bp: 250, fixed: 1_000 },
    });
    const started = await startOrder(event.id, { [`qty_${event.ticket_types[0]?.id}`]: '3' });
    await post(`/checkout/orders/${started.orderId}/verify?key=${pk}`, { code: await latestCode() }, { Cookie: started.cookie });
    const payStep = (await (await get(started.location, started.cookie)).text()).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    // Hand-computed in sdk/test/tax.test.ts: 1,49,700 + 6,744 + 14,080 + 14,080 = 1,84,604 paise.
    expect(payStep).toContain('3 × General ₹1,497.00 Convenience fee ₹67.44 CGST ₹140.80 SGST ₹140.80 Total ₹1,846.04');
    expect(payStep).toContain('Pay ₹1,846.04 (test)');

    await post(`/checkout/orders/${started.orderId}/pay?key=${pk}`, { outcome: 'success' }, { Cookie: started.cookie });
    await latestCode().catch(() => undefined); // runs the outbox once more: the tickets mail
    const mail = (await t.mailbox.list()).find((m) => m.to === BUYER.email && /Your tickets/.test(m.subject));
    expect(mail?.text).toContain('3 × General: INR 1,497.00\nConvenience fee: INR 67.44\nCGST: INR 140.80\nSGST: INR 140.80\nTotal: INR 1,846.04');
  });
});

describe('checkout (happy, the no-script /basic flow)', () => {
  it('sells tickets end to end: form → email code → test payment → tickets', async () => {
    const event = await createEvent();
    const [general] = event.ticket_types;
    const page = await get(`/checkout/${event.id}/basic?key=${pk}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('Content-Security-Policy')).toBe(PAGE_CSP);
    const form = await page.text();
    expect(form).toContain('Monsoon Jazz Night');
    expect(form).toContain('₹499.00');
    expect(form).toContain(`name="qty_${general?.id}"`);
    expect(form).toContain('TEST MODE');

    const started = await startOrder(event.id, { [`qty_${general?.id}`]: '2' });
    expect(started.location).toBe(`/checkout/orders/${started.orderId}?key=${pk}`);
    expect(started.location).not.toContain('secret');
    expect(started.setCookie).toMatch(new RegExp(`^tts_cs_${started.orderId}=ord_`));
    expect(started.setCookie).toContain('HttpOnly');
    expect(started.setCookie).toContain('SameSite=Lax');
    expect(started.setCookie).toContain('Path=/checkout');
    expect(started.setCookie).not.toContain('Secure'); // http public URL

    const verifyStep = await (await get(started.location, started.cookie)).text();
    expect(verifyStep).toContain('Check your email');
    expect(verifyStep).toContain('asha@example.com');
    expect(verifyStep).toContain('5 tries left');

    const verified = await post(`/checkout/orders/${started.orderId}/verify?key=${pk}`, { code: await latestCode() }, { Cookie: started.cookie });
    expect(verified.status).toBe(303);
    const payStep = await (await get(started.location, started.cookie)).text();
    expect(payStep).toContain('TEST MODE');
    expect(payStep).toContain('Pay ₹998.00 (test)');

    const paid = await post(`/checkout/orders/${started.orderId}/pay?key=${pk}`, { outcome: 'success' }, { Cookie: started.cookie });
    expect(paid.status).toBe(303);
    const done = await get(started.location, started.cookie);
    const html = await done.text();
    expect(html).toContain('Payment of ₹998.00 received');
    expect(html).toContain('sent them to');
    const ticketIds = [...new Set(html.match(/tkt_[0-9A-Za-z]{29}/g))];
    expect(ticketIds).toHaveLength(2);
    expect(html.match(/<svg xmlns/g)).toHaveLength(2);
    expect(html).toContain(`href="/tickets/${ticketIds[0]}.pdf"`);
    expect(html).not.toMatch(/<script/i);
    expect((await get(`/tickets/${ticketIds[0]}`)).status).toBe(200);
  });

  it('shows a failed test payment in plain words and lets the buyer pay again', async () => {
    const event = await createEvent({ require_email_verification: false });
    const started = await startOrder(event.id, { [`qty_${event.ticket_types[0]?.id}`]: '1' });
    const failed = await post(`/checkout/orders/${started.orderId}/pay?key=${pk}`, { outcome: 'failure' }, { Cookie: started.cookie });
    expect(failed.status).toBe(303);
    const html = await (await get(started.location, started.cookie)).text();
    expect(html).toContain('The payment did not go through');
    expect(html).toContain('Pay ₹499.00 (test)');
    await post(`/checkout/orders/${started.orderId}/pay?key=${pk}`, { outcome: 'success' }, { Cookie: started.cookie });
    expect(await (await get(started.location, started.cookie)).text()).toContain('Payment of ₹499.00 received');
  });

  it('takes an open amount in rupees, pre-filled from ?amount= in paise', async () => {
    const event = await createEvent({ open_amount: { min: 10_000, max: 10_000_000 } });
    const page = await (await get(`/checkout/${event.id}/basic?key=${pk}&amount=50050`)).text();
    expect(page).toContain('name="amount"');
    expect(page).toContain('value="500.50"');
    expect(page).toContain('₹100.00 to ₹1,00,000.00');
    const started = await startOrder(event.id, { amount: '1,501.5' });
    const order = await t.services.orders.retrieve({ owner: { account, livemode: false } }, started.orderId);
    expect(order.amount).toBe(150_150);
  });

  it('resends a code and says so', async () => {
    const event = await createEvent();
    const started = await startOrder(event.id, { [`qty_${event.ticket_types[0]?.id}`]: '1' });
    const res = await post(`/checkout/orders/${started.orderId}/resend?key=${pk}`, {}, { Cookie: started.cookie });
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toContain('notice=sent');
    expect(await (await get(res.headers.get('Location') ?? '', started.cookie)).text()).toContain('We sent a new code to asha@example.com');
  });

  it('explains an expired hold and offers to start again', async () => {
    const event = await createEvent();
    const started = await startOrder(event.id, { [`qty_${event.ticket_types[0]?.id}`]: '1' });
    t.clock.advance(16 * 60_000);
    const html = await (await get(started.location, started.cookie)).text();
    expect(html).toContain('have been released');
    expect(html).toContain(`href="/checkout/${event.id}/basic?key=${pk}"`);
  });

  it('issues free tickets without any payment step', async () => {
    const event = await createEvent({ require_email_verification: false, ticket_types: [{ name: 'Guest', price: 0 }] });
    const started = await startOrder(event.id, { [`qty_${event.ticket_types[0]?.id}`]: '2' });
    const html = await (await get(started.location, started.cookie)).text();
    expect(html).not.toContain('TEST MODE.');
    expect(html).toContain('You are in!');
    expect(html.match(/<svg xmlns/g)).toHaveLength(2);
  });

  it('cancels an unpaid order, releasing its seats', async () => {
    const event = await createEvent();
    const started = await startOrder(event.id, { [`qty_${event.ticket_types[0]?.id}`]: '3' });
    const res = await post(`/checkout/orders/${started.orderId}/cancel?key=${pk}`, {}, { Cookie: started.cookie });
    expect(res.status).toBe(303);
    expect(await (await get(started.location, started.cookie)).text()).toContain('This order was cancelled');
    const stored = await t.call('GET', `/v1/events/${event.id}`, { key: sk });
    expect(stored.body.held).toBe(0);
  });

  it('sends live-mode buyers to pay in the checkout widget page', async () => {
    const live = await t.services.accounts.rollKey(account, 'publishable', 'live');
    const owner = { account, livemode: true };
    const { ticket_types: _, ...body } = eventBody();
    const event = await t.services.events.create(owner, {
      ...body,
      starts_at: new Date(body.starts_at),
      ends_at: new Date(body.ends_at),
      ticket_types: [{ name: 'General', price: 49_900 }],
    });
    const { order, clientSecret } = await t.services.orders.create(
      owner,
      { event: event._id, items: [{ ticket_type: event.ticket_types[0]!.id, quantity: 1 }], buyer: BUYER },
      { ip: 'test' },
    );
    // Verifying would create a Razorpay order; the page only needs the state.
    await t.store.collection('orders').updateOne({ _id: order._id }, { $set: { status: 'awaiting_payment' } });
    const html = await (await get(`/checkout/orders/${order._id}?key=${live.raw}`, `tts_cs_${order._id}=${clientSecret}`)).text();
    expect(html).toContain('secure payment window');
    expect(html).toContain(`href="/checkout/orders/${order._id}/pay?key=${encodeURIComponent(live.raw)}"`);
    expect(html).not.toContain('TEST MODE');
    expect(html).not.toContain('(test)');
  });
});

describe('checkout (errors)', () => {
  it('answers a mangled form body with a 400 page, never a 500', async () => {
    const event = await createEvent();
    const { location, cookie } = await startOrder(event.id, { [`qty_${event.ticket_types[0]?.id}`]: '1' });
    const mangled = { 'Content-Type': 'multipart/form-data; boundary=x', Origin: ORIGIN };
    const start = await t.app.request(`/checkout/${event.id}/basic?key=${pk}`, { method: 'POST', headers: mangled, body: '--x\r\ngarbage' });
    expect(start.status).toBe(400);
    expect(start.headers.get('Content-Type')).toMatch(/text\/html/);
    const verifyUrl = `${location.split('?')[0]}/verify?${location.split('?')[1] ?? ''}`;
    const verify = await t.app.request(verifyUrl, { method: 'POST', headers: { ...mangled, Cookie: cookie }, body: '--x\r\ngarbage' });
    expect(verify.status).toBe(400);
  });

  it('re-renders a wrong code with the attempts left, as HTML with a 400', async () => {
    const event = await createEvent();
    const started = await startOrder(event.id, { [`qty_${event.ticket_types[0]?.id}`]: '1' });
    const code = await latestCode();
    const wrong = code === '000000' ? '111111' : '000000';
    const res = await post(`/checkout/orders/${started.orderId}/verify?key=${pk}`, { code: wrong }, { Cookie: started.cookie });
    expect(res.status).toBe(400);
    expect(res.headers.get('Content-Type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('That code is not right.');
    expect(html).toContain('4 tries left');
  });

  it('keeps what the buyer typed when the form has problems', async () => {
    const event = await createEvent();
    const vip = event.ticket_types[1];
    const res = await post(`/checkout/${event.id}/basic?key=${pk}`, { name: 'Asha', email: 'not-an-email', phone: '', [`qty_${vip?.id}`]: '9' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('Email: must be an email address');
    expect(html).toContain('value="Asha"');
    expect(html).toContain('value="9"');
  });

  it('names the per-order limit and an empty order', async () => {
    const event = await createEvent();
    const vip = event.ticket_types[1];
    const tooMany = await post(`/checkout/${event.id}/basic?key=${pk}`, { ...BUYER, [`qty_${vip?.id}`]: '5' });
    expect(tooMany.status).toBe(400);
    expect(await tooMany.text()).toContain('at most 4 VIP tickets per order');
    const none = await post(`/checkout/${event.id}/basic?key=${pk}`, { ...BUYER });
    expect(none.status).toBe(400);
    expect(await none.text()).toContain('choose at least one ticket');
  });

  it('shows sold-out types and closed sales, and refuses a sold-out order with 409', async () => {
    const event = await createEvent({ capacity: 2, ticket_types: [{ name: 'General', price: 49_900 }] });
    const typeId = event.ticket_types[0]?.id ?? '';
    await startOrder(event.id, { [`qty_${typeId}`]: '2' });
    expect(await (await get(`/checkout/${event.id}/basic?key=${pk}`)).text()).toContain('Sold out');
    const refused = await post(`/checkout/${event.id}/basic?key=${pk}`, { ...BUYER, [`qty_${typeId}`]: '1' });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('sold out');
    t.clock.set('2030-06-09T00:00:00Z');
    expect(await (await get(`/checkout/${event.id}/basic?key=${pk}`)).text()).toContain('Ticket sales for this event are closed.');
  });

  it('explains a missing, invalid or unknown key or event, on the widget page and the basic one', async () => {
    const event = await createEvent();
    for (const page of [`/checkout/${event.id}`, `/checkout/${event.id}/basic`]) {
      expect((await get(page)).status).toBe(400);
      const invalid = await get(`${page}?key=pk_test_nope`);
      expect(invalid.status).toBe(401);
      expect(await invalid.text()).toContain('not valid');
    }
    expect((await get(`/checkout/evt_0000000000000000000000?key=${pk}`)).status).toBe(404);
    expect((await get(`/checkout/evt_0000000000000000000000/basic?key=${pk}`)).status).toBe(404);
  });

  it('cannot open an order without its cookie', async () => {
    const event = await createEvent();
    const started = await startOrder(event.id, { [`qty_${event.ticket_types[0]?.id}`]: '1' });
    const res = await get(started.location);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('only be opened in the browser it was started in');
    const forged = await get(started.location, `tts_cs_${started.orderId}=${started.orderId}_secret_guess`);
    expect(forged.status).toBe(404);
  });
});

describe('checkout (security)', () => {
  it('refuses a cross-origin form POST with 403 and creates nothing', async () => {
    const event = await createEvent();
    const form = { ...BUYER, [`qty_${event.ticket_types[0]?.id}`]: '1' };
    const evil = await post(`/checkout/${event.id}/basic?key=${pk}`, form, { Origin: 'https://evil.example' });
    expect(evil.status).toBe(403);
    expect(evil.headers.get('Content-Type')).toContain('text/html');
    const nullOrigin = await post(`/checkout/${event.id}/basic?key=${pk}`, form, { Origin: 'null' });
    expect(nullOrigin.status).toBe(403);
    const noOrigin = await t.app.request(`/checkout/${event.id}/basic?key=${pk}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    expect(noOrigin.status).toBe(403);
    expect(await t.store.collection('orders').find({})).toHaveLength(0);
  });

  it('accepts a POST without Origin when the browser says Sec-Fetch-Site: same-origin', async () => {
    const event = await createEvent();
    const res = await t.app.request(`/checkout/${event.id}/basic?key=${pk}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Sec-Fetch-Site': 'same-origin' },
      body: new URLSearchParams({ ...BUYER, [`qty_${event.ticket_types[0]?.id}`]: '1' }).toString(),
    });
    expect(res.status).toBe(303);
  });

  it('refuses a secret key in the link without echoing it, on the widget page and the basic one', async () => {
    const event = await createEvent();
    for (const page of [`/checkout/${event.id}`, `/checkout/${event.id}/basic`]) {
      const res = await get(`${page}?key=${sk}`);
      expect(res.status).toBe(403);
      const html = await res.text();
      expect(html).toContain('secret key');
      expect(html).not.toContain(sk);
      expect(html).not.toContain(sk.slice(8));
    }
  });

  it('escapes hostile event and buyer names on every step', async () => {
    const hostile = `<script>alert("x")</script>"'><img src=x>`;
    const event = await createEvent({ name: hostile, require_email_verification: false, ticket_types: [{ name: hostile, price: 100 }] });
    const page = await (await get(`/checkout/${event.id}/basic?key=${pk}`)).text();
    const started = await startOrder(event.id, { name: hostile, [`qty_${event.ticket_types[0]?.id}`]: '1' });
    await post(`/checkout/orders/${started.orderId}/pay?key=${pk}`, { outcome: 'success' }, { Cookie: started.cookie });
    const done = await (await get(started.location, started.cookie)).text();
    for (const html of [page, done]) {
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toContain('<img');
      expect(html).toContain('&lt;script&gt;');
    }
  });

  it('sets the cookie Secure when the public URL is https', async () => {
    t = await buildTestApp({ env: { PUBLIC_URL: 'https://tickets.example.in' } });
    ({ sk, pk } = await t.signUp());
    const event = await createEvent();
    const res = await post(`/checkout/${event.id}/basic?key=${pk}`, { ...BUYER, [`qty_${event.ticket_types[0]?.id}`]: '1' }, { Origin: 'https://tickets.example.in' });
    expect(res.status).toBe(303);
    expect(res.headers.get('Set-Cookie')).toContain('Secure');
  });
});

/** A secret key anywhere in a page: `sk_test_` or `sk_live_` followed by key characters. */
const SECRET_KEY = /sk_(test|live)_[0-9A-Za-z]{8,}/;

describe('checkout (the widget in page mode)', () => {
  it('hosts <tts-checkout mode="page"> loaded from this server, under a policy that allows only it and Razorpay', async () => {
    const event = await createEvent();
    const res = await get(`/checkout/${event.id}?key=${pk}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<script src="/widget/v1/tts-checkout.js" async></script>');
    expect(html).toMatch(new RegExp(`<tts-checkout mode="page" event="${event.id}" key="${pk}">`));
    expect(html).toContain('<title>Tickets · Monsoon Jazz Night</title>');
    expect(html).not.toMatch(SECRET_KEY);
    const csp = res.headers.get('Content-Security-Policy') ?? '';
    expect(csp).toContain("script-src 'self' https://checkout.razorpay.com https://cdn.razorpay.com;");
    expect(csp).toContain('frame-src https://api.razorpay.com');
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('Cache-Control')).toBe('no-store');
  });

  it('links the no-script flow from a <noscript> inside the element, which shows only when scripts are off', async () => {
    const event = await createEvent();
    const html = await (await get(`/checkout/${event.id}?key=${pk}`)).text();
    const inside = /<tts-checkout[^>]*>([\s\S]*?)<\/tts-checkout>/.exec(html)?.[1] ?? '';
    expect(inside).toMatch(/^\s*<noscript>[\s\S]*<\/noscript>\s*$/);
    expect(inside).toContain(`href="/checkout/${event.id}/basic?key=${pk}"`);
    const basic = await get(`/checkout/${event.id}/basic?key=${pk}`);
    expect(basic.status).toBe(200);
    expect(await basic.text()).toContain(`name="qty_${event.ticket_types[0]?.id}"`);
  });

  it('hands ?amount= (paise) to the widget and the basic link for open-amount events only', async () => {
    const open = await createEvent({ open_amount: { min: 10_000, max: 10_000_000 } });
    const html = await (await get(`/checkout/${open.id}?key=${pk}&amount=50050`)).text();
    expect(html).toContain(`key="${pk}" amount="50050">`);
    expect(html).toContain(`href="/checkout/${open.id}/basic?key=${pk}&amp;amount=50050"`);
    const fixed = await createEvent();
    expect(await (await get(`/checkout/${fixed.id}?key=${pk}&amount=50050`)).text()).not.toContain('amount=');
    const bogus = await (await get(`/checkout/${open.id}?key=${pk}&amount=%22%3E%3Cscript%3E`)).text();
    expect(bogus).not.toContain('amount=');
  });

  it('escapes a hostile event name in the page around the widget', async () => {
    const hostile = `</title><script>alert("x")</script>`;
    const event = await createEvent({ name: hostile });
    const html = await (await get(`/checkout/${event.id}?key=${pk}`)).text();
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;/title&gt;&lt;script&gt;');
  });
});
