import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const TAGGED = /<!-- example: (\S+) -->\n```\w*\n([\s\S]*?)```/g;

describe('docs quote the examples verbatim', () => {
  for (const doc of ['docs/sdk.md', 'docs/getting-started.md']) {
    it(`every sample in ${doc} marked as an example is in that example's code`, () => {
      const text = readFileSync(join(root, doc), 'utf8');
      const samples = [...text.matchAll(TAGGED)];
      expect(samples.length).toBeGreaterThan(0);
      for (const [, file, code] of samples) {
        const source = readFileSync(join(root, file!), 'utf8');
        const lines = (s: string) =>
          s
            .split('\n')
            .map((l) => l.trim())
            .filter(Boolean)
            .join('\n');
        expect(lines(source), `${doc} sample from ${file}`).toContain(lines(code!));
      }
    });
  }
});
