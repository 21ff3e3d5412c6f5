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
  it('signs up, creates an event, sells two tickets and admits one once, as written', async () => {
    const readme = await readFile(README, 'utf8');
    const block = readme.match(/<!-- walkthrough:start -->\s*```bash\n([\s\S]*?)```\s*<!-- walkthrough:end -->/)?.[1];
    expect(block, 'README has a walk-through block').toBeDefined();
    const script = block!.replaceAll('http://localhost:8787', server.url);
    const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], { cwd: workDir });

    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Event Token: evt_[0-9A-Za-z]{22}$/);
    expect(lines[1]).toBe('Monsoon Jazz Night: 300 seats, sales open: true');
    // Ticket links use PUBLIC_URL, which defaults to http://localhost:<port>.
    expect(lines[2]).toMatch(/^Order paid: 2 tickets, e\.g\. http:\/\/localhost:\d+\/tickets\/tkt_[0-9A-Za-z]{22}$/);
    expect(lines.slice(3)).toEqual(['Gate 1: accepted', 'Gate 2: rejected (already_checked_in, first scanned by Gate 1)']);
  });
});
