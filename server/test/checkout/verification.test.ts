import { describe, expect, it } from 'vitest';
import type { OrderDoc } from '../../src/domain/orders.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buyer, deliverMail, organizerWithEvent, readCode, startOrder } from '../helpers/checkout.js';

/** Email one-time codes (docs/domain-rules.md#email-verification): hashed, 10 minutes, single use, 5 tries, send limits. */

async function setup() {
  const t = await buildTestApp();
  const org = await organizerWithEvent(t);
  const order = await startOrder(t, org.pk, org.event.id, [{ ticket_type: org.general, quantity: 1 }]);
  const verify = (code: string, o = order) => t.call('POST', `/v1/orders/${o.id}/verify`, { key: org.pk, body: { client_secret: o.client_secret, code } });
  const resend = (o = order) => t.call('POST', `/v1/orders/${o.id}/resend-code`, { key: org.pk, body: { client_secret: o.client_secret } });
  return { t, ...org, order, verify, resend };
}

function wrong(code: string): string {
  return code === '000000' ? '000001' : '000000';
}

async function storedOrder(t: TestApp, id: string) {
  return (await t.store.collection<OrderDoc>('orders').findOne({ _id: id }))!;
}

describe('email codes', () => {
  it('mails a six-digit code and stores only its keyed hash', async () => {
    const { t, order } = await setup();
    const code = await readCode(t, order.buyer.email);
    const stored = await storedOrder(t, order.id);
    expect(stored.verification.code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(code);
  });

  it('says a wrong code may be tried again, and the fifth wrong code locks the code', async () => {
    const { t, order, verify } = await setup();
    const code = await readCode(t, order.buyer.email);
    const reasons: string[] = [];
    for (let n = 0; n < 5; n++) reasons.push((await verify(wrong(code))).body.error.details.reason);
    expect(reasons).toEqual(['wrong_code', 'wrong_code', 'wrong_code', 'wrong_code', 'locked']);
    expect((await verify(code)).body.error.details).toEqual({ attempts_left: 0, reason: 'locked' });
  });

  it('counts down tries, and after five wrong codes refuses even the right one', async () => {
    const { t, order, verify } = await setup();
    const code = await readCode(t, order.buyer.email);
    for (let left = 4; left >= 0; left--) {
      const res = await verify(wrong(code));
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'OTP_INVALID', details: { attempts_left: left } });
    }
    const right = await verify(code);
    expect(right.status).toBe(400);
    expect(right.body.error).toMatchObject({ code: 'OTP_INVALID', details: { attempts_left: 0 } });
    expect(right.body.error.message).toMatch(/ask for a new one/);
  });

  it('refuses five concurrent guesses beyond the limit: tries are counted atomically', async () => {
    const { t, order, verify } = await setup();
    const code = await readCode(t, order.buyer.email);
    const guesses = await Promise.all(Array.from({ length: 20 }, (_, i) => verify(String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0'))));
    expect(guesses.every((g) => g.body.error?.code === 'OTP_INVALID')).toBe(true);
    expect((await storedOrder(t, order.id)).verification.attempts).toBe(5);
  });

  it('expires a code after ten minutes; a new code works and the old one does not', async () => {
    const { t, order, verify, resend } = await setup();
    const first = await readCode(t, order.buyer.email);
    t.clock.advance(10 * 60_000);
    expect((await verify(first)).body.error.code).toBe('OTP_EXPIRED');
    const resent = await resend();
    expect(resent.status).toBe(200);
    expect(resent.body.verification.attempts_left).toBe(5);
    const second = await readCode(t, order.buyer.email);
    if (second !== first) expect((await verify(first)).body.error.code).toBe('OTP_INVALID');
    const ok = await verify(second);
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('awaiting_payment');
  });

  it('uses a code once: verifying again just returns the order, and the hash is gone', async () => {
    const { t, order, verify } = await setup();
    const code = await readCode(t, order.buyer.email);
    expect((await verify(code)).body.status).toBe('awaiting_payment');
    expect((await storedOrder(t, order.id)).verification.code_hash).toBeNull();
    const again = await verify(code);
    expect(again.status).toBe(200);
    expect(again.body.payment.gateway_order_id).toBe((await storedOrder(t, order.id)).payment?.gateway_order_id);
  });

  it("binds a code to its order: one order's code does not open another's", async () => {
    const { t, pk, event, general, verify } = await setup();
    const who = buyer();
    const a = await startOrder(t, pk, event.id, [{ ticket_type: general, quantity: 1 }], who);
    const codeA = await readCode(t, who.email);
    const b = await startOrder(t, pk, event.id, [{ ticket_type: general, quantity: 1 }], who);
    await deliverMail(t);
    const res = await verify(codeA, b);
    expect(res.body.error?.code ?? 'accepted').toBe('OTP_INVALID');
    expect((await verify(codeA, a)).status).toBe(200);
  });

  it('sends at most five codes per email address an hour, with Retry-After', async () => {
    const { t, pk, event, general, order, resend } = await setup();
    for (let i = 0; i < 4; i++) expect((await resend()).status).toBe(200);
    const limited = await resend();
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
    t.clock.advance(60 * 60_000);
    // An hour on, the address may receive codes again (that order's own hold has lapsed by now).
    const next = await t.call('POST', '/v1/orders', { key: pk, body: { event: event.id, items: [{ ticket_type: general, quantity: 1 }], buyer: order.buyer } });
    expect(next.status).toBe(201);
  });

  it('refuses a new order for an email that used up its codes, without holding seats', async () => {
    const { t, pk, event, general, order, resend } = await setup();
    for (let i = 0; i < 4; i++) await resend();
    const res = await t.call('POST', '/v1/orders', { key: pk, body: { event: event.id, items: [{ ticket_type: general, quantity: 2 }], buyer: order.buyer } });
    expect(res.status).toBe(429);
    expect((await t.call('GET', `/v1/public/events/${event.id}`, { key: pk })).body.available).toBe(99);
  });

  it('limits codes per client address too', async () => {
    const { t, pk, event, general } = await setup();
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      statuses.push((await t.call('POST', '/v1/orders', { key: pk, body: { event: event.id, items: [{ ticket_type: general, quantity: 1 }], buyer: buyer() } })).status);
    }
    expect(statuses.slice(0, 29).every((s) => s === 201)).toBe(true); // the setup's order was the first of 30
    expect(statuses[29]).toBe(429);
  });
});

describe('reaching an order with a publishable key', () => {
  it('needs the client secret, and a wrong one looks like no order at all', async () => {
    const { t, pk, order } = await setup();
    const missing = await t.call('GET', `/v1/orders/${order.id}`, { key: pk });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toEqual([{ field: 'client_secret', message: 'is required with a publishable key' }]);
    const wrongSecret = await t.call('GET', `/v1/orders/${order.id}?client_secret=${order.id}_secret_${'x'.repeat(32)}`, { key: pk });
    expect(wrongSecret.status).toBe(404);
    const right = await t.call('GET', `/v1/orders/${order.id}?client_secret=${order.client_secret}`, { key: pk });
    expect(right.status).toBe(200);
    expect(right.body).not.toHaveProperty('client_secret');
  });

  it("answers 404 for another account's order, whatever the key", async () => {
    const { t, order } = await setup();
    const other = await t.signUp();
    expect((await t.call('GET', `/v1/orders/${order.id}?client_secret=${order.client_secret}`, { key: other.pk })).status).toBe(404);
    expect((await t.call('GET', `/v1/orders/${order.id}`, { key: other.sk })).status).toBe(404);
    expect((await t.call('POST', `/v1/orders/${order.id}/cancel`, { key: other.sk })).status).toBe(404);
  });

  it('refuses to pay before the email is verified', async () => {
    const { t, pk, order } = await setup();
    const res = await t.call('POST', `/v1/orders/${order.id}/pay`, {
      key: pk,
      body: { client_secret: order.client_secret, gateway_order_id: 'order_x', gateway_payment_id: 'pay_x', signature: 'f'.repeat(64) },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('ORDER_NOT_PAYABLE');
  });
});

describe('codes at rest', () => {
  it('keeps no copy of the code once its mail has gone out', async () => {
    const { t, order } = await setup();
    const code = await readCode(t, order.buyer.email);
    const jobs = await t.store.collection('outbox').find({ kind: 'verification_code' });
    expect(jobs).toHaveLength(1);
    expect(JSON.stringify(jobs)).not.toContain(code);
    expect(JSON.stringify(await t.store.collection('orders').find({}))).not.toContain(code);
  });
});
