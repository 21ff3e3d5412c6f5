/**
 * The SQLite file's integrity check (`PRAGMA quick_check`), kept off the start's critical path
 * for big files.
 *
 * `quick_check` reads every page once and checks the b-trees' structure, page format and
 * record encoding; it skips only the full `integrity_check`'s comparison of every index against
 * its table, which costs a sort per index. That is the damage a crash, a bad disk or a stray
 * copy leaves, so it is the check we keep. At 1M tickets the file is over a gigabyte and the
 * check takes seconds, which start cannot afford: a file up to {@link CHECK_AT_OPEN_BYTES} is
 * still checked before the store opens (a damaged one is refused at once), a bigger one right
 * after, on a read-only connection in a worker thread (a WAL reader never blocks the writer).
 * Until it ends the server serves; when it finds damage the store refuses every further call
 * and `/readyz` answers 503, with the same `StoreDamagedError` a small file gets at open.
 * docs/decisions/0036-reads-at-a-million-tickets.md says why.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Files up to this size are checked before the store opens: about a tenth of a second of reading. */
export const CHECK_AT_OPEN_BYTES = 64 * 1024 * 1024;

/** What `quick_check` reported: `['ok']` for a sound file, else up to five problems. */
export type CheckResult = { problems: string[] } | { error: string; code: string | null };

// Plain CommonJS run by the worker: no TypeScript loader is needed in the worker thread.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
let db;
try {
  db = new Database(workerData.file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  parentPort.postMessage({ problems: db.pragma('quick_check(5)').map((row) => row.quick_check) });
} catch (error) {
  parentPort.postMessage({ error: String(error && error.message), code: (error && typeof error.code === 'string') ? error.code : null });
} finally {
  if (db) db.close();
}
`;

/**
 * Runs `PRAGMA quick_check(5)` on `file` in a worker thread, on its own read-only connection,
 * so the event loop keeps serving while every page is read.
 *
 * @example
 * const result = await quickCheckInWorker('./.data/tts.sqlite');
 */
export function quickCheckInWorker(file: string): Promise<CheckResult> {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver } });
    // The check must not keep a stopping process alive.
    worker.unref();
    worker.once('message', (result: CheckResult) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the integrity check stopped with exit code ${code}`));
    });
  });
}
