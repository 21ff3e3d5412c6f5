/**
 * The server's layers and what each may import (docs/architecture.md, "Layers"), and the
 * checker that holds `server/src` to them.
 *
 * A layer is a set of files under `server/src`: a folder (`domain/`) or single files
 * (`store/port.ts`). The first layer in {@link LAYERS} that names a file owns it, so a port
 * listed before its folder is its own layer. A file may import its own layer and the layers
 * in its `mayImport`; anything else is a violation. Every source file must belong to a layer,
 * so a new top-level file is placed deliberately.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';

/** One layer of the server. */
export interface Layer {
  name: string;
  /** Paths relative to `server/src`: a folder ends with `/`, anything else is one file. */
  files: readonly string[];
  /** The other layers its files may import. */
  mayImport: readonly string[];
}

const ALL_BELOW_COMPOSITION = ['kernel', 'store port', 'store drivers', 'payment port', 'domain', 'payments', 'delivery', 'config', 'services', 'pages', 'http', 'console'];

/** The server's layers, lowest first. */
export const LAYERS: readonly Layer[] = [
  { name: 'kernel', files: ['kernel/'], mayImport: [] },
  { name: 'store port', files: ['store/port.ts', 'store/operators.ts', 'store/paginate.ts'], mayImport: ['kernel'] },
  { name: 'store drivers', files: ['store/'], mayImport: ['kernel', 'store port'] },
  { name: 'payment port', files: ['payments/gateway.ts', 'payments/razorpay-webhook.ts'], mayImport: ['kernel'] },
  { name: 'domain', files: ['domain/'], mayImport: ['kernel', 'store port', 'payment port'] },
  { name: 'payments', files: ['payments/'], mayImport: ['kernel', 'store port', 'payment port', 'domain'] },
  { name: 'delivery', files: ['delivery/'], mayImport: ['kernel', 'store port', 'domain'] },
  { name: 'config', files: ['config.ts', 'logger.ts'], mayImport: [] },
  {
    name: 'services',
    files: ['services.ts', 'demo.ts'],
    mayImport: ['kernel', 'config', 'store port', 'payment port', 'domain', 'payments', 'delivery'],
  },
  { name: 'pages', files: ['pages/'], mayImport: ['kernel', 'store port', 'domain', 'delivery'] },
  {
    name: 'http',
    files: ['http/'],
    mayImport: ['kernel', 'config', 'store port', 'payment port', 'domain', 'payments', 'delivery', 'services', 'pages'],
  },
  {
    name: 'console',
    files: ['console/'],
    mayImport: ['kernel', 'config', 'store port', 'payment port', 'domain', 'payments', 'delivery', 'services', 'pages', 'http'],
  },
  {
    name: 'composition',
    files: ['app.ts', 'main.ts', 'background.ts', 'cli.ts', 'indexes.ts', 'port-check.ts'],
    mayImport: ALL_BELOW_COMPOSITION,
  },
];

/**
 * Packages that would tie a lower layer to a framework or a driver: the domain and the
 * kernel get these through ports, as arguments.
 */
export const DRIVER_PACKAGES: readonly string[] = ['hono', '@hono/', 'mongodb', 'better-sqlite3', '@seald-io/nedb', 'mingo', 'nodemailer', 'razorpay', 'jspdf', 'qrcode'];

/** The layers that may import none of {@link DRIVER_PACKAGES}. */
const DRIVER_FREE = new Set(['kernel', 'store port', 'payment port', 'domain']);

/** One import: `from` imports `to`, both relative to `server/src`, or `to` names a package. */
export interface ImportEdge {
  from: string;
  to: string;
  /** `to` is a package (`hono`, `node:crypto`), not one of our files. */
  package?: boolean;
}

/** The layer that owns a file (relative to `server/src`), or undefined. */
export function layerOf(file: string, layers: readonly Layer[] = LAYERS): Layer | undefined {
  return layers.find((layer) => layer.files.some((f) => (f.endsWith('/') ? file.startsWith(f) : file === f)));
}

function isPackage(specifier: string): boolean {
  return !specifier.startsWith('.') && !specifier.startsWith('/');
}

/**
 * Every import that breaks the layering, as one readable line each:
 * `domain/orders.ts → http/routes/orders.ts (domain may import: kernel, store port, payment port)`.
 */
export function findViolations(edges: readonly ImportEdge[], layers: readonly Layer[] = LAYERS): string[] {
  const problems = new Set<string>();
  for (const { from, to, package: isPackageImport } of edges) {
    const source = layerOf(from, layers);
    if (!source) {
      problems.add(`${from}: in no layer`);
      continue;
    }
    if (isPackageImport) {
      if (DRIVER_FREE.has(source.name) && DRIVER_PACKAGES.some((p) => (p.endsWith('/') ? to.startsWith(p) : to === p || to.startsWith(`${p}/`)))) {
        problems.add(`${from} → ${to} (${source.name} imports no framework or driver package)`);
      }
      continue;
    }
    if (to.startsWith('../')) {
      problems.add(`${from} → ${to} (outside server/src)`);
      continue;
    }
    const target = layerOf(to, layers);
    if (!target) {
      problems.add(`${from} → ${to}: ${to} is in no layer`);
      continue;
    }
    if (target.name !== source.name && !source.mayImport.includes(target.name)) {
      problems.add(`${from} → ${to} (${source.name} may import: ${source.mayImport.join(', ') || 'nothing of ours'}; ${to} is ${target.name})`);
    }
  }
  return [...problems];
}

/**
 * The modules one source file imports: `import`, `import type`, `export … from` and
 * `import()`, with relative ones resolved against `file` (relative to `server/src`) and
 * `.js` mapped back to the source file that exists.
 */
export function importsOf(file: string, source: string, exists: (file: string) => boolean): ImportEdge[] {
  const { importedFiles } = ts.preProcessFile(source, true, true);
  return importedFiles.map(({ fileName }) => {
    if (isPackage(fileName)) return { from: file, to: fileName, package: true };
    const joined = path.posix.normalize(path.posix.join(path.posix.dirname(file), fileName));
    const stem = joined.replace(/\.(js|jsx)$/, '');
    const to = [`${stem}.ts`, `${stem}.tsx`, joined, `${stem}/index.ts`].find(exists) ?? joined;
    return { from: file, to };
  });
}

/** Files the checker leaves out: tests build real drivers and the whole app on purpose. */
function isTestCode(file: string): boolean {
  return /\.test\.tsx?$/.test(file) || file === 'store/contract.ts';
}

/** The source files under `srcDir` (tests left out), relative to it. */
export async function sourceFiles(srcDir: string): Promise<string[]> {
  const entries = await readdir(srcDir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => path.relative(srcDir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .filter((f) => !isTestCode(f))
    .sort();
}

/** Every import of each of `files` (relative to `srcDir`). */
export async function importsUnder(srcDir: string, files: readonly string[]): Promise<ImportEdge[]> {
  const all = new Set((await readdir(srcDir, { recursive: true })).map((f) => f.split(path.sep).join('/')));
  const edges: ImportEdge[] = [];
  for (const file of files) {
    edges.push(...importsOf(file, await readFile(path.join(srcDir, file), 'utf8'), (f) => all.has(f)));
  }
  return edges;
}
