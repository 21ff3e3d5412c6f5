import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the receiver got: headers and the body exactly as sent. */
export interface Received {
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * A real HTTP receiver on 127.0.0.1 that answers each request with `answer` (a handler that may
 * also never answer). Every request is recorded with its raw body.
 */
export async function startReceiver(answer: (req: Received, res: ServerResponse) => void = (_req, res) => res.writeHead(200).end('ok')) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const got = { url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(got);
      answer(got, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const receiver = await startReceiver();
  await receiver.close();
  return receiver.port;
}

/** A signing secret and an events-log entry as webhooks deliver it, for tests that sign and verify by hand. */
export const SAMPLE_SECRET = 'whsec_0123456789abcdefghijABCDEFGHIJ01';
export const sampleEntry = (object: Record<string, unknown>) => ({
  id: 'ev_4f0c2a9be31d77a05c6e1b84',
  object: 'event_log_entry',
  type: 'order.paid',
  created_at: '2030-06-01T10:00:00.000Z',
  livemode: false,
  account: 'acct_1',
  data: { object },
});
