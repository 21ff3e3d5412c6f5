/**
 * The WAL checkpointer: copies the write-ahead log into the SQLite file from a worker thread, so
 * no commit of the serving connection pays for it.
 *
 * SQLite's own automatic checkpoint runs inside the commit that takes the log past its threshold:
 * that commit copies the log's pages into the file and syncs both, on the server's only thread.
 * At the door that was a checkpoint every couple of dozen commits and doubled the average
 * commit. Here a worker holds its own connection to the file and runs
 * `PRAGMA wal_checkpoint(PASSIVE)` every {@link CHECKPOINT_EVERY_MS}. A passive checkpoint takes
 * no lock a reader or the writer waits for: it copies the frames no open read still needs, and
 * the writer starts the log over at its next commit once every frame is copied. The serving
 * connections keep SQLite's automatic checkpoint at {@link FALLBACK_CHECKPOINT_PAGES}, so a
 * stalled or dead worker cannot let the log grow without bound. A worker that dies is reported
 * and started again after a pause; the fallback covers the gap.
 * docs/decisions/0050-wal-checkpoints-off-the-event-loop.md says why.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * How often the worker checkpoints. A timer rather than a page count: the worker cannot see how
 * long the log is without asking SQLite, and asking is a passive checkpoint, which costs nothing
 * when there is nothing to copy. At the door's rate a tenth of a second of commits is of the
 * order of SQLite's default threshold (1,000 pages).
 */
export const CHECKPOINT_EVERY_MS = 100;

/** The serving connections' `wal_autocheckpoint`: ten times SQLite's default, only reached when the worker falls behind. */
export const FALLBACK_CHECKPOINT_PAGES = 10_000;

/** How long after a worker died another one is started. */
export const RESTART_AFTER_MS = 5_000;

/** At most this many passes per tick, so a steady stream of commits cannot keep the worker copying without a pause. */
const MAX_PASSES = 4;

/** How long `stop()` lets a checkpoint under way finish before the worker is terminated. */
const STOP_WITHIN_MS = 5_000;

/** What one passive checkpoint reported, in frames of the log. */
export interface CheckpointResult {
  /** Another connection was checkpointing: this one copied nothing. */
  busy: boolean;
  /** Frames in the log. */
  logFrames: number;
  /** Frames of the log now in the file; all of them means the next commit starts the log over. */
  checkpointedFrames: number;
}

/** Options for {@link startCheckpointer}. */
export interface CheckpointerOptions {
  /** How often the worker checkpoints (default {@link CHECKPOINT_EVERY_MS}). */
  everyMs?: number | undefined;
  /** How long after a worker died another one is started (default {@link RESTART_AFTER_MS}). */
  restartAfterMs?: number | undefined;
  /** Told of a failed checkpoint and of a worker that died (default: ignored). */
  onError?: ((error: unknown) => void) | undefined;
}

/** A running checkpointer. */
export interface Checkpointer {
  /** Checkpoints now, in the worker, and resolves with what it did (tools and tests). */
  runNow(): Promise<CheckpointResult>;
  /** Lets a checkpoint under way finish, closes the worker's connection and ends the thread. */
  stop(): Promise<void>;
}

type FromWorker = { kind: 'done'; id: number; result: CheckpointResult } | { kind: 'failed'; id: number | null; error: string; code: string | null };

// Plain CommonJS run by the worker: no TypeScript loader is needed in the worker thread.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
// This connection never writes; it must not checkpoint on a commit of its own either.
db.pragma('wal_autocheckpoint = 0');
function checkpoint(id) {
  try {
    const row = db.pragma('wal_checkpoint(PASSIVE)')[0];
    return { kind: 'done', id, result: { busy: row.busy !== 0, logFrames: row.log, checkpointedFrames: row.checkpointed } };
  } catch (error) {
    return { kind: 'failed', id, error: String(error && error.message), code: (error && typeof error.code === 'string') ? error.code : null };
  }
}
// The log starts over only when a commit begins with every frame copied, so a tick copies again
// what was committed during its last pass (less each time) until a pass finds nothing new.
function tick() {
  let last = -1;
  for (let pass = 0; pass < workerData.maxPasses; pass++) {
    const outcome = checkpoint(null);
    if (outcome.kind === 'failed') return parentPort.postMessage(outcome);
    const { busy, logFrames, checkpointedFrames } = outcome.result;
    // Another connection is checkpointing, an open read holds frames back, or nothing is new.
    if (busy || checkpointedFrames < logFrames || logFrames === last) return;
    last = logFrames;
  }
}
const timer = setInterval(tick, workerData.everyMs);
parentPort.on('message', (message) => {
  if (message.kind === 'now') parentPort.postMessage(checkpoint(message.id));
  if (message.kind === 'stop') {
    clearInterval(timer);
    db.close();
    parentPort.close();
  }
});
`;

/**
 * Starts a worker thread that checkpoints `file`'s write-ahead log on its own connection. Call
 * it once per store on a file (a `:memory:` store has no log); each server process sharing a
 * file runs its own, which is harmless: passive checkpoints never wait, and one that finds
 * another under way copies nothing.
 *
 * @example
 * const checkpointer = startCheckpointer('./.data/tts.sqlite', { onError: (error) => logger.error('checkpoint failed', { error }) });
 * await checkpointer.stop();
 */
export function startCheckpointer(file: string, options: CheckpointerOptions = {}): Checkpointer {
  const everyMs = options.everyMs ?? CHECKPOINT_EVERY_MS;
  const restartAfterMs = options.restartAfterMs ?? RESTART_AFTER_MS;
  const onError = options.onError ?? (() => undefined);
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const waiting = new Map<number, { resolve: (result: CheckpointResult) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let stopping = false;
  let restart: NodeJS.Timeout | null = null;

  const spawn = (): Worker => {
    // No loader in the thread (`execArgv: []`): the source is plain JavaScript.
    const started = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, everyMs, maxPasses: MAX_PASSES }, execArgv: [] });
    // The checkpointer must not keep a stopping process alive; `stop()` holds it while it closes.
    started.unref();
    started.on('message', (message: FromWorker) => {
      const caller = message.id === null ? undefined : waiting.get(message.id);
      if (message.id !== null) waiting.delete(message.id);
      if (message.kind === 'done') caller?.resolve(message.result);
      else if (caller !== undefined) caller.reject(new Error(`The WAL checkpoint of ${file} failed: ${message.error}`));
      else onError(new Error(`The WAL checkpoint of ${file} failed: ${message.error}`));
    });
    started.on('error', (error) => onError(error));
    started.on('exit', (code) => {
      worker = null;
      for (const caller of waiting.values()) caller.reject(new Error(`The WAL checkpointer of ${file} stopped`));
      waiting.clear();
      if (stopping) return;
      onError(
        new Error(
          `The WAL checkpointer of ${file} stopped (exit code ${code}); another starts in ${restartAfterMs} ms, ` +
            `and until then the server checkpoints in its commits once the log passes ${FALLBACK_CHECKPOINT_PAGES} pages`,
        ),
      );
      restart = setTimeout(() => {
        restart = null;
        if (!stopping) worker = spawn();
      }, restartAfterMs).unref();
    });
    return started;
  };
  let worker: Worker | null = spawn();

  return {
    runNow() {
      const running = worker;
      if (running === null || stopping) return Promise.reject(new Error(`The WAL checkpointer of ${file} is not running`));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        running.postMessage({ kind: 'now', id });
      });
    },
    async stop() {
      stopping = true;
      if (restart !== null) clearTimeout(restart);
      const running = worker;
      if (running === null) return;
      // Held while it closes: code awaiting close() runs before the process may exit.
      running.ref();
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      running.postMessage({ kind: 'stop' });
      const deadline = setTimeout(() => void running.terminate(), STOP_WITHIN_MS);
      await exited;
      clearTimeout(deadline);
    },
  };
}
