import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOADED_AT_LISTEN, startServer } from '../helpers/server-process.js';

/**
 * What a start loads before it listens (docs/decisions/0047-start-memory-and-export-at-a-million-tickets.md):
 * libraries used by few requests are loaded on first use, so start does not wait for them.
 * Their first use is covered where each is used (ticket and invoice PDFs, QR codes, the SMTP
 * mailer, the Razorpay gateway, the store contract's filters and aggregations).
 */

let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tts-start-loads-'));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function loadedAtListen(output: string): string[] {
  const line = output.split('\n').find((l) => l.startsWith('loaded-at-listen '));
  if (!line) throw new Error(`the server wrote no loaded-at-listen line:\n${output}`);
  return JSON.parse(line.slice('loaded-at-listen '.length)) as string[];
}

describe('a server start', () => {
  it('listens again on its data without loading the PDF, QR, SMTP and Razorpay libraries or all of mingo', async () => {
    // The first start creates the file and the demo organizer; a restart is what a deployment does every day.
    const first = await startServer({ TTS_DATA_DIR: dataDir, NODE_ENV: 'development' });
    expect(await first.stop('SIGTERM')).toBe(0);
    const server = await startServer({ TTS_DATA_DIR: dataDir, NODE_ENV: 'development' }, { preload: [LOADED_AT_LISTEN] });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await server.stop('SIGTERM')).toBe(0);

    const loaded = loadedAtListen(server.output());
    // The listing sees packages loaded from ES modules: the SQLite driver is always there.
    expect(loaded.some((file) => file.startsWith('better-sqlite3/'))).toBe(true);
    const packages = new Set(loaded.map((file) => file.split('/')[0]));
    for (const heavy of ['jspdf', 'qrcode', 'nodemailer', 'razorpay', 'axios', 'mongodb']) expect(packages, heavy).not.toContain(heavy);
    // mingo's entry point registers every operator; the store loads it with the first filter SQL cannot answer.
    expect(loaded).not.toContain('mingo/cjs/index.js');
    expect(loaded).not.toContain('mingo/cjs/aggregator.js');
  });
});
