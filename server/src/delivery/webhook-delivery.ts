/**
 * One webhook delivery attempt: POST an event's JSON, signed, to an organizer's endpoint, and
 * say how it went. Retrying, backing off and giving up belong to the job queue that calls this;
 * this file only makes one attempt and never throws for the receiver's faults.
 *
 * The wire format is in docs/webhooks.md: header
 * `TTS-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, with one
 * `v1=` per signing secret while a rolled secret overlaps (Stripe's scheme, so receivers know it:
 * https://docs.stripe.com/webhooks#verify-manually).
 */
import { createHmac } from 'node:crypto';
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Clock } from '../kernel/clock.js';
import { AppError } from '../kernel/errors.js';
import type { DeliveryAttempt, WebhookTarget } from '../domain/webhook-endpoints.js';
import { checkWebhookUrl, type ResolvedAddress, type ResolveHost } from '../domain/webhook-url.js';
import { connectionsTo } from './webhook-connections.js';

/** Milliseconds a receiver has to answer, headers and body together. */
export const DELIVERY_TIMEOUT_MS = 10_000;

/** Bytes of the answer read; the rest is dropped, so a huge answer cannot fill our memory. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

/** Characters of the answer kept in the delivery record. */
const EXCERPT_CHARS = 1024;

export interface DeliveryDeps {
  clock: Clock;
  /** Resolves the endpoint's host (default: the system resolver, every address). */
  resolve?: ResolveHost;
  /** Default {@link DELIVERY_TIMEOUT_MS}; tests shorten it. */
  timeoutMs?: number;
  /** Sent as `User-Agent`. */
  userAgent?: string;
}

/**
 * The system resolver, every address of the name, as the URL check wants them.
 *
 * @example
 * await systemResolve('localhost'); // [{ address: '127.0.0.1', family: 4 }, …]
 */
export const systemResolve: ResolveHost = async (hostname) => {
  const found = await dnsLookup(hostname, { all: true, verbatim: true });
  return found.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

/**
 * The `TTS-Signature` header for a body: one `v1=` per secret, in the order given.
 *
 * @example
 * signatureHeader('{"id":"ev_1"}', ['whsec_…'], 1767225600); // 't=1767225600,v1=5f0c…'
 */
export function signatureHeader(rawBody: string, secrets: readonly string[], unixSeconds: number): string {
  const signed = `${unixSeconds}.${rawBody}`;
  const v1 = secrets.map((secret) => `v1=${createHmac('sha256', secret).update(signed).digest('hex')}`);
  return [`t=${unixSeconds}`, ...v1].join(',');
}

/** A `lookup` that answers with the address already checked, so the socket goes where the check looked. */
function pinnedLookup(pinned: ResolvedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) (callback as (err: null, addresses: ResolvedAddress[]) => void)(null, [pinned]);
    else callback(null, pinned.address, pinned.family);
  };
}

/**
 * POSTs `eventJson` to the endpoint once and reports the outcome. Before connecting, the URL is
 * checked again for the endpoint's mode (a name may point elsewhere since the endpoint was saved),
 * and the connection goes to the address that passed. Redirects are not followed: a 3xx is a
 * failure. Any 2xx is success. Never throws for a receiver's fault; the queue retries on `ok: false`.
 *
 * @example
 * const attempt = await deliverWebhook(target, JSON.stringify(event), { clock });
 * if (!attempt.ok) retryLater(attempt.error);
 */
export async function deliverWebhook(endpoint: WebhookTarget, eventJson: string, deps: DeliveryDeps): Promise<DeliveryAttempt> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const failed = (error: string, status: number | null = null, excerpt = ''): DeliveryAttempt => ({
    ok: false,
    status,
    latency_ms: elapsed(),
    response_excerpt: excerpt,
    error,
  });

  let checked: Awaited<ReturnType<typeof checkWebhookUrl>>;
  try {
    checked = await checkWebhookUrl(endpoint.url, { livemode: endpoint.livemode, resolve: deps.resolve ?? systemResolve });
  } catch (err) {
    if (err instanceof AppError) return failed(err.message);
    throw err;
  }
  if (endpoint.secrets.length === 0) return failed('The endpoint has no signing secret.');

  const { url, addresses } = checked;
  const body = Buffer.from(eventJson, 'utf8');
  const timestamp = Math.floor(deps.clock.now().getTime() / 1000);
  const headers = {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(body.length),
    'User-Agent': deps.userAgent ?? 'TrendyTickets-Webhooks/1',
    'TTS-Signature': signatureHeader(eventJson, endpoint.secrets, timestamp),
  };
  const transport = url.protocol === 'https:' ? https : http;
  const timeoutMs = deps.timeoutMs ?? DELIVERY_TIMEOUT_MS;

  const pinned = addresses[0] as ResolvedAddress;
  const agent = connectionsTo(url, pinned);

  const send = (mayResend: boolean): Promise<DeliveryAttempt> =>
    new Promise<DeliveryAttempt>((resolve) => {
      let settled = false;
      let answered = false;
      /** `keep`: the answer was read to its end, so the connection can carry the next delivery. */
      const settle = (attempt: DeliveryAttempt, keep = false) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (!keep) request.destroy();
        resolve(attempt);
      };
      const request = transport.request(url, {
        method: 'POST',
        headers,
        // Kept connections to the address just checked only (`webhook-connections.ts`).
        agent,
        lookup: pinnedLookup(pinned),
        // The TLS certificate is still checked against the URL's host name, not the pinned address.
        ...(url.protocol === 'https:' && !url.hostname.startsWith('[') ? { servername: url.hostname } : {}),
      });
      const timer = setTimeout(() => settle(failed(`No complete answer within ${timeoutMs / 1000} s.`)), timeoutMs);
      request.on('error', (err: NodeJS.ErrnoException) => {
        // A kept connection the receiver closed as this request went out: nothing was answered,
        // so the delivery goes once more, on a new connection (Node's documented remedy).
        if (mayResend && request.reusedSocket && !answered && !settled) {
          settled = true;
          clearTimeout(timer);
          request.destroy();
          resolve(send(false));
          return;
        }
        settle(failed(`Could not deliver: ${err.code ?? err.message}.`));
      });
      request.on('response', (response) => {
        answered = true;
        const status = response.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let kept = 0;
        response.on('data', (chunk: Buffer) => {
          if (kept >= MAX_RESPONSE_BYTES) return;
          const part = chunk.subarray(0, MAX_RESPONSE_BYTES - kept);
          chunks.push(part);
          kept += part.length;
          // Enough read: stop the receiver sending more than we keep (the connection goes with it).
          if (kept >= MAX_RESPONSE_BYTES) finish(false);
        });
        response.on('end', () => finish(true));
        response.on('error', (err) => settle(failed(`The answer broke off: ${err.message}.`, status)));
        function finish(complete: boolean) {
          const excerpt = Buffer.concat(chunks).toString('utf8').slice(0, EXCERPT_CHARS);
          if (status >= 200 && status < 300) settle({ ok: true, status, latency_ms: elapsed(), response_excerpt: excerpt, error: null }, complete);
          else if (status >= 300 && status < 400) {
            settle(
              failed(
                `Answered ${status}, a redirect${response.headers.location ? ` to ${response.headers.location}` : ''}; redirects are not followed, so point the endpoint at the final URL.`,
                status,
                excerpt,
              ),
              complete,
            );
          } else settle(failed(`Answered ${status}; only a 2xx status counts as delivered.`, status, excerpt), complete);
        }
      });
      request.end(body);
    });
  return send(true);
}

/** The endpoint service's part a sender needs (`domain/webhook-endpoints.ts`). */
export interface WebhookEndpointsForDelivery {
  deliveryTarget(endpointId: string): Promise<WebhookTarget | null>;
  recordDelivery(endpointId: string, event: { id: string; type: string }, attempt: DeliveryAttempt): Promise<unknown>;
}

/**
 * What the job queue calls for one webhook job: reads the endpoint as it is now, makes one
 * attempt, and records it for the console. Resolves `null` when the endpoint was deleted or
 * disabled since the job was queued (end the job: nothing to send); otherwise the attempt,
 * whose `ok: false` means "retry later with backoff".
 *
 * @example
 * const send = createWebhookSender({ endpoints: services.webhookEndpoints, clock });
 * const attempt = await send('we_…', { id: event.id, type: event.type }, JSON.stringify(event));
 */
export function createWebhookSender({ endpoints, ...deps }: DeliveryDeps & { endpoints: WebhookEndpointsForDelivery }) {
  return async function sendWebhook(endpointId: string, event: { id: string; type: string }, eventJson: string): Promise<DeliveryAttempt | null> {
    const target = await endpoints.deliveryTarget(endpointId);
    if (!target) return null;
    const attempt = await deliverWebhook(target, eventJson, deps);
    await endpoints.recordDelivery(endpointId, event, attempt);
    return attempt;
  };
}
