import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../src');
/**
 * Query operators the port takes only from `op.*` (store/operators.ts). `$eq` followed by an
 * array is the aggregation expression (`{ $eq: ['$status', 'paid'] }`), which is not a filter.
 */
const RAW_OPERATOR = /\{\s*\$(?:(?:ne|gt|gte|lt|lte|in|nin|exists|regex|elemMatch|not)\s*:|eq\s*:(?!\s*\[))/;

/**
 * The store refuses operator objects it did not make (store/filter-check.ts), but only when the
 * line runs. This reads every source file outside the store, so a literal such as
 * `{ $gt: now }` in a path no test reaches is caught before it ships, not in production.
 */
describe('query operators outside the store', () => {
  it('are built with op.*, never written as object literals', async () => {
    const entries = await readdir(SRC, { withFileTypes: true, recursive: true });
    const files = entries
      .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !e.name.endsWith('.test.ts'))
      .map((e) => path.join(e.parentPath, e.name))
      .filter((file) => !file.startsWith(path.join(SRC, 'store') + path.sep));
    expect(files.length).toBeGreaterThan(50);
    const offending: string[] = [];
    for (const file of files) {
      const lines = (await readFile(file, 'utf8')).split('\n');
      lines.forEach((line, i) => {
        const code = line.trimStart();
        if (code.startsWith('*') || code.startsWith('//')) return;
        if (RAW_OPERATOR.test(line)) offending.push(`${path.relative(SRC, file)}:${i + 1}: ${code}`);
      });
    }
    expect(offending).toEqual([]);
  });
});
