import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

/** A process that opens a SQLite file store, writes, closes it and should then simply end. */

const run = promisify(execFile);
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const STORE = new URL('../../src/store/sqlite.ts', import.meta.url).href;

// Waits until the worker has copied the log into the file (the file grows only then, and the
// serving connection's own checkpoint waits for 10,000 pages), closes the store, and returns
// without exiting: the process ends only if nothing is left running.
const SCRIPT = `
import { statSync } from 'node:fs';
import { createSqliteStore } from '${STORE}';
const file = process.argv[2];
const store = await createSqliteStore({ file, checkpointEveryMs: 10 });
const atStart = statSync(file).size;
await store.collection('rows').insertMany(Array.from({ length: 300 }, (_, i) => ({ _id: 'r' + i, pad: 'x'.repeat(3000) })));
const deadline = Date.now() + 10_000;
while (statSync(file).size <= atStart && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
console.log(statSync(file).size > atStart ? 'checkpointed' : 'never checkpointed');
await store.close();
console.log('closed');
`;

describe('closing a SQLite file store', () => {
  it('stops its checkpointer: the code after close() runs, the process exits by itself, and no connection is left on the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tts-close-'));
    dirs.push(dir);
    const script = join(dir, 'close.mts');
    await writeFile(script, SCRIPT);
    const file = join(dir, 'tts.sqlite');
    const { stdout } = await run(process.execPath, ['--conditions=source', '--import', 'tsx', script, file], { timeout: 30_000 });
    expect(stdout.trim().split('\n')).toEqual(['checkpointed', 'closed']);
    // The last connection to close removes the log: the worker's was closed before the server's.
    expect(existsSync(`${file}-wal`)).toBe(false);
  });
});
