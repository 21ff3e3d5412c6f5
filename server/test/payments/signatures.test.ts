import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Razorpay from 'razorpay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentSignature, verifyPaymentSignature, verifyWebhookSignature, type PaymentGateway } from '../../src/payments/gateway.js';
import { createRazorpayGateway } from '../../src/payments/razorpay.js';
import { startFakeRazorpay, type FakeRazorpay, type FakeWebhookEvent } from '../fakes/fake-razorpay.js';

const secret = 'key_secret_for_tests';
const gatewayOrderId = 'order_IluGWxBm9U8zJ8';
const paymentId = 'pay_IluGWxBm9U8zJ9';
const good = paymentSignature(gatewayOrderId, paymentId, secret);

describe('paymentSignature', () => {
  it('is the hex HMAC-SHA256 of "order_id|payment_id" that the razorpay SDK also accepts', () => {
    expect(good).toBe(createHmac('sha256', secret).update(`${gatewayOrderId}|${paymentId}`).digest('hex'));
    expect(good).toMatch(/^[0-9a-f]{64}$/);
    // The SDK's own validatePaymentVerification is validateWebhookSignature over the same string.
    expect(Razorpay.validateWebhookSignature(`${gatewayOrderId}|${paymentId}`, good, secret)).toBe(true);
  });
});

describe('verifyPaymentSignature', () => {
  const check = (overrides: Partial<Parameters<typeof verifyPaymentSignature>[0]>): boolean =>
    verifyPaymentSignature({ gatewayOrderId, paymentId, signature: good, secret, ...overrides });

  it('accepts the signature Checkout returns for the stored order', () => {
    expect(check({})).toBe(true);
    expect(check({ signature: good.toUpperCase() })).toBe(true);
  });

  it('refuses a signature made with another secret', () => {
    expect(check({ secret: 'another_secret' })).toBe(false);
  });

  it("refuses another order's genuine signature replayed against this order", () => {
    const cheapOrder = 'order_CheapOrder00001';
    const cheapSignature = paymentSignature(cheapOrder, paymentId, secret);
    expect(verifyPaymentSignature({ gatewayOrderId: cheapOrder, paymentId, signature: cheapSignature, secret })).toBe(true);
    expect(check({ signature: cheapSignature })).toBe(false);
    expect(check({ paymentId: 'pay_OtherPayment0001' })).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['short', 'abc'],
    ['odd length', good.slice(0, 63)],
    ['one char too long', `${good}0`],
    ['non-hex of the right length', 'z'.repeat(64)],
    ['hex with a bad char Buffer.from would drop', `${good.slice(0, 62)}zz`],
    ['padded with spaces', ` ${good} `],
    ['base64 of the digest', Buffer.from(good, 'hex').toString('base64')],
  ])('refuses a malformed signature (%s) without throwing', (_label, signature) => {
    expect(() => check({ signature })).not.toThrow();
    expect(check({ signature })).toBe(false);
  });

  it('refuses non-string input of any kind without throwing', () => {
    for (const bad of [undefined, null, 42, {}, [], Buffer.from(good, 'hex')]) {
      expect(check({ signature: bad as unknown as string })).toBe(false);
      expect(check({ paymentId: bad as unknown as string })).toBe(false);
      expect(check({ gatewayOrderId: bad as unknown as string })).toBe(false);
    }
  });

  it('refuses everything when the secret is empty, even a signature made with the empty key', () => {
    const emptyKeySignature = paymentSignature(gatewayOrderId, paymentId, '');
    expect(check({ secret: '', signature: emptyKeySignature })).toBe(false);
  });

  it('refuses ids containing "|", which would let two pairs share one signed message', () => {
    const signature = paymentSignature('order_A', 'x|pay_B', secret);
    expect(verifyPaymentSignature({ gatewayOrderId: 'order_A', paymentId: 'x|pay_B', signature, secret })).toBe(false);
  });
});

describe('verifyWebhookSignature', () => {
  const webhookSecret = 'whsec_for_tests';
  const body = '{"entity":"event","event":"payment.captured","payload":{"payment":{"entity":{"id":"pay_1"}}}}';
  const signature = createHmac('sha256', webhookSecret).update(body).digest('hex');

  it('accepts the HMAC of the raw body, as string or bytes, and agrees with the SDK', () => {
    expect(verifyWebhookSignature(body, signature, webhookSecret)).toBe(true);
    expect(verifyWebhookSignature(Buffer.from(body), signature, webhookSecret)).toBe(true);
    expect(verifyWebhookSignature(new TextEncoder().encode(body), signature, webhookSecret)).toBe(true);
    expect(Razorpay.validateWebhookSignature(body, signature, webhookSecret)).toBe(true);
  });

  it('refuses a wrong secret, a changed body, a missing header and an empty secret', () => {
    expect(verifyWebhookSignature(body, signature, 'other')).toBe(false);
    expect(verifyWebhookSignature(body.replace('pay_1', 'pay_2'), signature, webhookSecret)).toBe(false);
    expect(verifyWebhookSignature(body, undefined, webhookSecret)).toBe(false);
    expect(verifyWebhookSignature(body, null, webhookSecret)).toBe(false);
    expect(verifyWebhookSignature(body, '', webhookSecret)).toBe(false);
    expect(verifyWebhookSignature(body, createHmac('sha256', '').update(body).digest('hex'), '')).toBe(false);
  });

  it('refuses malformed headers without throwing', () => {
    for (const header of ['abc', signature.slice(1), `${signature}00`, 'g'.repeat(64), `sha256=${signature}`]) {
      expect(() => verifyWebhookSignature(body, header, webhookSecret)).not.toThrow();
      expect(verifyWebhookSignature(body, header, webhookSecret)).toBe(false);
    }
    expect(verifyWebhookSignature(null as unknown as string, signature, webhookSecret)).toBe(false);
  });
});

describe('webhooks from the fake Razorpay, verified over the raw body', () => {
  let fake: FakeRazorpay;
  let gateway: PaymentGateway;
  let receiver: Server;
  let receiverUrl: string;
  const received: { raw: Buffer; headers: Record<string, string | string[] | undefined> }[] = [];
  const webhookSecret = 'whsec_fake_0123';

  beforeAll(async () => {
    fake = await startFakeRazorpay();
    gateway = createRazorpayGateway({ keyId: fake.keyId, keySecret: fake.keySecret, apiBase: fake.apiBase });
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ raw: Buffer.concat(chunks), headers: req.headers });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/v1/gateway/razorpay/webhook`;
  });

  afterAll(async () => {
    await fake.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  async function paidOrder(): Promise<{ orderId: string; paymentId: string }> {
    // A "/" and a "₹" in the notes: Razorpay escapes both, so re-serialising changes the bytes.
    const order = await gateway.createOrder({ amount: 49_900, currency: 'INR', receipt: 'ord_1', notes: { event: 'Diwali Mela / ₹499' } });
    const { paymentId } = fake.pay(order.gatewayOrderId, { capture: true });
    return { orderId: order.gatewayOrderId, paymentId };
  }

  it('signs payment.captured so the raw body verifies and a re-serialised body does not', async () => {
    const { paymentId } = await paidOrder();
    const sent = await fake.sendWebhook(receiverUrl, 'payment.captured', { paymentId }, { secret: webhookSecret, eventId: 'EvtFake0000001' });
    expect(sent.status).toBe(200);
    const got = received.at(-1);
    expect(got?.headers['x-razorpay-event-id']).toBe('EvtFake0000001');
    const header = got?.headers['x-razorpay-signature'] as string;
    const raw = got?.raw ?? Buffer.alloc(0);

    expect(verifyWebhookSignature(raw, header, webhookSecret)).toBe(true);
    expect(verifyWebhookSignature(raw.toString('utf8'), header, webhookSecret)).toBe(true);
    const parsed = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    expect(verifyWebhookSignature(JSON.stringify(parsed), header, webhookSecret)).toBe(false);
    expect(verifyWebhookSignature(JSON.stringify(parsed, null, 2), header, webhookSecret)).toBe(false);
    expect(verifyWebhookSignature(raw, header, 'wrong_webhook_secret')).toBe(false);

    expect(parsed).toMatchObject({
      entity: 'event',
      account_id: fake.accountId,
      event: 'payment.captured',
      contains: ['payment'],
      payload: { payment: { entity: { id: paymentId, entity: 'payment', status: 'captured', amount: 49_900, captured: true } } },
    });
    expect(Number.isInteger(parsed.created_at)).toBe(true);
  });

  it.each<[FakeWebhookEvent, string[]]>([
    ['order.paid', ['payment', 'order']],
    ['payment.failed', ['payment']],
    ['refund.processed', ['refund', 'payment']],
  ])('sends %s with Razorpay’s envelope (contains %j)', async (event, contains) => {
    let { paymentId } = await paidOrder();
    let refundId: string | undefined;
    if (event === 'payment.failed') {
      const order = await gateway.createOrder({ amount: 10_000, currency: 'INR', receipt: 'ord_2' });
      paymentId = fake.fail(order.gatewayOrderId).paymentId;
    }
    if (event === 'refund.processed') {
      refundId = (await gateway.refundPayment(paymentId)).refundId;
    }
    const sent = await fake.sendWebhook(receiverUrl, event, { paymentId, ...(refundId ? { refundId } : {}) }, { secret: webhookSecret });
    const body = JSON.parse(sent.body) as { event: string; contains: string[]; payload: Record<string, { entity: { id: string } }> };
    expect(body.event).toBe(event);
    expect(body.contains).toEqual(contains);
    expect(Object.keys(body.payload).sort()).toEqual([...contains].sort());
    expect(body.payload.payment?.entity.id).toBe(paymentId);
    if (refundId) expect(body.payload.refund?.entity.id).toBe(refundId);
    expect(verifyWebhookSignature(received.at(-1)?.raw ?? '', sent.signature, webhookSecret)).toBe(true);
  });
});
