/**
 * The SQLite file itself: opening it with the settings every process shares, refusing to start
 * on a damaged file, and taking a consistent copy while servers keep writing.
 */
import { rm } from 'node:fs/promises';
import Database from 'better-sqlite3';
import { FALLBACK_CHECKPOINT_PAGES } from './sqlite-checkpoint.js';
import { createMetaTables } from './sqlite-schema.js';

/** The store file is damaged: starting would serve (and write) wrong data. */
export class StoreDamagedError extends Error {
  override readonly name = 'StoreDamagedError';

  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(
      `The data file ${file} is damaged (${detail}). The server will not start on it. ` +
        'Stop every server using it, move it (with any -wal and -shm files beside it) aside, and restore the latest backup ' +
        'to this path (docs/operations.md#restore-a-backup).',
    );
  }
}

/** The page cache of each connection, in KiB (better-sqlite3's default is 16,000). */
export const PAGE_CACHE_KIB = 32 * 1024;

const DAMAGE_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_CORRUPT_INDEX', 'SQLITE_CORRUPT_SEQUENCE', 'SQLITE_CORRUPT_VTAB']);

/** Whether an SQLite error code says the file is damaged (rather than busy, missing or full). */
export function isDamageCode(code: unknown): boolean {
  return typeof code === 'string' && DAMAGE_CODES.has(code);
}

/** How a file's integrity is checked when it is opened (`sqlite-integrity.ts`). */
export type OpenCheck = 'now' | 'later';

/**
 * Opens a connection with the settings every use of the file shares: WAL (readers never wait for
 * the writer, and several processes on one machine can share the file), `synchronous=NORMAL` (a
 * commit is in the write-ahead log before the call returns, so a killed process loses no
 * acknowledged write; a power cut can lose the last unsynced commits, never the file, see
 * docs/operations.md#embedded-store), a page cache of {@link PAGE_CACHE_KIB}, temporary sorts in
 * memory and a busy timeout for other processes' write locks. Its commits checkpoint the log
 * only past {@link FALLBACK_CHECKPOINT_PAGES}: the store's checkpointer does it in a worker
 * (`sqlite-checkpoint.ts`). With `check` `now`, the file is checked with
 * `PRAGMA quick_check` first (it reads every page once: about a second per GB); damage throws
 * `StoreDamagedError`. With `later`, the caller checks it off the main thread
 * (`sqlite-integrity.ts`); the schema is still read, so a file that is not a database at all is
 * refused at once.
 *
 * `trace` receives each statement run, with its parameters bound in (tests read query plans).
 *
 * @example
 * const db = openDatabase('./.data/tts.sqlite');
 */
export function openDatabase(file: string, busyTimeoutMs = 5_000, trace?: (sql: string) => void, check: OpenCheck = 'now'): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, trace === undefined ? {} : { verbose: (sql) => trace(String(sql)) });
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    if (file !== ':memory:') {
      if (check === 'now') {
        const problems = (db.pragma('quick_check(5)') as { quick_check: string }[]).map((row) => row.quick_check);
        if (problems.join() !== 'ok') throw new StoreDamagedError(file, problems.join('; '));
      } else {
        db.prepare('SELECT count(*) FROM sqlite_schema').get();
      }
      db.pragma('journal_mode = WAL');
      // The store's worker copies the log into the file (sqlite-checkpoint.ts); a commit does it
      // only when the log is ten times SQLite's default, the worker having fallen behind.
      db.pragma(`wal_autocheckpoint = ${FALLBACK_CHECKPOINT_PAGES}`);
    }
    db.pragma('synchronous = NORMAL');
    // Twice the driver's default (16 MB): at a million tickets the index pages a scan or a sale
    // walks outgrow it, and writes read them back from the OS (decision 0037).
    db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    // Sorts and groupings a query cannot take from an index stay in memory, not in temporary files.
    db.pragma('temp_store = MEMORY');
    createMetaTables(db);
    return db;
  } catch (error) {
    db?.close();
    const code = (error as { code?: unknown } | null)?.code;
    if (isDamageCode(code)) throw new StoreDamagedError(file, (error as Error).message);
    throw error;
  }
}

/**
 * Writes a consistent copy of the store file to `dest` while servers keep reading and writing
 * it: `VACUUM INTO` reads one snapshot (a WAL read transaction, which never blocks writers) and
 * writes a compact file. Unlike SQLite's page-by-page backup API it does not restart when
 * another process commits during the copy, so it finishes during a rush. `dest` must not exist.
 *
 * @example
 * await backupDatabase('./.data/tts.sqlite', '/backups/tts-2024-03-01.sqlite');
 */
export async function backupDatabase(file: string, dest: string): Promise<void> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    db.prepare('VACUUM INTO ?').run(dest);
  } catch (error) {
    await rm(dest, { force: true });
    throw error;
  } finally {
    db.close();
  }
}
