import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from '../helpers/server-process.js';

/** The README's curl walk-through, run exactly as written against a real server. */

const README = fileURLToPath(new URL('../../../README.md', import.meta.url));
let server: ServerProcess;
let workDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'tts-readme-'));
  server = await startServer({ TTS_DATA_DIR: join(workDir, 'data') });
});

afterAll(async () => {
  await server?.stop();
  await rm(workDir, { recursive: true, force: true });
});

describe('README walk-through', () => {
  it('signs up, creates an event and reads it publicly, as written', async () => {
    const readme = await readFile(README, 'utf8');
    const block = readme.match(/<!-- walkthrough:start -->\s*```bash\n([\s\S]*?)```\s*<!-- walkthrough:end -->/)?.[1];
    expect(block, 'README has a walk-through block').toBeDefined();
    const script = block!.replaceAll('http://localhost:8787', server.url);
    const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], { cwd: workDir });

    const [tokenLine, publicJson] = stdout.split('\n');
    expect(tokenLine).toMatch(/^Event Token: evt_[0-9A-Za-z]{22}$/);
    const event = JSON.parse(publicJson ?? '');
    expect(event).toMatchObject({
      object: 'public_event',
      id: tokenLine!.slice('Event Token: '.length),
      name: 'Monsoon Jazz Night',
      starts_at: '2030-07-18T14:00:00.000Z',
      sales_open: true,
      available: 300,
    });
    expect(event.ticket_types.map((t: { name: string; price: number; available: number }) => [t.name, t.price, t.available])).toEqual([
      ['General', 99_900, 300],
      ['VIP', 249_900, 40],
    ]);
  });
});
