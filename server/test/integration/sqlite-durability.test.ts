import { statSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { createSqliteStore } from '../../src/store/sqlite.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';

/** The real server process on the SQLite store: killed, damaged, backed up during a rush. */

const dirs: string[] = [];
const running: ServerProcess[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tts-durable-'));
  dirs.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(running.map((s) => s.stop('SIGKILL')));
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function start(dataDir: string): Promise<ServerProcess> {
  const server = await startServer({ TTS_DATA_DIR: dataDir });
  running.push(server);
  return server;
}

async function json(url: string, init: RequestInit = {}) {
  const res = await fetch(url, { ...init, headers: { 'Content-Type': 'application/json', ...init.headers } });
  return { status: res.status, body: (await res.json()) as any };
}

/** An organizer with one event, on a running server. */
async function organizer(url: string, capacity = 1000) {
  const signUp = await json(`${url}/v1/accounts`, {
    method: 'POST',
    body: JSON.stringify({ email: `org${Math.random().toString(36).slice(2)}@example.com`, password: 'correct horse battery', name: 'Durable Co' }),
  });
  expect(signUp.status).toBe(201);
  const auth = { Authorization: `Bearer ${signUp.body.secret_key}` };
  const event = await json(`${url}/v1/events`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({
      name: 'Rush night',
      starts_at: '2030-01-01T10:00:00Z',
      ends_at: '2030-01-01T12:00:00Z',
      capacity,
      ticket_types: [{ name: 'General', price: 50_000 }],
    }),
  });
  expect(event.status).toBe(201);
  return { auth, event: event.body.id as string, ticketType: event.body.ticket_types[0].id as string };
}

/** Records a paid order with two tickets (payment taken elsewhere); resolves once the server acknowledged it. */
async function paidOrder(url: string, org: Awaited<ReturnType<typeof organizer>>, n: number) {
  const res = await json(`${url}/v1/tickets`, {
    method: 'POST',
    headers: org.auth,
    body: JSON.stringify({ event: org.event, ticket_type: org.ticketType, quantity: 2, holder: { name: `Buyer ${n}`, email: `b${n}@example.com` }, send_email: false }),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { order: res.body.data[0].order as string, tickets: (res.body.data as { id: string }[]).map((t) => t.id).sort() };
}

describe('the server process on the SQLite store', () => {
  it('keeps every paid order it acknowledged when it is killed with SIGKILL', async () => {
    const dataDir = await tempDir();
    const first = await start(dataDir);
    const org = await organizer(first.url);
    const paid = await Promise.all(Array.from({ length: 20 }, (_, i) => paidOrder(first.url, org, i)));
    expect(await first.stop('SIGKILL')).toBeNull();

    const second = await start(dataDir);
    for (const { order, tickets } of paid) {
      const read = await json(`${second.url}/v1/orders/${order}`, { headers: org.auth });
      expect(read.status).toBe(200);
      expect(read.body.status).toBe('paid');
      for (const ticket of tickets) expect((await json(`${second.url}/v1/tickets/${ticket}`, { headers: org.auth })).status).toBe(200);
    }
    await second.stop('SIGTERM');
  });

  it('keeps every order it acknowledged when it is killed with SIGKILL while its checkpointer copies the log', async () => {
    const dataDir = await tempDir();
    const file = join(dataDir, 'tts.sqlite');
    const first = await start(dataDir);
    const org = await organizer(first.url, 100_000);
    const atStart = statSync(file).size;
    const acknowledged: Awaited<ReturnType<typeof paidOrder>>[] = [];
    let killed = false;
    const stream = async (lane: number) => {
      for (let n = 0; !killed; n++) {
        try {
          acknowledged.push(await paidOrder(first.url, org, lane * 100_000 + n));
        } catch (error) {
          if (!killed) throw error;
        }
      }
    };
    const lanes = [0, 1, 2, 3].map(stream);
    // The file grows only when a checkpoint copies the log into it, and the serving connection's
    // own checkpoint waits for 10,000 pages: growth is the worker's, under this stream of writes.
    const grown = () => statSync(file).size > atStart + 64 * 4096;
    const deadline = Date.now() + 30_000;
    while (!grown() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(grown()).toBe(true);
    const before = acknowledged.length;
    while (acknowledged.length < before + 40 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    // Killed with orders in flight and the worker copying every tenth of a second.
    killed = true;
    expect(await first.stop('SIGKILL')).toBeNull();
    await Promise.all(lanes);

    const second = await start(dataDir);
    for (const { order, tickets } of acknowledged) {
      const read = await json(`${second.url}/v1/orders/${order}`, { headers: org.auth });
      expect(read.status).toBe(200);
      expect(read.body.status).toBe('paid');
      expect((await json(`${second.url}/v1/tickets/${tickets[0]}`, { headers: org.auth })).status).toBe(200);
    }
    await second.stop('SIGTERM');
  });

  it('refuses to start on a damaged data file, naming the file and what to do, with a non-zero exit', async () => {
    const dataDir = await tempDir();
    const file = join(dataDir, 'tts.sqlite');
    const store = await createSqliteStore({ file });
    await store.collection('orders').insertMany(Array.from({ length: 400 }, (_, i) => ({ _id: `ord_${i}`, status: 'paid', buyer: { email: `b${i}@x.in` } })));
    await store.close();
    const bytes = await readFile(file);
    bytes.fill(0x5a, 4096 + 16, 4096 * 3);
    await writeFile(file, bytes);

    const failure = await startServer({ TTS_DATA_DIR: dataDir }, { timeoutMs: 15_000 }).catch((error: Error) => error);
    expect(String(failure)).toMatch(/exited with 1/);
    expect(String(failure)).toContain(`The data file ${file} is damaged`);
    expect(String(failure)).toMatch(/restore the latest backup/);
  });

  it('restores a backup taken during a rush with every order paid before it began, and its tickets', async () => {
    const dataDir = await tempDir();
    const server = await start(dataDir);
    const org = await organizer(server.url);
    const acknowledged: Array<{ order: string; tickets: string[] }> = [];
    let rushing = true;
    let n = 0;
    const worker = async () => {
      while (rushing) {
        n += 1;
        acknowledged.push(await paidOrder(server.url, org, n));
      }
    };
    const rush = Promise.all([worker(), worker(), worker(), worker()]);
    while (acknowledged.length < 40) await new Promise((resolve) => setTimeout(resolve, 10));

    const paidBeforeBackup = [...acknowledged];
    const backup = join(await tempDir(), 'backup.sqlite');
    await runCli(['backup', backup], { TTS_DATA_DIR: dataDir });
    const stillComing = acknowledged.length;
    while (acknowledged.length < stillComing + 20) await new Promise((resolve) => setTimeout(resolve, 10));
    rushing = false;
    await rush;
    await server.stop('SIGTERM');

    // The documented restore: the backup file becomes the data directory's tts.sqlite.
    const restoredDir = await tempDir();
    await copyFile(backup, join(restoredDir, 'tts.sqlite'));
    const restored = await start(restoredDir);
    for (const { order, tickets } of paidBeforeBackup) {
      const read = await json(`${restored.url}/v1/orders/${order}`, { headers: org.auth });
      expect(read.body.status, order).toBe('paid');
      for (const ticket of tickets) expect((await json(`${restored.url}/v1/tickets/${ticket}`, { headers: org.auth })).status).toBe(200);
    }
    await restored.stop('SIGTERM');
  });

  it('lets two server processes share one data directory and sell a limited event without overselling', async () => {
    const dataDir = await tempDir();
    const first = await start(dataDir);
    const org = await organizer(first.url, 30);
    const second = await start(dataDir);
    const issue = (url: string, n: number) =>
      json(`${url}/v1/tickets`, {
        method: 'POST',
        headers: org.auth,
        body: JSON.stringify({ event: org.event, ticket_type: org.ticketType, holder: { name: `B ${n}`, email: `s${n}@example.com` }, send_email: false }),
      });
    const answers = await Promise.all(Array.from({ length: 50 }, (_, n) => issue(n % 2 === 0 ? first.url : second.url, n)));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(30);
    expect(answers.filter((a) => a.status !== 201).map((a) => a.body.error?.code)).toEqual(Array(20).fill('SOLD_OUT'));
    const event = await json(`${second.url}/v1/events/${org.event}`, { headers: org.auth });
    expect(event.body.ticket_types[0]).toMatchObject({ sold: 30 });
    await Promise.all([first.stop('SIGTERM'), second.stop('SIGTERM')]);
  });
});
