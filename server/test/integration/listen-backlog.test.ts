import { execFile } from 'node:child_process';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../helpers/server-process.js';

let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tts-backlog-'));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('the server socket', () => {
  it('lets the kernel queue as many connections as it allows, so a rush of buyers is not dropped and retried a second later', async () => {
    const server = await startServer({ TTS_DATA_DIR: dataDir, NODE_ENV: 'development' });
    try {
      const port = new URL(server.url).port;
      // For a listening socket, `ss` shows the accept queue's limit as Send-Q.
      const { stdout } = await promisify(execFile)('ss', ['-Hltn', `sport = :${port}`]);
      const limits = stdout
        .trim()
        .split('\n')
        .map((line) => Number(line.trim().split(/\s+/)[2]));
      const kernelCap = Number((await readFile('/proc/sys/net/core/somaxconn', 'utf8')).trim());
      expect(limits.length).toBeGreaterThan(0);
      // Node's default is 511; the server asks for 4096, which the kernel caps at somaxconn.
      for (const limit of limits) expect(limit).toBe(Math.min(4096, kernelCap));
    } finally {
      await server.stop('SIGTERM');
    }
  });
});
