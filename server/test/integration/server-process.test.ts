import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startServer, type ServerProcess } from '../helpers/server-process.js';

/** The real server process on the file-backed embedded store: start, restart, shutdown. */

let dataDir: string;
const running: ServerProcess[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tts-server-'));
});

afterAll(async () => {
  await Promise.all(running.map((s) => s.stop('SIGKILL')));
  await rm(dataDir, { recursive: true, force: true });
});

async function start() {
  const server = await startServer({ TTS_DATA_DIR: dataDir, LOG_LEVEL: 'info' });
  running.push(server);
  return server;
}

async function json(url: string, init: RequestInit = {}) {
  const res = await fetch(url, { ...init, headers: { 'Content-Type': 'application/json', ...init.headers } });
  return { status: res.status, body: (await res.json()) as any };
}

describe('the server process', () => {
  it('serves, stops cleanly on SIGTERM, and finds its data again after a restart', async () => {
    const first = await start();
    expect((await json(`${first.url}/healthz`)).body).toEqual({ status: 'ok' });
    expect((await json(`${first.url}/readyz`)).body).toEqual({ status: 'ready', store: 'embedded' });
    expect((await json(`${first.url}/openapi.json`)).body.openapi).toBe('3.1.0');

    const signUp = await json(`${first.url}/v1/accounts`, {
      method: 'POST',
      body: JSON.stringify({ email: 'restart@example.com', password: 'correct horse battery', name: 'Restart Co' }),
    });
    expect(signUp.status).toBe(201);
    const auth = { Authorization: `Bearer ${signUp.body.secret_key}` };
    const created = await json(`${first.url}/v1/events`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        name: 'Survives restarts',
        starts_at: '2030-01-01T10:00:00Z',
        ends_at: '2030-01-01T12:00:00Z',
        capacity: 10,
        ticket_types: [{ name: 'General', price: 50_000 }],
      }),
    });
    expect(created.status).toBe(201);

    expect(await first.stop('SIGTERM')).toBe(0);
    expect(first.output()).toContain('"msg":"stopped"');

    const second = await start();
    const read = await json(`${second.url}/v1/events/${created.body.id}`, { headers: auth });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
    const duplicate = await json(`${second.url}/v1/accounts`, {
      method: 'POST',
      body: JSON.stringify({ email: 'restart@example.com', password: 'correct horse battery', name: 'Again' }),
    });
    expect(duplicate.status).toBe(409);
    expect(await second.stop('SIGINT')).toBe(0);
  });

  it('refuses to start with bad settings and lists every problem', async () => {
    const error = await startServer({ TTS_DATA_DIR: dataDir, NODE_ENV: 'production', PORT: 'not-a-port' }, { timeoutMs: 10_000 }).catch((e: Error) => e);
    expect(String(error)).toMatch(/exited with 1[\s\S]*PORT: must be a port number[\s\S]*PUBLIC_URL: required in production/);
  });

  it('says in one line which port is taken and how to choose another, without a stack trace or touching the data', async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, resolve));
    const busyDir = join(dataDir, 'busy-port');
    try {
      const error = await startServer({ TTS_DATA_DIR: busyDir, PORT: String(port) }, { timeoutMs: 10_000 }).catch((e: Error) => e);
      const output = String(error).split('before starting:\n')[1] ?? '';
      expect(String(error)).toContain('exited with 1');
      expect(output.trim()).toBe(`Port ${port} is already in use (is the server already running?). Stop that process, or start on another port: PORT=${port + 1} npm start`);
      // Refused before the store was opened: a second server leaves the first one's data directory alone.
      expect(existsSync(busyDir)).toBe(false);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('lists every missing production setting in one message', async () => {
    const error = await startServer({ TTS_DATA_DIR: dataDir, NODE_ENV: 'production' }, { timeoutMs: 10_000 }).catch((e: Error) => e);
    expect(String(error)).toMatch(/PUBLIC_URL: required in production[\s\S]*MONGODB_URI[\s\S]*TTS_SECRET/);
  });
});
