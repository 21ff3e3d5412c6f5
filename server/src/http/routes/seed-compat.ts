import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError } from '../../kernel/errors.js';
import { assertCanSellFrom, type EventDoc } from '../../domain/events.js';
import { idPattern } from '../../kernel/ids.js';
import { rupees } from '../../pages/layout.js';
import type { AppEnv } from '../context.js';
import { setCaller } from '../middleware/auth.js';
import { limitBody } from '../middleware/body-limit.js';
import { foreignOrigin } from '../middleware/cors.js';

const EVENT_ID = idPattern('evt');
const MAX_BODY_BYTES = 4 * 1024;
const INVALID = 'Invalid key or token';

/** The seed's answer when something is wrong: its clients check only `success`. */
const fail = (c: Context<AppEnv>, status: ContentfulStatusCode, message: string) => c.json({ success: false as const, message }, status);

/**
 * Lets the partner's JavaScript read our answer, refusals included, so a developer
 * sees "Invalid key or token" rather than an opaque CORS failure. Safe to reflect:
 * this endpoint honours no cookies and grants nothing a page could not build itself
 * (a checkout link with a publishable key); which sites may sell an event is decided
 * on the server by `canSellFrom` (domain/events.ts), not by the browser.
 */
function allowOrigin(c: Context<AppEnv>): void {
  const origin = c.req.header('Origin');
  if (origin === undefined) return;
  c.header('Access-Control-Allow-Origin', origin);
  c.header('Vary', 'Origin');
}

/**
 * The seed's `amount` is rupees as a float (`parseFloat(input.value)`); paise are an
 * integer, rounded to the nearest paisa so `499.99` does not become 49998.99999.
 * Not the SDK's `toPaise`, which reads rupees as a person types them: seed pages send a
 * JSON number (or its string), which may carry more decimals or an exponent, and have done so
 * since before this API existed.
 */
function seedAmountToPaise(amount: unknown): number | null {
  if (typeof amount === 'string' && amount.trim() !== '') amount = Number(amount);
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0) return null;
  return Math.round(amount * 100);
}

/**
 * `POST /payment`, the seed product's integration (docs/api-conventions.md#seed-compatibility), kept so
 * pages written for the seed keep working: `{amount, payment, token, key}` →
 * `{success: true, redirect_url}` to our hosted checkout, or `{success: false, message}`.
 * What we fixed on purpose: the key must be a publishable key, and the browser's amount
 * is only a suggestion for open-amount events; fixed prices always come from the server.
 *
 * @example
 * app.route('/', seedCompatRoutes());
 */
export function seedCompatRoutes() {
  const router = new Hono<AppEnv>();

  // The seed sends `Content-Type: application/json`, so browsers preflight. Nothing is
  // known before the body arrives, so every origin gets the same answer (as on /v1).
  router.options('/payment', function paymentPreflight(c) {
    allowOrigin(c);
    return c.body(null, 204, {
      'Access-Control-Allow-Methods': 'POST, OPTIONS',
      'Access-Control-Allow-Headers': 'Content-Type, Accept',
      'Access-Control-Max-Age': '600',
    });
  });

  router.post('/payment', limitBody<AppEnv>({ maxBytes: MAX_BODY_BYTES, onTooLarge: (c) => fail(c, 413, 'The request body is too large.') }), async function seedPayment(c) {
    allowOrigin(c);
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = await c.req.json();
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new TypeError('not an object');
      body = parsed as Record<string, unknown>;
    } catch {
      return fail(c, 400, 'Send a JSON object: {"amount": 500, "payment": true, "token": "evt_…", "key": "pk_test_…"}.');
    }
    const { key, token, payment } = body;
    if (typeof key === 'string' && key.startsWith('sk_')) {
      return fail(c, 403, 'That is a secret key. Secret keys belong on your server only: use your publishable key (pk_…) in web pages, and roll this secret key now.');
    }
    const auth = typeof key === 'string' ? await c.var.services.accounts.authenticateKey(key) : null;
    if (auth?.key.kind !== 'publishable') return fail(c, 401, INVALID);
    let event: EventDoc;
    try {
      if (typeof token !== 'string' || !EVENT_ID.test(token)) return fail(c, 404, INVALID);
      setCaller(c, auth);
      event = await c.var.services.events.getPublic(c.get('owner'), token);
      assertCanSellFrom(event, foreignOrigin(c));
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return err.code === 'NOT_FOUND' ? fail(c, 404, INVALID) : fail(c, 403, err.message);
    }
    if (payment === false) {
      return fail(
        c,
        400,
        'payment: false means you take the payment yourself. Then issue the tickets from your server with POST /v1/tickets and your secret key (never from the browser); we email them to the buyer.',
      );
    }
    if (payment !== true) return fail(c, 400, 'payment must be true (we take the payment) or false (you take it).');

    let redirect = `/checkout/${event._id}?key=${encodeURIComponent(key as string)}`;
    if (event.open_amount && body.amount !== undefined && body.amount !== null) {
      const paise = seedAmountToPaise(body.amount);
      const { min, max } = event.open_amount;
      if (paise === null || paise < min || paise > max) {
        return fail(c, 400, `The amount must be between ${rupees(min)} and ${rupees(max)}.`);
      }
      redirect += `&amount=${paise}`;
    }
    // Fixed-price events ignore the browser's amount: prices come from the server (docs/domain-rules.md#money).
    return c.json({ success: true as const, redirect_url: redirect });
  });

  return router;
}
