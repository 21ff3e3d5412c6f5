// Builds @trendy-tickets/sdk into sdk/dist: ESM + CJS for Node, Deno, Bun and edge; a minified
// browser entry; and type declarations for both ESM (.d.ts) and CJS (.d.cts) consumers.
// Run with `npm run build` (or `npx rollup -c`). The SDK has no runtime dependencies to bundle.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import ts from 'typescript';

const root = dirname(fileURLToPath(import.meta.url));
const sdk = join(root, 'sdk');
const dist = join(sdk, 'dist');
const tsconfig = join(sdk, 'tsconfig.build.json');

/**
 * Emits declarations with the TypeScript API, twice: `x.d.ts` for `import` and `x.d.cts`
 * (with `./y.js` specifiers rewritten to `./y.cjs`) for `require`, so TypeScript's `node16`
 * resolution sees each as the module kind its runtime file really is.
 */
function declarations() {
  let done = false;
  return {
    name: 'tts-declarations',
    buildStart() {
      if (done) return;
      done = true;
      rmSync(dist, { recursive: true, force: true });
      const parsed = ts.getParsedCommandLineOfConfigFile(tsconfig, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
      const options = { ...parsed.options, noEmit: false, declaration: true, emitDeclarationOnly: true, declarationMap: false, outDir: dist, rootDir: join(sdk, 'src') };
      const program = ts.createProgram([join(sdk, 'src/index.ts'), join(sdk, 'src/browser.ts')], options);
      const result = program.emit(undefined, (file, text) => {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, text);
        const cjs = text.replace(/(from\s+['"]\.{1,2}\/[^'"]+)\.js(['"])/g, '$1.cjs$2');
        writeFileSync(file.replace(/\.d\.ts$/, '.d.cts'), cjs);
      });
      const errors = ts.getPreEmitDiagnostics(program).concat(result.diagnostics);
      if (errors.length > 0) {
        this.error(ts.formatDiagnosticsWithColorAndContext(errors, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' }));
      }
      this.info?.(`declarations written to ${relative(root, dist)}`);
    },
  };
}

const ts_ = () => typescript({ tsconfig, outDir: undefined, declaration: false, sourceMap: false, removeComments: true, noEmitOnError: true });

export default [
  {
    input: { index: resolve(sdk, 'src/index.ts') },
    plugins: [declarations(), nodeResolve(), ts_()],
    output: [
      { dir: dist, format: 'es', entryFileNames: '[name].js' },
      { dir: dist, format: 'cjs', entryFileNames: '[name].cjs', exports: 'named' },
    ],
  },
  {
    input: { browser: resolve(sdk, 'src/browser.ts') },
    plugins: [nodeResolve({ browser: true }), ts_()],
    output: [
      { dir: dist, format: 'es', entryFileNames: '[name].js', plugins: [terser({ format: { comments: false } })] },
      { dir: dist, format: 'cjs', entryFileNames: '[name].cjs', exports: 'named', plugins: [terser({ format: { comments: false } })] },
    ],
  },
];
