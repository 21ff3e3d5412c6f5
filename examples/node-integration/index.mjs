// @ts-check
/**
 * A Node integration of the Trendy Ticket Service, start to finish, in test mode:
 * create an event, print the snippet a partner page embeds, buy two tickets through the
 * API (reading the email code from the dev mailbox), list the attendees, check one in.
 *
 *   TTS_BASE_URL=http://localhost:8787 TTS_API_KEY=sk_test_… node examples/node-integration/index.mjs
 *
 * Without TTS_API_KEY it signs up a fresh organizer first. Needs a server outside production
 * without SMTP_URL (mail is captured at /dev/mailbox.json), as `npm start` gives you.
 */
import { pathToFileURL } from 'node:url';
import { TrendyTickets } from '@trendy-tickets/sdk';

const baseUrl = process.env.TTS_BASE_URL ?? 'http://localhost:8787';

/** The organizer's keys: from the environment, or a new test account. */
async function keys() {
  if (process.env.TTS_API_KEY) return { secretKey: process.env.TTS_API_KEY, publishableKey: process.env.TTS_PUBLISHABLE_KEY };
  const created = await TrendyTickets.createAccount({ email: `node-example-${Date.now()}@example.com`, password: 'correct horse battery', name: 'Node Example Co' }, { baseUrl });
  return { secretKey: created.secret_key, publishableKey: created.publishable_key };
}

/** Polls the dev mailbox (captured mail) for the 6-digit code sent to `email`. */
async function readCode(email, { attempts = 40, intervalMs = 250 } = {}) {
  for (let i = 0; i < attempts; i += 1) {
    const messages = await (await fetch(`${baseUrl}/dev/mailbox.json`)).json();
    const code = messages.find((m) => m.to === email)?.text.match(/\b(\d{6})\b/)?.[1];
    if (code) return code;
    await new Promise((resolve) => setTimeout(resolve, intervalMs)); // the mail worker sends within a second or so
  }
  throw new Error(`No code mailed to ${email}: is SMTP_URL unset and NODE_ENV not production?`);
}

export async function main(log = console.log) {
  const { secretKey, publishableKey } = await keys();
  // Server-side: the secret key. The buyer's side would run in a browser with the publishable key.
  const tts = new TrendyTickets({ apiKey: secretKey, baseUrl });
  const buyerSide = publishableKey ? new TrendyTickets({ apiKey: publishableKey, baseUrl }) : tts;

  // 1. The organizer creates an event; its id is the Event Token.
  const start = new Date(Date.now() + 30 * 24 * 3600 * 1000);
  const event = await tts.events.create({
    name: 'Monsoon Jazz Night',
    venue: 'NCPA, Mumbai',
    starts_at: start.toISOString(),
    ends_at: new Date(start.getTime() + 4 * 3600 * 1000).toISOString(),
    capacity: 300,
    ticket_types: [
      { name: 'General', price: 99_900 },
      { name: 'VIP', price: 249_900, capacity: 40, max_per_order: 4 },
    ],
  });
  log(`Event Token: ${event.id}`);

  // 2. What a partner page embeds (publishable key only: never the secret key).
  log('Embed this on your page:');
  log(`<script src="${baseUrl}/widget/v1/tts-checkout.js" async></script>`);
  log(`<tts-checkout event="${event.id}" key="${publishableKey ?? 'pk_test_…'}"></tts-checkout>`);

  // 3. A buyer orders two tickets: seats are held and a code is mailed.
  const email = `asha-${Date.now()}@example.com`;
  const order = await buyerSide.orders.create({
    event: event.id,
    items: [{ ticket_type: event.ticket_types[0].id, quantity: 2 }],
    buyer: { name: 'Asha Rao', email },
  });
  const client_secret = order.client_secret;
  const verified = await buyerSide.orders.verify(order.id, { client_secret, code: await readCode(email) });

  // 4. Test mode: the test gateway answers as Razorpay Checkout would; then confirm the payment.
  const payment = await buyerSide.testGateway.pay({ gateway_order_id: verified.payment.gateway_order_id });
  const paid = await buyerSide.orders.pay(order.id, {
    client_secret,
    gateway_order_id: payment.gateway_order_id,
    gateway_payment_id: payment.gateway_payment_id,
    signature: payment.signature,
  });
  log(`Order ${paid.status}: ${paid.tickets.length} tickets, e.g. ${paid.tickets[0].url}`);

  // 5. The organizer lists attendees (every page, however many).
  for await (const ticket of tts.events.attendees(event.id)) log(`Attendee: ${ticket.holder.name} <${ticket.holder.email}> ${ticket.id} ${ticket.status}`);

  // 6. At the door: the first scan admits, the second is refused.
  for (const gate of ['Gate 1', 'Gate 2']) {
    const scan = await tts.checkins.create({ code: paid.tickets[0].code, event: event.id, by: gate });
    log(`${gate}: ${scan.result}${scan.reason ? ` (${scan.reason}, first scanned by ${scan.first_checkin?.by})` : ''}`);
  }
  const stats = await tts.events.stats(event.id);
  log(`Sold ${stats.sold}, checked in ${stats.checked_in}, revenue ₹${stats.revenue / 100}`);
  return { event, order: paid, stats };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
