// @ts-check
/**
 * A partner's own server that takes payment itself (the seed's `payment: false`) and then
 * asks the Trendy Ticket Service to issue and email the tickets with `tickets.issue`.
 *
 *   TTS_BASE_URL=http://localhost:8787 TTS_API_KEY=sk_test_… TTS_EVENT=evt_… node examples/own-payment/server.mjs
 *
 * Open http://localhost:3000, fill in the form, and the tickets arrive by email (see
 * /dev/mailbox on the ticket server). The secret key stays here, on the server.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { TrendyTickets } from '@trendy-tickets/sdk';

/**
 * Stands in for your payment provider (Stripe, PayPal, a bank transfer…). Like real providers,
 * it charges once per idempotency key: the same checkout submitted twice is one payment.
 */
const payments = new Map();
async function takePayment({ checkoutId, amount, email }) {
  if (!(amount > 0)) throw new Error('nothing to pay');
  if (!payments.has(checkoutId)) payments.set(checkoutId, { id: `pay_${randomUUID()}`, amount, email });
  return payments.get(checkoutId);
}

/** Reads a JSON or form-encoded request body. */
async function readBody(req) {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 10_000) throw new Error('body too large');
  }
  if ((req.headers['content-type'] ?? '').includes('application/json')) return JSON.parse(text || '{}');
  return Object.fromEntries(new URLSearchParams(text));
}

const page = (event) => `<!doctype html><meta charset="utf-8"><title>${event.name}</title>
<h1>${event.name}</h1>
<form method="post" action="/buy">
  <input type="hidden" name="checkout_id" value="${randomUUID()}">
  <label>Name <input name="name" required></label>
  <label>Email <input name="email" type="email" required></label>
  <label>Tickets <input name="quantity" type="number" min="1" max="10" value="1"></label>
  <button>Pay ₹${event.ticket_types[0].price / 100} each</button>
</form>`;

/**
 * The partner server: `GET /` shows a form, `POST /buy` charges the buyer with your own
 * provider and issues the tickets. The payment id is the idempotency key, so a form sent
 * twice (a double click, a retry after a timeout) is charged once and issued once.
 */
export function createPartnerServer({ tts, eventId }) {
  return createServer(async (req, res) => {
    try {
      const event = await tts.events.retrieve(eventId);
      if (req.method === 'GET' && req.url === '/') {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page(event));
        return;
      }
      if (req.method === 'POST' && req.url === '/buy') {
        const { name, email, quantity = 1, checkout_id = randomUUID() } = await readBody(req);
        const type = event.ticket_types[0];
        const count = Number(quantity);
        // Your provider charges first (once per checkout, even if the form is sent twice).
        const payment = await takePayment({ checkoutId: String(checkout_id), amount: type.price * count, email });
        const { data: tickets } = await tts.tickets.issue(
          { event: event.id, ticket_type: type.id, quantity: count, holder: { name, email }, external_reference: payment.id },
          { idempotencyKey: payment.id },
        );
        res.writeHead(201, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ payment_id: payment.id, tickets: tickets.map((t) => ({ id: t.id, url: t.url, pdf_url: t.pdf_url })) }));
        return;
      }
      res.writeHead(404).end('Not found');
    } catch (err) {
      // Tell the buyer something useful; quote the request id to TTS support.
      const status = err?.status === 409 ? 409 : 502;
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: err?.message ?? 'failed', request_id: err?.requestId ?? null }));
    }
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const tts = new TrendyTickets(); // TTS_API_KEY and TTS_BASE_URL from the environment
  const eventId = process.env.TTS_EVENT;
  if (!eventId) throw new Error('Set TTS_EVENT to the Event Token (evt_…) to sell.');
  const port = Number(process.env.PORT ?? 3000);
  createPartnerServer({ tts, eventId }).listen(port, () => console.log(`Partner shop on http://localhost:${port}`));
}
