/**
 * Store maintenance commands, run with the server's own environment (docs/operations.md):
 *
 *   node server/dist/cli.js backup <dest-file>    consistent copy of the SQLite file, servers running
 *   node server/dist/cli.js export <dir>          every collection as JSON lines (SQLite or MongoDB)
 *   node server/dist/cli.js import <dir>          JSON lines into an empty store, then its indexes
 *   node server/dist/cli.js import-nedb           an earlier version's nedb files into tts.sqlite
 *
 * In a checkout, `npm run store -- <command> …` runs the same from the sources.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig, type Config } from './config.js';
import { INDEXES } from './indexes.js';
import { importNedbDirectory } from './store/nedb-import.js';
import { SQLITE_FILE, openStore } from './store/open-store.js';
import type { Store } from './store/port.js';
import { backupDatabase } from './store/sqlite-file.js';
import { exportStore, importStore } from './store/transfer.js';

const USAGE = 'usage: cli.js backup <dest-file> | export <dir> | import <dir> | import-nedb';

async function withStore<R>(config: Readonly<Config>, work: (store: Store) => Promise<R>): Promise<R> {
  const store = await openStore({ mongodbUri: config.mongodbUri, mongodbWriteConcern: config.mongodbWriteConcern, dataDir: resolve(config.dataDir) });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/**
 * Runs one command; resolves with what to print. Exported for tests, which pass the environment.
 *
 * @example
 * await runCli(['backup', '/backups/tts.sqlite'], { TTS_DATA_DIR: '/var/lib/tts' });
 */
export async function runCli(args: readonly string[], env: Record<string, string | undefined>): Promise<string> {
  const [command, target] = args;
  const config = loadConfig(env);
  const file = join(resolve(config.dataDir), SQLITE_FILE);
  switch (command) {
    case 'backup': {
      if (!target) throw new Error(USAGE);
      if (config.mongodbUri) throw new Error('backup copies the embedded store; back up MongoDB with mongodump or your provider');
      if (!existsSync(file)) throw new Error(`No embedded store at ${file}: check TTS_DATA_DIR`);
      if (existsSync(target)) throw new Error(`${target} exists: choose a new file`);
      await backupDatabase(file, target);
      return `backed up ${file} to ${target}`;
    }
    case 'export': {
      if (!target) throw new Error(USAGE);
      const counts = await withStore(config, (store) => exportStore(store, target));
      return `exported ${JSON.stringify(counts)} to ${target}`;
    }
    case 'import': {
      if (!target) throw new Error(USAGE);
      const counts = await withStore(config, async (store) => {
        const imported = await importStore(store, target);
        await store.ensureIndexes(INDEXES);
        return imported;
      });
      return `imported ${JSON.stringify(counts)} from ${target}`;
    }
    case 'import-nedb': {
      const report = await importNedbDirectory(resolve(config.dataDir), file, new Date());
      return `imported ${JSON.stringify(report.counts)} into ${file}; the old files are in ${report.movedTo} and may be deleted once the data is checked`;
    }
    default:
      throw new Error(USAGE);
  }
}

// Run only as a program, not when a test imports runCli.
if (process.argv[1] && /cli\.[jt]s$/.test(process.argv[1])) {
  try {
    process.loadEnvFile('.env');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  runCli(process.argv.slice(2), process.env).then(
    (message) => process.stdout.write(`${message}\n`),
    (err: unknown) => {
      // An operator reads the message; the stack only with LOG_LEVEL=debug.
      const debug = process.env.LOG_LEVEL === 'debug' && err instanceof Error;
      process.stderr.write(`${debug ? err.stack : err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
