/**
 * The SDK and the widget as a partner gets them: packed as `npm start` packs them, served by a
 * real server at `/packages/…-latest.tgz`, and installed with `npm install <url>` into
 * throwaway projects in the OS temp folder, far from this workspace (no workspace links, no
 * path imports; Lit comes from the registry or npm's cache). There they are imported from Node
 * (ESM and CJS) against the real server, type-checked by a strict TypeScript consumer (node16
 * and bundler resolution), and bundled into a page with rollup that buys a ticket in Chromium.
 * Only this workspace's tools (node, tsc, rollup) are borrowed, by absolute path.
 */
import { execFile } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import type { Browser } from 'playwright-core';
import { rollup } from 'rollup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTarball, PACKAGE_DIRS, PACKAGES_OUT, packPackage, ROOT, type PackedPackage } from '../../../scripts/packages.js';
import { browserAvailable, launchBrowser } from '../helpers/browser.js';
import { freePort, startServer, type ServerProcess } from '../helpers/server-process.js';
import { mailedCode } from '../widget/e2e-helpers.js';

const run = promisify(execFile);
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

let dataDir: string;
let project: string;
let server: ServerProcess;
let demo: { eventId: string; publishableKey: string };
const packed: PackedPackage[] = [];

/** Runs a command in the throwaway project; a failure shows everything it printed. */
async function inProject(file: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(file, args, { cwd: project, maxBuffer: 64 * 1024 * 1024, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir() } });
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${file} ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}${e.message}`);
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tts-installed-data-'));
  // realpath: on some systems the temp folder is a symlink, and resolved paths are compared below.
  project = await realpath(await mkdtemp(join(tmpdir(), 'tts-partner-app-')));
  const port = await freePort();
  const out = join(ROOT, PACKAGES_OUT);
  await mkdir(out, { recursive: true });
  // Pack what global-setup just built, into the folder the server serves, as `npm start` does.
  const [sdk, widget, started] = await Promise.all([
    packPackage({ root: ROOT, dir: PACKAGE_DIRS[0], out }),
    packPackage({ root: ROOT, dir: PACKAGE_DIRS[1], out }),
    startServer({ TTS_DATA_DIR: dataDir, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` }),
  ]);
  packed.push(sdk, widget);
  server = started;
  demo = JSON.parse(await readFile(join(dataDir, 'demo.json'), 'utf8')) as typeof demo;
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'partner-app', private: true, type: 'module' }, null, 2));
  await inProject('npm', [
    'install',
    '--prefer-offline',
    '--no-audit',
    '--no-fund',
    '--loglevel=error',
    `${server.url}/packages/trendy-tickets-sdk-latest.tgz`,
    `${server.url}/packages/trendy-tickets-widget-latest.tgz`,
  ]);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await Promise.all([dataDir, project].filter(Boolean).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('the packages installed in a project of their own', () => {
  it('installs real copies from the server’s -latest URLs, with only what a package needs inside', async () => {
    const manifest = JSON.parse(await readFile(join(project, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(manifest.dependencies).toEqual({
      '@trendy-tickets/sdk': `${server.url}/packages/trendy-tickets-sdk-latest.tgz`,
      '@trendy-tickets/widget': `${server.url}/packages/trendy-tickets-widget-latest.tgz`,
    });
    for (const name of ['sdk', 'widget']) expect((await lstat(join(project, 'node_modules/@trendy-tickets', name))).isSymbolicLink()).toBe(false);
    expect((await lstat(join(project, 'node_modules/lit'))).isDirectory()).toBe(true);
    const [sdk, widget] = packed as [PackedPackage, PackedPackage];
    console.log(`Tarballs: ${sdk.file} ${sdk.size} B (${sdk.unpackedSize} B unpacked), ${widget.file} ${widget.size} B (${widget.unpackedSize} B unpacked)`);
    for (const pkg of packed) {
      expect(pkg.files, pkg.name).toEqual(expect.arrayContaining(['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE']));
      expect(
        pkg.files.filter((f) => f.startsWith('src/') || f.includes('.test.') || f.endsWith('.map')),
        pkg.name,
      ).toEqual([]);
    }
    // The script-tag build is the server's to serve; the package is for bundlers.
    expect(widget.files.filter((f) => f.startsWith('dist/tts-checkout'))).toEqual([]);
    const installed = JSON.parse(await readFile(join(project, 'node_modules/@trendy-tickets/sdk/package.json'), 'utf8')) as { exports: object };
    expect(JSON.stringify(installed.exports)).not.toContain('source');
  });

  it('passes publint (strict), Are the Types Wrong? in every resolution mode, and npm publish --dry-run', async () => {
    const results = await Promise.all(packed.map(async (pkg) => ({ pkg: pkg.name, checks: await checkTarball(pkg.path) })));
    for (const { pkg, checks } of results) {
      for (const check of checks) expect(check.ok, `${pkg}: ${check.tool}\n${check.output}`).toBe(true);
      const attw = checks.find((c) => c.tool === 'attw')!.output;
      expect(attw, pkg).toContain('No problems found');
      for (const mode of ['node10', 'node16 (from CJS)', 'node16 (from ESM)', 'bundler']) expect(attw, `${pkg} ${mode}`).toContain(mode);
    }
  });

  it('imports the SDK from Node as ESM and as CommonJS and calls the real server with it', async () => {
    const call = (load: string, resolve: string) => `${load}
const baseUrl = ${JSON.stringify(server.url)};
const email = 'stranger-' + Math.random().toString(36).slice(2) + '@example.com';
TrendyTickets.createAccount({ email, password: 'correct horse battery', name: 'Stranger Events' }, { baseUrl })
  .then(({ account, secret_key }) => new TrendyTickets({ apiKey: secret_key, baseUrl }).account.retrieve().then((me) => {
    console.log(JSON.stringify({ same: me.id === account.id, email: me.email === email, from: ${resolve} }));
  }));`;
    await writeFile(join(project, 'esm.mjs'), call("import { TrendyTickets } from '@trendy-tickets/sdk';", "import.meta.resolve('@trendy-tickets/sdk')"));
    await writeFile(join(project, 'cjs.cjs'), call("const { TrendyTickets } = require('@trendy-tickets/sdk');", "require.resolve('@trendy-tickets/sdk')"));
    const esm = JSON.parse(await inProject(process.execPath, ['esm.mjs'])) as { same: boolean; email: boolean; from: string };
    const cjs = JSON.parse(await inProject(process.execPath, ['cjs.cjs'])) as { same: boolean; email: boolean; from: string };
    expect(esm).toEqual({ same: true, email: true, from: `file://${project}/node_modules/@trendy-tickets/sdk/dist/index.js` });
    expect(cjs).toEqual({ same: true, email: true, from: `${project}/node_modules/@trendy-tickets/sdk/dist/index.cjs` });
  });

  // Four compiler runs in fresh projects: allow for a busy machine.
  it('type-checks a strict TypeScript consumer under node16 (ESM and CJS files) and bundler resolution, and catches a wrong type', { timeout: 120_000 }, async () => {
    const consumer = `import { TrendyTickets, TtsConflictError, type Event } from '@trendy-tickets/sdk';
import { loadCheckout } from '@trendy-tickets/sdk/browser';
import { TtsCheckout, type TtsCheckoutEventMap } from '@trendy-tickets/widget';

export async function sell(tts: TrendyTickets): Promise<Event['id']> {
  try {
    const event = await tts.events.create({ name: 'Gig', starts_at: '2030-07-01T14:00:00Z', ends_at: '2030-07-01T18:00:00Z', capacity: 10, ticket_types: [{ name: 'GA', price: 49_900 }] });
    return event.id;
  } catch (err) {
    if (err instanceof TtsConflictError) return err.code;
    throw err;
  }
}
const element: TtsCheckout | null = document.querySelector('tts-checkout');
const made: TtsCheckout = document.createElement('tts-checkout');
made.addEventListener('tts-paid', (e) => console.log(e.detail.order.id, e.detail.tickets.length));
const paid: TtsCheckoutEventMap['tts-paid']['tickets'] = [];
void loadCheckout({ publishableKey: 'pk_test_x', baseUrl: 'https://tickets.example.com' }).then((c) => c?.open({ event: 'evt_x' }));
void element;
void paid;
`;
    const cjsConsumer = `import { TrendyTickets, TtsApiError } from '@trendy-tickets/sdk';
import type { TtsPaidDetail } from '@trendy-tickets/widget';
export const client = new TrendyTickets({ apiKey: 'sk_test_x', baseUrl: 'http://localhost:8787' });
export const isApiError = (e: unknown): e is TtsApiError => e instanceof TtsApiError;
export type Paid = TtsPaidDetail['order']['status'];
`;
    const base = {
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      types: [],
      lib: ['ES2022', 'DOM', 'DOM.Iterable'],
      target: 'ES2022',
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
    };
    await mkdir(join(project, 'node16'), { recursive: true });
    await mkdir(join(project, 'bundler'), { recursive: true });
    await writeFile(join(project, 'node16/consumer.mts'), consumer);
    await writeFile(join(project, 'node16/consumer.cts'), cjsConsumer);
    await writeFile(
      join(project, 'node16/tsconfig.json'),
      JSON.stringify({ compilerOptions: { ...base, module: 'node16', moduleResolution: 'node16' }, include: ['*.mts', '*.cts'] }),
    );
    await writeFile(join(project, 'bundler/consumer.ts'), consumer);
    await writeFile(join(project, 'bundler/tsconfig.json'), JSON.stringify({ compilerOptions: { ...base, module: 'esnext', moduleResolution: 'bundler' }, include: ['*.ts'] }));
    const node16 = await inProject(process.execPath, [TSC, '-p', 'node16/tsconfig.json', '--listFiles']);
    const bundler = await inProject(process.execPath, [TSC, '-p', 'bundler/tsconfig.json', '--listFiles']);
    // Each resolution took the declarations meant for it, from the throwaway project's node_modules.
    const installed = join(project, 'node_modules/@trendy-tickets');
    expect(node16).toContain(`${installed}/sdk/dist/index.d.ts`);
    expect(node16).toContain(`${installed}/sdk/dist/index.d.cts`);
    expect(node16).toContain(`${installed}/widget/dist/types/index.d.cts`);
    expect(bundler).toContain(`${installed}/widget/dist/types/index.d.ts`);
    expect(`${node16}${bundler}`).not.toContain(`${ROOT}sdk/`);
    expect(`${node16}${bundler}`).not.toContain(`${ROOT}widget/`);
    // The types are real: a wrong one fails to compile.
    await writeFile(join(project, 'bundler/wrong.ts'), "import '@trendy-tickets/widget';\nexport const n: number = document.createElement('tts-checkout').event;\n");
    await expect(inProject(process.execPath, [TSC, '-p', 'bundler/tsconfig.json'])).rejects.toThrow(/wrong\.ts.*TS2322: Type 'string' is not assignable to type 'number'/s);
  });
});

describe.skipIf(!browserAvailable)('the widget bundled into a partner page', () => {
  let browser: Browser;
  let site: Server;
  afterAll(async () => {
    await browser?.close();
    if (site) await new Promise<void>((resolve) => site.close(() => resolve()));
  });

  it("bundles `import '@trendy-tickets/widget'` with rollup and sells a ticket through it in Chromium", async () => {
    await writeFile(
      join(project, 'page.js'),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the page's own source, with its template literal
      "import '@trendy-tickets/widget';\n\ndocument.addEventListener('tts-paid', (event) => {\n  document.getElementById('paid').textContent = `${event.detail.order.status}: ${event.detail.tickets.length}`;\n});\n",
    );
    const bundle = await rollup({ input: join(project, 'page.js'), plugins: [nodeResolve({ browser: true, rootDir: project })] });
    // Every module came from the throwaway project: the package and Lit from its node_modules.
    const modules = bundle.cache!.modules.map((m) => m.id);
    expect(modules.some((id) => id.startsWith(`${project}/node_modules/@trendy-tickets/widget/dist/index.js`))).toBe(true);
    expect(modules.some((id) => id.startsWith(`${project}/node_modules/lit-html/`))).toBe(true);
    expect(modules.filter((id) => !id.startsWith(project))).toEqual([]);
    const script = (await bundle.generate({ format: 'es' })).output[0].code;
    await bundle.close();

    const html = `<!doctype html><title>Partner</title><p id="paid"></p>
<tts-checkout event="${demo.eventId}" key="${demo.publishableKey}" api-base="${server.url}" label="Book tickets"></tts-checkout>
<script type="module" src="/page.js"></script>`;
    // The partner's own origin: another port of 127.0.0.1.
    site = createServer((req, res) => {
      if (req.url === '/page.js') return void res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script);
      res.writeHead(200, { 'Content-Type': 'text/html' }).end(html);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    browser = await launchBrowser();
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`http://127.0.0.1:${(site.address() as AddressInfo).port}/`);
    await page.getByRole('button', { name: 'Book tickets' }).click();
    await page.getByRole('heading', { name: 'Choose tickets' }).waitFor();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Full name').fill('Stranger Danger');
    await page.getByLabel('Email').fill('stranger@example.com');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Code').fill(await mailedCode(server.url, 'stranger@example.com'));
    await page.getByRole('button', { name: 'Pay ₹999.00' }).click();
    await page.getByRole('heading', { name: 'You’re in!' }).waitFor();
    await expect.poll(() => page.locator('#paid').textContent()).toBe('paid: 1');
  });
});
