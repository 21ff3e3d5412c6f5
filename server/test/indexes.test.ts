import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { INDEXES, SORTED_LISTS, type SortedList } from '../src/indexes.js';
import type { IndexSpec } from '../src/store/port.js';

const SRC = path.resolve(import.meta.dirname, '../src');

/**
 * Whether the index serves the list's sort: its first keys are the list's equality fields (in
 * any order), and the next ones its sort fields in order, all in the sort's directions or all
 * reversed (MongoDB walks an index either way).
 */
function serves(index: IndexSpec, list: SortedList): boolean {
  if (index.collection !== list.collection) return false;
  const keys = Object.entries(index.keys);
  const head = keys.slice(0, list.equality.length).map(([field]) => field);
  if ([...head].sort().join() !== [...list.equality].sort().join()) return false;
  const sort = Object.entries(list.sort);
  const next = keys.slice(list.equality.length, list.equality.length + sort.length);
  if (next.length !== sort.length || next.some(([field], i) => field !== sort[i]?.[0])) return false;
  const same = next.every(([, direction], i) => direction === sort[i]?.[1]);
  const reversed = next.every(([, direction], i) => direction === -(sort[i]?.[1] ?? 0));
  return same || reversed;
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')).map((e) => path.relative(SRC, path.join(e.parentPath, e.name)));
}

describe('indexes for sorted lists', () => {
  it.each(SORTED_LISTS.map((list) => [list.query, list] as const))('%s has an index of its equality fields, then its sort', (_, list) => {
    const usable = INDEXES.filter((index) => serves(index, list));
    expect(usable, `${list.collection}: ${list.equality.join(', ')} then ${JSON.stringify(list.sort)}`).not.toHaveLength(0);
  });

  it('lists every file that pages with paginate()', async () => {
    const files = await sourceFiles(SRC);
    const paging: string[] = [];
    for (const file of files) {
      if (file === path.join('store', 'paginate.ts')) continue;
      if (/\bpaginate\(/.test(await readFile(path.join(SRC, file), 'utf8'))) paging.push(file.split(path.sep).join('/'));
    }
    expect(paging.length).toBeGreaterThan(0);
    const listed = new Set(SORTED_LISTS.map((list) => list.file));
    expect(paging.filter((file) => !listed.has(file))).toEqual([]);
  });
});
