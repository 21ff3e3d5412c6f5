import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The audit log is append-only: the sources themselves show that nothing but an insert writes it. */

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('the audit log is append-only', () => {
  it('opens its collection in one module only', () => {
    const opening = sources(SRC)
      .filter((file) => /collection<[^>]*>\((AUDIT_LOG_COLLECTION|'audit_log')\)/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(SRC, file));
    expect(opening).toEqual(['domain/audit-log.ts']);
  });

  it('writes its collection only with insertOne, never an update, a replace or a delete', () => {
    const source = readFileSync(join(SRC, 'domain/audit-log.ts'), 'utf8');
    const handle = /const (\w+) = store\.collection<AuditEntryDoc>\(AUDIT_LOG_COLLECTION\)/.exec(source)?.[1];
    expect(handle).toBeDefined();
    const calls = [...source.matchAll(new RegExp(`\\b${handle}\\.(\\w+)\\(`, 'g'))].map((m) => m[1]);
    expect([...new Set(calls)]).toEqual(['insertOne']);
    // The only other use of the handle is reading pages.
    const passed = [...source.matchAll(new RegExp(`\\b(\\w+)\\(${handle},`, 'g'))].map((m) => m[1]);
    expect([...new Set(passed)]).toEqual(['paginate']);
  });
});
