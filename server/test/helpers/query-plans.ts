import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createSqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/port.js';

/** One statement a piece of work ran, with the plan SQLite chose for it. */
export interface PlannedStatement {
  sql: string;
  plan: string;
}

/**
 * A file-backed SQLite store that records every statement it runs, so a test can ask SQLite
 * how it answered what a service really asked (`EXPLAIN QUERY PLAN`), rather than timing it.
 * Plans depend on the schema and the indexes, not on how many rows there are (the store never
 * runs `ANALYZE`), so a plan seen on a small store is the one a big store gets.
 *
 * @example
 * const traced = await tracedStore(clock);
 * traced.reset();
 * await attendance.listAttendees(owner, eventId, { limit: 50 });
 * expect(traced.plans('tickets').map((s) => s.plan).join('\n')).not.toMatch(/SCAN|TEMP B-TREE/);
 */
export async function tracedStore(clock: { now(): Date }) {
  const dir = await mkdtemp(path.join(tmpdir(), 'tts-plans-'));
  const file = path.join(dir, 'tts.sqlite');
  const ran: string[] = [];
  const store: Store = await createSqliteStore({ file, now: () => clock.now(), trace: (sql) => ran.push(sql) });
  return {
    store,
    /** Forgets the statements run so far. */
    reset(): void {
      ran.length = 0;
    },
    /** The SELECTs run since the last reset that read `table`, each with its plan. */
    plans(table: string): PlannedStatement[] {
      const reader = new Database(file, { readonly: true });
      try {
        return ran
          .filter((sql) => /^\s*SELECT\b/i.test(sql) && new RegExp(`\\bFROM "?${table}"?(\\s|$)`).test(sql))
          .map((sql) => ({
            sql,
            plan: (reader.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((step) => step.detail).join('\n'),
          }));
      } finally {
        reader.close();
      }
    },
    async close(): Promise<void> {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
