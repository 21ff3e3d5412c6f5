import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, eventBody, type TestApp } from '../helpers/app.js';

let t: TestApp;
let sk: string;
let pk: string;
let account: string;

beforeEach(async () => {
  t = await buildTestApp();
  const keys = await t.signUp();
  ({ sk, pk } = keys);
  account = keys.account.id;
});

async function createEvent(overrides: Record<string, unknown> = {}) {
  const res = await t.call('POST', '/v1/events', { key: sk, body: eventBody(overrides) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string };
}

/** What the seed's snippet sends: JSON, from the partner's page. */
const seedPost = (body: unknown, origin = 'https://partner.example') => t.call('POST', '/payment', { body, headers: { Origin: origin, Accept: 'application/json' } });

describe('POST /payment (happy)', () => {
  it('answers the seed snippet with a redirect to the hosted checkout', async () => {
    const event = await createEvent();
    const res = await seedPost({ amount: 499, payment: true, token: event.id, key: pk });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, redirect_url: `/checkout/${event.id}?key=${pk}` });
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('https://partner.example');
  });

  it('ignores the browser amount for fixed-price events (prices come from the server)', async () => {
    const event = await createEvent();
    const res = await seedPost({ amount: 1, payment: true, token: event.id, key: pk });
    expect(res.body.redirect_url).not.toContain('amount');
  });

  it('carries an open amount in rupees over as paise, rounded to the paisa', async () => {
    const event = await createEvent({ open_amount: { min: 10_000, max: 5_000_000 } });
    const res = await seedPost({ amount: 1499.99, payment: true, token: event.id, key: pk });
    expect(res.body).toEqual({ success: true, redirect_url: `/checkout/${event.id}?key=${pk}&amount=149999` });
    const typed = await seedPost({ amount: '250.5', payment: true, token: event.id, key: pk });
    expect(typed.body.redirect_url).toMatch(/&amount=25050$/);
  });

  it('answers the CORS preflight the seed snippet triggers', async () => {
    const res = await t.app.request('/payment', {
      method: 'OPTIONS',
      headers: { Origin: 'https://partner.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,accept' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('https://partner.example');
    expect(res.headers.get('Access-Control-Allow-Methods')).toContain('POST');
    expect(res.headers.get('Access-Control-Allow-Headers')?.toLowerCase()).toContain('content-type');
  });
});

describe('POST /payment (errors)', () => {
  it('explains payment: false: issue tickets from your server with POST /v1/tickets', async () => {
    const event = await createEvent();
    const res = await seedPost({ amount: 499, payment: false, token: event.id, key: pk });
    expect(res.status).toBe(400);
    expect(res.body.success).toBe(false);
    expect(res.body.message).toContain('POST /v1/tickets');
    expect(res.body.message).toContain('secret key');
  });

  it('refuses an open amount outside the event’s bounds', async () => {
    const event = await createEvent({ open_amount: { min: 10_000, max: 50_000 } });
    for (const amount of [99.99, 500.01, -5, 0, 'lots', true, { rupees: 200 }]) {
      const res = await seedPost({ amount, payment: true, token: event.id, key: pk });
      expect(res.status, String(amount)).toBe(400);
      expect(res.body).toEqual({ success: false, message: 'The amount must be between ₹100.00 and ₹500.00.' });
    }
  });

  it('answers a wrong key or token with "Invalid key or token"', async () => {
    const event = await createEvent();
    const other = await t.signUp('Other');
    const cases = [
      { amount: 1, payment: true, token: event.id, key: 'pk_test_wrong' },
      { amount: 1, payment: true, token: 'evt_0000000000000000000000', key: pk },
      { amount: 1, payment: true, token: 'not-a-token', key: pk },
      { amount: 1, payment: true, token: event.id, key: other.pk }, // another account's event
      { amount: 1, payment: true, token: event.id },
    ];
    for (const body of cases) {
      const res = await seedPost(body);
      expect([401, 404], JSON.stringify(body)).toContain(res.status);
      expect(res.body).toEqual({ success: false, message: 'Invalid key or token' });
    }
  });

  it('answers malformed bodies with success: false, never a 500', async () => {
    for (const rawBody of ['{', '[]', 'null', '"x"']) {
      const res = await t.call('POST', '/payment', { rawBody, headers: { 'Content-Type': 'application/json' } });
      expect(res.status, rawBody).toBe(400);
      expect(res.body.success).toBe(false);
    }
    const event = await createEvent();
    const res = await seedPost({ amount: 1, payment: 'yes', token: event.id, key: pk });
    expect(res.status).toBe(400);
    const huge = await t.call('POST', '/payment', { body: { key: pk, token: event.id, payment: true, pad: 'x'.repeat(10_000) } });
    expect(huge.status).toBe(413);
    expect(huge.body.success).toBe(false);
  });
});

describe('POST /payment (security)', () => {
  it('refuses a secret key with 403 and tells the developer to use the publishable key', async () => {
    const event = await createEvent();
    const res = await seedPost({ amount: 499, payment: true, token: event.id, key: sk });
    expect(res.status).toBe(403);
    expect(res.body.success).toBe(false);
    expect(res.body.message).toContain('use your publishable key');
    expect(JSON.stringify(res.body)).not.toContain(sk);
  });

  it('refuses origins a live event does not allow, and allows listed ones', async () => {
    const live = await t.services.accounts.rollKey(account, 'publishable', 'live');
    const owner = { account, livemode: true };
    const body = eventBody();
    const event = await t.services.events.create(owner, {
      ...body,
      starts_at: new Date(body.starts_at),
      ends_at: new Date(body.ends_at),
      ticket_types: [{ name: 'General', price: 49_900 }],
      allowed_origins: ['https://partner.example'],
    });
    const allowed = await seedPost({ amount: 1, payment: true, token: event._id, key: live.raw });
    expect(allowed.body.success).toBe(true);
    const refused = await seedPost({ amount: 1, payment: true, token: event._id, key: live.raw }, 'https://evil.example');
    expect(refused.status).toBe(403);
    expect(refused.body.success).toBe(false);
    expect(refused.body.message).toContain('allowed_origins');
  });
});
