import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Store } from './port.js';
import { createSqliteStore } from './sqlite.js';

/** The embedded store's file inside the data directory. */
export const SQLITE_FILE = 'tts.sqlite';

/** Where the data lives: MongoDB when a URI is given, else the embedded store. */
export interface OpenStoreOptions {
  /** `MONGODB_URI`; when set, the MongoDB driver is used and `dataDir` is ignored. */
  mongodbUri?: string | undefined;
  /** `MONGODB_WRITE_CONCERN`: `majority` unless set. */
  mongodbWriteConcern?: 'majority' | number | undefined;
  /** `TTS_DATA_DIR` for the embedded store (`<dataDir>/tts.sqlite`); unset keeps it in memory. */
  dataDir?: string | undefined;
  /** Told what a first start did with an earlier store's nedb files (for the log). */
  onNotice?: (message: string, fields: Record<string, unknown>) => void;
  /** The time the import names its folder by (default: now). */
  now?: () => Date;
  /** Told of failures found after opening: damage the integrity check found, a failed TTL sweep (for the log). */
  onBackgroundError?: (error: unknown) => void;
}

/**
 * Opens the store the configuration asks for (docs/architecture.md#storage): MongoDB when a URI
 * is set, else the embedded SQLite store in `<dataDir>/tts.sqlite`. On the first start with a
 * data directory holding an earlier version's nedb files (`*.db`) and no SQLite file yet, they
 * are imported first (`nedb-import.ts`). A damaged SQLite file rejects with `StoreDamagedError`.
 *
 * @example
 * const store = await openStore({ mongodbUri: config.mongodbUri, dataDir: config.dataDir });
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  // The MongoDB driver and the nedb importer are loaded only when used: loading them took a
  // good part of an embedded server's start.
  if (options.mongodbUri) {
    const { createMongoStore } = await import('./mongo.js');
    return createMongoStore({ uri: options.mongodbUri, writeConcern: options.mongodbWriteConcern ?? 'majority' });
  }
  if (options.dataDir === undefined) return createSqliteStore({});
  await mkdir(options.dataDir, { recursive: true });
  const file = path.join(options.dataDir, SQLITE_FILE);
  if (!existsSync(file) && (await hasNedbFiles(options.dataDir))) {
    const { importNedbDirectory } = await import('./nedb-import.js');
    const report = await importNedbDirectory(options.dataDir, file, (options.now ?? (() => new Date()))());
    options.onNotice?.('imported the earlier embedded store into SQLite; the old files may be deleted once the data is checked', {
      file,
      counts: report.counts,
      old_files: report.movedTo,
    });
  }
  return createSqliteStore({ file, ...(options.onBackgroundError ? { onBackgroundError: options.onBackgroundError } : {}) });
}

async function hasNedbFiles(dataDir: string): Promise<boolean> {
  const { nedbCollections } = await import('./nedb-import.js');
  return (await nedbCollections(dataDir)).length > 0;
}
