/**
 * Docs that run: every ```js and ```ts sample in docs/*.md, the README and the packages' READMEs
 * is type-checked against the SDK and the widget, and the samples marked `<!-- runs -->` are run
 * against a real server. A page's samples are read as one program, top to bottom, the way a
 * reader meets them: a sample may use what an earlier sample on the page defined, and nothing
 * else. What a page takes as given (the partner's own functions, say) is written just above a
 * sample as `<!-- given: declare … -->`, declarations only. A sample that cannot be checked says
 * so and why, `<!-- not-checked: reason -->`; an unmarked sample that does not check fails here.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { serve, type ServerType } from '@hono/node-server';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../../scripts/packages.js';
import { buildTestApp } from '../helpers/app.js';

const run = promisify(execFile);

/** The pages whose samples are checked. */
async function pages(): Promise<string[]> {
  const docs = (await readdir(join(ROOT, 'docs'))).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`);
  return [...docs.sort(), 'README.md', 'sdk/README.md', 'widget/README.md'];
}

const LANGS: Record<string, 'js' | 'ts'> = { js: 'js', javascript: 'js', mjs: 'js', ts: 'ts', typescript: 'ts' };

/** One fenced sample, with the markers written on the lines just above it. */
interface Sample {
  page: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: 'js' | 'ts';
  code: string;
  given: string[];
  notChecked: string | null;
  runs: boolean;
  example: string | null;
}

/** The js/ts samples of a page, in order. */
function samplesOf(page: string, text: string): Sample[] {
  const lines = text.split('\n');
  const samples: Sample[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const fence = /^```(\w+)\s*$/.exec(lines[i]!);
    if (!fence) continue;
    const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
    const lang = LANGS[fence[1]!];
    if (lang) {
      const markers: string[] = [];
      for (let j = i - 1; j >= 0 && /^<!--.*-->$/.test(lines[j]!.trim()); j -= 1) markers.unshift(lines[j]!.trim());
      const value = (name: string) => markers.map((m) => new RegExp(`^<!-- ${name}:\\s*([\\s\\S]*?)\\s*-->$`).exec(m)?.[1]).find((v) => v !== undefined) ?? null;
      samples.push({
        page,
        line: i + 1,
        lang,
        code: lines.slice(i + 1, end).join('\n'),
        given: markers.map((m) => /^<!-- given:\s*([\s\S]*?)\s*-->$/.exec(m)?.[1]).filter((v): v is string => v !== undefined),
        notChecked: value('not-checked'),
        runs: markers.includes('<!-- runs -->'),
        example: value('example'),
      });
    }
    i = end;
  }
  return samples;
}

/** Whether every statement of a `given:` is a declaration (`declare …`, a type or an interface): nothing that runs. */
function declarationsOnly(given: string): boolean {
  const file = ts.createSourceFile('given.ts', given, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  return file.statements.every(
    (s) =>
      ts.isTypeAliasDeclaration(s) ||
      ts.isInterfaceDeclaration(s) ||
      (ts.canHaveModifiers(s) && ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)) ||
      (ts.isImportDeclaration(s) && s.importClause?.isTypeOnly === true),
  );
}

/** A page's checked samples of one language, as one module; each sample's lines remember where they came from. */
function programOf(samples: Sample[]): { text: string; origin: Array<{ sample: Sample; line: number }> } {
  const out: string[] = [];
  const origin: Array<{ sample: Sample; line: number }> = [];
  for (const sample of samples) {
    for (const given of sample.given) {
      out.push(given.replace(/\n/g, ' '));
      origin.push({ sample, line: 0 });
    }
    sample.code.split('\n').forEach((line, n) => {
      out.push(line);
      origin.push({ sample, line: n + 1 });
    });
  }
  // `export {}` keeps each page a module of its own: top-level await, and no names shared between pages.
  out.push('export {};');
  return { text: out.join('\n'), origin };
}

const compilerOptions: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  // Resolves @trendy-tickets/sdk and @trendy-tickets/widget to their sources: no build needed.
  customConditions: ['source'],
  lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
  types: ['node'],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  allowImportingTsExtensions: true,
};

let dir: string;
let server: ServerType;
let baseUrl: string;
let secretKey: string;

beforeAll(async () => {
  // Inside the workspace (test-artifacts/ is git-ignored), so the samples' imports of the packages resolve as they do for the tests.
  await mkdir(join(ROOT, 'test-artifacts'), { recursive: true });
  dir = await mkdtemp(join(ROOT, 'test-artifacts/doc-samples-'));
  const t = await buildTestApp();
  server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const signup = await fetch(`${baseUrl}/v1/accounts`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'docs@example.com', password: 'correct horse battery', name: 'Docs Samples' }),
  });
  secretKey = ((await signup.json()) as { secret_key: string }).secret_key;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('code samples in the docs', () => {
  it('marks every sample it does not check with a reason, and gives only declarations', async () => {
    const problems: string[] = [];
    let count = 0;
    for (const page of await pages()) {
      for (const s of samplesOf(page, await readFile(join(ROOT, page), 'utf8'))) {
        count += 1;
        if (s.notChecked !== null && s.notChecked.length < 10) problems.push(`${page}:${s.line}: "not-checked" needs its reason`);
        for (const given of s.given) if (!declarationsOnly(given)) problems.push(`${page}:${s.line}: "given" may only declare: ${given}`);
      }
    }
    expect(problems).toEqual([]);
    expect(count).toBeGreaterThan(25);
  });

  it('type-checks every page’s samples, read top to bottom as one program, against the SDK and the widget', async () => {
    const files = new Map<string, Array<{ sample: Sample; line: number }>>();
    for (const page of await pages()) {
      const samples = samplesOf(page, await readFile(join(ROOT, page), 'utf8')).filter((s) => s.notChecked === null);
      if (samples.length === 0) continue;
      const { text, origin } = programOf(samples);
      const file = join(dir, `${page.replace(/[/.]/g, '_')}.mts`);
      await writeFile(file, text);
      files.set(file, origin);
    }
    // TypeScript samples are checked strictly. JavaScript samples are checked as a partner's .js
    // file would be: every name, property and argument shape, but no types to write and no null
    // checks (the language has no syntax for either).
    const strict = ts.createProgram([...files.keys()], compilerOptions);
    const loose = ts.createProgram([...files.keys()], { ...compilerOptions, strictNullChecks: false, noImplicitAny: false });
    const problems = [strict, loose].flatMap((program) =>
      ts
        .getPreEmitDiagnostics(program)
        .filter((d) => d.file && files.has(d.file.fileName))
        .flatMap((d) => {
          const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
          const at = files.get(d.file!.fileName)![line];
          if (!at) return [`${relative(ROOT, d.file!.fileName)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`];
          if ((at.sample.lang === 'ts') !== (program === strict)) return [];
          const where = `${at.sample.page}:${at.sample.line + at.line}${at.line === 0 ? ' (a "given" above the sample)' : ''}`;
          return [`${where}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`];
        }),
    );
    expect([...new Set(problems)]).toEqual([]);
  });

  it('runs the samples marked `runs` against a real server, as a partner’s Node script would', async () => {
    const runnable = [];
    for (const page of await pages()) runnable.push(...samplesOf(page, await readFile(join(ROOT, page), 'utf8')).filter((s) => s.runs));
    expect(runnable.length).toBeGreaterThan(0);
    for (const sample of runnable) {
      const file = join(dir, `run-${sample.page.replace(/[/.]/g, '_')}-${sample.line}.${sample.lang === 'js' ? 'mjs' : 'mts'}`);
      await writeFile(file, `${sample.code}\nexport {};\n`);
      const env = { PATH: process.env.PATH ?? '', TTS_API_KEY: secretKey, TTS_BASE_URL: baseUrl };
      const result = await run(process.execPath, ['--conditions=source', '--import', 'tsx', file], { cwd: dir, env }).catch((err: { stdout?: string; stderr?: string }) => {
        throw new Error(`${sample.page}:${sample.line} failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
      });
      expect(result.stderr, `${sample.page}:${sample.line}`).toBe('');
    }
  });
});
