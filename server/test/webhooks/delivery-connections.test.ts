import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { deliverWebhook } from '../../src/delivery/webhook-delivery.js';
import type { WebhookTarget } from '../../src/domain/webhook-endpoints.js';
import type { ResolveHost } from '../../src/domain/webhook-url.js';
import { ManualClock } from '../../src/kernel/clock.js';
import { SAMPLE_SECRET, sampleEntry } from './receiver.js';

// A delivery's connection: an endpoint taking a burst of deliveries (five endpoints on `*`
// during a rush take fifteen a sale) gets them over kept connections to the address its URL
// check resolved, not a handshake and a close each.

const clock = new ManualClock('2030-06-01T10:00:00.000Z');
const eventJson = JSON.stringify(sampleEntry({ id: 'ord_1', object: 'order' }));
const deps = { clock, resolve: (async () => []) as ResolveHost };

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

/** A receiver counting the connections it accepted; `onRequest` sees each request's number on its connection. */
async function countingReceiver(onRequest: (req: IncomingMessage, res: ServerResponse, nthOnSocket: number) => void) {
  const perSocket = new WeakMap<Socket, number>();
  let connections = 0;
  const server = createServer((req, res) => {
    const nth = (perSocket.get(req.socket) ?? 0) + 1;
    perSocket.set(req.socket, nth);
    req.resume();
    req.on('end', () => onRequest(req, res, nth));
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks`, connections: () => connections };
}

const target = (url: string): WebhookTarget => ({ id: 'we_test', url, livemode: false, secrets: [SAMPLE_SECRET] });

describe('the connections deliveries go over', () => {
  it('sends an endpoint’s deliveries one after another over one kept connection', async () => {
    const r = await countingReceiver((_req, res) => res.writeHead(200).end('ok'));
    for (let n = 0; n < 5; n++) expect(await deliverWebhook(target(r.url), eventJson, deps)).toMatchObject({ ok: true, status: 200 });
    expect(r.connections()).toBe(1);
  });

  it('sends a delivery again on a new connection when the receiver dropped the kept one as it went out', async () => {
    // The second request on a connection finds it closed, as a receiver's idle timeout would.
    const r = await countingReceiver((req, res, nth) => (nth === 2 ? req.socket.destroy() : res.writeHead(200).end('ok')));
    expect(await deliverWebhook(target(r.url), eventJson, deps)).toMatchObject({ ok: true });
    expect(await deliverWebhook(target(r.url), eventJson, deps)).toMatchObject({ ok: true, status: 200 });
    expect(r.connections()).toBe(2);
  });

  it('does not keep a connection whose answer was cut short', async () => {
    const r = await countingReceiver((_req, res) => {
      res.writeHead(200);
      res.write('x'.repeat(70 * 1024));
      setTimeout(() => res.end(), 200);
    });
    expect(await deliverWebhook(target(r.url), eventJson, deps)).toMatchObject({ ok: true });
    expect(await deliverWebhook(target(r.url), eventJson, deps)).toMatchObject({ ok: true });
    expect(r.connections()).toBe(2);
  });
});
