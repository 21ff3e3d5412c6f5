import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { OutboxJob } from '../../src/domain/ports.js';
import { createSqliteStore } from '../../src/store/sqlite.js';
import { TEST_ENV } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { startReceiver } from '../webhooks/receiver.js';

/**
 * The real server on a SQLite file, killed with SIGKILL while it is delivering `order.paid` to a
 * receiver that took the request and never answered: the next process on the same data
 * directory takes the delivery over once its lease lapses and sends the same event again.
 */

const LEASE_SECONDS = 11;
const dirs: string[] = [];
const running: ServerProcess[] = [];
const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  await Promise.all(running.map((s) => s.stop('SIGKILL')));
  for (const close of closers) await close();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function json(url: string, init: { method?: string; key?: string; body?: unknown } = {}) {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { 'Content-Type': 'application/json', ...(init.key ? { Authorization: `Bearer ${init.key}` } : {}) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** An organizer, an `order.paid` endpoint on `hooks`, and one ticket bought with the test gateway. */
async function buyOneTicket(base: string, hooks: string) {
  const signUp = await json(`${base}/v1/accounts`, { method: 'POST', body: { email: 'hooks@example.com', password: 'correct horse battery', name: 'Hooks Co' } });
  expect(signUp.status).toBe(201);
  const sk = signUp.body.secret_key as string;
  const pk = signUp.body.publishable_key as string;
  expect((await json(`${base}/v1/webhook_endpoints`, { method: 'POST', key: sk, body: { url: hooks, enabled_events: ['order.paid'] } })).status).toBe(201);
  const event = await json(`${base}/v1/events`, {
    method: 'POST',
    key: sk,
    body: {
      name: 'Kill night',
      starts_at: '2031-01-01T10:00:00Z',
      ends_at: '2031-01-01T12:00:00Z',
      capacity: 10,
      ticket_types: [{ name: 'General', price: 50_000 }],
      require_email_verification: false,
    },
  });
  expect(event.status).toBe(201);
  const order = await json(`${base}/v1/orders`, {
    method: 'POST',
    key: pk,
    body: { event: event.body.id, items: [{ ticket_type: event.body.ticket_types[0].id, quantity: 1 }], buyer: { name: 'Asha', email: 'asha@example.com' } },
  });
  expect(order.status, JSON.stringify(order.body)).toBe(201);
  const gatewayOrderId = order.body.payment.gateway_order_id;
  const payment = await json(`${base}/v1/test-gateway/payments`, { method: 'POST', key: pk, body: { gateway_order_id: gatewayOrderId, outcome: 'success' } });
  expect(payment.status).toBe(200);
  const paid = await json(`${base}/v1/orders/${order.body.id}/pay`, {
    method: 'POST',
    key: pk,
    body: { client_secret: order.body.client_secret, gateway_order_id: gatewayOrderId, gateway_payment_id: payment.body.gateway_payment_id, signature: payment.body.signature },
  });
  expect(paid.status, JSON.stringify(paid.body)).toBe(200);
  return { sk, orderId: order.body.id as string };
}

describe('a webhook delivery across a kill -9', () => {
  it('sends order.paid again, same event id, after the server is killed mid-delivery and restarted on the same data', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tts-webhook-kill-'));
    dirs.push(dataDir);
    let answering = false;
    // Takes the request and, until told otherwise, never answers: the delivery is in flight when the kill lands.
    const receiver = await startReceiver((_req, res) => {
      if (answering) res.writeHead(200).end('ok');
    });
    closers.push(receiver.close);
    const env = { TTS_DATA_DIR: dataDir, TTS_SECRET: TEST_ENV.TTS_SECRET, TTS_WEBHOOK_LEASE_SECONDS: String(LEASE_SECONDS) };

    const first = await startServer(env);
    running.push(first);
    const { sk, orderId } = await buyOneTicket(first.url, receiver.url);
    expect(await eventually(async () => receiver.received.length, 1, 15_000), 'the first attempt reached the receiver').toBe(1);
    expect(await first.stop('SIGKILL')).toBeNull();

    answering = true;
    const second = await startServer(env);
    running.push(second);
    // The job is still leased to the dead process: the new one takes it over once the lease lapses.
    expect(await eventually(async () => receiver.received.length >= 2, true, (LEASE_SECONDS + 15) * 1000)).toBe(true);

    const log = await json(`${second.url}/v1/events_log?type=order.paid`, { key: sk });
    expect(log.status).toBe(200);
    const paidEntries = log.body.data.filter((e: { data: { object: { id: string } } }) => e.data.object.id === orderId);
    expect(paidEntries).toHaveLength(1);
    const ids = receiver.received.map((r) => JSON.parse(r.body).id);
    expect(new Set(ids)).toEqual(new Set([paidEntries[0].id]));

    expect(await second.stop('SIGTERM')).toBe(0);
    const store = await createSqliteStore({ file: join(dataDir, 'tts.sqlite') });
    try {
      const jobs = await store.collection<OutboxJob>('outbox').find({ channel: 'webhook' });
      expect(jobs).toHaveLength(1);
      expect(jobs[0]).toMatchObject({ state: 'sent', payload: { event: paidEntries[0].id }, status: 200 });
      expect(jobs[0]?.attempts).toBeGreaterThanOrEqual(2);
    } finally {
      await store.close();
    }
  }, 90_000);
});
