// Builds @trendy-tickets/sdk into sdk/dist: ESM + CJS for Node, Deno, Bun and edge; a minified
// browser entry; and type declarations for both ESM (.d.ts) and CJS (.d.cts) consumers.
// Then @trendy-tickets/widget into widget/dist: the script-tag file (one minified IIFE that
// registers <tts-checkout>, Lit's templates included), the same as a self-contained ES module
// (served as .mjs), and the npm package: ES module and CommonJS with Lit left as an import, with declarations.
// Run with `npm run build` (or `npx rollup -c`). The SDK has no runtime dependencies to bundle.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
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

const widget = join(root, 'widget');
const widgetDist = join(widget, 'dist');

/** The widget's compiler options (decorators, class fields as Lit needs them), read from its tsconfig. */
function widgetOptions() {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(widget, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  return parsed.options;
}

/**
 * Collapses the whitespace inside the widget's `html` and `css` templates. Lit keeps a
 * template's text as written, and terser never touches the inside of a string, so the source's
 * indentation would otherwise ship to every page. Works on the syntax tree, so `${…}` holes and
 * nested templates are left alone. In markup, a line break next to a tag goes (the widget never
 * relies on the space between a tag and a line break) and any other run becomes one space; in
 * CSS, space around `{ } ; , >` and after `:` goes (the stylesheet puts no meaning there), and `0.5` is `.5`.
 */
function minifyTemplates(context) {
  const { factory } = context;
  const squeeze = {
    html: (t) => t.replace(/\s*\n\s*/g, (run, at, all) => (all[at - 1] === '>' || all[at + run.length] === '<' ? '' : ' ')),
    css: (t) =>
      t
        .replace(/\s+/g, ' ')
        .replace(/\s*([{};,>])\s*/g, '$1')
        .replace(/:\s+/g, ':')
        .replace(/;}/g, '}')
        .replace(/([^\w.-])0\.(\d)/g, '$1.$2'),
  };
  const visit = (node) => {
    if (ts.isTaggedTemplateExpression(node) && ts.isIdentifier(node.tag) && node.tag.text in squeeze) {
      const s = squeeze[node.tag.text];
      const t = node.template;
      const part = (p, make) => make(s(p.text), s(p.rawText ?? p.text));
      const template = ts.isNoSubstitutionTemplateLiteral(t)
        ? part(t, (a, b) => factory.createNoSubstitutionTemplateLiteral(a.trim(), b.trim()))
        : factory.createTemplateExpression(
            part(t.head, (a, b) => factory.createTemplateHead(a.trimStart(), b.trimStart())),
            t.templateSpans.map((span, n) =>
              factory.createTemplateSpan(
                ts.visitNode(span.expression, visit),
                n === t.templateSpans.length - 1
                  ? part(span.literal, (a, b) => factory.createTemplateTail(a.trimEnd(), b.trimEnd()))
                  : part(span.literal, (a, b) => factory.createTemplateMiddle(a, b)),
              ),
            ),
          );
      return factory.updateTaggedTemplateExpression(node, node.tag, node.typeArguments, template);
    }
    return ts.visitEachChild(node, visit, context);
  };
  return (file) => ts.visitNode(file, visit);
}

/**
 * Strips the widget's types with `ts.transpileModule`: no type-checking here (`npm run typecheck`
 * does that), so the build is quick enough for the test run to build the bundle every time.
 */
function widgetTranspile() {
  let options;
  return {
    name: 'tts-widget-transpile',
    // Sources import each other as `./x.js` (the ESM convention TypeScript keeps); the file is `./x.ts`.
    resolveId(source, importer) {
      if (!importer?.startsWith(join(widget, 'src')) || !source.startsWith('.') || !source.endsWith('.js')) return null;
      const file = resolve(dirname(importer), source.replace(/\.js$/, '.ts'));
      return existsSync(file) ? file : null;
    },
    transform(code, id) {
      if (!id.startsWith(join(widget, 'src')) || !id.endsWith('.ts')) return null;
      options ??= { ...widgetOptions(), noEmit: false, declaration: false, sourceMap: false, removeComments: true, inlineSourceMap: false };
      const out = ts.transpileModule(code, { compilerOptions: options, fileName: id, transformers: { before: [minifyTemplates] } });
      return { code: out.outputText, map: null };
    },
  };
}

/** Where the package's declarations go: `dist/types/`, apart from the script-tag files served by the server. */
const widgetTypes = join(widgetDist, 'types');

/**
 * Writes the package's declarations with the TypeScript API into `dist/types/`. The widget uses
 * the SDK's wire types, and the SDK is not one of its dependencies (the bundle carries the little
 * SDK code it runs), so those types ship inside the package as `sdk-types.d.ts` and every
 * `'@trendy-tickets/sdk'` specifier points there. `lit-html` is Lit's own dependency, not ours,
 * so the declarations name Lit's `lit/html.js`, which re-exports it: an installed widget
 * type-checks on its own, under any package manager.
 */
function widgetDeclarations() {
  let done = false;
  return {
    name: 'tts-widget-declarations',
    generateBundle() {
      if (done) return;
      done = true;
      rmSync(widgetTypes, { recursive: true, force: true });
      const write = (file, text) => {
        mkdirSync(dirname(file), { recursive: true });
        const local = relative(dirname(file), join(widgetTypes, 'sdk-types.js')).replaceAll('\\', '/');
        writeFileSync(
          file,
          text
            .replace(/(from\s+)['"]@trendy-tickets\/sdk['"]/g, `$1'${local.startsWith('.') ? local : `./${local}`}'`)
            .replace(/import\((['"])lit-html\1\)/g, "import('lit/html.js')"),
        );
      };
      const options = { ...widgetOptions(), noEmit: false, declaration: true, emitDeclarationOnly: true, declarationMap: false, outDir: widgetTypes, rootDir: join(widget, 'src') };
      const program = ts.createProgram([join(widget, 'src/index.ts')], options);
      program.emit(undefined, write);
      const types = ts.sys.readFile(join(sdk, 'src/types.ts'));
      write(join(widgetTypes, 'sdk-types.d.ts'), ts.transpileDeclaration(types, { fileName: 'types.ts', compilerOptions: options }).outputText);
      writeFileSync(join(widgetTypes, 'index.d.cts'), commonJsDeclarations(program, join(widget, 'src/index.ts')));
    },
  };
}

/**
 * `index.d.cts`, for `require('@trendy-tickets/widget')`: the ES module's declarations, named
 * again. Not a second copy of them: the element class and its global entries
 * (`HTMLElementTagNameMap`, the `tts-*` events) must be declared once, or a program that sees
 * both copies fails to compile, and Lit's declarations are ES modules that a CommonJS file may
 * only import by type, with `resolution-mode`.
 */
function commonJsDeclarations(program, entry) {
  const checker = program.getTypeChecker();
  const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(entry)));
  const values = [];
  const types = [];
  for (const symbol of exports) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    (target.flags & ts.SymbolFlags.Value ? values : types).push(symbol.name);
  }
  const from = "from './index.js' with { 'resolution-mode': 'import' }";
  return [
    "// For require(): the ES module's declarations, named again, so that the element and its global entries are declared once.",
    ...values.map((name) => `import type { ${name} as Esm${name} } ${from};`),
    `export type { ${types.join(', ')} } ${from};`,
    ...values.flatMap((name) => [`export declare const ${name}: typeof Esm${name};`, `export type ${name} = Esm${name};`]),
    '',
  ].join('\n');
}

/**
 * Lit's production build, always: node-resolve would pick Lit's development build (bigger, and
 * noisy in the console) whenever NODE_ENV is set to anything but `production`, as test runners do.
 */
const widgetResolve = () => nodeResolve({ browser: true, exportConditions: ['production'] });
const widgetTerser = (module) => terser({ module, ecma: 2020, compress: { passes: 2 }, format: { comments: false } });
const widgetInput = resolve(widget, 'src/index.ts');

/** The widget's builds; the test run builds exactly these (see server/test/widget/global-setup.ts). */
export const widgetBuilds = [
  {
    input: resolve(widget, 'src/script-tag.ts'),
    plugins: [widgetResolve(), widgetTranspile()],
    output: { file: join(widgetDist, 'tts-checkout.js'), format: 'iife', plugins: [widgetTerser(false)] },
  },
  {
    input: widgetInput,
    plugins: [widgetResolve(), widgetTranspile()],
    output: { file: join(widgetDist, 'tts-checkout.mjs'), format: 'es', plugins: [widgetTerser(true)] },
  },
  // The page's options (items, ticket-types, tracking, open()'s), fetched only by checkouts that use them (widget/src/options.ts).
  {
    input: resolve(widget, 'src/options.ts'),
    plugins: [widgetResolve(), widgetTranspile()],
    output: { file: join(widgetDist, 'tts-checkout.options.js'), format: 'es', plugins: [widgetTerser(true)] },
  },
  // Razorpay's handler, fetched on a live checkout's first Pay press (widget/src/pay-handler.ts `lazyHandler`).
  {
    input: resolve(widget, 'src/razorpay-handler.ts'),
    plugins: [widgetResolve(), widgetTranspile()],
    output: { file: join(widgetDist, 'tts-checkout.razorpay.js'), format: 'es', plugins: [widgetTerser(true)] },
  },
  // The extras (the promo code field), fetched on first need; they render with the main bundle's Lit (widget/src/extras.ts).
  {
    input: resolve(widget, 'src/extras.ts'),
    plugins: [widgetResolve(), widgetTranspile()],
    output: { file: join(widgetDist, 'tts-checkout.extras.js'), format: 'es', plugins: [widgetTerser(true)] },
  },
  // The attendee names and questions, fetched only for events that ask them (widget/src/attendees.ts).
  {
    input: resolve(widget, 'src/attendees.ts'),
    plugins: [widgetResolve(), widgetTranspile()],
    output: { file: join(widgetDist, 'tts-checkout.attendees.js'), format: 'es', plugins: [widgetTerser(true)] },
  },
  // The waiting-list form, fetched when a buyer asks to join the list of a sold-out type (widget/src/waitlist.ts).
  {
    input: resolve(widget, 'src/waitlist.ts'),
    plugins: [widgetResolve(), widgetTranspile()],
    output: { file: join(widgetDist, 'tts-checkout.waitlist.js'), format: 'es', plugins: [widgetTerser(true)] },
  },
  // The Hindi words, fetched by `locale="hi"` checkouts only (widget/src/i18n.ts).
  {
    input: resolve(widget, 'src/locales/hi.ts'),
    plugins: [widgetResolve(), widgetTranspile()],
    output: { file: join(widgetDist, 'tts-checkout.hi.js'), format: 'es', plugins: [widgetTerser(true)] },
  },
  {
    input: widgetInput,
    // The npm package (`import '@trendy-tickets/widget'`): Lit stays an import, so a partner's
    // bundler shares one copy of it with the rest of their page.
    external: [/^lit(\/|$)/, /^lit-html(\/|$)/],
    plugins: [widgetTranspile(), widgetDeclarations()],
    output: [
      { file: join(widgetDist, 'index.js'), format: 'es' },
      { file: join(widgetDist, 'index.cjs'), format: 'cjs' },
    ],
  },
];

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
  ...widgetBuilds,
];
