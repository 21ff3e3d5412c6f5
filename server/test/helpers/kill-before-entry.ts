/**
 * Preloaded into a real server process (`startServer(env, { preload: [KILL_BEFORE_ENTRY] })`):
 * the process kills itself with SIGKILL at the moment it is about to write an events-log entry
 * of the type named by `TTS_TEST_KILL_BEFORE_ENTRY`, after the change that entry describes is
 * stored. That puts a kill -9 exactly between the two writes, every run. It wraps the SQLite
 * driver's statements and changes nothing else.
 */
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

const type = process.env.TTS_TEST_KILL_BEFORE_ENTRY;
const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
const prepare = Database.prototype.prepare;

Database.prototype.prepare = function prepareThenWatch(this: BetterSqlite3.Database, source: string) {
  const statement = prepare.call(this, source) as BetterSqlite3.Statement;
  if (type && source.startsWith('INSERT INTO "domain_events"')) {
    const run = statement.run;
    statement.run = function runUnlessEntryOfType(this: BetterSqlite3.Statement, ...params: unknown[]) {
      if (String(params[1]).includes(`"type":"${type}"`)) process.kill(process.pid, 'SIGKILL');
      return run.apply(this, params);
    } as typeof statement.run;
  }
  return statement;
} as typeof Database.prototype.prepare;
