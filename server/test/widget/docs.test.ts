import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { WIDGET_DIST } from '../../src/http/routes/widget.js';

const ROOT = new URL('../../../', import.meta.url);
const read = (path: string) => readFile(new URL(path, ROOT), 'utf8');
const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** Whether `block`'s lines appear one after another, in order, somewhere in `file` (indentation aside). */
function appearsIn(block: string, file: string): boolean {
  const want = lines(block);
  const have = lines(file);
  return have.some((_, start) => want.every((line, i) => have[start + i] === line));
}

describe('docs/widget.md', () => {
  it('shows only code that is really in the example partner page (or the source), word for word', async () => {
    const doc = await read('docs/widget.md');
    const blocks = [...doc.matchAll(/(?:<!-- example: (\S+) -->\n)?```(\w+)\n([\s\S]*?)```/g)];
    // Shell commands are not code from a file; an unmarked ts/js block is type-checked instead (server/test/docs/samples.test.ts).
    const code = blocks.filter(([, source, lang]) => lang !== 'text' && lang !== 'bash' && (source !== undefined || !['ts', 'js'].includes(lang!)));
    expect(code.length).toBeGreaterThanOrEqual(5);
    for (const [, source, lang, body] of code) {
      expect(source, `a ${lang} block without an "example:" marker:\n${body}`).toBeDefined();
      expect(appearsIn(body!, await read(source!)), `this block is not in ${source}:\n${body}`).toBe(true);
    }
  });

  it('states the bundle size the tests measure (within half a kilobyte)', async () => {
    const doc = await read('docs/widget.md');
    const stated = Number(/\*\*([\d.]+) KB min\+gzip\*\*/.exec(doc)?.[1]);
    const measured = gzipSync(await readFile(`${WIDGET_DIST}tts-checkout.js`), { level: 9 }).length / 1024;
    expect(Math.abs(stated - measured), `docs say ${stated} KB, the bundle is ${measured.toFixed(2)} KB`).toBeLessThanOrEqual(0.5);
  });
});
