import { request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app.js';
import { insertTickets } from '../helpers/bulk-tickets.js';
import { organizerWithEvent } from '../helpers/checkout.js';

const ROWS = 6_000;

/** A GET on 127.0.0.1 whose answer is handed over as soon as its headers arrive. */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => request({ host: '127.0.0.1', port, path, headers, agent: false }, resolve).on('error', reject).end());
}

describe('the attendee CSV over a real HTTP server', () => {
  it('answers a request sent after the first bytes of a long export arrived before the export’s last byte', { timeout: 60_000 }, async () => {
    const t = await buildTestApp();
    const { sk, event, general, account } = await organizerWithEvent(t, { capacity: ROWS });
    await insertTickets(t.store, { account: account.id, event: event.id, ticketType: general, count: ROWS, at: t.clock.now() });
    const server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const order: string[] = [];
      const csv = await get(port, `/v1/events/${event.id}/attendees.csv`, { Authorization: `Bearer ${sk}` });
      expect(csv.statusCode).toBe(200);
      let rows = 0;
      let probe: Promise<void> | undefined;
      const csvDone = new Promise<void>((resolve) => {
        csv.on('data', (chunk: Buffer) => {
          rows += chunk.toString('utf8').split('\r\n').length - 1;
          // Sent once the export has begun: a scan at the door while an organizer downloads.
          probe ??= get(port, '/healthz').then((res) => {
            expect(res.statusCode).toBe(200);
            order.push('healthz');
            res.resume();
          });
        });
        csv.on('end', () => {
          order.push('csv end');
          resolve();
        });
      });
      await csvDone;
      await probe;
      expect(rows).toBe(ROWS + 1);
      expect(order).toEqual(['healthz', 'csv end']);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
