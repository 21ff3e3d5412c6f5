/**
 * Moves a data directory written by the earlier embedded store (one nedb `<collection>.db` file
 * per collection) into the SQLite file, once: on the first start that finds no `tts.sqlite`, or
 * by `cli.ts import-nedb`. The import writes a temporary file, checks that every collection has
 * as many documents in SQLite as nedb loaded, and only then renames it into place, so a start
 * interrupted half-way imports again from the beginning. The old files are moved aside, not
 * deleted (docs/operations.md#embedded-store).
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { createEmbeddedStore } from './embedded.js';
import type { Doc } from './port.js';
import { createSqliteStore } from './sqlite.js';

/** What an import did, for the log line. */
export interface NedbImportReport {
  /** Documents per collection, as counted in both stores. */
  counts: Record<string, number>;
  /** Where the nedb files were moved. */
  movedTo: string;
}

const BATCH = 1_000;

/** The nedb datafiles in `dataDir` (`*.db`), as collection names. */
export async function nedbCollections(dataDir: string): Promise<string[]> {
  const names = await readdir(dataDir).catch(() => [] as string[]);
  return names
    .filter((name) => name.endsWith('.db'))
    .map((name) => name.slice(0, -3))
    .sort();
}

/**
 * Imports every nedb datafile of `dataDir` into a new SQLite file at `file` (which must not
 * exist), verifies the counts, and moves the datafiles into `nedb-imported-<date>/`.
 * Throws, leaving `file` absent and the datafiles in place, when a count differs.
 *
 * @example
 * await importNedbDirectory('./.data', './.data/tts.sqlite', new Date());
 */
export async function importNedbDirectory(dataDir: string, file: string, now: Date): Promise<NedbImportReport> {
  if (existsSync(file)) throw new Error(`${file} exists already: the nedb files were imported before`);
  const names = await nedbCollections(dataDir);
  const partial = `${file}.importing`;
  await Promise.all(['', '-wal', '-shm'].map((suffix) => rm(partial + suffix, { force: true })));
  // nedb loads each datafile whole and keeps what it can parse, up to its corruption threshold:
  // the counts below compare with what it loaded, which is all an import can read.
  const source = await createEmbeddedStore({ dataDir });
  const target = await createSqliteStore({ file: partial });
  const counts: Record<string, number> = {};
  try {
    for (const name of names) {
      const docs = await source.collection<Doc>(name).find({});
      const into = target.collection<Doc>(name);
      for (let i = 0; i < docs.length; i += BATCH) await into.insertMany(docs.slice(i, i + BATCH));
      const imported = await into.count({});
      if (imported !== docs.length) throw new Error(`Import of '${name}' stored ${imported} of ${docs.length} documents`);
      counts[name] = imported;
    }
  } finally {
    await target.close();
    await source.close();
  }
  await rename(partial, file);
  const movedTo = path.join(dataDir, `nedb-imported-${now.toISOString().slice(0, 10)}`);
  await mkdir(movedTo, { recursive: true });
  for (const name of names) await rename(path.join(dataDir, `${name}.db`), path.join(movedTo, `${name}.db`));
  return { counts, movedTo };
}
