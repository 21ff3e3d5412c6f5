import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, PAGE_CACHE_KIB } from './sqlite-file.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function fileDatabase() {
  const dir = mkdtempSync(join(tmpdir(), 'tts-sqlite-file-'));
  dirs.push(dir);
  return openDatabase(join(dir, 'tts.sqlite'));
}

describe('the settings every connection to the file shares', () => {
  it('keeps the chosen durability: WAL with synchronous=NORMAL', () => {
    const db = fileDatabase();
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(1);
    } finally {
      db.close();
    }
  });

  it('caches enough pages for the indexes a scan walks at a million tickets, and sorts in memory', () => {
    const db = fileDatabase();
    try {
      expect(db.pragma('cache_size', { simple: true })).toBe(-PAGE_CACHE_KIB);
      expect(PAGE_CACHE_KIB).toBeGreaterThanOrEqual(16 * 1024);
      expect(db.pragma('temp_store', { simple: true })).toBe(2);
    } finally {
      db.close();
    }
  });
});
