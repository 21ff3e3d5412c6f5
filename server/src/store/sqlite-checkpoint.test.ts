import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { FALLBACK_CHECKPOINT_PAGES, startCheckpointer, type Checkpointer } from './sqlite-checkpoint.js';
import { openDatabase } from './sqlite-file.js';

const dirs: string[] = [];
const open: Database.Database[] = [];
const running: Checkpointer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((checkpointer) => checkpointer.stop()));
  for (const db of open.splice(0)) if (db.open) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A serving connection to a new file, with a table of 3 KB rows (about one page each). */
function servingFile(): { file: string; db: Database.Database; write: (rows: number) => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tts-checkpoint-'));
  dirs.push(dir);
  const file = join(dir, 'tts.sqlite');
  const db = openDatabase(file);
  open.push(db);
  db.exec('CREATE TABLE rows (n INTEGER PRIMARY KEY, pad BLOB)');
  const insert = db.prepare('INSERT INTO rows (pad) VALUES (randomblob(3000))');
  const write = db.transaction((rows: number) => {
    for (let i = 0; i < rows; i++) insert.run();
  });
  return { file, db, write };
}

function started(file: string, options: Parameters<typeof startCheckpointer>[1] = {}): Checkpointer {
  const checkpointer = startCheckpointer(file, options);
  running.push(checkpointer);
  return checkpointer;
}

/** Polls `check` until it holds or `timeoutMs` passes: the worker runs on its own timer. */
async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

const HOUR = 3_600_000;

describe('the WAL checkpointer', () => {
  it('keeps the log bounded under a stream of writes while the serving connection checkpoints only as a fallback', async () => {
    const { file, db, write } = servingFile();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(FALLBACK_CHECKPOINT_PAGES);
    expect(FALLBACK_CHECKPOINT_PAGES).toBeGreaterThanOrEqual(10 * 1000);
    const checkpointer = started(file, { everyMs: HOUR });
    // 30 rounds of 200 rows: about 6,000 pages, short of the fallback, so only the worker copies.
    for (let round = 0; round < 30; round++) {
      write(200);
      const result = await checkpointer.runNow();
      expect(result.busy).toBe(false);
      expect(result.checkpointedFrames).toBe(result.logFrames);
      // Each round starts the log over: it never holds more than one round's frames.
      expect(result.logFrames).toBeLessThan(400);
    }
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    expect(statSync(`${file}-wal`).size).toBeLessThan(400 * (pageSize + 24) + 32);
    expect((db.prepare('SELECT count(*) AS n FROM rows').get() as { n: number }).n).toBe(6000);
  });

  it('checkpoints on its own timer, with no commit waiting for it', async () => {
    const { file, db, write } = servingFile();
    const before = statSync(file).size;
    write(500);
    // The file grows only when a checkpoint copies the log's pages into it.
    expect(statSync(file).size).toBe(before);
    started(file, { everyMs: 10 });
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    expect(await until(() => statSync(file).size >= 500 * pageSize)).toBe(true);
  });

  it('reports a worker that died and starts another', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tts-checkpoint-'));
    dirs.push(dir);
    const file = join(dir, 'tts.sqlite');
    const reported: unknown[] = [];
    // No file yet: the first worker cannot open it and dies.
    const checkpointer = started(file, { everyMs: HOUR, restartAfterMs: 20, onError: (error) => reported.push(error) });
    expect(await until(() => reported.some((error) => /checkpointer of .* stopped \(exit code 1\)/.test(String(error))))).toBe(true);
    open.push(openDatabase(file));
    expect(
      await until(() =>
        checkpointer.runNow().then(
          () => true,
          () => false,
        ),
      ),
    ).toBe(true);
  });

  it('ends the worker and its connection on stop, so the serving connection is the last and removes the log', async () => {
    const { file, db, write } = servingFile();
    const checkpointer = started(file, { everyMs: HOUR });
    write(10);
    await checkpointer.runNow();
    await checkpointer.stop();
    await expect(checkpointer.runNow()).rejects.toThrow(/not running/);
    db.close();
    // The last connection to close checkpoints and deletes the log; a worker still connected would keep it.
    expect(existsSync(`${file}-wal`)).toBe(false);
  });
});
