/**
 * The Razorpay gateway: the real `razorpay` SDK, pointed at the fake Razorpay API through
 * `apiBase`, talking HTTP on 127.0.0.1.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/kernel/clock.js';
import { AppError } from '../../src/kernel/errors.js';
import { confirmPayment, refusalOf, verifyPaymentSignature, type PaymentGateway } from '../../src/payments/gateway.js';
import { createRazorpayGateway, mapRazorpayError, RazorpayGatewayError } from '../../src/payments/razorpay.js';
import { startFakeRazorpay, type FakeRazorpay } from '../fakes/fake-razorpay.js';

let fake: FakeRazorpay;
let gateway: PaymentGateway;
const clock = new ManualClock('2026-03-01T10:00:00Z');

beforeEach(async () => {
  fake = await startFakeRazorpay({ now: () => clock.now().getTime() });
  gateway = createRazorpayGateway({ keyId: fake.keyId, keySecret: fake.keySecret, apiBase: fake.apiBase });
});

afterEach(async () => {
  await fake.close();
});

async function newOrder(amount = 49_900): Promise<string> {
  return (await gateway.createOrder({ amount, currency: 'INR', receipt: 'ord_Receipt0001' })).gatewayOrderId;
}

/** Resolves to the AppError code the promise rejects with (fails the test if it resolves). */
async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => expect.fail('expected a rejection'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return (error as AppError).code;
}

const captures = (): number => fake.requests.filter((r) => r.path.endsWith('/capture')).length;

describe('happy path', () => {
  it('creates an order, confirms an authorized payment by capturing it, then refunds it', async () => {
    const created = await gateway.createOrder({ amount: 49_900, currency: 'INR', receipt: 'ord_Receipt0001', notes: { order: 'ord_Receipt0001' } });
    expect(created).toEqual({ gatewayOrderId: expect.stringMatching(/^order_[0-9A-Za-z]{14}$/), amount: 49_900, currency: 'INR', status: 'created' });
    expect(fake.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/orders',
      authorized: true,
      body: { amount: 49_900, currency: 'INR', receipt: 'ord_Receipt0001', notes: { order: 'ord_Receipt0001' } },
    });

    const { paymentId, signature } = fake.pay(created.gatewayOrderId);
    expect(verifyPaymentSignature({ gatewayOrderId: created.gatewayOrderId, paymentId, signature, secret: fake.keySecret })).toBe(true);

    const payment = await confirmPayment(gateway, { gatewayOrderId: created.gatewayOrderId, paymentId, expectedAmount: 49_900, currency: 'INR' });
    expect(payment).toMatchObject({ id: paymentId, orderId: created.gatewayOrderId, status: 'captured', captured: true, amount: 49_900, method: 'upi' });
    expect(fake.requests.at(-1)).toMatchObject({ method: 'POST', path: `/v1/payments/${paymentId}/capture`, body: { amount: 49_900, currency: 'INR' } });
    expect(fake.orders.get(created.gatewayOrderId)?.status).toBe('paid');

    const refund = await gateway.refundPayment(paymentId);
    expect(refund).toEqual({ refundId: expect.stringMatching(/^rfnd_/), paymentId, amount: 49_900, status: 'processed', receipt: null });
    expect(await gateway.fetchPayment(paymentId)).toMatchObject({ status: 'refunded', amountRefunded: 49_900 });
  });

  it('returns an auto-captured payment without capturing it again', async () => {
    const gatewayOrderId = await newOrder();
    const { paymentId } = fake.pay(gatewayOrderId, { capture: true });
    const payment = await confirmPayment(gateway, { gatewayOrderId, paymentId, expectedAmount: 49_900, currency: 'INR' });
    expect(payment.status).toBe('captured');
    expect(captures()).toBe(0);
  });

  it('maps the payment entity, including unix-second timestamps', async () => {
    const gatewayOrderId = await newOrder();
    const { paymentId } = fake.pay(gatewayOrderId);
    expect(await gateway.fetchPayment(paymentId)).toEqual({
      id: paymentId,
      orderId: gatewayOrderId,
      amount: 49_900,
      currency: 'INR',
      status: 'authorized',
      captured: false,
      amountRefunded: 0,
      method: 'upi',
      errorCode: null,
      errorDescription: null,
      createdAt: new Date('2026-03-01T10:00:00Z'),
    });
  });

  it('succeeds when a racing confirmer captured the payment between our fetch and our capture', async () => {
    const gatewayOrderId = await newOrder();
    const { paymentId } = fake.pay(gatewayOrderId);
    // The "other" confirmer captures first; our capture then gets Razorpay's 400 "already captured".
    const racing: PaymentGateway = {
      ...gateway,
      capturePayment: async (id, amount, currency) => {
        await gateway.capturePayment(id, amount, currency);
        return gateway.capturePayment(id, amount, currency);
      },
    };
    const payment = await confirmPayment(racing, { gatewayOrderId, paymentId, expectedAmount: 49_900, currency: 'INR' });
    expect(payment.status).toBe('captured');
    expect(captures()).toBe(2);
    expect(fake.payments.get(paymentId)?.amount_refunded).toBe(0);
  });

  it('lets two concurrent confirmations both succeed', async () => {
    const gatewayOrderId = await newOrder();
    const { paymentId } = fake.pay(gatewayOrderId);
    const input = { gatewayOrderId, paymentId, expectedAmount: 49_900, currency: 'INR' };
    const [a, b] = await Promise.all([confirmPayment(gateway, input), confirmPayment(gateway, input)]);
    expect([a.status, b.status]).toEqual(['captured', 'captured']);
  });

  it('finds, for the reconciler, payments the browser never reported, oldest first', async () => {
    const gatewayOrderId = await newOrder();
    const failed = fake.fail(gatewayOrderId);
    clock.advance(60_000);
    const { paymentId } = fake.pay(gatewayOrderId);
    const listed = await gateway.listOrderPayments(gatewayOrderId);
    expect(listed.map((p) => [p.id, p.status])).toEqual([
      [failed.paymentId, 'failed'],
      [paymentId, 'authorized'],
    ]);
    const found = listed.find((p) => p.status === 'authorized');
    const payment = await confirmPayment(gateway, { gatewayOrderId, paymentId: found?.id ?? '', expectedAmount: 49_900, currency: 'INR' });
    expect(payment.status).toBe('captured');
  });

  it('refunds partially, then refuses to refund more than remains', async () => {
    const gatewayOrderId = await newOrder();
    const { paymentId } = fake.pay(gatewayOrderId, { capture: true });
    expect((await gateway.refundPayment(paymentId, 10_000)).amount).toBe(10_000);
    expect(await gateway.fetchPayment(paymentId)).toMatchObject({ status: 'captured', amountRefunded: 10_000 });
    expect(await codeOf(gateway.refundPayment(paymentId, 40_000))).toBe('CONFLICT');
    expect((await gateway.refundPayment(paymentId)).amount).toBe(39_900);
    expect(await codeOf(gateway.refundPayment(paymentId))).toBe('CONFLICT');
  });

  it("sends our refund id as the refund's receipt and lists a payment's refunds with their receipts, newest first", async () => {
    const gatewayOrderId = await newOrder();
    const { paymentId } = fake.pay(gatewayOrderId, { capture: true });
    const first = await gateway.refundPayment(paymentId, 10_000, { receipt: 'rf_First0001', notes: { order: 'ord_Receipt0001' } });
    expect(fake.requests.at(-1)).toMatchObject({ method: 'POST', body: { amount: 10_000, receipt: 'rf_First0001', notes: { order: 'ord_Receipt0001' } } });
    const second = await gateway.refundPayment(paymentId, 5_000);
    expect(await gateway.listRefunds(paymentId)).toEqual([
      { refundId: second.refundId, paymentId, amount: 5_000, status: 'processed', receipt: null },
      { refundId: first.refundId, paymentId, amount: 10_000, status: 'processed', receipt: 'rf_First0001' },
    ]);
    expect(await codeOf(gateway.listRefunds('pay_DoesNotExist01'))).toBe('NOT_FOUND');
  });
});

describe('refusals', () => {
  it('refuses a payment for a different amount and does not capture it', async () => {
    const gatewayOrderId = await newOrder();
    const { paymentId } = fake.pay(gatewayOrderId, { amount: 100 });
    const error = await confirmPayment(gateway, { gatewayOrderId, paymentId, expectedAmount: 49_900, currency: 'INR' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PAYMENT_VERIFICATION_FAILED', message: 'The payment amount does not match the order' });
    expect(captures()).toBe(0);
    expect(await codeOf(confirmPayment(gateway, { gatewayOrderId, paymentId, expectedAmount: 100, currency: 'USD' }))).toBe('PAYMENT_VERIFICATION_FAILED');
  });

  it("refuses another order's payment, even one genuinely paid and signed", async () => {
    const cheap = await newOrder(100);
    const dear = await newOrder(99_900);
    const { paymentId } = fake.pay(cheap);
    const error = await confirmPayment(gateway, { gatewayOrderId: dear, paymentId, expectedAmount: 99_900, currency: 'INR' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PAYMENT_VERIFICATION_FAILED', message: 'The payment was made for a different order' });
    expect(fake.payments.get(paymentId)?.status).toBe('authorized');
  });

  it('refuses failed, unknown and malformed payments, sending nothing for a malformed id', async () => {
    const gatewayOrderId = await newOrder();
    const { paymentId } = fake.fail(gatewayOrderId);
    const confirm = (id: string) => confirmPayment(gateway, { gatewayOrderId, paymentId: id, expectedAmount: 49_900, currency: 'INR' });
    expect(await codeOf(confirm(paymentId))).toBe('PAYMENT_VERIFICATION_FAILED');
    expect(await codeOf(confirm('pay_DoesNotExist01'))).toBe('PAYMENT_VERIFICATION_FAILED');
    expect(await codeOf(confirm('pay_short'))).toBe('PAYMENT_VERIFICATION_FAILED');
    const sent = fake.requests.length;
    expect(await codeOf(confirm('../orders'))).toBe('PAYMENT_VERIFICATION_FAILED');
    expect(await codeOf(gateway.fetchPayment('pay_x?expand[]=card'))).toBe('NOT_FOUND');
    expect(fake.requests.length).toBe(sent);
  });

  it('refuses to capture twice and says so', async () => {
    const gatewayOrderId = await newOrder();
    const { paymentId } = fake.pay(gatewayOrderId, { capture: true });
    const error = await gateway.capturePayment(paymentId, 49_900, 'INR').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RazorpayGatewayError);
    expect(error).toMatchObject({ code: 'CONFLICT', upstream: { status: 400, error: { description: 'This payment has already been captured' } } });
  });

  it('checks order input locally, and maps Razorpay field errors to VALIDATION_FAILED', async () => {
    expect(await codeOf(gateway.createOrder({ amount: 99, currency: 'INR', receipt: 'r' }))).toBe('VALIDATION_FAILED');
    expect(await codeOf(gateway.createOrder({ amount: 100.5, currency: 'INR', receipt: 'r' }))).toBe('VALIDATION_FAILED');
    expect(fake.requests).toHaveLength(0);
    const gatewayOrderId = await newOrder();
    const { paymentId } = fake.pay(gatewayOrderId);
    expect(await codeOf(gateway.capturePayment(paymentId, 100, 'INR'))).toBe('VALIDATION_FAILED');
  });

  it('reports wrong API keys as our INTERNAL misconfiguration, not the caller’s fault', async () => {
    const misconfigured = createRazorpayGateway({ keyId: fake.keyId, keySecret: 'wrong', apiBase: fake.apiBase });
    expect(await codeOf(misconfigured.createOrder({ amount: 100, currency: 'INR', receipt: 'r' }))).toBe('INTERNAL');
    expect(fake.requests.at(-1)?.authorized).toBe(false);
  });

  it('tells each of Razorpay’s refusals apart, instead of taking every 400 for “already done”', async () => {
    const refusal = (promise: Promise<unknown>) =>
      promise.then(
        () => expect.fail('expected a refusal'),
        (e: unknown) => refusalOf(e),
      );
    const gatewayOrderId = await newOrder();
    const { paymentId } = fake.pay(gatewayOrderId, { capture: true });

    fake.setBalance(10_000);
    expect(await refusal(gateway.refundPayment(paymentId))).toBe('insufficient_balance');
    fake.setBalance(null);
    fake.setRefundMode('in_progress');
    expect(await refusal(gateway.refundPayment(paymentId))).toBe('in_progress');
    fake.setRefundMode('processed');
    fake.setDown('throttle');
    expect(await refusal(gateway.refundPayment(paymentId))).toBe('rate_limited');
    fake.setDown(false);
    expect(fake.payments.get(paymentId)?.amount_refunded).toBe(0);
    expect((await gateway.refundPayment(paymentId)).status).toBe('processed');
    expect(await refusal(gateway.refundPayment(paymentId))).toBe('already_refunded');
    expect(await refusal(gateway.refundPayment('pay_DoesNotExist01'))).toBe('not_found');
    const misconfigured = createRazorpayGateway({ keyId: fake.keyId, keySecret: 'wrong', apiBase: fake.apiBase });
    expect(await refusal(misconfigured.fetchPayment(paymentId))).toBe('auth_failed');

    const old = fake.pay(await newOrder(), { capture: true });
    clock.advance(181 * 24 * 60 * 60_000);
    try {
      expect(await refusal(gateway.refundPayment(old.paymentId))).toBe('too_old');
    } finally {
      clock.set('2026-03-01T10:00:00Z');
    }
  });

  it('refuses a second capture on an order another payment paid', async () => {
    const gatewayOrderId = await newOrder();
    const first = fake.pay(gatewayOrderId);
    const second = fake.pay(gatewayOrderId);
    await gateway.capturePayment(first.paymentId, 49_900, 'INR');
    const error = await gateway.capturePayment(second.paymentId, 49_900, 'INR').catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'CONFLICT',
      refusal: 'refused',
      upstream: { status: 400, error: { code: 'BAD_REQUEST_ERROR', description: expect.stringMatching(/already been paid/) } },
    });
    expect(fake.payments.get(second.paymentId)?.status).toBe('authorized');
  });

  it('answers an unknown URL with Razorpay’s 400, which reads as not found', async () => {
    const res = await fetch(`${fake.apiBase}/no/such/thing`, { headers: { Authorization: `Basic ${Buffer.from(`${fake.keyId}:${fake.keySecret}`).toString('base64')}` } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'BAD_REQUEST_ERROR', description: 'The requested URL was not found on the server.' } });
    expect(refusalOf(mapRazorpayError({ statusCode: 400, error: { code: 'BAD_REQUEST_ERROR', description: 'The requested URL was not found on the server.' } }, 'payment'))).toBe(
      'not_found',
    );
  });

  it('finds the order made with a receipt, and refuses a reused receipt on accounts that want them unique', async () => {
    await fake.close();
    fake = await startFakeRazorpay({ now: () => clock.now().getTime(), uniqueReceipts: true });
    gateway = createRazorpayGateway({ keyId: fake.keyId, keySecret: fake.keySecret, apiBase: fake.apiBase });
    const first = await gateway.createOrder({ amount: 49_900, currency: 'INR', receipt: 'ord_Receipt0002' });
    const again = await gateway.createOrder({ amount: 49_900, currency: 'INR', receipt: 'ord_Receipt0002' }).catch((e: unknown) => e);
    expect(refusalOf(again)).toBe('receipt_taken');
    expect(await gateway.findOrderByReceipt('ord_Receipt0002')).toEqual(first);
    expect(await gateway.findOrderByReceipt('ord_Nobody')).toBeNull();
    expect(fake.requests.at(-1)).toMatchObject({ method: 'GET', path: '/v1/orders' });
  });

  it('refuses an API base that does not end in /v1', () => {
    expect(() => createRazorpayGateway({ keyId: 'k', keySecret: 's', apiBase: 'http://127.0.0.1:1/api' })).toThrow(/\/v1/);
  });
});

describe('Razorpay unavailable', () => {
  it.each([
    ['503 with Razorpay SERVER_ERROR', true],
    ['502 HTML from a load balancer', 'html'],
    ['connection reset', 'drop'],
  ] as const)('maps %s to UPSTREAM_UNAVAILABLE', async (_label, mode) => {
    const gatewayOrderId = await newOrder();
    const { paymentId } = fake.pay(gatewayOrderId);
    fake.setDown(mode);
    expect(await codeOf(gateway.createOrder({ amount: 100, currency: 'INR', receipt: 'r' }))).toBe('UPSTREAM_UNAVAILABLE');
    expect(await codeOf(confirmPayment(gateway, { gatewayOrderId, paymentId, expectedAmount: 49_900, currency: 'INR' }))).toBe('UPSTREAM_UNAVAILABLE');
    expect(await codeOf(gateway.listOrderPayments(gatewayOrderId))).toBe('UPSTREAM_UNAVAILABLE');
    fake.setDown(false);
    expect((await gateway.fetchPayment(paymentId)).status).toBe('authorized');
  });

  it('maps a refused connection to UPSTREAM_UNAVAILABLE, naming the cause for the logs', async () => {
    const closed = await startFakeRazorpay();
    const unreachable = createRazorpayGateway({ keyId: closed.keyId, keySecret: closed.keySecret, apiBase: closed.apiBase });
    await closed.close();
    const error = await unreachable.fetchPayment('pay_AAAAAAAAAAAAAA').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', upstream: { status: 0, error: { code: 'NETWORK_ERROR' } } });
    expect((error as RazorpayGatewayError).upstream.error?.description).toMatch(/ECONNREFUSED/);
  });

  it('gives up on a Razorpay that never answers, after the configured timeout', async () => {
    const impatient = createRazorpayGateway({ keyId: fake.keyId, keySecret: fake.keySecret, apiBase: fake.apiBase, timeoutMs: 100 });
    fake.setDown('hang');
    expect(await codeOf(impatient.fetchPayment('pay_AAAAAAAAAAAAAA'))).toBe('UPSTREAM_UNAVAILABLE');
  });
});

describe('mapRazorpayError', () => {
  const body = (description: string, field?: string) => ({ code: 'BAD_REQUEST_ERROR', description, ...(field ? { field } : {}) });
  it.each([
    [{ statusCode: 500, error: { code: 'SERVER_ERROR', description: 'x' } }, 'UPSTREAM_UNAVAILABLE'],
    [{ statusCode: 429, error: body('Too many requests') }, 'UPSTREAM_UNAVAILABLE'],
    [{ statusCode: 502, error: undefined }, 'UPSTREAM_UNAVAILABLE'],
    [new TypeError("Cannot read properties of undefined (reading 'status')"), 'UPSTREAM_UNAVAILABLE'],
    [{ statusCode: 401, error: body('Authentication failed') }, 'INTERNAL'],
    [{ statusCode: 400, error: body('The id provided does not exist') }, 'NOT_FOUND'],
    [{ statusCode: 400, error: body('pay_x is not a valid id') }, 'NOT_FOUND'],
    [{ statusCode: 404, error: body('The requested URL was not found on the server.') }, 'NOT_FOUND'],
    [{ statusCode: 400, error: body('The amount must be atleast INR 1.00', 'amount') }, 'VALIDATION_FAILED'],
    [{ statusCode: 400, error: body('This payment has already been captured') }, 'CONFLICT'],
  ])('maps %j to %s', (rejection, code) => {
    expect(mapRazorpayError(rejection, 'payment').code).toBe(code);
  });

  it('never carries the key secret, whatever went wrong', async () => {
    const keySecret = 'very_secret_key_material';
    const wrongKeys = createRazorpayGateway({ keyId: fake.keyId, keySecret, apiBase: fake.apiBase });
    const closed = await startFakeRazorpay();
    await closed.close();
    const unreachable = createRazorpayGateway({ keyId: fake.keyId, keySecret, apiBase: closed.apiBase });
    for (const failing of [wrongKeys, unreachable]) {
      const error = (await failing.fetchPayment('pay_AAAAAAAAAAAAAA').catch((e: unknown) => e)) as RazorpayGatewayError;
      expect(JSON.stringify({ ...error, message: error.message, cause: error.cause })).not.toContain(keySecret);
      expect(error.upstream.status).toBeTypeOf('number');
    }
  });
});
