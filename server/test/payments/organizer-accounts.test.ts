/**
 * Organizers paid directly: each connects their own Razorpay account, and everything about
 * an order they sell (creating it at Razorpay, verifying and capturing the payment, webhooks,
 * refunds) uses that account's keys only (docs/decisions/0026-payment-port-and-organizer-accounts.md).
 *
 * The real `razorpay` SDK talks to the fake Razorpay, which holds one account per key id and
 * records which key id authenticated each call. The installation also has Razorpay keys of its
 * own (the fake's first account) but does not collect for organizers.
 */
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayConfigDoc } from '../../src/domain/payment-accounts.js';
import { buyer, startOrder } from '../helpers/checkout.js';
import { buildTestApp, eventBody, TEST_ENV } from '../helpers/app.js';
import { startLiveRazorpay, WEBHOOK_SECRET } from '../helpers/live-razorpay.js';
import { signUpInConsole, visibleText } from '../console/helpers.js';
import { readyForLive, readyForLiveBySession } from '../helpers/account-security.js';

type Live = Awaited<ReturnType<typeof startLiveRazorpay>>;
let live: Live;

beforeEach(async () => {
  live = await startLiveRazorpay({ env: { TTS_PLATFORM_COLLECTS: 'false' } });
});

afterEach(async () => {
  await live.close();
});

/** A Razorpay account of an organizer on the fake: its keys, and the webhook secret they set on it. */
function razorpayAccount(name: string, mode: 'test' | 'live' = 'test') {
  const keys = { keyId: `rzp_${mode}_${name}0000000001`, keySecret: `key_secret_of_${name}_${mode}_0123456789`, webhookSecret: `whsec_of_${name}_${mode}_9876543210` };
  live.fake.addAccount(keys.keyId, keys.keySecret);
  return keys;
}

type Keys = ReturnType<typeof razorpayAccount>;

/** A fresh organizer (test keys unless `mode` is live) with one event that sells without an email code. */
async function organizer(mode: 'test' | 'live' = 'test') {
  const { t } = live;
  const signed = await t.signUp();
  let { sk, pk } = signed;
  if (mode === 'live') {
    // Live mode needs a verified email and two-step sign-in (docs/account-security.md).
    await readyForLive(t, signed.account.id as string);
    sk = (await t.call('POST', '/v1/keys/roll', { key: sk, body: { kind: 'secret', mode: 'live', password: 'correct horse battery' } })).body.secret as string;
    pk = (await t.call('POST', '/v1/keys/roll', { key: sk, body: { kind: 'publishable' } })).body.secret as string;
  }
  const event = (await t.call('POST', '/v1/events', { key: sk, body: eventBody({ require_email_verification: false }) })).body;
  return { sk, pk, account: signed.account.id as string, event, general: event.ticket_types[0].id as string };
}

type Organizer = Awaited<ReturnType<typeof organizer>>;

const connect = (org: Organizer, keys: Keys) =>
  live.t.call('PUT', '/v1/account/payment_settings', {
    key: org.sk,
    body: { gateway: 'razorpay', key_id: keys.keyId, key_secret: keys.keySecret, webhook_secret: keys.webhookSecret },
  });

/** An order awaiting payment at the organizer's Razorpay account. */
async function orderOf(org: Organizer) {
  const started = await startOrder(live.t, org.pk, org.event.id, [{ ticket_type: org.general, quantity: 1 }], buyer());
  expect(started.status, JSON.stringify(started)).toBe('awaiting_payment');
  return { ...started, gatewayOrderId: started.payment.gateway_order_id as string };
}

const webhookUrl = (account: string) => `${live.bridgeUrl}/v1/gateway/razorpay/webhook/${account}`;
const getOrder = async (org: Organizer, id: string) => (await live.t.call('GET', `/v1/orders/${id}`, { key: org.sk })).body;
/** The key ids that authenticated the calls about one Razorpay object (an order or payment id in the path). */
const keysUsedFor = (id: string) => new Set(live.fake.requests.filter((r) => r.path.includes(id)).map((r) => r.keyId));

describe('connecting a Razorpay account', () => {
  it('checks the keys with Razorpay, then shows only their last four characters and the account’s webhook URL', async () => {
    const org = await organizer();
    const keys = razorpayAccount('Asha');
    const res = await connect(org, keys);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      object: 'payment_settings',
      livemode: false,
      collected_by: 'connected_account',
      razorpay: { key_id: keys.keyId, key_secret_last4: keys.keySecret.slice(-4), webhook_secret_last4: keys.webhookSecret.slice(-4), connected_at: expect.any(String) },
      webhook_url: `http://tickets.test/v1/gateway/razorpay/webhook/${org.account}`,
    });
    const check = live.fake.requests.at(-1);
    expect(check).toMatchObject({ method: 'GET', path: '/v1/orders', keyId: keys.keyId });
  });

  it('refuses keys Razorpay refuses with a clear 400, and keeps nothing', async () => {
    const org = await organizer();
    const keys = razorpayAccount('Ravi');
    const res = await connect(org, { ...keys, keySecret: 'not_the_right_secret_123' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.message).toMatch(/Razorpay refused this key id and key secret/);
    expect(live.fake.requests.at(-1)).toMatchObject({ path: '/v1/orders', authorized: false, keyId: null });
    expect((await live.t.call('GET', '/v1/account/payment_settings', { key: org.sk })).body).toMatchObject({ collected_by: 'test_gateway', razorpay: null });
  });

  it('refuses keys of the other mode before asking Razorpay', async () => {
    const org = await organizer('live');
    const before = live.fake.requests.length;
    const res = await connect(org, razorpayAccount('Mira', 'test'));
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ field: 'key_id', message: 'must be a Razorpay live key id (rzp_live_…)' }]);
    expect(live.fake.requests.length).toBe(before);
  });

  it('never answers a secret, in the API or the console, and stores them encrypted', async () => {
    const { t } = live;
    const keys = razorpayAccount('Neha');
    const { browser, sk } = await signUpInConsole(t);
    const put = await t.call('PUT', '/v1/account/payment_settings', {
      key: sk,
      body: { gateway: 'razorpay', key_id: keys.keyId, key_secret: keys.keySecret, webhook_secret: keys.webhookSecret },
    });
    const answers = [put, await t.call('GET', '/v1/account/payment_settings', { key: sk }), await t.call('GET', '/v1/account', { key: sk })];
    const page = await browser.get('/console/settings/payments');
    expect(page.status).toBe(200);
    expect(visibleText(page.text)).toContain(`•••• ${keys.keySecret.slice(-4)}`);
    expect(visibleText(page.text)).toContain(keys.keyId);
    const stored = await t.store.collection<GatewayConfigDoc>('gateway_configs').find({});
    for (const text of [...answers.map((a) => JSON.stringify(a.body)), page.text, JSON.stringify(stored)]) {
      expect(text).not.toContain(keys.keySecret);
      expect(text).not.toContain(keys.webhookSecret);
    }
    const deleted = await t.call('DELETE', '/v1/account/payment_settings', { key: sk });
    expect(deleted.body).toMatchObject({ collected_by: 'test_gateway', razorpay: null });
  });

  it('connects and disconnects from Settings → Payments in the console, saying when Razorpay refused the keys', async () => {
    const { t } = live;
    const keys = razorpayAccount('Kiran');
    const { browser, account } = await signUpInConsole(t);
    const empty = await browser.get('/console/settings/payments');
    expect(visibleText(empty.text)).toContain(`/v1/gateway/razorpay/webhook/${account}`);
    const refused = await browser.post('/console/settings/payments', { key_id: keys.keyId, key_secret: 'wrong_secret_12345', webhook_secret: keys.webhookSecret });
    expect(refused.status).toBe(400);
    expect(visibleText(refused.text)).toContain('Razorpay refused this key id and key secret');
    expect(refused.text).not.toContain('wrong_secret_12345');
    const saved = await browser.post('/console/settings/payments', { key_id: keys.keyId, key_secret: keys.keySecret, webhook_secret: keys.webhookSecret });
    expect(saved.status).toBe(303);
    expect(visibleText((await browser.follow(saved)).text)).toContain('Buyers pay your own Razorpay account.');
    const gone = await browser.post('/console/settings/payments/disconnect', {});
    expect(visibleText((await browser.follow(gone)).text)).toContain('Test orders are paid at the built-in test gateway.');
  });
});

describe('live sales', () => {
  it('are shown as off in the console’s live dashboard and payments page until a live account is connected', async () => {
    const { browser } = await signUpInConsole(live.t);
    expect(visibleText((await browser.get('/console')).text)).not.toContain('Live sales are off');
    await readyForLiveBySession(live.t, browser.cookies.get('tts_session'));
    await browser.post('/console/mode', { mode: 'live', next: '/console' });
    expect(visibleText((await browser.get('/console')).text)).toContain('Live sales are off until you connect your Razorpay account under Settings → Payments');
    expect(visibleText((await browser.get('/console/settings/payments')).text)).toContain('Live sales are off: connect your Razorpay account to sell.');
  });

  it('are refused with PAYMENT_ACCOUNT_REQUIRED until the organizer connects live keys', async () => {
    const org = await organizer('live');
    const refused = await live.t.call('POST', '/v1/orders', {
      key: org.pk,
      body: { event: org.event.id, items: [{ ticket_type: org.general, quantity: 1 }], buyer: buyer() },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('PAYMENT_ACCOUNT_REQUIRED');
    expect(refused.body.error.message).toMatch(/Settings → Payments/);
    expect((await live.t.call('GET', '/v1/account/payment_settings', { key: org.sk })).body.collected_by).toBe('not_connected');

    const keys = razorpayAccount('Live', 'live');
    expect((await connect(org, keys)).status).toBe(200);
    const order = await orderOf(org);
    expect(order.payment).toMatchObject({ gateway: 'razorpay', key_id: keys.keyId });
    expect(live.fake.ownerOf(order.gatewayOrderId)).toBe(keys.keyId);
  });
});

describe('two organizers selling at once', () => {
  it('creates, verifies and captures each payment with its own organizer’s keys only', async () => {
    const [a, b] = await Promise.all([organizer(), organizer()]);
    const keysA = razorpayAccount('Alpha');
    const keysB = razorpayAccount('Bravo');
    expect((await connect(a, keysA)).status).toBe(200);
    expect((await connect(b, keysB)).status).toBe(200);

    const [orderA, orderB] = await Promise.all([orderOf(a), orderOf(b)]);
    expect(orderA.payment.key_id).toBe(keysA.keyId);
    expect(orderB.payment.key_id).toBe(keysB.keyId);
    const checkoutA = live.fake.pay(orderA.gatewayOrderId);
    const checkoutB = live.fake.pay(orderB.gatewayOrderId);
    const [paidA, paidB] = await Promise.all([live.pay(a.pk, { ...orderA, amount: orderA.amount }, checkoutA), live.pay(b.pk, { ...orderB, amount: orderB.amount }, checkoutB)]);
    expect(paidA.body.status, JSON.stringify(paidA.body)).toBe('paid');
    expect(paidB.body.status, JSON.stringify(paidB.body)).toBe('paid');

    expect(keysUsedFor(checkoutA.paymentId)).toEqual(new Set([keysA.keyId]));
    expect(keysUsedFor(checkoutB.paymentId)).toEqual(new Set([keysB.keyId]));
    expect(live.fake.payments.get(checkoutA.paymentId)?.status).toBe('captured');
    expect(live.fake.payments.get(checkoutB.paymentId)?.status).toBe('captured');
    // Each Razorpay order was created with its organizer's keys.
    expect(live.fake.ownerOf(orderA.gatewayOrderId)).toBe(keysA.keyId);
    expect(live.fake.ownerOf(orderB.gatewayOrderId)).toBe(keysB.keyId);
    expect(live.fake.requests.filter((r) => r.keyId === live.fake.keyId)).toEqual([]); // the installation's keys were never used
  });

  it('refuses a payment signed with the other organizer’s key secret', async () => {
    const [a, b] = await Promise.all([organizer(), organizer()]);
    const keysA = razorpayAccount('Charlie');
    const keysB = razorpayAccount('Delta');
    await connect(a, keysA);
    await connect(b, keysB);
    const orderB = await orderOf(b);
    const checkout = live.fake.pay(orderB.gatewayOrderId);
    const forged = createHmac('sha256', keysA.keySecret).update(`${orderB.gatewayOrderId}|${checkout.paymentId}`).digest('hex');
    const res = await live.pay(b.pk, { ...orderB, amount: orderB.amount }, { ...checkout, signature: forged });
    expect(res.status).toBe(402);
    expect((await getOrder(b, orderB.id)).status).toBe('awaiting_payment');
  });

  it('verifies each organizer’s webhooks with their own secret, at their own URL', async () => {
    const [a, b] = await Promise.all([organizer(), organizer()]);
    const keysA = razorpayAccount('Echo');
    const keysB = razorpayAccount('Foxtrot');
    await connect(a, keysA);
    await connect(b, keysB);
    const [orderA, orderB] = await Promise.all([orderOf(a), orderOf(b)]);
    const payA = live.fake.pay(orderA.gatewayOrderId).paymentId;
    const payB = live.fake.pay(orderB.gatewayOrderId).paymentId;

    const sentA = await live.fake.sendWebhook(webhookUrl(a.account), 'payment.authorized', { paymentId: payA }, { secret: keysA.webhookSecret });
    const sentB = await live.fake.sendWebhook(webhookUrl(b.account), 'payment.authorized', { paymentId: payB }, { secret: keysB.webhookSecret });
    expect(sentA.status, sentA.responseBody).toBe(200);
    expect(sentB.status, sentB.responseBody).toBe(200);
    expect((await getOrder(a, orderA.id)).status).toBe('paid');
    expect((await getOrder(b, orderB.id)).status).toBe('paid');
    expect(keysUsedFor(payA)).toEqual(new Set([keysA.keyId]));
    expect(keysUsedFor(payB)).toEqual(new Set([keysB.keyId]));
  });

  it('refuses a webhook signed with one organizer’s secret at the other’s URL, and never lets it touch the other’s order', async () => {
    const [a, b] = await Promise.all([organizer(), organizer()]);
    const keysA = razorpayAccount('Golf');
    const keysB = razorpayAccount('Hotel');
    await connect(a, keysA);
    await connect(b, keysB);
    const orderA = await orderOf(a);
    const payA = live.fake.pay(orderA.gatewayOrderId).paymentId;

    const crossed = await live.fake.sendWebhook(webhookUrl(b.account), 'payment.authorized', { paymentId: payA }, { secret: keysA.webhookSecret });
    expect(crossed.status).toBe(401);
    // B's own secret at B's URL, naming A's order: verified, but A's order is not B's to pay.
    const foreign = await live.fake.sendWebhook(webhookUrl(b.account), 'payment.authorized', { paymentId: payA }, { secret: keysB.webhookSecret });
    expect(foreign.status).toBe(200);
    // The installation's own webhook secret does not reach an organizer's order either.
    const platform = await live.fake.sendWebhook(`${live.bridgeUrl}/v1/gateway/razorpay/webhook`, 'payment.authorized', { paymentId: payA }, { secret: WEBHOOK_SECRET });
    expect(platform.status).toBe(200);
    expect((await getOrder(a, orderA.id)).status).toBe('awaiting_payment');
    expect(live.fake.payments.get(payA)?.status).toBe('authorized');
  });
});

describe('an account’s webhook URL', () => {
  it('is refused (403) while the account has no Razorpay account connected', async () => {
    const [a, b] = await Promise.all([organizer(), organizer()]);
    const keysA = razorpayAccount('Lima');
    await connect(a, keysA);
    const orderA = await orderOf(a);
    const payA = live.fake.pay(orderA.gatewayOrderId).paymentId;
    const sent = await live.fake.sendWebhook(webhookUrl(b.account), 'payment.authorized', { paymentId: payA }, { secret: keysA.webhookSecret });
    expect(sent.status).toBe(403);
    expect(JSON.parse(sent.responseBody).error.message).toBe('This account has no payment account connected to receive webhooks for.');
  });
});

describe('an order keeps the keys that took it', () => {
  it('refunds through the organizer’s earlier Razorpay account after they connected another', async () => {
    const org = await organizer();
    const first = razorpayAccount('India');
    await connect(org, first);
    const order = await orderOf(org);
    const checkout = live.fake.pay(order.gatewayOrderId);
    expect((await live.pay(org.pk, { ...order, amount: order.amount }, checkout)).body.status).toBe('paid');

    const second = razorpayAccount('Juliet');
    await connect(org, second);
    const refunded = await live.t.call('POST', `/v1/orders/${order.id}/refund`, { key: org.sk });
    expect(refunded.status, JSON.stringify(refunded.body)).toBe(200);
    expect(refunded.body.status).toBe('refunded');
    const refundCall = live.fake.requests.find((r) => r.path === `/v1/payments/${checkout.paymentId}/refund`);
    expect(refundCall?.keyId).toBe(first.keyId);
    expect((await orderOf(org)).payment.key_id).toBe(second.keyId); // new orders use the new keys
  });
});

describe('rotating TTS_SECRET', () => {
  it('still opens an organizer’s keys sealed under the earlier secret, once it is listed in TTS_SECRET_PREVIOUS', async () => {
    const org = await organizer();
    const keys = razorpayAccount('Kilo');
    await connect(org, keys);
    const env = { RAZORPAY_API_BASE: live.fake.apiBase, TTS_SECRET: 'a-brand-new-server-secret-0123456789abcdef' };

    // A server on the same store with only the new secret cannot open the sealed keys.
    const forgetful = await buildTestApp({ store: live.t.store, clock: live.clock, env });
    await expect(forgetful.services.gateways.gatewayFor(org.account, false)).rejects.toThrow(/TTS_SECRET_PREVIOUS/);

    const rotated = await buildTestApp({ store: live.t.store, clock: live.clock, env: { ...env, TTS_SECRET_PREVIOUS: TEST_ENV.TTS_SECRET } });
    const { gateway, config } = await rotated.services.gateways.gatewayFor(org.account, false);
    expect(config).toMatch(/^gwc_/);
    const created = await gateway.createOrder({ amount: 49_900, currency: 'INR', receipt: 'ord_rotation_check' });
    expect(live.fake.ownerOf(created.gatewayOrderId)).toBe(keys.keyId);
  });
});
