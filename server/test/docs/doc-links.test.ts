import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Keeps the references between code and docs honest. The rules the code relies on live in
 * `docs/` (docs/domain-rules.md, docs/api-conventions.md, …), so a comment that points a
 * reader somewhere must point at a page and a heading that exist, and nothing may cite a
 * document the repository does not contain.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** Where code and prose live; build output and dependencies are not ours to check. */
const SCANNED = ['server/src', 'server/test', 'server/bench', 'sdk/src', 'sdk/test', 'widget/src', 'widget/test', 'examples', 'scripts', 'docs', 'README.md'];
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.data']);
const CODE_EXTENSIONS = new Set(['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.html', '.css']);
/** A citation of the product specification by section number, which no reader of the repository can follow. */
const SPEC_SECTION = /\bSPEC\s*\u00a7\s*\d/;
/** `docs/<page>.md` or `docs/<page>.md#<heading>` as code comments write them (not inside a URL). */
const DOCS_REFERENCE = /(?<![\w./-])docs\/([\w./-]+?\.md)(?:#([\w-]+))?/g;
/** A Markdown link target: `[text](target)`. */
const MARKDOWN_LINK = /\]\(([^)\s]+)\)/g;

function filesUnder(path: string): string[] {
  const absolute = join(ROOT, path);
  if (!existsSync(absolute)) return [];
  if (!statSync(absolute).isDirectory()) return [path];
  return readdirSync(absolute, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : filesUnder(join(path, entry.name));
    return [join(path, entry.name)];
  });
}

const allFiles = SCANNED.flatMap(filesUnder);
const codeFiles = allFiles.filter((f) => CODE_EXTENSIONS.has(extname(f)));
const markdownFiles = allFiles.filter((f) => extname(f) === '.md');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** Lines outside fenced code blocks, with their 1-based numbers. */
function proseLines(markdown: string): Array<{ line: string; number: number }> {
  let fenced = false;
  return markdown.split('\n').flatMap((line, i) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return [];
    }
    return fenced ? [] : [{ line, number: i + 1 }];
  });
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens. */
function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every anchor a Markdown file offers, numbering repeated headings as GitHub does (`x`, `x-1`, …). */
function anchorsOf(file: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { line } of proseLines(read(file))) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = headingAnchor(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** Why `anchor` in `page` (a path from the root) cannot be followed, or null when it can. */
function brokenTarget(page: string, anchor: string | undefined): string | null {
  if (!existsSync(join(ROOT, page))) return `${page} does not exist`;
  if (anchor === undefined || extname(page) !== '.md') return null;
  return anchorsOf(page).has(anchor) ? null : `${page} has no heading with the anchor #${anchor}`;
}

describe('references between code and docs', () => {
  it('finds the files it checks', () => {
    expect(codeFiles.length).toBeGreaterThan(100);
    expect(markdownFiles).toEqual(expect.arrayContaining(['README.md', 'docs/domain-rules.md', 'docs/api-conventions.md']));
  });

  it('cites no specification section that the repository does not contain', () => {
    const citations = [...codeFiles, ...markdownFiles].flatMap((file) =>
      read(file)
        .split('\n')
        .flatMap((line, i) => (SPEC_SECTION.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(citations, 'point to the docs/ page that states the rule instead').toEqual([]);
  });

  it('points code comments only at docs pages and headings that exist', () => {
    const broken = codeFiles.flatMap((file) =>
      read(file)
        .split('\n')
        .flatMap((line, i) =>
          [...line.matchAll(DOCS_REFERENCE)].flatMap(([, page, anchor]) => {
            const problem = brokenTarget(`docs/${page}`, anchor);
            return problem ? [`${file}:${i + 1}: ${problem}`] : [];
          }),
        ),
    );
    expect(broken).toEqual([]);
  });

  it('links the docs only to files and headings that exist', () => {
    const broken = markdownFiles.flatMap((file) =>
      proseLines(read(file)).flatMap(({ line, number }) =>
        [...line.matchAll(MARKDOWN_LINK)].flatMap(([, target = '']) => {
          if (/^[a-z][a-z+.-]*:/i.test(target)) return []; // https:, mailto:, …
          const [path = '', anchor] = target.split('#');
          const page = path === '' ? file : relative(ROOT, resolve(ROOT, dirname(file), path));
          const problem = brokenTarget(page, anchor);
          return problem ? [`${file}:${number}: ${target}: ${problem}`] : [];
        }),
      ),
    );
    expect(broken).toEqual([]);
  });

  it('derives heading anchors as GitHub does', () => {
    expect(headingAnchor('Browser: `loadCheckout`')).toBe('browser-loadcheckout');
    expect(headingAnchor('Running the store contract suite on MongoDB')).toBe('running-the-store-contract-suite-on-mongodb');
    expect(headingAnchor('0016 — Seed flaws')).toBe('0016--seed-flaws');
  });
});
