import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
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
let runs = 0;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'tts-readme-'));
  server = await startServer({ TTS_DATA_DIR: join(workDir, 'data') });
});

afterAll(async () => {
  await server?.stop();
  await rm(workDir, { recursive: true, force: true });
});

/** The README's walk-through block, pointed at the test server. */
async function walkthrough(): Promise<string> {
  const readme = await readFile(README, 'utf8');
  const block = readme.match(/<!-- walkthrough:start -->\s*```bash\n([\s\S]*?)```\s*<!-- walkthrough:end -->/)?.[1];
  expect(block, 'README has a walk-through block').toBeDefined();
  return block!.replaceAll('http://localhost:8787', server.url);
}

/** Runs a script with bash as a reader would paste it (stopping at the first failure), in a fresh folder. */
async function run(script: string) {
  runs += 1;
  const cwd = join(workDir, `run-${runs}`);
  await mkdir(cwd);
  return promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], { cwd });
}

function expectWalkthroughOutput(stdout: string) {
  const lines = stdout.trim().split('\n');
  expect(lines[0]).toMatch(/^Event Token: evt_[0-9A-Za-z]{22}$/);
  expect(lines[1]).toBe('Monsoon Jazz Night: 300 seats, sales open: true');
  // Ticket links use PUBLIC_URL, which defaults to http://localhost:<port>.
  expect(lines[2]).toMatch(/^Order paid: 2 tickets, e\.g\. http:\/\/localhost:\d+\/tickets\/tkt_[0-9A-Za-z]{29}$/);
  expect(lines.slice(3)).toEqual(['Gate 1: accepted', 'Gate 2: rejected (already_checked_in, first scanned by Gate 1)']);
}

describe('README walk-through', () => {
  it('signs up, creates an event, sells two tickets and admits one once, as written', async () => {
    const { stdout } = await run(await walkthrough());
    expectWalkthroughOutput(stdout);
  });

  it('runs a second time against the same server, as a reader trying it again would', async () => {
    const script = await walkthrough();
    const first = await run(script);
    const second = await run(script);
    expectWalkthroughOutput(first.stdout);
    expectWalkthroughOutput(second.stdout);
    // Two events, two orders: the second run made its own, it did not read back the first's.
    expect(second.stdout.split('\n')[0]).not.toBe(first.stdout.split('\n')[0]);
  });

  it('stops at a refused sign-up with its code and message, not a puzzling error further on', async () => {
    const script = (await walkthrough()).replace(/^RUN=.*$/m, 'RUN=taken');
    await run(script);
    const refused = await run(script).catch((err: { stdout: string; stderr: string; code: number }) => err);
    expect('code' in refused ? refused.code : 0).toBe(1);
    expect(refused.stderr.trim()).toBe('Sign-up refused: CONFLICT: An account with this email already exists.');
    expect(refused.stdout).toBe('');
  });
});
