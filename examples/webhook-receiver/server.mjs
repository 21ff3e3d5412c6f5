// @ts-check
/**
 * A partner's webhook receiver on plain `node:http`: it checks each delivery's `TTS-Signature`
 * with the SDK's `webhooks.constructEvent`, skips an event id it has already handled (deliveries
 * may repeat), and answers 2xx quickly so the delivery is not retried.
 *
 *   TTS_WEBHOOK_SECRET=whsec_… PORT=4242 node examples/webhook-receiver/server.mjs
 *
 * Then create a test-mode endpoint for it:
 *   curl -X POST $TTS_BASE_URL/v1/webhook_endpoints -H "Authorization: Bearer sk_test_…" \
 *     -H 'Content-Type: application/json' -d '{"url":"http://127.0.0.1:4242/webhooks","enabled_events":["*"]}'
 */
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { TtsSignatureVerificationError, webhooks } from '@trendy-tickets/sdk';

/** The body exactly as sent: the signature covers these bytes, not a re-serialised JSON. */
async function rawBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 1_000_000) throw new Error('body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * The receiver: `POST /webhooks` verifies the delivery and hands the event to `onEvent` once
 * per event id. A bad signature, a modified body or an old timestamp answers 400 and is not handled.
 *
 * @param {{ secret: string, onEvent: (event: import('@trendy-tickets/sdk').WebhookEvent) => void | Promise<void>, toleranceSeconds?: number, now?: () => number }} options
 */
export function createWebhookReceiver({ secret, onEvent, toleranceSeconds = 300, now = Date.now }) {
  // Use your database in production: a unique index on the event id makes "once" survive restarts.
  const handled = new Set();
  return createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url !== '/webhooks') {
      res.writeHead(404).end();
      return;
    }
    let event;
    try {
      const header = req.headers['tts-signature'];
      event = await webhooks.constructEvent(await rawBody(req), Array.isArray(header) ? header[0] : header, secret, { toleranceSeconds, now });
    } catch (err) {
      const refused = err instanceof TtsSignatureVerificationError;
      res.writeHead(refused ? 400 : 500, { 'Content-Type': 'text/plain' }).end(refused ? err.message : 'error');
      return;
    }
    if (!handled.has(event.id)) {
      handled.add(event.id);
      await onEvent(event);
    }
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const secret = process.env.TTS_WEBHOOK_SECRET;
  if (!secret) throw new Error('Set TTS_WEBHOOK_SECRET to the endpoint’s whsec_… secret.');
  const port = Number(process.env.PORT ?? 4242);
  createWebhookReceiver({
    secret,
    onEvent: (event) => {
      if (event.type === 'order.paid') console.log('paid', event.data.object.id, event.data.object.amount);
      else console.log(event.type, event.id);
    },
  }).listen(port, '127.0.0.1', () => console.log(`Receiving webhooks at http://127.0.0.1:${port}/webhooks`));
}
